// A call through the rtcd backend and a real rtcd: werift clients speaking the browser's protocol, their
// SDP/ICE relayed by RtcdMedia as `rtc` frames, answers and candidates coming back as `message` events,
// voice activity as VoiceOn/VoiceOff, `close` as `sessionClosed`; rtcd's sessions API seen through
// callSessions; and the message counters on both sides agree.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { after, before, describe, it } from 'node:test';
import { MessageType } from '@calls-ts/rtcd/protocol';
import type { CallsTestClient } from '../../../rtcd/test/helpers/calls-client.js';
import { LEVELS } from '../../../rtcd/test/helpers/media-sources.js';
import { CallDriver, createMedia, eventually, KVHost, pluginMetricsText, type MediaSetup } from './support/harness.js';
import { RtcdProcess, sample } from './support/rtcd-process.js';

const P = 'mattermost_plugin_calls';

describe('a call through the rtcd backend', () => {
  let kv: KVHost;
  let rtcd: RtcdProcess;
  let setup: MediaSetup;
  let driver: CallDriver;
  let host: string;
  let clientID: string;
  let a: CallsTestClient;
  let b: CallsTestClient;
  let c: CallsTestClient;
  const vad: Array<{ sessionID: string; type: MessageType; callID: string; userID: string }> = [];

  before(async () => {
    kv = await KVHost.start();
    rtcd = await RtcdProcess.start();
    setup = createMedia(kv, `http://127.0.0.1:${rtcd.apiPort}`);
    setup.media.on('message', (m) => {
      if (m.type === MessageType.VoiceOn || m.type === MessageType.VoiceOff) vad.push(m);
    });
    await setup.media.start();
    clientID = String((await kv.storedConfig())?.ClientID);
    driver = await CallDriver.create(setup.media);
  });

  after(async () => {
    await driver?.close();
    await setup?.media.stop();
    await rtcd?.stop();
    await kv?.close();
  });

  it('three sessions join through the backend and connect; rtcd lists them in its group', async () => {
    host = (await setup.media.pickHostForNewCall())!;
    assert.equal(host, '127.0.0.1');
    a = await driver.join('call1', host);
    b = await driver.join('call1', host);
    c = await driver.join('call1', host, { dcSignaling: true });
    await eventually(() => [a, b, c].every((x) => x.connectionState === 'connected' && x.dcOpen), 'clients connected with data channels open');
    const sessions = await setup.media.callSessions('call1', host);
    assert.deepEqual(sessions?.map((s) => s.sessionID).sort(), [a, b, c].map((x) => x.sessionID).sort());
    assert.ok(sessions?.every((s) => s.groupID === clientID && s.callID === 'call1' && s.props.channelID === 'channel-call1'));
    assert.equal(sessions?.find((s) => s.sessionID === c.sessionID)?.props.dcSignaling, true);

    const text = await pluginMetricsText(setup.metrics);
    const m = await rtcd.metrics();
    assert.equal(sample(text, `${P}_ws_messages_total`, { client_id: clientID, type: 'join', direction: 'out' }), 3);
    assert.equal(sample(m, 'rtcd_ws_messages_total', { client_id: clientID, type: 'join', direction: 'in' }), 3);
    // every rtc frame the plugin sent was decoded by rtcd, and every one rtcd sent reached the plugin
    await eventually(async () => {
      const [t, r] = [await pluginMetricsText(setup.metrics), await rtcd.metrics()];
      return (
        sample(t, `${P}_ws_messages_total`, { client_id: clientID, type: 'rtc', direction: 'out' }) ===
          sample(r, 'rtcd_ws_messages_total', { client_id: clientID, type: 'rtc', direction: 'in' }) &&
        sample(t, `${P}_ws_messages_total`, { client_id: clientID, type: 'rtc', direction: 'in' }) ===
          sample(r, 'rtcd_ws_messages_total', { client_id: clientID, type: 'rtc', direction: 'out' })
      );
    }, 'rtc message counts equal on both ends');
    assert.equal(sample(m, 'rtcd_rtc_sessions_total', { group_id: clientID }), 3);
  });

  it('voice from an unmuted user reaches the others; VoiceOn comes back as a message of that session', async () => {
    await a.unmute(LEVELS.speech);
    await eventually(() => b.received.packets(a.sessionID, 'voice') >= 25 && c.received.packets(a.sessionID, 'voice') >= 25, 'B and C hear A');
    await eventually(() => vad.some((v) => v.sessionID === a.sessionID && v.type === MessageType.VoiceOn), 'VoiceOn for A');
    const on = vad.find((v) => v.sessionID === a.sessionID)!;
    assert.equal(on.callID, 'call1');
    assert.equal(on.userID, 'user1');
    assert.ok(a.voiceEvents.includes(true), 'the session saw its VoiceOn');
    a.mute();
    await eventually(() => vad.some((v) => v.sessionID === a.sessionID && v.type === MessageType.VoiceOff), 'VoiceOff for A');
  });

  it('a screen share from one reaches the others (server-initiated renegotiation relayed both ways)', async () => {
    await b.startScreen();
    await eventually(() => [a, c].every((x) => x.received.packets(b.sessionID, 'screen') >= 10), 'A and C see B\'s screen');
    await b.stopScreen();
  });

  it('leaving: rtcd answers close, the backend reports the session closed; an ended call has no sessions', async () => {
    await driver.leave(c, host);
    await eventually(() => setup.sessionsClosed.includes(c.sessionID), 'close for C reported');
    assert.deepEqual((await setup.media.callSessions('call1', host))?.map((s) => s.sessionID).sort(), [a, b].map((x) => x.sessionID).sort());
    await driver.leave(a, host);
    await driver.leave(b, host);
    await eventually(() => setup.sessionsClosed.includes(a.sessionID) && setup.sessionsClosed.includes(b.sessionID), 'close for A and B');
    assert.deepEqual(await setup.media.callSessions('call1', host), []);
    assert.deepEqual(await setup.media.callSessions('never-started', host), []);
    assert.equal(sample(await rtcd.metrics(), 'rtcd_rtc_sessions_total', { group_id: clientID }), 0);
    assert.equal(sample(await pluginMetricsText(setup.metrics), `${P}_ws_messages_total`, { client_id: clientID, type: 'close', direction: 'in' }), 3);
  });

  it('the plugin\'s metrics with live rtcd-link series pass promtool', async () => {
    const text = await pluginMetricsText(setup.metrics);
    assert.ok(sample(text, `${P}_ws_messages_total`, { client_id: clientID, type: 'rtc', direction: 'in' }) > 0);
    const res = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
    assert.equal(res.error, undefined, 'promtool runs');
    assert.equal(`${res.stdout}${res.stderr}`, '');
    assert.equal(res.status, 0);
  });

  it('a call pinned to an address with no rtcd: callSessions says it is gone, joining it fails clearly', async () => {
    assert.deepEqual(await setup.media.callSessions('call9', '127.0.0.9'), []);
    await assert.rejects(
      setup.media.initSession({ groupID: '', callID: 'call9', userID: 'u', sessionID: 's'.repeat(26), props: {} }, '127.0.0.9'),
      /cannot reach rtcd at 127\.0\.0\.9/,
    );
    await assert.rejects(setup.media.initSession({ groupID: '', callID: 'c', userID: 'u', sessionID: 't'.repeat(26), props: {} }, 'not-an-ip'), /invalid rtcd host/);
  });
});
