// The fast SRTP/SRTCP against published vectors (RFC 3711 B.2/B.3, libsrtp's reference packet, RFC 7714
// §16-17) and byte for byte against werift's own SrtpSession/SrtcpSession for both profiles.
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { test } from 'node:test';
import { RtpHeader, RtpPacket, SrtcpSession, SrtpSession } from 'werift';
import {
  CmContext,
  GcmContext,
  PROFILE_AEAD_AES_128_GCM,
  PROFILE_AES_CM_128_HMAC_SHA1_80,
  SRTP_ERR_AUTH,
  SRTP_ERR_MALFORMED,
  SRTP_ERR_REPLAY,
  createSrtpContext,
  deriveSessionKeys,
  type SrtpProfileId,
} from '../../src/rtc/srtp/index.js';
import { KeystreamGenerator } from '../../src/rtc/srtp/keystream.js';
import { memoryGrowths, validateSrtpWasm } from '../../src/rtc/srtp/wasm.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

test('the hand-assembled WebAssembly module validates', () => {
  assert.equal(validateSrtpWasm(), true);
});

test('RFC 3711 B.3 key derivation and B.2 AES-CM keystream', () => {
  const k = deriveSessionKeys(PROFILE_AES_CM_128_HMAC_SHA1_80, hex('E1F97A0D3E018BE0D64FA32C06DE4139'), hex('0EC675AD498AFEEBB6960B3AABE6'));
  assert.equal(k.rtp.key.toString('hex'), 'c61e7a93744f39ee10734afe3ff7a087');
  assert.equal(k.rtp.salt.toString('hex'), '30cbbc08863d8c85d49db34a9ae1');
  assert.equal(k.rtp.auth.toString('hex'), 'cebe321f6ff7716b6fd4ab49af256a156d38baa4');
  const gen = new KeystreamGenerator(hex('2B7E151628AED2A6ABF7158809CF4F3C'), hex('F0F1F2F3F4F5F6F7F8F9FAFBFCFD'), 'cm');
  assert.equal(
    gen.rtp(0, 0, 1, 3).toString('hex'),
    'e03ead0935c95e80e166b16dd92b4eb4d23513162b02d0f72a43a2fe4a5f97ab41e95b3bb0a2e8dd477901e4fca894c0',
  );
});

test("AES_CM_128_HMAC_SHA1_80: libsrtp's reference packet", () => {
  const master = hex('E1F97A0D3E018BE0D64FA32C06DE4139 0EC675AD498AFEEBB6960B3AABE6');
  const plain = hex('800f1234 decafbad cafebabe abababab abababab abababab abababab');
  const expected = hex('800f1234 decafbad cafebabe 4e55dc4c e79978d8 8ca4d215 949d2402 b78d6acc 99ea179b 8dbb');
  const tx = createSrtpContext(PROFILE_AES_CM_128_HMAC_SHA1_80, master.subarray(0, 16), master.subarray(16));
  const out = Buffer.alloc(64);
  const n = tx.protectRtp(plain, plain.length, out);
  assert.equal(out.subarray(0, n).toString('hex'), expected.toString('hex'));
  const rx = createSrtpContext(PROFILE_AES_CM_128_HMAC_SHA1_80, master.subarray(0, 16), master.subarray(16));
  const buf = Buffer.from(expected);
  assert.equal(rx.unprotectRtp(buf), plain.length);
  assert.deepEqual(buf.subarray(0, plain.length), plain);
});

test('AEAD_AES_128_GCM: RFC 7714 §16.1 (RTP) and §17.1, §17.3 (RTCP) with the RFC session keys', () => {
  const keys = { key: hex('000102030405060708090a0b0c0d0e0f'), salt: hex('517569642070726f2071756f'), auth: Buffer.alloc(0) };
  const rtp = hex('8040f17b8041f8d35501a0b247616c6c696120657374206f6d6e69732064697669736120696e207061727465732074726573');
  const srtp = hex(
    '8040f17b8041f8d35501a0b2f24de3a3fb34de6cacba861c9d7e4bcabe633bd50d294e6f42a5f47a51c7d19b36de3adf8833899d7f27beb16a9152cf765ee4390cce',
  );
  const tx = new GcmContext(keys, keys);
  const out = Buffer.alloc(128);
  assert.equal(out.subarray(0, tx.protectRtp(rtp, rtp.length, out)).toString('hex'), srtp.toString('hex'));
  const rx = new GcmContext(keys, keys);
  const buf = Buffer.from(srtp);
  assert.equal(rx.unprotectRtp(buf), rtp.length);
  assert.deepEqual(buf.subarray(0, rtp.length), rtp);

  const rtcp = hex('81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61deadbeefdeadbeefdeadbeefdeadbeefdeadbeef');
  const srtcp = hex(
    '81c8000d4d61727363e94885dcdab67ca727d7662f6b7e997ff5c0f76c06f32dc676a5f1730d6fda4ce09b4686303ded0bb9275bc84aa45896cf4d2fc5abf87245d9eade800005d4',
  );
  const tagOnly = hex(
    '81c8000d4d6172734e5450314e545032525450200000042a0000e9304c756e61deadbeefdeadbeefdeadbeefdeadbeefdeadbeef841dd9683dd78ec92ae58790125f62b3000005d4',
  );
  const b1 = Buffer.from(srtcp);
  assert.equal(rx.unprotectRtcp(b1), rtcp.length);
  assert.deepEqual(b1.subarray(0, rtcp.length), rtcp);
  const b2 = Buffer.from(tagOnly);
  assert.equal(new GcmContext(keys, keys).unprotectRtcp(b2), rtcp.length);
  assert.deepEqual(b2.subarray(0, rtcp.length), rtcp);
  // The sender counts SRTCP indices from 1: wind it to the vector's 0x5d4.
  const sender = new GcmContext(keys, keys);
  const scratch = Buffer.alloc(256);
  for (let i = 1; i < 0x5d4; i++) sender.protectRtcp(rtcp, rtcp.length, scratch);
  const n = sender.protectRtcp(rtcp, rtcp.length, scratch);
  assert.equal(scratch.subarray(0, n).toString('hex'), srtcp.toString('hex'));
});

function weriftPair(profile: SrtpProfileId) {
  const key = randomBytes(16);
  const salt = randomBytes(profile === PROFILE_AEAD_AES_128_GCM ? 12 : 14);
  const config = { keys: { localMasterKey: key, localMasterSalt: salt, remoteMasterKey: key, remoteMasterSalt: salt }, profile };
  return { key, salt, srtp: new SrtpSession(config), srtcp: new SrtcpSession(config) };
}

for (const profile of [PROFILE_AES_CM_128_HMAC_SHA1_80, PROFILE_AEAD_AES_128_GCM] as const) {
  const name = profile === PROFILE_AEAD_AES_128_GCM ? 'AEAD_AES_128_GCM' : 'AES_CM_128_HMAC_SHA1_80';

  test(`${name}: byte for byte with werift (RTP with CSRCs, extensions, every size, across a sequence wrap)`, () => {
    const w = weriftPair(profile);
    const tx = createSrtpContext(profile, w.key, w.salt);
    const rx = createSrtpContext(profile, w.key, w.salt);
    const out = Buffer.alloc(2048);
    for (let i = 0; i < 400; i++) {
      const header = new RtpHeader({
        payloadType: i % 2 ? 111 : 96,
        sequenceNumber: (65300 + i) & 0xffff,
        timestamp: (i * 960) >>> 0,
        ssrc: i % 3 === 0 ? 0x11223344 : 0xcafebabe,
        marker: i % 5 === 0,
        csrc: i % 7 === 0 ? [1, 2] : [],
        extension: i % 4 === 0,
        extensionProfile: 0xbede,
        extensions: i % 4 === 0 ? [{ id: 1, payload: Buffer.from([i & 0xff]) }, { id: 3, payload: Buffer.from([1, 2, 3]) }] : [],
      });
      const payload = randomBytes(i % 41 === 0 ? 0 : (i * 37) % 1201);
      const raw = new RtpPacket(header, payload).serialize();
      const theirs = w.srtp.encrypt(payload, header);
      const n = tx.protectRtp(raw, raw.length, out);
      assert.equal(out.subarray(0, n).toString('hex'), theirs.toString('hex'), `packet ${i}`);
      // werift reads ours, we read werift's
      assert.deepEqual(w.srtp.decrypt(Buffer.from(out.subarray(0, n))), raw);
      const back = Buffer.from(theirs);
      assert.equal(rx.unprotectRtp(back), raw.length);
      assert.deepEqual(back.subarray(0, raw.length), raw);
    }
  });

  test(`${name}: SRTCP byte for byte with werift, both directions`, () => {
    const w = weriftPair(profile);
    const tx = createSrtpContext(profile, w.key, w.salt);
    const rx = createSrtpContext(profile, w.key, w.salt);
    const out = Buffer.alloc(2048);
    for (let i = 0; i < 100; i++) {
      const body = randomBytes(4 * (5 + (i % 30)));
      const rtcp = Buffer.concat([Buffer.from([0x80 | (i % 3), 200 + (i % 5), 0, body.length / 4 + 1]), Buffer.from([0, 0, 0, i % 2 ? 7 : 9]), body]);
      const theirs = w.srtcp.encrypt(rtcp);
      const n = tx.protectRtcp(rtcp, rtcp.length, out);
      assert.equal(out.subarray(0, n).toString('hex'), theirs.toString('hex'), `packet ${i}`);
      assert.deepEqual(w.srtcp.decrypt(Buffer.from(out.subarray(0, n))), rtcp);
      const back = Buffer.from(theirs);
      assert.equal(rx.unprotectRtcp(back), rtcp.length);
      assert.deepEqual(back.subarray(0, rtcp.length), rtcp);
    }
  });

  test(`${name}: tampering, replays, late packets and rollover`, () => {
    const w = weriftPair(profile);
    const tx = createSrtpContext(profile, w.key, w.salt);
    const rx = createSrtpContext(profile, w.key, w.salt);
    const packet = (seq: number) => {
      const raw = new RtpPacket(new RtpHeader({ payloadType: 111, sequenceNumber: seq, timestamp: seq * 960, ssrc: 42 }), Buffer.alloc(160, seq & 0xff)).serialize();
      const out = Buffer.alloc(raw.length + 16);
      return { raw, srtp: out.subarray(0, tx.protectRtp(raw, raw.length, out)) };
    };
    const open = (b: Buffer) => rx.unprotectRtp(Buffer.from(b));
    const seqs = [65533, 65534, 65535, 0, 1, 2];
    const sent = seqs.map(packet);
    const tampered = Buffer.from(sent[0]!.srtp);
    tampered[20] ^= 1;
    assert.equal(open(tampered), SRTP_ERR_AUTH);
    assert.equal(open(sent[0]!.srtp), sent[0]!.raw.length);
    assert.equal(open(sent[0]!.srtp), SRTP_ERR_REPLAY, 'second copy');
    assert.equal(open(sent[1]!.srtp), sent[1]!.raw.length);
    assert.equal(open(sent[3]!.srtp), sent[3]!.raw.length, 'after the wrap (ROC 1)');
    assert.equal(open(sent[5]!.srtp), sent[5]!.raw.length);
    const late = Buffer.from(sent[2]!.srtp);
    assert.equal(rx.unprotectRtp(late), sent[2]!.raw.length, 'seq 65535 arriving after the wrap still opens (ROC 0)');
    assert.deepEqual(late.subarray(0, sent[2]!.raw.length), sent[2]!.raw);
    assert.equal(open(sent[2]!.srtp), SRTP_ERR_REPLAY);
    assert.equal(open(sent[4]!.srtp), sent[4]!.raw.length, 'a hole in the window is filled once');
    // Far behind the window: refused without touching crypto state.
    for (let s = 3; s < 3 + 200; s++) open(packet(s).srtp);
    assert.equal(open(sent[5]!.srtp), SRTP_ERR_REPLAY);
    // A packet under another key is an authentication failure, and the stream goes on.
    const other = createSrtpContext(profile, randomBytes(16), randomBytes(profile === PROFILE_AEAD_AES_128_GCM ? 12 : 14));
    const foreign = Buffer.alloc(300);
    const fn = other.protectRtp(packet(300).raw, 172, foreign);
    assert.equal(open(foreign.subarray(0, fn)), SRTP_ERR_AUTH);
    const next = packet(204);
    assert.equal(open(next.srtp), next.raw.length);
  });

  test(`${name}: a new stream whose first packet grows the module memory is decrypted (no stale view)`, () => {
    // Every stream's keystream cache is a block of module memory; a receiver's first packet of a new SSRC
    // allocates it while being decrypted. Senders first, so the growths happen inside the receiver.
    const w = weriftPair(profile);
    const tx = createSrtpContext(profile, w.key, w.salt);
    const rx = createSrtpContext(profile, w.key, w.salt);
    const sent = Array.from({ length: 48 }, (_, i) => {
      const raw = new RtpPacket(new RtpHeader({ payloadType: 111, sequenceNumber: 7 * i, timestamp: 960 * i, ssrc: 0x5000 + i }), randomBytes(60 + i)).serialize();
      const out = Buffer.alloc(raw.length + 16);
      return { raw, srtp: out.subarray(0, tx.protectRtp(raw, raw.length, out)) };
    });
    const growthsBefore = memoryGrowths;
    for (const p of sent) {
      const buf = Buffer.from(p.srtp);
      assert.equal(rx.unprotectRtp(buf), p.raw.length);
      assert.deepEqual(buf.subarray(0, p.raw.length), p.raw);
    }
    assert.ok(memoryGrowths > growthsBefore, 'the module memory grew while the receiver decrypted');
    tx.close();
    rx.close();
  });

  test(`${name}: garbage never throws, it is refused with a code`, () => {
    const w = weriftPair(profile);
    const rx = createSrtpContext(profile, w.key, w.salt);
    assert.equal(rx.unprotectRtp(Buffer.alloc(5)), SRTP_ERR_MALFORMED);
    assert.equal(rx.unprotectRtp(Buffer.from([0x40, 0, 0, 1, 0, 0, 0, 0, 0, 0, 0, 1, ...Buffer.alloc(20)])), SRTP_ERR_MALFORMED, 'version 1');
    const ext = Buffer.alloc(40);
    ext[0] = 0x90;
    ext.writeUInt16BE(200, 14); // extension longer than the packet
    assert.equal(rx.unprotectRtp(ext), SRTP_ERR_MALFORMED);
    assert.equal(rx.unprotectRtcp(Buffer.alloc(10, 0x80)), SRTP_ERR_MALFORMED);
    for (let i = 0; i < 3000; i++) {
      const b = randomBytes(1 + (i % 300));
      if (i % 2) b[0] = 0x80 | (b[0] & 0x3f);
      const r1 = rx.unprotectRtp(Buffer.from(b));
      const r2 = rx.unprotectRtcp(Buffer.from(b));
      assert.ok(r1 < 0 && r2 < 0);
    }
  });
}
