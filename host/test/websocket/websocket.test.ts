// The WebSocket protocol at the frame level: auth (cookie, header, challenge), msgpack request frames,
// seq/seq_reply, resume and its failure, bad frames closing the socket with a reason.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { WebSocket } from 'ws';
import { encode } from '@msgpack/msgpack';
import { startTestHost, signUp, eventually, type TestHost } from '../helpers/host.js';

interface Frame {
  event?: string;
  seq?: number;
  seq_reply?: number;
  status?: string;
  data?: Record<string, unknown>;
  error?: { id: string; message: string };
}

function open(url: string, headers: Record<string, string> = {}, query = '') {
  const ws = new WebSocket(`${url.replace('http', 'ws')}/api/v4/websocket${query}`, { headers });
  const frames: Frame[] = [];
  let closed: { code: number; reason: string } | undefined;
  ws.on('message', (d) => frames.push(JSON.parse(d.toString()) as Frame));
  ws.on('close', (code, reason) => (closed = { code, reason: reason.toString() }));
  ws.on('error', () => undefined);
  return {
    ws,
    frames,
    opened: () => new Promise<void>((r, j) => (ws.once('open', () => r()), ws.once('error', j))),
    frame: (pred: (f: Frame) => boolean, what: string) => eventually(() => frames.find(pred), what),
    closed: () => eventually(() => closed, 'the socket to close'),
  };
}

describe('WebSocket protocol', () => {
  let host: TestHost;
  let user: Awaited<ReturnType<typeof signUp>>;
  const bad = async (reason: string) => (await host.metrics.wsBadRequests.get()).values.find((v) => v.labels.reason === reason)?.value ?? 0;

  before(async () => {
    host = await startTestHost({ websocket: { authTimeoutMs: 500, maxFrameBytes: 8192 } });
    user = await signUp(host.url, 'wsuser');
  });
  after(async () => host.stop());

  it('authentication_challenge: FAIL before auth, OK with the token, then hello', async () => {
    const c = open(host.url);
    await c.opened();
    c.ws.send(JSON.stringify({ action: 'ping', seq: 1 }));
    const fail = await c.frame((f) => f.seq_reply === 1, 'reply 1');
    assert.equal(fail.status, 'FAIL');
    assert.equal(fail.error?.id, 'api.web_socket_router.not_authenticated.app_error');
    c.ws.send(JSON.stringify({ action: 'authentication_challenge', seq: 2, data: { token: user.token } }));
    assert.equal((await c.frame((f) => f.seq_reply === 2, 'reply 2')).status, 'OK');
    const hello = await c.frame((f) => f.event === 'hello', 'hello');
    assert.equal(hello.seq, 0);
    c.ws.close();
  });

  it('a wrong challenge token closes the socket with a reason; no challenge at all times out', async () => {
    const wrong = open(host.url);
    await wrong.opened();
    wrong.ws.send(JSON.stringify({ action: 'authentication_challenge', seq: 1, data: { token: 'wrong' } }));
    assert.deepEqual(await wrong.closed(), { code: 1008, reason: 'authentication failed' });
    const silent = open(host.url);
    await silent.opened();
    assert.deepEqual(await silent.closed(), { code: 1008, reason: 'authentication timeout' });
  });

  it('cookie auth works from our own origin and is refused from another site', async () => {
    const same = open(host.url, { Cookie: `MMAUTHTOKEN=${user.token}`, Origin: host.url });
    await same.frame((f) => f.event === 'hello', 'hello');
    same.ws.close();
    const cross = open(host.url, { Cookie: `MMAUTHTOKEN=${user.token}`, Origin: 'https://evil.example' });
    await cross.opened();
    await new Promise((r) => setTimeout(r, 100));
    assert.ok(!cross.frames.some((f) => f.event === 'hello'), 'no session from a cross-site cookie');
    assert.equal((await cross.closed()).reason, 'authentication timeout');
  });

  it('msgpack binary request frames are understood and answered with seq_reply', async () => {
    const c = open(host.url, { Authorization: `Bearer ${user.token}` });
    await c.frame((f) => f.event === 'hello', 'hello');
    c.ws.send(encode({ action: 'ping', seq: 7, data: {} }));
    const pong = await c.frame((f) => f.seq_reply === 7, 'pong');
    assert.equal(pong.status, 'OK');
    assert.equal(pong.data?.text, 'pong');
    c.ws.send(JSON.stringify({ action: 'no_such_action', seq: 8 }));
    assert.equal((await c.frame((f) => f.seq_reply === 8, 'reply 8')).error?.id, 'api.web_socket_router.bad_action.app_error');
    c.ws.close();
  });

  it('typing is broadcast to the other channel members', async () => {
    const other = await signUp(host.url, 'wsother');
    const dm = await user.client.createDirectChannel([user.user.id, other.user.id]);
    const a = open(host.url, { Authorization: `Bearer ${user.token}` });
    const b = open(host.url, { Authorization: `Bearer ${other.token}` });
    await a.frame((f) => f.event === 'hello', 'hello a');
    await b.frame((f) => f.event === 'hello', 'hello b');
    a.ws.send(JSON.stringify({ action: 'user_typing', seq: 1, data: { channel_id: dm.id, parent_id: '' } }));
    const typing = await b.frame((f) => f.event === 'typing', 'typing');
    assert.equal(typing.data?.user_id, user.user.id);
    await a.frame((f) => f.seq_reply === 1, 'typing ack');
    assert.ok(!a.frames.some((f) => f.event === 'typing'), 'the typist is omitted');
    a.ws.close();
    b.ws.close();
  });

  it('resume with an unknown connection id, or a sequence too old, gives a new connection id and a fresh hello', async () => {
    const before = (await host.metrics.wsReconnects.get()).values.find((v) => v.labels.type === 'failure')?.value ?? 0;
    const unknown = 'a'.repeat(26);
    const c = open(host.url, { Authorization: `Bearer ${user.token}` }, `?connection_id=${unknown}&sequence_number=5`);
    const hello = await c.frame((f) => f.event === 'hello', 'hello');
    assert.notEqual(hello.data?.connection_id, unknown);
    assert.equal(hello.seq, 0);
    const connId = String(hello.data?.connection_id);
    c.ws.close();
    await eventually(() => (host.hub.get(connId)?.active === false ? true : undefined), 'detach');
    // 200 events while away: more than the 128 kept for replay.
    for (let i = 0; i < 200; i++) await host.hub.publish('custom_test_tick', { i }, { userId: user.user.id });
    const again = open(host.url, { Authorization: `Bearer ${user.token}` }, `?connection_id=${connId}&sequence_number=1`);
    const hello2 = await again.frame((f) => f.event === 'hello', 'hello after loss');
    assert.notEqual(hello2.data?.connection_id, connId, 'lost events: a new connection id tells the client to resync');
    assert.equal(hello2.seq, 0);
    const after = (await host.metrics.wsReconnects.get()).values.find((v) => v.labels.type === 'failure')?.value ?? 0;
    assert.equal(after, before + 2);
    again.ws.close();
  });

  it('resume within the kept window replays exactly the missed events, in order', async () => {
    const c = open(host.url, { Authorization: `Bearer ${user.token}` });
    const hello = await c.frame((f) => f.event === 'hello', 'hello');
    const connId = String(hello.data?.connection_id);
    await host.hub.publish('custom_test_tick', { i: 0 }, { userId: user.user.id });
    await c.frame((f) => f.event === 'custom_test_tick', 'tick 0');
    c.ws.close();
    await eventually(() => (host.hub.get(connId)?.active === false ? true : undefined), 'detach');
    for (let i = 1; i <= 3; i++) await host.hub.publish('custom_test_tick', { i }, { userId: user.user.id });
    const again = open(host.url, { Authorization: `Bearer ${user.token}` }, `?connection_id=${connId}&sequence_number=2`);
    await again.frame((f) => f.data?.i === 3, 'tick 3');
    assert.deepEqual(again.frames.map((f) => [f.seq, f.data?.i]), [[2, 1], [3, 2], [4, 3]]);
    again.ws.close();
  });

  it('malformed frames close the socket with code 1007 and a reason, counted', async () => {
    const before = await bad('malformed');
    for (const payload of ['{not json', JSON.stringify({ seq: 1 }), JSON.stringify({ action: 'ping', seq: -4 }), Buffer.from([0xc1, 0x00])]) {
      const c = open(host.url, { Authorization: `Bearer ${user.token}` });
      await c.frame((f) => f.event === 'hello', 'hello');
      c.ws.send(payload);
      const closed = await c.closed();
      assert.equal(closed.code, 1007);
      assert.match(closed.reason, /^malformed websocket request: /);
    }
    assert.equal(await bad('malformed'), before + 4);
  });

  it('frames over the size limit close the socket (1009), counted', async () => {
    const before = await bad('too_large');
    const c = open(host.url, { Authorization: `Bearer ${user.token}` });
    await c.frame((f) => f.event === 'hello', 'hello');
    c.ws.send(JSON.stringify({ action: 'ping', seq: 1, data: { pad: 'x'.repeat(10_000) } }));
    assert.equal((await c.closed()).code, 1009);
    await eventually(async () => ((await bad('too_large')) === before + 1 ? true : undefined), 'the counter');
    assert.equal((await user.client.getMe()).id, user.user.id, 'the host goes on');
  });
});
