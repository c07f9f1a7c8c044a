// The browser's data-channel codec against the server's (rtcd's dc/messages.ts): what one encodes the
// other decodes, byte for byte where the Go side fixes the encoding.
import assert from 'node:assert/strict';
import { deflateSync, inflateSync } from 'node:zlib';
import { test } from 'node:test';
import { DCMessageType as ServerType, decodeDCMessage as serverDecode, encodeDCMessage as serverEncode } from '@calls-ts/rtcd/rtc';
import { DCMessageError, DCMessageType, decodeDCMessage, encodeDCMessage, trackInfoFor } from '../src/client/dc-messages.js';

test('every message the client sends is read by the server as sent', () => {
  const cases = [
    { msg: { type: DCMessageType.Ping } as const, want: { type: ServerType.Ping } },
    { msg: { type: DCMessageType.Pong } as const, want: { type: ServerType.Pong } },
    { msg: { type: DCMessageType.Lock } as const, want: { type: ServerType.Lock } },
    { msg: { type: DCMessageType.Unlock } as const, want: { type: ServerType.Unlock } },
    { msg: { type: DCMessageType.LossRate, value: 0.125 } as const, want: { type: ServerType.LossRate, value: 0.125 } },
    { msg: { type: DCMessageType.RoundTripTime, value: 0.042 } as const, want: { type: ServerType.RoundTripTime, value: 0.042 } },
    { msg: { type: DCMessageType.Jitter, value: 0 } as const, want: { type: ServerType.Jitter, value: 0 } },
  ];
  for (const { msg, want } of cases) assert.deepEqual(serverDecode(encodeDCMessage(msg)), want, `type ${msg.type}`);
});

test('reports and control messages are encoded exactly as the server (and the Go client) encode them', () => {
  for (const m of [
    { type: DCMessageType.Ping },
    { type: DCMessageType.Unlock },
    { type: DCMessageType.Lock, acquired: true },
    { type: DCMessageType.RoundTripTime, value: 0.25 },
    { type: DCMessageType.Jitter, value: 0.0031 },
  ] as const) {
    assert.deepEqual(Buffer.from(encodeDCMessage(m)), serverEncode(m as never), `type ${m.type}`);
  }
});

test('an SDP sent by the client over the DC is inflated and parsed by the server', () => {
  const desc = { type: 'offer' as const, sdp: 'v=0\r\no=- 1 2 IN IP4 127.0.0.1\r\n' };
  const data = new Uint8Array(deflateSync(Buffer.from(JSON.stringify(desc))));
  assert.deepEqual(serverDecode(encodeDCMessage({ type: DCMessageType.SDP, data })), { type: ServerType.SDP, sdp: desc });
});

test('what the server sends (lock replies, media map, SDP, pong) is decoded by the client', () => {
  assert.deepEqual(decodeDCMessage(serverEncode({ type: ServerType.Lock, acquired: false })), { type: DCMessageType.Lock, acquired: false });
  assert.deepEqual(decodeDCMessage(serverEncode({ type: ServerType.Lock, acquired: true })), { type: DCMessageType.Lock, acquired: true });
  assert.deepEqual(decodeDCMessage(serverEncode({ type: ServerType.Pong })), { type: DCMessageType.Pong });
  const mediaMap = { '1': { type: 'voice', sender_id: 'a'.repeat(26) }, '2': { type: 'screen', sender_id: 'b'.repeat(26) } };
  assert.deepEqual(decodeDCMessage(serverEncode({ type: ServerType.MediaMap, mediaMap })), { type: DCMessageType.MediaMap, mediaMap });
  const sdp = { type: 'answer' as const, sdp: 'v=0\r\n' };
  const got = decodeDCMessage(serverEncode({ type: ServerType.SDP, sdp }));
  assert.equal(got.type, DCMessageType.SDP);
  assert.deepEqual(JSON.parse(inflateSync((got as { data: Uint8Array }).data).toString()), sdp);
});

test('malformed messages are refused with a reason', () => {
  const bad: [Uint8Array, RegExp][] = [
    [new Uint8Array(), /empty/],
    [Uint8Array.of(0xc1), /invalid msgpack/],
    [Uint8Array.of(0xa1, 0x61), /unsigned 8-bit/],
    [Uint8Array.of(0x63), /unexpected dc message type: 99/],
    [Uint8Array.of(0x09, 0x01), /media map/],
    [Uint8Array.of(0x03, 0xa1, 0x61), /sdp: payload must be binary/],
    [new Uint8Array(300 * 1024), /larger than/],
  ];
  for (const [data, re] of bad) assert.throws(() => decodeDCMessage(data), (e: unknown) => e instanceof DCMessageError && re.test((e as Error).message));
  assert.throws(() => encodeDCMessage({ type: DCMessageType.LossRate, value: Number.NaN }), DCMessageError);
});

test('incoming tracks are labelled by the media map, else by the SFU track id', () => {
  const map = { '3': { type: 'screen', sender_id: 's'.repeat(26) } };
  assert.deepEqual(trackInfoFor(map, '3', 'whatever'), { type: 'screen', sender_id: 's'.repeat(26) });
  assert.deepEqual(trackInfoFor(map, '4', `voice_${'a'.repeat(26)}_x1y2z3w4`), { type: 'voice', sender_id: 'a'.repeat(26) });
  assert.deepEqual(trackInfoFor({}, null, `screen-audio_${'b'.repeat(26)}_abcdefgh`), { type: 'screen-audio', sender_id: 'b'.repeat(26) });
  assert.equal(trackInfoFor({}, '1', 'a7f3c2d1-browser-track'), undefined);
});
