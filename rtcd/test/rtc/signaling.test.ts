// Signaling and bad input, with the engine inline (the debugging mode): first-offer timeout, candidates,
// the DC protocol (ping/pong, Lock/Unlock, SDP over the DC, client reports), garbage on the DC and in
// messages, typed errors for invalid configs and duplicates, and draining.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import {
  createRtcMetrics,
  DCMessageType,
  MessageType,
  RtcError,
  RtcServer,
  type SessionCloseReason,
} from '@calls-ts/rtcd/rtc';
import { LEVELS } from '../helpers/media-sources.js';
import { metricValue } from '../helpers/metrics-reader.js';
import { startTestSfu, testRtcConfig, type TestSfu } from '../helpers/server-link.js';
import { waitFor } from '../helpers/wait.js';

const G = { group_id: 'default' };

describe('signaling and bad input (inline engine)', () => {
  let sfu: TestSfu;
  const closed = new Map<string, SessionCloseReason>();
  const m = (name: string, labels: Record<string, string> = {}): Promise<number> => metricValue(sfu.registry, name, labels);
  const errors = (type: string): Promise<number> => m('rtcd_rtc_errors_total', { ...G, type });

  before(async () => {
    sfu = await startTestSfu({
      inline: true,
      timing: { signalingTimeoutMs: 1500, negotiation: { lockTimeoutMs: 400, clientLockMaxMs: 4000 } },
    });
    sfu.server.on('sessionClosed', (cfg, reason) => closed.set(cfg.sessionID, reason));
  });

  after(async () => {
    await sfu?.close();
  });

  it('closes a session whose client never offers (signaling error)', async () => {
    const silent = await sfu.link.join({ callID: 'quiet' }, { start: false });
    await waitFor('signaling timeout', () => closed.get(silent.sessionID));
    assert.equal(closed.get(silent.sessionID), 'signaling_timeout');
    assert.equal(await errors('signaling'), 1);
    assert.equal(await m('rtcd_rtc_sessions_total', G), 0);
    assert.equal(await m('rtcd_rtc_calls_total', G), 0);
    await silent.close();
  });

  it('closes a session whose first offer is not valid SDP', async () => {
    const bad = await sfu.link.join({ callID: 'bad-offer' }, { start: false });
    bad.sendControl(MessageType.SDP, { type: 'offer', sdp: 'this is not sdp' });
    await waitFor('closed after a failed first offer', () => closed.get(bad.sessionID));
    assert.equal(closed.get(bad.sessionID), 'signaling_failed');
    assert.equal(await errors('signaling'), 2);
    await bad.close();
  });

  it("answers with the shared port's loopback host candidates only, trickled as ICE messages", async () => {
    const c = await sfu.link.join({ callID: 'ice' });
    await waitFor('connected', () => c.connectionState === 'connected');
    const port = sfu.server.udpPort!;
    const mine = sfu.link.messages.filter((msg) => msg.sessionID === c.sessionID);
    const ice = mine.filter((msg) => msg.type === MessageType.ICE).map((msg) => JSON.parse(Buffer.from(msg.data!).toString()));
    assert.ok(ice.length > 0);
    for (const e of ice) {
      assert.equal(e.type, 'candidate');
      assert.match(e.candidate.candidate, new RegExp(`^candidate:\\S+ 1 (udp|tcp) \\d+ 127\\.0\\.0\\.1 ${port} typ host`));
    }
    const answer = JSON.parse(Buffer.from(mine.find((msg) => msg.type === MessageType.SDP)!.data!).toString());
    assert.equal(answer.type, 'answer');
    const candidates = (answer.sdp as string).split('\r\n').filter((l) => l.startsWith('a=candidate:'));
    assert.ok(candidates.some((l) => / udp /.test(l)));
    assert.ok(candidates.every((l) => new RegExp(` 127\\.0\\.0\\.1 ${port} typ host`).test(l)), 'no other address or port, no server-reflexive candidate');
    await sfu.link.leave(c);
  });

  it('speaks the DC protocol: ping/pong (msgpack and legacy text), Lock/Unlock, reports', async () => {
    const c = await sfu.link.join({ callID: 'dc' }, { pingIntervalMs: 100 });
    await waitFor('pongs', () => c.pongs >= 3);
    assert.ok(c.rtt > 0);
    c.sendRawDc('ping');
    await waitFor('text pong', () => c.textPongs === 1);

    c.sendDc({ type: DCMessageType.Lock });
    c.sendDc({ type: DCMessageType.Lock });
    await waitFor('two lock replies', () => c.dcLog.filter((x) => x.type === DCMessageType.Lock).length === 2);
    const replies = c.dcLog.filter((x) => x.type === DCMessageType.Lock).map((x) => (x as { acquired?: boolean }).acquired);
    assert.deepEqual(replies, [true, false], 'the second Lock is refused while the client holds it');
    c.sendDc({ type: DCMessageType.Unlock });
    await waitFor('locked time observed', async () => (await m('rtcd_rtc_signaling_lock_locked_time_count', G)) >= 1);

    c.sendReports({ rtt: 0.04, jitter: 0.003, lossRate: 0.01 });
    c.sendReports({ rtt: 0.05 });
    await waitFor('client histograms', async () => (await m('rtcd_rtc_client_rtt_count', G)) === 2);
    assert.equal(await m('rtcd_rtc_client_jitter_count', G), 1);
    assert.equal(await m('rtcd_rtc_client_loss_rate_count', G), 1);
    assert.equal(await m('rtcd_rtc_client_loss_rate_sum', G), 0.01);
    assert.equal(await m('rtcd_rtc_call_quality_count', G), 1, 'one MOS per complete set of reports');
    await sfu.link.leave(c);
  });

  it('counts garbage on the data channel and in messages, and the session goes on', async () => {
    const a = await sfu.link.join({ callID: 'garbage' });
    const b = await sfu.link.join({ callID: 'garbage' });
    await waitFor('connected', () => a.dcOpen && b.dcOpen && a.connectionState === 'connected');
    const before = await errors('dc_message');
    const garbage: (Buffer | string)[] = [
      Buffer.from([0xc1]),
      Buffer.from([0x0b]),
      Buffer.from([0x03, 0xc4, 0x02, 0x00, 0x01]),
      Buffer.from([0x04, 0xa3, 0x61, 0x62, 0x63]),
      Buffer.from([0x09, 0x80]),
      'hello',
    ];
    for (const g of garbage) a.sendRawDc(g);
    await waitFor('dc errors counted', async () => (await errors('dc_message')) === before + garbage.length);

    const iceBefore = await errors('ice');
    a.sendControl(MessageType.ICE, { nope: true });
    a.sendControl(MessageType.ICE, { candidate: 'garbage candidate', sdpMid: '0' });
    a.sendControl(MessageType.ICE, { candidate: '' }); // end of candidates: ignored, not an error
    await waitFor('ice errors counted', async () => (await errors('ice')) === iceBefore + 2);

    const sigBefore = await errors('signaling');
    a.sendControl(MessageType.SDP, { type: 'answer', sdp: 'v=0' }); // nobody asked for an answer
    a.sendControl(MessageType.ScreenOn, { wrong: 1 });
    a.sendControl(MessageType.VoiceOn);
    await waitFor('signaling/message errors counted', async () => (await errors('signaling')) === sigBefore + 1 && (await errors('invalid_message')) === 2);

    const invalidBefore = await m('rtcd_rtc_errors_total', { type: 'invalid_message' });
    assert.equal(sfu.server.send({ groupID: 'default', userID: '', callID: '', sessionID: a.sessionID, type: 99 as MessageType }), false);
    assert.equal(sfu.server.send({ groupID: 'default', userID: '', callID: '', sessionID: a.sessionID, type: MessageType.ICE, data: 'x' as never }), false);
    assert.equal(await m('rtcd_rtc_errors_total', { type: 'invalid_message' }), invalidBefore + 2);

    const unknownBefore = await m('rtcd_rtc_errors_total', { type: 'session_not_found' });
    assert.equal(sfu.server.send({ groupID: 'default', userID: '', callID: '', sessionID: 'nobody', type: MessageType.ICE, data: Buffer.from('{}') }), false);
    assert.equal(await m('rtcd_rtc_errors_total', { type: 'session_not_found' }), unknownBefore + 1);

    // Still a working session: its voice reaches the other participant.
    await a.unmute(LEVELS.speech);
    await waitFor('voice still forwarded', () => b.received.packets(a.sessionID, 'voice') >= 20);
    assert.equal(a.connectionState, 'connected');
    await sfu.link.leave(a);
    await sfu.link.leave(b);
  });

  it('offers over the data channel when the session signals over it', async () => {
    const a = await sfu.link.join({ callID: 'dcsig', props: { dcSignaling: true } });
    const b = await sfu.link.join({ callID: 'dcsig' });
    await waitFor('connected', () => a.dcOpen && b.dcOpen);
    await b.unmute(LEVELS.speech);
    await waitFor('A receives B', () => a.received.packets(b.sessionID, 'voice') >= 10);
    const sdpOverDc = a.dcLog.filter((x) => x.type === DCMessageType.SDP);
    assert.ok(sdpOverDc.length >= 1, 'the server offer came over the DC');
    const offersToA = sfu.link.messages.filter((msg) => msg.sessionID === a.sessionID && msg.type === MessageType.SDP);
    assert.equal(offersToA.length, 1, 'only the first answer went through messages');
    assert.ok(a.dcLog.findIndex((x) => x.type === DCMessageType.MediaMap) < a.dcLog.findIndex((x) => x.type === DCMessageType.SDP), 'MediaMap precedes the offer');
    await sfu.link.leave(a);
    await sfu.link.leave(b);
  });

  it('times out the signaling lock while the client holds it, and renegotiates once it is released', async () => {
    const a = await sfu.link.join({ callID: 'lock' });
    const b = await sfu.link.join({ callID: 'lock' });
    await waitFor('connected', () => a.dcOpen && b.dcOpen);
    const before = await errors('signaling_lock_timeout');
    await a.grabSignalingLock();
    await b.unmute(LEVELS.speech); // the SFU must offer B's voice to A, but A holds the lock
    await waitFor('lock timeout counted', async () => (await errors('signaling_lock_timeout')) === before + 1);
    assert.equal(a.received.packets(b.sessionID, 'voice'), 0, 'nothing is negotiated while A holds the lock');
    a.sendDc({ type: DCMessageType.Unlock });
    await waitFor('the delayed renegotiation happens after the release', () => a.received.packets(b.sessionID, 'voice') >= 10);
    assert.ok((await m('rtcd_rtc_signaling_lock_grab_time_count', G)) >= 2);
    await sfu.link.leave(a);
    await sfu.link.leave(b);
  });

  it('is the impolite peer: ignores a client offer that collides with its own', async () => {
    const a = await sfu.link.join({ callID: 'glare' });
    const b = await sfu.link.join({ callID: 'glare' });
    await waitFor('connected', () => a.dcOpen && b.dcOpen);
    const count = (type: 'offer' | 'answer') =>
      sfu.link.messages.filter((msg) => msg.sessionID === a.sessionID && msg.type === MessageType.SDP && JSON.parse(Buffer.from(msg.data!).toString()).type === type).length;
    a.holdServerSdp();
    const answersBefore = count('answer');
    const offersBefore = count('offer');
    await b.unmute(LEVELS.speech);
    await waitFor('the server offers to A', () => count('offer') === offersBefore + 1);
    await a.offerWithoutLock(); // collides with the pending server offer
    await waitFor('A sent its offer', () => a.pc.signalingState === 'have-local-offer');
    a.releaseServerSdp(); // A is polite: it rolls back and answers the server
    await waitFor('A receives B after the server offer won', () => a.received.packets(b.sessionID, 'voice') >= 10);
    assert.equal(count('answer'), answersBefore, "the server never answered A's colliding offer");
    assert.equal(a.errors.length, 0);
    await sfu.link.leave(a);
    await sfu.link.leave(b);
  });

  it('rejects invalid and duplicate sessions with typed errors, without leaking gauges', async () => {
    const sessionsBefore = await m('rtcd_rtc_sessions_total', G);
    await assert.rejects(sfu.server.initSession({ groupID: 'default', callID: '', userID: 'u', sessionID: 's', props: {} }), (e: unknown) => e instanceof RtcError && e.code === 'invalid_session_config');
    const c = await sfu.link.join({ callID: 'dup' });
    await assert.rejects(
      sfu.server.initSession({ groupID: 'default', callID: 'dup', userID: 'u', sessionID: c.sessionID, props: {} }),
      (e: unknown) => e instanceof RtcError && e.code === 'duplicate_session',
    );
    assert.equal(await m('rtcd_rtc_sessions_total', G), sessionsBefore + 1);
    await assert.rejects(sfu.server.closeSession('nobody'), (e: unknown) => e instanceof RtcError && e.code === 'not_found');
    assert.throws(() => sfu.server.getSessionConfig('default', 'dup', 'nobody'), /session not found/);
    assert.equal(sfu.server.getSessionConfig('default', 'dup', c.sessionID).sessionID, c.sessionID);
    await sfu.link.leave(c);
  });

  it('rejects invalid server configs with a message naming the field', () => {
    const logger = pino({ level: 'silent' });
    const metrics = createRtcMetrics(new Registry(), 'rtcd');
    const bad: [string, object][] = [
      ['nackBufferSize', { nackBufferSize: 100 }],
      ['iceAddressUDP', { iceAddressUDP: ['not-an-ip'] }],
      ['mediaWorkers', { mediaWorkers: -1 }],
      ['iceServers', { iceServers: [{ urls: ['stun:a', 'turn:b'] }] }],
      ['credentialsExpirationMinutes', { turn: { staticAuthSecret: 's', credentialsExpirationMinutes: 20000 } }],
    ];
    for (const [field, override] of bad) {
      assert.throws(
        () => new RtcServer(testRtcConfig(override), { logger, metrics }),
        (e: unknown) => e instanceof RtcError && e.code === 'invalid_config' && e.message.includes(field),
        field,
      );
    }
  });
});

describe('draining', () => {
  it('refuses new sessions while draining and stops when the last one leaves', async () => {
    const sfu = await startTestSfu({ inline: true });
    try {
      const c = await sfu.link.join({ callID: 'drain' });
      let stopped = false;
      const stopping = sfu.server.stop({ drain: true }).then(() => (stopped = true));
      await waitFor('draining', () => sfu.server.isDraining);
      await assert.rejects(sfu.link.join({ callID: 'drain-2' }), (e: unknown) => e instanceof RtcError && e.code === 'draining');
      assert.equal(stopped, false);
      await sfu.link.leave(c);
      await stopping;
      assert.equal(sfu.server.isRunning, false);
    } finally {
      await sfu.close();
    }
  });
});
