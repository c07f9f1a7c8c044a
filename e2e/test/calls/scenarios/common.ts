// Endings every scenario shares: people leave, the call post says the call ended, and both metrics
// endpoints return to idle (no session, call, track or browser link left behind).
import assert from 'node:assert/strict';
import type { Channel } from '@mattermost/types/channels';
import type { Locator } from 'playwright-core';
import type { CallsUser } from '../../support/calls-ui.js';
import type { MetricsSnapshot } from '../../support/metrics.js';
import type { Cast } from '../cast.js';

/** The `custom_calls` post card of the channel's latest call, as `u` sees it (u must be on the channel). */
export function postCard(u: CallsUser): Locator {
  return u.page.getByTestId('calls-post-card').last();
}

/** The card shows the call ended: "Call ended" and a duration. */
export async function seesCallEnded(u: CallsUser): Promise<void> {
  const card = postCard(u);
  await card.and(u.page.locator('[data-state="ended"]')).waitFor();
  await card.getByTestId('calls-post-ended').getByText('Call ended').waitFor();
  // The end time arrives with the post's update, right after the call state says it is over.
  await card.getByTestId('calls-post-duration').filter({ hasText: /Lasted (a few seconds|\d+ (minute|hour))/ }).waitFor();
}

/** Both endpoints at idle, with the scenario's counters consistent. */
export async function metricsIdle(cast: Cast): Promise<MetricsSnapshot> {
  const m = await cast.w.metrics.idle();
  assert.equal(m.tracks('in', 'audio/opus') + m.tracks('out', 'audio/opus') + m.tracks('in', 'video/VP8') + m.tracks('out', 'video/VP8'), 0);
  if (cast.w.rtcd) assert.equal(m.r('rtc_sessions_total'), 0, 'rtcd has no session left');
  return m;
}

/** Everyone still in the call leaves from the widget; the card shows the end; metrics are idle. */
export async function leaveAll(cast: Cast, users: CallsUser[], channel: Channel): Promise<void> {
  for (const u of users) if (u.sessionId) await u.leave();
  for (const u of users) {
    await u.callButton.and(u.page.locator('[data-state="start"]')).waitFor();
    await seesCallEnded(u);
  }
  await metricsIdle(cast);
}
