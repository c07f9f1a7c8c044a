// Bad input on /ws: every kind is counted and logged, the link stays up (except an oversized frame,
// which closes it as the reference does), and other links and sessions carry on. Then a fuzz run.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { encode } from '@msgpack/msgpack';
import { ProtocolError, decodeClientMessage, encodeClientMessage } from '@calls-ts/rtcd/protocol';
import { ProtocolClient, eventually, metricsText, registerClient, sample, startRtcd, type TestRtcd } from '../support/rtcd.js';

const frame = (type: unknown, data: unknown) => Buffer.concat([encode(type), encode(data)]);

// Valid frames of every type, the seeds the fuzzer mutates.
const SEEDS: Uint8Array[] = [
  encodeClientMessage({ type: 'join', data: { callID: 'fc', userID: 'fu', sessionID: 'fs', channelID: 'ch', av1Support: false, dcSignaling: true } }),
  encodeClientMessage({ type: 'leave', data: { sessionID: 'fs' } }),
  encodeClientMessage({ type: 'reconnect', data: { sessionID: 'fs' } }),
  encodeClientMessage({ type: 'rtc', data: { groupID: 'g', userID: 'u', sessionID: 'fs', callID: 'c', type: 2, data: Buffer.from('{"type":"offer","sdp":"v=0"}') } }),
  encodeClientMessage({ type: 'rtc', data: { groupID: '', userID: '', sessionID: 'fs', callID: '', type: 1, data: Buffer.from('{"candidate":"x"}') } }),
];

function mutate(seed: Uint8Array): Buffer {
  const b = Buffer.from(seed);
  const kind = Math.floor(Math.random() * 4);
  if (kind === 0) {
    for (let i = 0; i < 1 + Math.floor(Math.random() * 4); i++) b[Math.floor(Math.random() * b.length)] = Math.floor(Math.random() * 256);
    return b;
  }
  if (kind === 1) return b.subarray(0, Math.floor(Math.random() * b.length));
  if (kind === 2) return Buffer.concat([b, randomBytes(1 + Math.floor(Math.random() * 16))]);
  const at = Math.floor(Math.random() * b.length);
  return Buffer.concat([b.subarray(0, at), randomBytes(1 + Math.floor(Math.random() * 8)), b.subarray(at)]);
}

describe('bad input on /ws', () => {
  let rtcd: TestRtcd;
  let auth: string;
  before(async () => {
    rtcd = await startRtcd();
    auth = await registerClient(rtcd.base, 'bad');
  });
  after(() => rtcd.close());

  test('each kind of bad input is counted and logged; the link and a bystander session go on', async () => {
    const bystander = await ProtocolClient.connect(rtcd.wsURL, auth);
    await bystander.waitFor('hello');
    bystander.send({ type: 'join', data: { callID: 'keep', userID: 'u', sessionID: 'keep-session' } });

    const c = await ProtocolClient.connect(rtcd.wsURL, auth);
    await c.waitFor('hello');
    c.sendRaw(Buffer.from([0xc1])); // malformed msgpack
    c.sendRaw(frame('dance', {})); // unknown type
    c.sendRaw(frame(42, {})); // type not a string
    c.sendRaw(frame('join', { callID: 'c' })); // missing fields
    c.sendRaw(frame('leave', { sessionID: 7 })); // wrong field type
    c.sendRaw('a text frame'); // text frames are ignored
    c.sendRaw(frame('hello', { clientID: 'x', connID: 'y' })); // server-only type
    c.send({ type: 'rtc', data: { groupID: '', userID: '', callID: '', sessionID: 'ghost', type: 2, data: Buffer.from('{}') } });
    c.send({ type: 'leave', data: { sessionID: 'ghost' } });
    c.send({ type: 'join', data: { callID: 'keep', userID: 'u', sessionID: 'keep-session' } }); // duplicate join
    const expected = {
      malformed: 2,
      unknown_type: 1,
      invalid_data: 2,
      text_frame: 1,
      unexpected_type: 1,
      unknown_session: 2,
      join_failed: 1,
    };
    await eventually(async () => {
      const text = await metricsText(rtcd.base);
      return Object.entries(expected).every(([type, n]) => sample(text, 'rtcd_ws_errors_total', { client_id: 'bad', type }) === n);
    }, 'every error counted');
    const text = await metricsText(rtcd.base);
    // unknown types never become a label value of the message counter
    assert.doesNotMatch(text, /type="dance"/);
    const warnings = rtcd.logLines().filter((l) => l.level === 40 && l.errType);
    assert.ok(warnings.length >= 10, `logged: ${warnings.length}`); // one line per rejected input

    // the link still works: a valid join/leave round trip
    c.send({ type: 'join', data: { callID: 'c2', userID: 'u', sessionID: 'after-bad' } });
    c.send({ type: 'leave', data: { sessionID: 'after-bad' } });
    await c.waitFor('close', (m) => m.data.sessionID === 'after-bad');

    // an oversized frame closes that link (1009) and is counted; the bystander's session is untouched
    c.sendRaw(Buffer.concat([encode('rtc'), encode({ session_id: 'x', type: 2, data: Buffer.alloc(1024 * 1024 + 10) })]));
    assert.equal(await c.waitClosed(), 1009);
    await eventually(async () => sample(await metricsText(rtcd.base), 'rtcd_ws_errors_total', { client_id: 'bad', type: 'too_large' }) === 1, 'too_large counted');
    assert.equal(bystander.closed, false);
    const sessions = await fetch(`${rtcd.base}/calls/keep/sessions`, { headers: { authorization: auth } });
    assert.equal(sessions.status, 200);
    bystander.send({ type: 'leave', data: { sessionID: 'keep-session' } });
    await bystander.waitFor('close');
    bystander.close();
  });

  test('fuzz: random and mutated frames never break the daemon', async () => {
    const c = await ProtocolClient.connect(rtcd.wsURL, auth);
    await c.waitFor('hello');
    const N = 1500;
    for (let i = 0; i < N; i++) {
      const pick = Math.random();
      const f = pick < 0.2 ? randomBytes(Math.floor(Math.random() * 64)) : mutate(SEEDS[i % SEEDS.length]!);
      c.sendRaw(f);
      if (i % 100 === 0) await new Promise((r) => setImmediate(r));
    }
    // the link may have been closed by a mutation that declared a huge length; the daemon must not care
    const probe = await ProtocolClient.connect(rtcd.wsURL, auth);
    await probe.waitFor('hello');
    probe.send({ type: 'join', data: { callID: 'post-fuzz', userID: 'u', sessionID: 'post-fuzz' } });
    probe.send({ type: 'leave', data: { sessionID: 'post-fuzz' } });
    await probe.waitFor('close', (m) => m.data.sessionID === 'post-fuzz');
    // a mutated join can still be valid: such sessions never get an offer and the SFU ends them after its
    // 10 s signaling timeout, so nothing leaks
    await eventually(() => rtcd.service.sessionCount === 0, 'no sessions left', 30000);
    probe.close();
    c.close();
  });
});

test('decoder fuzz: only ProtocolError, never another exception', () => {
  for (let i = 0; i < 20000; i++) {
    const f = i % 3 === 0 ? randomBytes(Math.floor(Math.random() * 48)) : mutate(SEEDS[i % SEEDS.length]!);
    try {
      decodeClientMessage(f);
    } catch (err) {
      if (!(err instanceof ProtocolError)) assert.fail(`input ${f.toString('hex')} threw ${String(err)}`);
    }
  }
});
