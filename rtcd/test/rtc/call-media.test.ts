// A real call through the SFU (media workers, werift clients on loopback): voice forwarding, mute/unmute,
// VAD, screen sharing with keyframe requests, a refused second sharer, leaving — and at every step the
// metrics equal what the clients saw, back to zero at the end.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { MessageType, type SessionCloseReason, type SessionConfig } from '@calls-ts/rtcd/rtc';
import type { CallsTestClient } from '../helpers/calls-client.js';
import { LEVELS } from '../helpers/media-sources.js';
import { metricValue } from '../helpers/metrics-reader.js';
import { startTestSfu, type TestSfu } from '../helpers/server-link.js';
import { waitFor } from '../helpers/wait.js';

const G = { group_id: 'default' };

describe('a call through the SFU', () => {
  let sfu: TestSfu;
  let a: CallsTestClient;
  let b: CallsTestClient;
  let c: CallsTestClient;
  let d: CallsTestClient;
  const closed: [SessionConfig, SessionCloseReason][] = [];
  const m = (name: string, labels: Record<string, string> = {}): Promise<number> => metricValue(sfu.registry, name, labels);
  const tracks = (direction: string, type: string): Promise<number> => m('rtcd_rtc_rtp_tracks_total', { ...G, direction, type });
  /** Waits until `client` stops receiving from `from` while `from` keeps sending. */
  const stopsReceiving = (client: CallsTestClient, from: CallsTestClient, type: string) =>
    waitFor(`${type} from ${from.sessionID} to stop reaching ${client.sessionID}`, async () => {
      const before = client.received.packets(from.sessionID, type);
      const sent = type === 'voice' ? from.voicePacketsSent : from.keyframesSent;
      await waitFor('more packets sent', () => (type === 'voice' ? from.voicePacketsSent >= sent + 15 : true));
      return client.received.packets(from.sessionID, type) === before;
    });

  before(async () => {
    sfu = await startTestSfu({ config: { mediaWorkers: 2 } });
    sfu.server.on('sessionClosed', (cfg, reason) => closed.push([cfg, reason]));
  });

  after(async () => {
    await sfu?.close();
  });

  it('three sessions join and connect', async () => {
    a = await sfu.link.join({ callID: 'call-1' });
    b = await sfu.link.join({ callID: 'call-1' });
    c = await sfu.link.join({ callID: 'call-1', props: { dcSignaling: true } });
    await waitFor('all connected with an open data channel', () => [a, b, c].every((x) => x.connectionState === 'connected' && x.dcOpen));
    assert.equal(sfu.server.sessionCount, 3);
    assert.equal(sfu.server.callCount, 1);
    assert.equal(await m('rtcd_rtc_sessions_total', G), 3);
    assert.equal(await m('rtcd_rtc_calls_total', G), 1);
    assert.equal(await m('rtcd_rtc_conn_states_total', { type: 'connected', state: 'connected' }), 3);
    assert.equal(await m('rtcd_rtc_connection_time_count', G), 3);
    assert.equal(await m('rtcd_rtc_dc_open_time_count', G), 3);
    assert.equal(await tracks('in', 'audio/opus'), 0);
    assert.deepEqual(sfu.server.getSessionConfigs('default', 'call-1').map((s) => s.sessionID).sort(), [a, b, c].map((x) => x.sessionID).sort());
  });

  it('an unmuted participant is heard by the others (Opus, no extension leak, VoiceOn)', async () => {
    await a.unmute(LEVELS.speech);
    await waitFor('B and C receive A', () => b.received.packets(a.sessionID, 'voice') >= 25 && c.received.packets(a.sessionID, 'voice') >= 25);
    assert.equal(a.received.tracks.length, 0, 'A does not receive itself');
    for (const x of [b, c]) {
      const [t] = x.received.from(a.sessionID, 'voice');
      assert.match(t!.trackID, new RegExp(`^voice_${a.sessionID}_[a-z0-9]{8}$`));
      assert.equal(t!.streamID, a.sessionID);
      assert.equal(t!.withAudioLevel, 0, "the sender's audio-level extension does not leak to receivers");
      assert.deepEqual(x.mediaMap[t!.mid], { type: 'voice', sender_id: a.sessionID });
    }
    assert.equal(await tracks('in', 'audio/opus'), 1);
    assert.equal(await tracks('out', 'audio/opus'), 2);
    assert.ok((await m('rtcd_rtc_rtp_tracks_writes_time_count', { ...G, type: 'voice' })) > 0);
    await waitFor('VoiceOn for A', () => a.voiceEvents.includes(true));
    assert.ok(sfu.link.messages.some((msg) => msg.sessionID === a.sessionID && msg.type === MessageType.VoiceOn && msg.callID === 'call-1'));
  });

  it('mute stops forwarding (and reports VoiceOff); unmute resumes', async () => {
    const offBefore = a.voiceEvents.filter((v) => !v).length;
    a.mute({ keepSending: true });
    await stopsReceiving(b, a, 'voice');
    await stopsReceiving(c, a, 'voice');
    await waitFor('VoiceOff on mute', () => a.voiceEvents.filter((v) => !v).length > offBefore);
    const inWhileMuted = await m('rtcd_rtc_rtp_packets_total', { direction: 'in', type: 'voice' });
    await waitFor('muted packets still counted as received', async () => (await m('rtcd_rtc_rtp_packets_total', { direction: 'in', type: 'voice' })) > inWhileMuted + 10);

    const b0 = b.received.packets(a.sessionID, 'voice');
    await a.unmute(LEVELS.speech);
    await waitFor('voice resumes', () => b.received.packets(a.sessionID, 'voice') >= b0 + 20 && c.received.packets(a.sessionID, 'voice') >= b0 + 20);
  });

  it('silence turns voice activity off', async () => {
    await waitFor('VoiceOn again', () => a.voiceEvents.at(-1) === true);
    a.setAudioLevels(LEVELS.silence);
    await waitFor('VoiceOff after silence', () => a.voiceEvents.at(-1) === false);
  });

  it('packet counters equal what was sent and received', async () => {
    a.mute();
    let last = -1;
    await waitFor('traffic settles', async () => {
      const now = b.received.packets(a.sessionID, 'voice') + c.received.packets(a.sessionID, 'voice') + (await m('rtcd_rtc_rtp_packets_total'));
      const settled = now === last;
      last = now;
      return settled;
    }, 20_000, 400);
    assert.equal(await m('rtcd_rtc_rtp_packets_total', { direction: 'in', type: 'voice' }), a.voicePacketsSent);
    const delivered = b.received.packets(a.sessionID, 'voice') + c.received.packets(a.sessionID, 'voice');
    assert.equal(await m('rtcd_rtc_rtp_packets_total', { direction: 'out', type: 'voice' }), delivered);
    const bytesOut = b.received.from(a.sessionID, 'voice')[0]!.bytes + c.received.from(a.sessionID, 'voice')[0]!.bytes;
    assert.equal(await m('rtcd_rtc_rtp_bytes_total', { direction: 'out', type: 'voice' }), bytesOut);
    await a.unmute(LEVELS.speech);
  });

  it('a screen share (video and audio) reaches the others, with a keyframe requested from the sharer', async () => {
    await b.startScreen({ audio: true, announceFirst: true });
    await waitFor('A and C receive the screen', () => a.received.packets(b.sessionID, 'screen') >= 10 && c.received.packets(b.sessionID, 'screen') >= 10);
    await waitFor('A and C receive the screen audio', () => a.received.packets(b.sessionID, 'screen-audio') >= 10 && c.received.packets(b.sessionID, 'screen-audio') >= 10);
    await waitFor('keyframes reach both viewers', () => a.received.keyframes(b.sessionID) >= 1 && c.received.keyframes(b.sessionID) >= 1);
    assert.ok(b.plisReceived >= 1, 'the SFU asked the sharer for a keyframe');
    for (const x of [a, c]) {
      const [t] = x.received.from(b.sessionID, 'screen');
      assert.match(t!.trackID, new RegExp(`^screen_${b.sessionID}_[a-z0-9]{8}$`));
      assert.equal(t!.streamID, b.sessionID);
      assert.deepEqual([...t!.mids], [t!.mid], "packets carry the receiver's own mid, not the sharer's");
      assert.match(x.received.from(b.sessionID, 'screen-audio')[0]!.trackID, new RegExp(`^screen-audio_${b.sessionID}_[a-z0-9]{8}$`));
      assert.equal(x.received.packets(b.sessionID, 'voice'), 0, 'screen audio is not voice');
    }
    assert.equal(await tracks('in', 'video/VP8'), 1);
    assert.equal(await tracks('out', 'video/VP8'), 2);
    assert.equal(await tracks('in', 'audio/opus'), 2);
    assert.equal(await tracks('out', 'audio/opus'), 4);
    assert.ok((await m('rtcd_rtc_rtcp_packets_total', { direction: 'out', type: 'pli' })) >= 1);
    assert.ok((await m('rtcd_rtc_rtp_packets_total', { direction: 'out', type: 'screen-audio' })) > 0);
  });

  it('a viewer who joins later gets voice, the screen and a fresh keyframe', async () => {
    const plis = b.plisReceived;
    d = await sfu.link.join({ callID: 'call-1' });
    await waitFor('D receives A and B', () => d.received.packets(a.sessionID, 'voice') >= 10 && d.received.packets(b.sessionID, 'screen') >= 5);
    await waitFor('D decodes from a keyframe', () => d.received.keyframes(b.sessionID) >= 1);
    assert.ok(b.plisReceived > plis, 'the join triggered a new keyframe request');
    assert.equal(await tracks('out', 'video/VP8'), 3);
    assert.equal(await tracks('out', 'audio/opus'), 6);
  });

  it("viewers' keyframe requests reach the sharer at most once per second", async () => {
    const plisIn = await m('rtcd_rtc_rtcp_packets_total', { direction: 'in', type: 'pli' });
    await waitFor('no keyframe request in flight', async () => {
      const n = b.plisReceived;
      await new Promise((r) => setTimeout(r, 1200));
      return b.plisReceived === n;
    });
    const before = b.plisReceived;
    for (let i = 0; i < 10; i++) a.requestKeyframe(b.sessionID);
    await waitFor('the SFU got the 10 requests', async () => (await m('rtcd_rtc_rtcp_packets_total', { direction: 'in', type: 'pli' })) >= plisIn + 10);
    await waitFor('the sharer got a request', () => b.plisReceived > before);
    await new Promise((r) => setTimeout(r, 2500));
    assert.ok(b.plisReceived - before <= 2, `10 requests collapse into at most 2 (got ${b.plisReceived - before})`);
  });

  it('a second sharer is refused while one shares', async () => {
    const refusals = await m('rtcd_rtc_errors_total', { ...G, type: 'screen_rejected' });
    await c.startScreen();
    await waitFor('refusal counted', async () => (await m('rtcd_rtc_errors_total', { ...G, type: 'screen_rejected' })) === refusals + 1);
    await waitFor('C sends frames', () => c.screenPacketsSent >= 1);
    const fromB = a.received.packets(b.sessionID, 'screen');
    const fromC = c.screenPacketsSent;
    await waitFor('time for C frames to have arrived', () => a.received.packets(b.sessionID, 'screen') >= fromB + 20 && c.screenPacketsSent >= fromC + 20);
    assert.equal(a.received.packets(c.sessionID, 'screen'), 0);
    assert.equal(await tracks('in', 'video/VP8'), 1);
    await c.stopScreen();
  });

  it('screen off stops the screen for everyone, even if the sharer keeps sending', async () => {
    b.sendControl(MessageType.ScreenOff);
    await waitFor('screen tracks gone', async () => (await tracks('out', 'video/VP8')) === 0 && (await tracks('in', 'video/VP8')) === 0);
    await waitFor('screen audio gone', async () => (await tracks('in', 'audio/opus')) === 1 && (await tracks('out', 'audio/opus')) === 3);
    await waitFor('no more screen packets reach the viewers', async () => {
      const seen = a.received.packets(b.sessionID, 'screen') + d.received.packets(b.sessionID, 'screen');
      const sent = b.screenPacketsSent;
      await waitFor('B keeps sending video', () => b.screenPacketsSent >= sent + 10);
      return a.received.packets(b.sessionID, 'screen') + d.received.packets(b.sessionID, 'screen') === seen;
    });
    await waitFor('viewers saw the screen m-line removed', () => Object.values(a.mediaMap).every((t) => t.type !== 'screen'));
    await b.stopScreen();
  });

  it('leaving closes the session (sessionClosed) and unpublishes its tracks', async () => {
    await sfu.link.leave(d);
    await waitFor('sessionClosed for D', () => closed.some(([cfg]) => cfg.sessionID === d.sessionID));
    assert.equal(closed.find(([cfg]) => cfg.sessionID === d.sessionID)![1], 'closed');
    assert.equal(await m('rtcd_rtc_sessions_total', G), 3);
    await sfu.link.leave(a);
    await waitFor('A voice unpublished', async () => (await tracks('in', 'audio/opus')) === 0 && (await tracks('out', 'audio/opus')) === 0);
    await waitFor('receivers saw the track removed', () => b.mediaMap && Object.values(b.mediaMap).every((t) => t.sender_id !== a.sessionID));
  });

  it('when everyone has left, every gauge is back to zero', async () => {
    await sfu.link.leave(b);
    await sfu.link.leave(c);
    await waitFor('all sessions closed', () => closed.length === 4);
    assert.equal(sfu.server.sessionCount, 0);
    assert.equal(sfu.server.callCount, 0);
    assert.equal(await m('rtcd_rtc_sessions_total', G), 0);
    assert.equal(await m('rtcd_rtc_calls_total', G), 0);
    for (const dir of ['in', 'out']) for (const type of ['audio/opus', 'video/VP8']) assert.equal(await tracks(dir, type), 0, `${dir} ${type}`);
    await waitFor('closed states counted', async () => (await m('rtcd_rtc_conn_states_total', { type: 'closed', state: 'closed' })) === 4);
    assert.throws(() => sfu.server.getSessionConfigs('default', 'call-1'), /group not found/);
    assert.equal(await m('rtcd_rtc_errors_total', { type: 'rtp' }), 0);
  });
});
