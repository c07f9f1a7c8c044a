// The rtcd media mode of the plugin's shared call suites (plugin/test/helpers/call-suites.ts): a real rtcd
// daemon per world, with self-registration, and the plugin pointed at it through MM_CALLS_RTCD_SERVICE_URL.
import type { MediaMode } from '../../helpers/media-modes.js';
import { RtcdProcess } from './rtcd-process.js';

/** Started daemons by world, for suites that act on the daemon itself (kill, restart). */
export const daemons: RtcdProcess[] = [];

export const rtcdMode: MediaMode = {
  name: 'rtcd',
  sfuInPlugin: false,
  async start() {
    const rtcd = await RtcdProcess.start();
    daemons.push(rtcd);
    return {
      env: { MM_CALLS_RTCD_SERVICE_URL: `http://127.0.0.1:${rtcd.apiPort}` },
      stop: () => rtcd.stop(),
    };
  },
};
