// The "must show", end to end through the daemon: werift clients whose signaling travels as `rtc`
// frames over /ws (as the Calls plugin relays it). Three sessions in a call; voice reaches the others and
// stops on mute; a screen share reaches the others; the plugin link drops and reconnects mid-call without
// losing media; leaving sends `close`; at every step /metrics equals what the clients and the link saw,
// and everything returns to zero.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { MessageType } from '@calls-ts/rtcd/protocol';
import type { CallsTestClient } from '../helpers/calls-client.js';
import { LEVELS } from '../helpers/media-sources.js';
import { StunResponder } from '../helpers/stun-responder.js';
import { PluginLink } from '../support/plugin-link.js';
import { eventually, metricsText, registerClient, sample, startRtcd, type TestRtcd } from '../support/rtcd.js';

const GROUP = 'calls-it';

describe('a call through rtcd over /ws', () => {
  let rtcd: TestRtcd;
  let stun: StunResponder;
  let plugin: PluginLink;
  let auth: string;
  let a: CallsTestClient;
  let b: CallsTestClient;
  let c: CallsTestClient;
  let linksOpened = 1;
  /** Messages the current and earlier links exchanged, by type and direction. */
  const counted = { in: new Map<string, number>(), out: new Map<string, number>() };
  const add = (m: Map<string, number>, k: string, n: number) => m.set(k, (m.get(k) ?? 0) + n);

  const metric = async (name: string, labels: Record<string, string> = {}) => sample(await metricsText(rtcd.base), name, labels);
  const tracks = (direction: string, type: string) => metric('rtcd_rtc_rtp_tracks_total', { group_id: GROUP, direction, type });

  /** rtcd_ws_messages_total equals what the links sent (in) and received (out), per type. */
  async function wsMessagesMatch(): Promise<boolean> {
    const text = await metricsText(rtcd.base);
    const inNow = new Map(counted.in);
    for (const [k, n] of plugin.link.sentByType) add(inNow, k, n);
    const outNow = new Map(counted.out);
    for (const t of ['rtc', 'vad'] as const) add(outNow, t, plugin.link.receivedOf(t));
    for (const [type, n] of inNow) if (sample(text, 'rtcd_ws_messages_total', { client_id: GROUP, type, direction: 'in' }) !== n) return false;
    for (const [type, n] of outNow) if (sample(text, 'rtcd_ws_messages_total', { client_id: GROUP, type, direction: 'out' }) !== n) return false;
    return true;
  }

  /** Waits until `to` stops receiving `type` from `from` although `from` keeps sending. */
  async function stopsReceiving(to: CallsTestClient, from: CallsTestClient, type: string) {
    await eventually(async () => {
      const before = to.received.packets(from.sessionID, type);
      const sent = from.voicePacketsSent;
      await eventually(() => from.voicePacketsSent >= sent + 15, 'more packets sent');
      return to.received.packets(from.sessionID, type) === before;
    }, `${type} from ${from.sessionID} stops reaching ${to.sessionID}`, 20000);
  }

  before(async () => {
    rtcd = await startRtcd((cfg) => {
      cfg.rtc.mediaWorkers = 2;
    });
    stun = await StunResponder.start();
    auth = await registerClient(rtcd.base, GROUP);
    plugin = await PluginLink.connect(rtcd.wsURL, auth, stun.url);
  });

  after(async () => {
    await plugin?.close();
    await rtcd?.close();
    await stun?.close();
  });

  it('three sessions join over /ws and connect', async () => {
    a = await plugin.join('call-1');
    b = await plugin.join('call-1');
    c = await plugin.join('call-1', { dcSignaling: true });
    await eventually(() => [a, b, c].every((x) => x.connectionState === 'connected' && x.dcOpen), 'all connected, data channels open', 20000);
    assert.equal(await metric('rtcd_rtc_sessions_total', { group_id: GROUP }), 3);
    assert.equal(await metric('rtcd_rtc_conn_states_total', { type: 'connected' }), 3);
    assert.equal(await metric('rtcd_ws_connections_total', { client_id: GROUP }), 1);
    assert.equal(await metric('rtcd_ws_messages_total', { client_id: GROUP, type: 'join', direction: 'in' }), 3);
    const list = (await (await fetch(`${rtcd.base}/calls/call-1/sessions`, { headers: { authorization: auth } })).json()) as Array<{ SessionID: string; GroupID: string }>;
    assert.deepEqual(list.map((s) => s.SessionID).sort(), [a, b, c].map((x) => x.sessionID).sort());
    assert.ok(list.every((s) => s.GroupID === GROUP));
    await eventually(wsMessagesMatch, 'ws message counters equal what the link exchanged');
  });

  it('an unmuted participant is heard by the others; VoiceOn comes back as a `vad` frame', async () => {
    await a.unmute(LEVELS.speech);
    await eventually(() => b.received.packets(a.sessionID, 'voice') >= 25 && c.received.packets(a.sessionID, 'voice') >= 25, 'B and C receive A', 20000);
    assert.equal(a.received.tracks.length, 0, 'A does not hear itself');
    assert.equal(await tracks('in', 'audio/opus'), 1);
    assert.equal(await tracks('out', 'audio/opus'), 2);
    await eventually(() => a.voiceEvents.includes(true), 'VoiceOn for A');
    const vad = plugin.link.received.find((m) => m.type === 'vad');
    assert.ok(vad && vad.type === 'vad');
    assert.deepEqual([vad.data.sessionID, vad.data.type, vad.data.groupID, vad.data.callID], [a.sessionID, MessageType.VoiceOn, GROUP, 'call-1']);
    await eventually(wsMessagesMatch, 'ws message counters');
  });

  it('mute stops forwarding even while the client keeps sending; unmute resumes', async () => {
    a.mute({ keepSending: true });
    await stopsReceiving(b, a, 'voice');
    await stopsReceiving(c, a, 'voice');
    const before = b.received.packets(a.sessionID, 'voice');
    await a.unmute(LEVELS.speech);
    await eventually(() => b.received.packets(a.sessionID, 'voice') >= before + 25, 'B hears A again', 20000);
  });

  it('a screen share reaches the others', async () => {
    await b.startScreen();
    await eventually(
      () => [a, c].every((x) => x.received.packets(b.sessionID, 'screen') >= 10 && x.received.keyframes(b.sessionID) >= 1),
      'A and C receive B\'s screen with a keyframe',
      20000,
    );
    assert.equal(await tracks('in', 'video/VP8'), 1);
    assert.equal(await tracks('out', 'video/VP8'), 2);
    await b.stopScreen();
    await eventually(async () => (await tracks('in', 'video/VP8')) === 0 && (await tracks('out', 'video/VP8')) === 0, 'screen tracks gone');
  });

  it('the plugin link drops and reconnects: sessions and media survive, replies follow the new link', async () => {
    const old = await plugin.reconnect();
    linksOpened++;
    for (const [k, n] of old.sentByType) add(counted.in, k, n);
    for (const t of ['rtc', 'vad'] as const) add(counted.out, t, old.receivedOf(t));
    assert.equal(await metric('rtcd_rtc_sessions_total', { group_id: GROUP }), 3, 'sessions kept');
    const before = c.received.packets(a.sessionID, 'voice');
    await eventually(() => c.received.packets(a.sessionID, 'voice') >= before + 25, 'media kept flowing', 20000);
    // a client-initiated renegotiation: the answer must come back on the new link
    const rtcBefore = plugin.link.receivedOf('rtc');
    await c.unmute(LEVELS.speech);
    assert.ok(plugin.link.receivedOf('rtc') > rtcBefore, 'SDP answer routed to the new link');
    await eventually(() => a.received.packets(c.sessionID, 'voice') >= 25, 'A hears C', 20000);
    assert.equal(await metric('rtcd_ws_connections_total', { client_id: GROUP }), 1);
    assert.equal(await metric('rtcd_ws_messages_total', { client_id: GROUP, type: 'reconnect', direction: 'in' }), 3);
    await eventually(wsMessagesMatch, 'ws message counters across both links');
    assert.equal(linksOpened, 2);
  });

  it('/metrics with live series passes promtool', async () => {
    const text = await metricsText(rtcd.base);
    const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    const problems = `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.trim());
    assert.deepEqual(problems, []);
  });

  it('leaving sends `close`; metrics return to zero', async () => {
    await plugin.leave(c);
    assert.equal(await metric('rtcd_rtc_sessions_total', { group_id: GROUP }), 2);
    await plugin.leave(a);
    await plugin.leave(b);
    await eventually(async () => {
      const text = await metricsText(rtcd.base);
      return (
        sample(text, 'rtcd_rtc_sessions_total', { group_id: GROUP }) === 0 &&
        ['in', 'out'].every((d) => ['audio/opus', 'video/VP8'].every((t) => sample(text, 'rtcd_rtc_rtp_tracks_total', { group_id: GROUP, direction: d, type: t }) === 0))
      );
    }, 'sessions and tracks back to zero');
    assert.equal(await metric('rtcd_rtc_conn_states_total', { type: 'closed' }), 3);
    assert.equal(await metric('rtcd_ws_messages_total', { client_id: GROUP, type: 'leave', direction: 'in' }), 3);
    assert.equal(plugin.link.receivedOf('close'), 3);
    assert.equal(rtcd.service.sessionCount, 0);
    await eventually(wsMessagesMatch, 'ws message counters');
    plugin.link.close();
    await eventually(async () => (await metric('rtcd_ws_connections_total', { client_id: GROUP })) === 0, 'no ws connection');
  });
});
