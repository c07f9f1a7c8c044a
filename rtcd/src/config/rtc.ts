import type { RtcServerConfig } from '../rtc/types.js';
import type { RtcdConfig } from './types.js';

/** The `[rtc]` section as the SFU library takes it (our daemon-only keys removed). */
export function toRtcServerConfig(c: RtcdConfig): RtcServerConfig {
  const { drainTimeoutSeconds: _drain, ...rtc } = c.rtc;
  return structuredClone(rtc);
}
