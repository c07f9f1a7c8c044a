// The /ws protocol against a real in-process rtcd: hello, join/leave/close, routing by session to the
// link that last joined or reconnected it, sessions outliving their link, keepalive, counters.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { MessageType } from '@calls-ts/rtcd/protocol';
import { ProtocolClient, basic, eventually, metricsText, registerClient, sample, startRtcd, type TestRtcd } from '../support/rtcd.js';

const sessionsOf = async (rtcd: TestRtcd, auth: string, callID: string) => {
  const res = await fetch(`${rtcd.base}/calls/${callID}/sessions`, { headers: { authorization: auth } });
  return { status: res.status, body: res.status === 200 ? ((await res.json()) as Array<Record<string, unknown>>) : await res.text() };
};

describe('rtcd /ws', () => {
  let rtcd: TestRtcd;
  let auth: string;
  before(async () => {
    rtcd = await startRtcd(() => {}, { pingIntervalMs: 300 });
    auth = await registerClient(rtcd.base, 'plugin1');
  });
  after(() => rtcd.close());

  test('bad credentials: handshake refused, failure counted', async () => {
    await assert.rejects(ProtocolClient.connect(rtcd.wsURL, basic('plugin1', 'x'.repeat(40))), /handshake refused: 401/);
    await assert.rejects(ProtocolClient.connect(rtcd.wsURL, ''), /handshake refused: 401/);
    const text = await metricsText(rtcd.base);
    assert.equal(sample(text, 'rtcd_auth_failures_total', { reason: 'bad_key' }), 1);
    assert.equal(sample(text, 'rtcd_auth_failures_total', { reason: 'missing' }), 1);
  });

  test('hello carries the client id and a 26-char connection id; the connection gauge follows', async () => {
    const c = await ProtocolClient.connect(rtcd.wsURL, auth);
    const hello = await c.waitFor('hello');
    assert.equal(hello.data.clientID, 'plugin1');
    assert.match(hello.data.connID, /^[ybndrfg8ejkmcpqxot1uwisza345h769]{26}$/);
    assert.equal(sample(await metricsText(rtcd.base), 'rtcd_ws_connections_total', { client_id: 'plugin1' }), 1);
    c.close();
    await eventually(async () => sample(await metricsText(rtcd.base), 'rtcd_ws_connections_total', { client_id: 'plugin1' }) === 0, 'gauge back to 0');
  });

  test('join creates a session in the authenticated group (groupID in the message ignored); leave closes it and `close` is sent', async () => {
    const c = await ProtocolClient.connect(rtcd.wsURL, auth);
    await c.waitFor('hello');
    c.send({ type: 'join', data: { callID: 'call1', userID: 'user1', sessionID: 'sess1', channelID: 'chan1', dcSignaling: false } });
    await eventually(async () => (await sessionsOf(rtcd, auth, 'call1')).status === 200, 'session listed');
    const { body } = await sessionsOf(rtcd, auth, 'call1');
    assert.deepEqual(body, [{ GroupID: 'plugin1', CallID: 'call1', UserID: 'user1', SessionID: 'sess1', Props: { channelID: 'chan1', av1Support: null, dcSignaling: false } }]);
    const one = await fetch(`${rtcd.base}/calls/call1/sessions/sess1`, { headers: { authorization: auth } });
    assert.equal(((await one.json()) as { SessionID: string }).SessionID, 'sess1');

    c.send({ type: 'leave', data: { sessionID: 'sess1' } });
    await c.waitFor('close', (m) => m.data.sessionID === 'sess1');
    assert.equal((await sessionsOf(rtcd, auth, 'call1')).status, 404);
    const text = await metricsText(rtcd.base);
    assert.equal(sample(text, 'rtcd_ws_messages_total', { client_id: 'plugin1', type: 'join', direction: 'in' }), 1);
    assert.equal(sample(text, 'rtcd_ws_messages_total', { client_id: 'plugin1', type: 'leave', direction: 'in' }), 1);
    c.close();
  });

  test('a session survives its link; `reconnect` moves it to the new link, which gets its `close`', async () => {
    const a = await ProtocolClient.connect(rtcd.wsURL, auth);
    await a.waitFor('hello');
    a.send({ type: 'join', data: { callID: 'call2', userID: 'u2', sessionID: 'sess2' } });
    await eventually(async () => (await sessionsOf(rtcd, auth, 'call2')).status === 200, 'session listed');
    a.close();
    await a.waitClosed();
    assert.equal((await sessionsOf(rtcd, auth, 'call2')).status, 200, 'session kept after the link dropped');

    const b = await ProtocolClient.connect(rtcd.wsURL, auth);
    await b.waitFor('hello');
    b.send({ type: 'reconnect', data: { sessionID: 'sess2' } });
    b.send({ type: 'leave', data: { sessionID: 'sess2' } });
    await b.waitFor('close', (m) => m.data.sessionID === 'sess2');
    b.close();
  });

  test('keepalive: a link that stops answering pings is dropped; one that answers stays', async () => {
    const deaf = await ProtocolClient.connect(rtcd.wsURL, auth, { autoPong: false });
    const alive = await ProtocolClient.connect(rtcd.wsURL, auth);
    await deaf.waitClosed();
    assert.equal(alive.closed, false);
    alive.close();
  });

  test('another client cannot touch this client\'s sessions', async () => {
    const other = await registerClient(rtcd.base, 'plugin2');
    const mine = await ProtocolClient.connect(rtcd.wsURL, auth);
    const theirs = await ProtocolClient.connect(rtcd.wsURL, other);
    await mine.waitFor('hello');
    await theirs.waitFor('hello');
    mine.send({ type: 'join', data: { callID: 'call3', userID: 'u3', sessionID: 'sess3' } });
    await eventually(async () => (await sessionsOf(rtcd, auth, 'call3')).status === 200, 'session listed');
    assert.equal((await sessionsOf(rtcd, other, 'call3')).status, 404, 'invisible to plugin2');
    theirs.send({ type: 'leave', data: { sessionID: 'sess3' } });
    theirs.send({ type: 'reconnect', data: { sessionID: 'sess3' } });
    theirs.send({ type: 'rtc', data: { groupID: '', userID: '', callID: '', sessionID: 'sess3', type: MessageType.Mute } });
    await eventually(async () => sample(await metricsText(rtcd.base), 'rtcd_ws_errors_total', { client_id: 'plugin2', type: 'unknown_session' }) === 3, 'three refusals');
    assert.equal((await sessionsOf(rtcd, auth, 'call3')).status, 200, 'still alive');
    mine.send({ type: 'leave', data: { sessionID: 'sess3' } });
    await mine.waitFor('close');
    mine.close();
    theirs.close();
  });

  test('unregistering a client deletes its series (ws by clientID, rtc by groupID) once its links and sessions are gone', async () => {
    const gone = await registerClient(rtcd.base, 'plugin-gone');
    const c = await ProtocolClient.connect(rtcd.wsURL, gone);
    await c.waitFor('hello');
    c.send({ type: 'join', data: { callID: 'gc', userID: 'gu', sessionID: 'gone-session' } });
    await eventually(async () => sample(await metricsText(rtcd.base), 'rtcd_rtc_sessions_total', { group_id: 'plugin-gone' }) === 1, 'session counted');
    const res = await fetch(`${rtcd.base}/unregister`, { method: 'POST', headers: { authorization: gone }, body: JSON.stringify({ clientID: 'plugin-gone' }) });
    assert.equal(res.status, 200);
    // still true while the session and the link live
    const live = await metricsText(rtcd.base);
    assert.equal(sample(live, 'rtcd_rtc_sessions_total', { group_id: 'plugin-gone' }), 1);
    assert.equal(sample(live, 'rtcd_ws_connections_total', { client_id: 'plugin-gone' }), 1);
    c.send({ type: 'leave', data: { sessionID: 'gone-session' } });
    await c.waitFor('close');
    c.close();
    await eventually(async () => {
      const text = await metricsText(rtcd.base);
      return !text.includes('client_id="plugin-gone"') && !text.includes('group_id="plugin-gone"');
    }, 'series deleted');
  });
});
