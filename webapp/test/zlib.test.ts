// SDP compression with the platform's CompressionStream: the server's zlib reads it, and what the server
// deflates comes back; oversized inflation stops at the cap.
import assert from 'node:assert/strict';
import { deflateSync, inflateSync } from 'node:zlib';
import { test } from 'node:test';
import { deflate, inflate, packSdp, unpackSdp } from '../src/client/zlib.js';

const sdp = { type: 'offer' as const, sdp: `v=0\r\n${'a=candidate:1 1 udp 2122260223 192.0.2.1 50000 typ host\r\n'.repeat(40)}` };

test('a packed SDP is zlib the server inflates to the same JSON', async () => {
  const packed = await packSdp(sdp);
  assert.equal(packed[0], 0x78, 'zlib header');
  assert.ok(packed.byteLength < sdp.sdp.length / 4, 'repetitive SDP compresses');
  assert.deepEqual(JSON.parse(inflateSync(packed).toString()), sdp);
});

test('what the server deflates unpacks to the SDP', async () => {
  assert.deepEqual(await unpackSdp(new Uint8Array(deflateSync(JSON.stringify(sdp)))), sdp);
  assert.deepEqual(await inflate(await deflate(new Uint8Array([1, 2, 3]))), new Uint8Array([1, 2, 3]));
});

test('bad input is refused: not zlib, not an SDP, or inflating past the cap', async () => {
  await assert.rejects(unpackSdp(new Uint8Array([1, 2, 3, 4])));
  await assert.rejects(unpackSdp(new Uint8Array(deflateSync(JSON.stringify({ type: 'pranswer', sdp: '' })))), /sdp must be/);
  const bomb = new Uint8Array(deflateSync(Buffer.alloc(4 * 1024 * 1024)));
  await assert.rejects(inflate(bomb, 64 * 1024), /exceeds 65536 bytes/);
});
