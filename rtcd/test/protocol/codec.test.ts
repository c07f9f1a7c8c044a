// Byte-level conformance of the rtcd WS framing against the reference layouts (shared/reference/rtcd.md §3.2).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { encode } from '@msgpack/msgpack';
import {
  MessageType,
  ProtocolError,
  decodeClientMessage,
  encodeClientMessage,
  sessionConfigFromJSON,
  sessionConfigToJSON,
} from '@calls-ts/rtcd/protocol';

const hex = (s: string) => Uint8Array.from(Buffer.from(s.replace(/\s+/g, ''), 'hex'));
const str = (s: string) => {
  const b = Buffer.from(s);
  assert.ok(b.length < 32);
  return Buffer.concat([Buffer.of(0xa0 | b.length), b]).toString('hex');
};

// What Go's vmihailenco/msgpack writes for ClientMessage{"rtc", rtc.Message{...}}: the type string, then the
// struct as a map in field order, Type as int64 (0xd3), Data as bin (0xc4), data omitted when empty.
function goRtcFrame(type: string, m: { g: string; u: string; s: string; c: string; t: number; data?: number[] }) {
  let h = str(type) + (m.data ? '86' : '85');
  h += str('group_id') + str(m.g) + str('user_id') + str(m.u) + str('session_id') + str(m.s) + str('call_id') + str(m.c);
  h += str('type') + 'd3' + m.t.toString(16).padStart(16, '0');
  if (m.data) h += str('data') + 'c4' + m.data.length.toString(16).padStart(2, '0') + Buffer.from(m.data).toString('hex');
  return hex(h);
}

test('rtc frame: our encoding is byte-identical to the Go struct encoding', () => {
  const data = Uint8Array.from([0x7b, 0x7d]);
  const ours = encodeClientMessage({
    type: 'rtc',
    data: { groupID: 'g1', userID: 'u1', sessionID: 's1', callID: 'c1', type: MessageType.SDP, data },
  });
  assert.deepEqual(Buffer.from(ours), Buffer.from(goRtcFrame('rtc', { g: 'g1', u: 'u1', s: 's1', c: 'c1', t: 2, data: [0x7b, 0x7d] })));
  const vad = encodeClientMessage({
    type: 'vad',
    data: { groupID: 'g', userID: 'u', sessionID: 's', callID: 'c', type: MessageType.VoiceOn },
  });
  assert.deepEqual(Buffer.from(vad), Buffer.from(goRtcFrame('vad', { g: 'g', u: 'u', s: 's', c: 'c', t: 7 })));
});

test('rtc frame from Go (int64 0xd3 type, bin data) decodes', () => {
  const msg = decodeClientMessage(goRtcFrame('rtc', { g: '', u: '', s: 'sess', c: '', t: 1, data: [1, 2, 3] }));
  assert.equal(msg.type, 'rtc');
  assert.deepEqual(msg.data, { groupID: '', userID: '', sessionID: 'sess', callID: '', type: MessageType.ICE, data: Uint8Array.from([1, 2, 3]) });
});

test('rtc frame with a compact int type, only the fields the plugin fills, and str data decodes', () => {
  const frame = hex(str('rtc') + '83' + str('session_id') + str('abc') + str('type') + '02' + str('data') + str('{}'));
  const msg = decodeClientMessage(frame);
  assert.equal(msg.type, 'rtc');
  if (msg.type !== 'rtc') return;
  assert.equal(msg.data.sessionID, 'abc');
  assert.equal(msg.data.type, MessageType.SDP);
  assert.deepEqual(Buffer.from(msg.data.data!), Buffer.from('{}'));
});

test('hello / close / leave / reconnect are homogeneous str→str maps after the type string', () => {
  const hello = encodeClientMessage({ type: 'hello', data: { clientID: 'cid', connID: 'conn' } });
  assert.deepEqual(Buffer.from(hello), Buffer.from(hex(str('hello') + '82' + str('clientID') + str('cid') + str('connID') + str('conn'))));
  for (const type of ['close', 'leave', 'reconnect'] as const) {
    const b = encodeClientMessage({ type, data: { sessionID: 'sid' } });
    assert.deepEqual(Buffer.from(b), Buffer.from(hex(str(type) + '81' + str('sessionID') + str('sid'))));
    assert.deepEqual(decodeClientMessage(b), { type, data: { sessionID: 'sid' } });
  }
  // Go iterates maps in random order: key order must not matter.
  const swapped = hex(str('hello') + '82' + str('connID') + str('conn') + str('clientID') + str('cid'));
  assert.deepEqual(decodeClientMessage(swapped), { type: 'hello', data: { clientID: 'cid', connID: 'conn' } });
});

test('join: str→any map; groupID is ignored; bools and nils accepted; round trip', () => {
  const frame = Buffer.concat([
    encode('join'),
    encode({ callID: 'c', userID: 'u', sessionID: 's', channelID: 'ch', av1Support: true, dcSignaling: null, groupID: 'evil' }),
  ]);
  assert.deepEqual(decodeClientMessage(frame), {
    type: 'join',
    data: { callID: 'c', userID: 'u', sessionID: 's', channelID: 'ch', av1Support: true, dcSignaling: undefined },
  });
  const data = { callID: 'c', userID: 'u', sessionID: 's', channelID: 'ch', av1Support: false, dcSignaling: true };
  assert.deepEqual(decodeClientMessage(encodeClientMessage({ type: 'join', data })), { type: 'join', data });
});

function reason(fn: () => unknown): string {
  try {
    fn();
  } catch (err) {
    assert.ok(err instanceof ProtocolError, `not a ProtocolError: ${err}`);
    return err.reason;
  }
  assert.fail('expected a ProtocolError');
}

test('bad frames are rejected with a reason, never with another exception', () => {
  assert.equal(reason(() => decodeClientMessage(hex('c1'))), 'malformed'); // never-used byte
  assert.equal(reason(() => decodeClientMessage(hex(str('leave')))), 'malformed'); // one value only
  assert.equal(reason(() => decodeClientMessage(hex(str('leave') + '80' + '80'))), 'malformed'); // three values
  assert.equal(reason(() => decodeClientMessage(hex('01' + '80'))), 'malformed'); // type not a string
  assert.equal(reason(() => decodeClientMessage(hex(str('dance') + '80'))), 'unknown_type');
  assert.equal(reason(() => decodeClientMessage(hex(str('leave') + '80'))), 'invalid_data'); // no sessionID
  assert.equal(reason(() => decodeClientMessage(hex(str('leave') + '81' + str('sessionID') + '01'))), 'invalid_data'); // not str→str
  assert.equal(reason(() => decodeClientMessage(hex(str('rtc') + '81' + str('type') + '02'))), 'invalid_data'); // no session_id
  assert.equal(reason(() => decodeClientMessage(hex(str('rtc') + '82' + str('session_id') + str('s') + str('type') + '0b'))), 'invalid_data'); // type 11
  assert.equal(reason(() => decodeClientMessage(hex(str('join') + 'c0'))), 'invalid_data');
  assert.equal(reason(() => decodeClientMessage(new Uint8Array(1024 * 1024 + 1))), 'too_large');
});

test('SessionConfig JSON uses the Go field names and round-trips', () => {
  const cfg = { groupID: 'g', callID: 'c', userID: 'u', sessionID: 's', props: { channelID: 'ch', dcSignaling: true } };
  const json = sessionConfigToJSON(cfg);
  assert.deepEqual(json, { GroupID: 'g', CallID: 'c', UserID: 'u', SessionID: 's', Props: { channelID: 'ch', av1Support: null, dcSignaling: true } });
  assert.deepEqual(sessionConfigFromJSON(JSON.parse(JSON.stringify(json))), cfg);
});
