// Byte-level conformance of the data-channel protocol against the reference layouts (shared/reference/rtcd.md
// §4.4, rtcd service/rtc/dc/msg.go, calls-common src/dc_msg.ts), plus malformed and fuzzed input.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { deflateSync, inflateSync } from 'node:zlib';
import { describe, it } from 'node:test';
import { encode } from '@msgpack/msgpack';
import { DCMessageError, DCMessageType, decodeDCMessage, encodeDCMessage, type DCMessage } from '@calls-ts/rtcd/rtc';

const hex = (b: Uint8Array): string => Buffer.from(b).toString('hex');
const str = (s: string): number[] => [0xa0 | s.length, ...Buffer.from(s)];

describe('DC messages: encoding is byte-identical to the Go server', () => {
  it('payload-less messages are the type as msgpack uint8 (0xcc n)', () => {
    assert.equal(hex(encodeDCMessage({ type: DCMessageType.Ping })), 'cc01');
    assert.equal(hex(encodeDCMessage({ type: DCMessageType.Pong })), 'cc02');
    assert.equal(hex(encodeDCMessage({ type: DCMessageType.Lock })), 'cc07');
    assert.equal(hex(encodeDCMessage({ type: DCMessageType.Unlock })), 'cc08');
  });

  it('Lock response carries a msgpack bool', () => {
    assert.equal(hex(encodeDCMessage({ type: DCMessageType.Lock, acquired: true })), 'cc07c3');
    assert.equal(hex(encodeDCMessage({ type: DCMessageType.Lock, acquired: false })), 'cc07c2');
  });

  it('reports are float64 (0xcb, big endian)', () => {
    assert.equal(hex(encodeDCMessage({ type: DCMessageType.LossRate, value: 0.5 })), 'cc04cb3fe0000000000000');
    assert.equal(hex(encodeDCMessage({ type: DCMessageType.RoundTripTime, value: 1 })), 'cc05cb3ff0000000000000');
    assert.equal(hex(encodeDCMessage({ type: DCMessageType.Jitter, value: 0 })), 'cc06cb0000000000000000');
  });

  it('MediaMap is a map of mid → {type, sender_id} (Go struct field order)', () => {
    const bytes = encodeDCMessage({ type: DCMessageType.MediaMap, mediaMap: { '1': { type: 'voice', sender_id: 'sessionA' } } });
    const expected = [0xcc, 0x09, 0x81, ...str('1'), 0x82, ...str('type'), ...str('voice'), ...str('sender_id'), ...str('sessionA')];
    assert.equal(hex(bytes), hex(Uint8Array.from(expected)));
  });

  it('SDP is msgpack bin of zlib(JSON {type, sdp})', () => {
    const sdp = 'v=0\r\no=- 1 1 IN IP4 0.0.0.0\r\n'.repeat(20);
    const bytes = encodeDCMessage({ type: DCMessageType.SDP, sdp: { type: 'offer', sdp } });
    assert.deepEqual([...bytes.subarray(0, 2)], [0xcc, 0x03]);
    // bin 8 (0xc4) or bin 16 (0xc5) depending on size, then a zlib stream (0x78 header).
    const binHeader = bytes[2]!;
    assert.ok(binHeader === 0xc4 || binHeader === 0xc5);
    const len = binHeader === 0xc4 ? bytes[3]! : bytes.readUInt16BE(3);
    const zStart = binHeader === 0xc4 ? 4 : 5;
    assert.equal(bytes.length, zStart + len);
    assert.equal(bytes[zStart], 0x78);
    const json = JSON.parse(inflateSync(bytes.subarray(zStart)).toString('utf8'));
    assert.deepEqual(json, { type: 'offer', sdp });
  });
});

describe('DC messages: decoding what clients send', () => {
  it('accepts the browser encoding (positive fixint type)', () => {
    assert.deepEqual(decodeDCMessage(Uint8Array.from([0x01])), { type: DCMessageType.Ping });
    assert.deepEqual(decodeDCMessage(Uint8Array.from([0x07])), { type: DCMessageType.Lock });
    assert.deepEqual(decodeDCMessage(Uint8Array.from([0x08])), { type: DCMessageType.Unlock });
  });

  it('accepts any integer width for the type', () => {
    for (const bytes of [[0xcc, 0x01], [0xcd, 0x00, 0x01], [0xce, 0, 0, 0, 0x01], [0xd0, 0x01], [0xd3, 0, 0, 0, 0, 0, 0, 0, 0x01]]) {
      assert.deepEqual(decodeDCMessage(Uint8Array.from(bytes)), { type: DCMessageType.Ping }, hex(Uint8Array.from(bytes)));
    }
  });

  it('decodes an SDP the way calls-common encodes it (bin of zlib JSON)', () => {
    const payload = deflateSync(Buffer.from(JSON.stringify({ type: 'answer', sdp: 'v=0\r\n' })));
    const bytes = Buffer.concat([Buffer.from([0x03]), encode(payload)]);
    assert.deepEqual(decodeDCMessage(bytes), { type: DCMessageType.SDP, sdp: { type: 'answer', sdp: 'v=0\r\n' } });
  });

  it('decodes reports as float64, other number encodings, and calls-common JSON strings', () => {
    assert.deepEqual(decodeDCMessage(Uint8Array.from([0xcc, 0x04, 0xcb, 0x3f, 0xe0, 0, 0, 0, 0, 0, 0])), { type: DCMessageType.LossRate, value: 0.5 });
    assert.deepEqual(decodeDCMessage(Uint8Array.from([0x05, 0xca, 0x3e, 0x80, 0, 0])), { type: DCMessageType.RoundTripTime, value: 0.25 });
    assert.deepEqual(decodeDCMessage(Uint8Array.from([0x06, 0x02])), { type: DCMessageType.Jitter, value: 2 });
    assert.deepEqual(decodeDCMessage(Uint8Array.from([0x04, ...str('0.25')])), { type: DCMessageType.LossRate, value: 0.25 });
  });

  it('round-trips every message it encodes', () => {
    const msgs: DCMessage[] = [
      { type: DCMessageType.Ping },
      { type: DCMessageType.Pong },
      { type: DCMessageType.SDP, sdp: { type: 'offer', sdp: 'x' } },
      { type: DCMessageType.LossRate, value: 0.01 },
      { type: DCMessageType.RoundTripTime, value: 0.2 },
      { type: DCMessageType.Jitter, value: 0.003 },
      { type: DCMessageType.Lock },
      { type: DCMessageType.Lock, acquired: false },
      { type: DCMessageType.Unlock },
      { type: DCMessageType.MediaMap, mediaMap: { '0': { type: 'screen', sender_id: 's' } } },
    ];
    for (const m of msgs) assert.deepEqual(decodeDCMessage(encodeDCMessage(m)), m);
  });
});

describe('DC messages: malformed input is a DCMessageError', () => {
  const zlibOf = (v: string): Buffer => deflateSync(Buffer.from(v));
  const cases: [string, Uint8Array][] = [
    ['empty', new Uint8Array()],
    ['never-used byte', Uint8Array.from([0xc1])],
    ['truncated uint8', Uint8Array.from([0xcc])],
    ['unknown type 11', Uint8Array.from([0x0b])],
    ['negative type', Uint8Array.from([0xff])],
    ['type too large', Uint8Array.from([0xcd, 0x01, 0x00])],
    ['string type', Uint8Array.from(str('ping'))],
    ['sdp without payload', Uint8Array.from([0x03])],
    ['sdp payload not binary', Uint8Array.from([0x03, ...str('v=0')])],
    ['sdp payload not zlib', Buffer.concat([Buffer.from([0x03]), encode(Buffer.from('hello'))])],
    ['sdp zlib of non-JSON', Buffer.concat([Buffer.from([0x03]), encode(zlibOf('v=0'))])],
    ['sdp JSON of the wrong shape', Buffer.concat([Buffer.from([0x03]), encode(zlibOf('{"type":"pranswer","sdp":1}'))])],
    ['sdp zlib bomb', Buffer.concat([Buffer.from([0x03]), encode(deflateSync(Buffer.alloc(2 * 1024 * 1024, 0x20)))])],
    ['negative loss rate', Uint8Array.from([0x04, 0xcb, 0xbf, 0xf0, 0, 0, 0, 0, 0, 0])],
    ['NaN rtt', Uint8Array.from([0x05, 0xcb, 0x7f, 0xf8, 0, 0, 0, 0, 0, 0])],
    ['non-numeric jitter', Uint8Array.from([0x06, ...str('abc')])],
    ['report without value', Uint8Array.from([0x04])],
    ['media map of the wrong shape', Uint8Array.from([0x09, 0x81, ...str('1'), 0x01])],
    ['oversized', Buffer.concat([Buffer.from([0x01]), Buffer.alloc(300 * 1024)])],
  ];
  for (const [name, bytes] of cases) {
    it(name, () => {
      assert.throws(() => decodeDCMessage(bytes), DCMessageError);
    });
  }

  it('random and mutated messages never throw anything but DCMessageError', () => {
    const valid = [
      encodeDCMessage({ type: DCMessageType.SDP, sdp: { type: 'offer', sdp: 'v=0\r\n'.repeat(10) } }),
      encodeDCMessage({ type: DCMessageType.MediaMap, mediaMap: { '1': { type: 'voice', sender_id: 'a' } } }),
      encodeDCMessage({ type: DCMessageType.LossRate, value: 0.1 }),
      encodeDCMessage({ type: DCMessageType.Lock, acquired: true }),
    ];
    let decoded = 0;
    for (let i = 0; i < 3000; i++) {
      let input: Buffer;
      if (i % 2 === 0) {
        input = randomBytes(1 + (i % 64));
      } else {
        input = Buffer.from(valid[i % valid.length]!);
        const flips = 1 + (i % 4);
        for (let f = 0; f < flips; f++) input[(i * 7 + f * 13) % input.length] = randomBytes(1)[0]!;
      }
      try {
        decodeDCMessage(input);
        decoded++;
      } catch (err) {
        assert.ok(err instanceof DCMessageError, `unexpected ${String(err)} for ${input.toString('hex')}`);
      }
    }
    assert.ok(decoded > 0);
  });
});
