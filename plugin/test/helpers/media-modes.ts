// The media modes the shared call suites run in. A mode brings up what it needs (nothing for the embedded
// SFU; rtcd daemons for rtcd mode, provided by plugin/test/rtcd) and returns the plugin's environment.
import { embeddedEnv } from './harness.js';

export interface MediaModeRun {
  /** Environment of the plugin process (MM_CALLS_*). */
  env: Record<string, string>;
  stop(): Promise<void>;
}

export interface MediaMode {
  name: string;
  /** Whether the SFU metric families (rtc_*) are this plugin process's (embedded) or rtcd's. */
  sfuInPlugin: boolean;
  start(stunUrl: string): Promise<MediaModeRun>;
}

export const embeddedMode: MediaMode = {
  name: 'embedded',
  sfuInPlugin: true,
  async start(stunUrl) {
    return { env: await embeddedEnv(stunUrl), stop: async () => undefined };
  },
};
