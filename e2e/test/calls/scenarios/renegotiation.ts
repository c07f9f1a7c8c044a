// Scenario: renegotiations that overlap. Three users of our UI and the reference client (calls-common
// RTCPeer) unmute, mute and start/stop screen shares at the same moment and in quick succession. Each of
// these adds or removes tracks, so the SFU's offers cross the clients' own (DC lock, polite browser vs
// impolite SFU, one header-extension numbering per BUNDLE). Afterwards everyone hears every unmuted voice
// and sees the shared screen, no browser printed an error, the SFU counted no signaling error, and the
// track gauges return to zero once they leave.
import assert from 'node:assert/strict';
import type { Channel } from '@mattermost/types/channels';
import type { Page } from 'playwright-core';
import { waitFor } from '../../../../rtcd/test/helpers/wait.js';
import type { CallsUser } from '../../support/calls-ui.js';
import { describePeers, pageInbound, type InboundVideo } from '../../support/media-stats.js';
import type { MetricsSnapshot } from '../../support/metrics.js';
import type { Cast } from '../cast.js';
import { ConsoleWatch } from '../console-watch.js';
import { leaveAll } from './common.js';

/** The SFU error types a failed or conflicting negotiation is counted under. */
const SIGNALING_ERRORS = ['signaling', 'signaling_lock_timeout', 'track'] as const;

export async function overlappingRenegotiations(cast: Cast): Promise<void> {
  const channel = await cast.channel('Launch rehearsal', 'alice', ['bob', 'carol', 'dave'], 'Everyone talks and shares at once.');
  const alice = await cast.ui('alice', channel);
  const bob = await cast.ui('bob', channel);
  const carol = await cast.ui('carol', channel);
  const consoles = new ConsoleWatch();
  let printed: string[];
  try {
    for (const u of [alice, bob, carol]) consoles.watch(u.name, u.page);
    await story(cast, { alice, bob, carol }, channel, consoles);
  } finally {
    printed = consoles.stop();
  }
  assert.deepEqual(printed, [], 'no browser printed an error');
}

type Users = Record<'alice' | 'bob' | 'carol', CallsUser>;

async function story(cast: Cast, { alice, bob, carol }: Users, channel: Channel, consoles: ConsoleWatch): Promise<void> {
  const { w } = cast;
  const ui = [alice, bob, carol];
  const before = await w.metrics.snapshot();

  await alice.joinFromHeader();
  await Promise.all([bob.joinFromHeader(), carol.joinFromHeader()]);
  const ref = await cast.reference('dave', channel);
  consoles.watch('dave (reference client)', ref.page);
  const daveSession = await ref.joined();
  await w.metrics.until('four sessions', (m) => m.sessions === 4);

  // At the same moment: three voices are added and a screen share starts.
  await Promise.all([alice.unmute(), bob.unmute(), ref.unmute(), carol.shareScreen()]);
  for (const u of [alice, bob]) await u.seesParticipant(carol.sessionId, { sharing: 'true' });

  // In quick succession, everyone at once: mute/unmute flips, the share stops and another starts, then its
  // sharer stops and shares again.
  await Promise.all([
    (async () => {
      for (let i = 0; i < 2; i++) {
        await alice.mute();
        await alice.unmute();
      }
    })(),
    (async () => {
      await ref.mute();
      await ref.unmute();
      await ref.mute();
      await ref.unmute();
    })(),
    (async () => {
      await carol.stopScreen();
      await carol.unmute();
    })(),
    (async () => {
      await bob.mute();
      await bob.unmute();
      // One sharer at a time: bob's share starts once the server told him carol's ended.
      await bob.seesParticipant(carol.sessionId, { sharing: 'false' });
      await bob.shareScreen();
      await bob.stopScreen();
      await bob.shareScreen();
    })(),
  ]);

  // Everyone hears each unmuted voice (its voice track, not the screen's audio) and sees bob's screen.
  const voices = [alice.sessionId, bob.sessionId, carol.sessionId, daveSession];
  for (const u of ui) {
    for (const other of voices.filter((s) => s !== u.sessionId)) await u.hears({ from: [`voice_${other}`] });
  }
  for (const other of [alice.sessionId, bob.sessionId, carol.sessionId]) await ref.hears({ from: [`voice_${other}`] });
  for (const [who, page] of [['alice', alice.page], ['carol', carol.page], ['dave (reference client)', ref.page]] as const) {
    const video = await seesLiveScreen(who, page, bob.sessionId);
    assert.ok(video.frameWidth > 0 && video.frameHeight > 0);
  }
  for (const u of [alice, carol]) {
    await u.seesParticipant(bob.sessionId, { sharing: 'true', muted: 'false' });
    await u.seesParticipant(carol.sessionId, { sharing: 'false', muted: 'false' });
    await u.seesParticipant(daveSession, { muted: 'false' });
  }
  await w.metrics.until('one screen in, three out; four voices in', (m) => m.tracks('in', 'video/VP8') === 1 && m.tracks('out', 'video/VP8') === 3 && m.tracks('in', 'audio/opus') >= 4);

  // The sharer stops while the reference client mutes and leaves: the others keep hearing each other.
  await Promise.all([bob.stopScreen(), ref.mute().then(() => ref.leave(w))]);
  await w.metrics.until('no video track, three sessions', (m) => m.tracks('in', 'video/VP8') === 0 && m.tracks('out', 'video/VP8') === 0 && m.sessions === 3);
  await carol.hears({ from: [`voice_${bob.sessionId}`] });
  await bob.hears({ from: [`voice_${alice.sessionId}`] });

  // Nothing went wrong on the way, as the browsers and the SFU saw it.
  for (const u of ui) {
    const errors = await u.page.evaluate(() => (window as unknown as { callsDebug: { errors: Record<string, number> } }).callsDebug.errors);
    assert.equal(errors.negotiation, 0, `${u.name}: no failed negotiation`);
    assert.equal(errors.dcMessages, 0, `${u.name}: no bad data channel message`);
  }
  const during = await w.metrics.snapshot();
  for (const type of SIGNALING_ERRORS) assert.equal(sfuErrors(during, type) - sfuErrors(before, type), 0, `SFU ${type} errors`);

  await leaveAll(cast, ui, channel);
}

function sfuErrors(m: MetricsSnapshot, type: string): number {
  return m.sfuValue('rtc_errors_total', { type });
}

/**
 * Waits until `page` decodes new frames of `sender`'s screen track: framesDecoded rising past a first
 * reading (a share that ended keeps its last stats, which do not rise).
 */
async function seesLiveScreen(who: string, page: Page, sender: string): Promise<InboundVideo> {
  const first = new Map<string, number>();
  let last: InboundVideo[] = [];
  try {
    return await waitFor(
      `${who} decoding ${sender}'s screen`,
      async () => {
        last = (await pageInbound(page)).video.filter((v) => v.trackIdentifier.startsWith(`screen_${sender}`));
        for (const v of last) {
          const f = first.get(v.trackIdentifier);
          if (f === undefined) first.set(v.trackIdentifier, v.framesDecoded);
          else if (v.framesDecoded >= f + 5 && v.frameWidth > 0) return v;
        }
        return undefined;
      },
      40_000,
      250,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; last inbound video: ${JSON.stringify(last)}; peers: ${await describePeers(page).catch(() => '?')}`);
  }
}
