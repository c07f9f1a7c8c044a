// The Calls end-to-end story in real Chromium, written once and run per media mode (embedded.test.ts,
// rtcd.test.ts, which can run in parallel). One world per mode; each scenario has its own call and ends
// with both metrics endpoints back to idle. Needs `npm run build` (dist code and the browser bundles).
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { MediaMode } from '../../../plugin/test/helpers/media-modes.js';
import { Cast } from './cast.js';
import { dmRinging } from './scenarios/dm-ringing.js';
import { hostControls } from './scenarios/host-controls.js';
import { webSocketCut } from './scenarios/reconnect.js';
import { referenceClientInterop } from './scenarios/reference-client.js';
import { overlappingRenegotiations } from './scenarios/renegotiation.js';
import { screenShare } from './scenarios/screen.js';
import { statsPage } from './scenarios/stats.js';
import { threeUsersVoiceCall } from './scenarios/voice.js';

export function callsE2ESuite(mode: MediaMode, opts: { screenshots: boolean }): void {
  describe(`Calls in Chromium (${mode.name} media)`, () => {
    let cast: Cast;

    before(async () => {
      cast = await Cast.start(mode, opts);
    });
    after(async () => {
      await cast?.close();
    });

    /** Runs a scenario; when it fails, everyone is taken out of calls so the next one is judged alone. */
    const scenario = (name: string, run: (c: Cast) => Promise<unknown>) =>
      it(name, async () => {
        try {
          await run(cast);
        } catch (err) {
          await cast.reset();
          throw err;
        }
      });

    scenario('the reference client (calls-common RTCPeer) joins our users’ call and exchanges voice', referenceClientInterop);
    scenario('three users join from the channel header: voice, mute, speaking, hand, reaction', threeUsersVoiceCall);
    scenario('a shared screen is decoded by the others and stops cleanly', screenShare);
    scenario('mutes, unmutes and screen shares that overlap (with the reference client) leave everyone hearing and seeing', overlappingRenegotiations);
    scenario('the host mutes, removes and ends the call; the post shows "Call ended"', hostControls);
    scenario('a cut WebSocket reconnects and the call goes on without a new join', webSocketCut);
    scenario('a DM call rings the other user, who joins from the notice', dmRinging);
    scenario('the statistics page shows the calls just made', async (c) => {
      const shown = await statsPage(c);
      assert.ok(shown >= 7, `seven calls were made, the page says ${shown}`);
    });
  });
}
