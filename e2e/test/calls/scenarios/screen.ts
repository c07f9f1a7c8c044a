// Scenario 2: one user shares their screen (Chromium's fake 1280×720 screen); the others decode it
// (inbound-rtp framesDecoded > 0) and see it large in the expanded view; stopping removes it for everyone
// and from the SFU, while the call goes on.
import assert from 'node:assert/strict';
import type { Cast } from '../cast.js';
import { wsEventDelta } from '../cast.js';
import { leaveAll } from './common.js';

export async function screenShare(cast: Cast): Promise<void> {
  const { w } = cast;
  const channel = await cast.channel('Design review', 'alice', ['bob', 'carol'], 'Mockups and screen walkthroughs.');
  const before = await w.metrics.snapshot();
  const alice = await cast.ui('alice', channel);
  const bob = await cast.ui('bob', channel);
  const carol = await cast.ui('carol', channel);
  await alice.joinFromHeader();
  await bob.joinFromHeader();
  await carol.joinFromHeader();
  const everyone = [alice, bob, carol];

  await bob.shareScreen();
  for (const u of [alice, carol]) {
    const video = await u.seesScreen(bob.sessionId);
    assert.equal(video.frameWidth > 0 && video.frameHeight > 0, true);
    await u.seesParticipant(bob.sessionId, { sharing: 'true' });
  }
  // carol's widget shows a preview of the shared screen.
  await carol.page.locator(`[data-testid="calls-widget-screen-preview"][data-session-id="${bob.sessionId}"]`).waitFor();
  const sharing = await w.metrics.until('a screen track in, two out', (m) => m.tracks('in', 'video/VP8') === 1 && m.tracks('out', 'video/VP8') === 2);
  assert.ok(sharing.rtpPackets('in', 'screen') > 0, 'the SFU counts screen packets');

  // alice opens the expanded view: the screen is shown large, and plays (the <video> has frames).
  const view = await alice.expand();
  await view.and(alice.page.locator('[data-layout="screen"]')).waitFor();
  const screenVideo = alice.page.locator(`[data-testid="calls-screen-video"][data-session-id="${bob.sessionId}"]`);
  await screenVideo.waitFor();
  await alice.page.waitForFunction((el) => (el as HTMLVideoElement).videoWidth > 0 && !(el as HTMLVideoElement).paused, await screenVideo.elementHandle(), { timeout: 30_000 });
  await alice.page.getByTestId('calls-speaker-strip').waitFor();
  await cast.screenshot('alice', 'expanded-screen-share.png');

  // bob stops: the screen leaves everyone's UI and the SFU; the call continues.
  await bob.stopScreen();
  await view.and(alice.page.locator('[data-layout="grid"]')).waitFor();
  await screenVideo.waitFor({ state: 'detached' });
  await carol.page.getByTestId('calls-widget-screen-preview').waitFor({ state: 'detached' });
  for (const u of [alice, carol]) await u.seesParticipant(bob.sessionId, { sharing: 'false' });
  await w.metrics.until('no video track left, three sessions still in the call', (m) => m.tracks('in', 'video/VP8') === 0 && m.tracks('out', 'video/VP8') === 0 && m.sessions === 3);
  await alice.tid('calls-expanded-close').click();
  await alice.widget.waitFor();

  const after = await w.metrics.snapshot();
  assert.equal(wsEventDelta(before, after, 'in', 'screen_on'), 1);
  assert.equal(wsEventDelta(before, after, 'in', 'screen_off'), 1);
  assert.equal(wsEventDelta(before, after, 'out', 'user_screen_on'), 1);
  assert.equal(wsEventDelta(before, after, 'out', 'user_screen_off'), 1);
  await leaveAll(cast, everyone, channel);
}
