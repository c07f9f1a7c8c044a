// SRTP/SRTCP micro-benchmark: µs per packet for our forward-path contexts versus werift's SrtpSession, for
// both DTLS-SRTP profiles, voice-sized (160 B) and video-sized (1200 B) payloads.
//
//   node --import tsx rtcd/bench/srtp.ts [packets]
//
// Prints one line per case: CPU µs/packet and packets/s of one core. Single thread, no I/O.
import { randomBytes } from 'node:crypto';
import { RtpHeader, RtpPacket, SrtpSession } from 'werift';
import {
  PROFILE_AEAD_AES_128_GCM,
  PROFILE_AES_CM_128_HMAC_SHA1_80,
  createSrtpContext,
  type SrtpProfileId,
} from '../src/rtc/srtp/index.js';

const PACKETS = Number(process.argv[2] ?? 100_000);
const CHUNK = 2000;

function cpuMicros(fn: () => void): number {
  const start = process.cpuUsage();
  fn();
  const d = process.cpuUsage(start);
  return d.user + d.system;
}

function rawPacket(seq: number, size: number): Buffer {
  return new RtpPacket(new RtpHeader({ payloadType: 111, sequenceNumber: seq & 0xffff, timestamp: seq * 960, ssrc: 0x1234abcd }), randomBytes(size)).serialize();
}

function bench(profile: SrtpProfileId, size: number) {
  const key = randomBytes(16);
  const salt = randomBytes(profile === PROFILE_AEAD_AES_128_GCM ? 12 : 14);
  const keys = { localMasterKey: key, localMasterSalt: salt, remoteMasterKey: key, remoteMasterSalt: salt };
  const werift = new SrtpSession({ keys, profile });
  const werift2 = new SrtpSession({ keys, profile });
  const tx = createSrtpContext(profile, key, salt);
  const rx = createSrtpContext(profile, key, salt);
  const template = rawPacket(0, size);
  const out = Buffer.alloc(template.length + 16);
  const header = RtpHeader.deSerialize(template);
  const payload = template.subarray(header.payloadOffset);

  // warm-up (JIT, keystream caches)
  for (let i = 0; i < 5000; i++) {
    template.writeUInt16BE(i & 0xffff, 2);
    tx.protectRtp(template, template.length, out);
    header.sequenceNumber = i & 0xffff;
    werift.encrypt(payload, header);
  }

  let seq = 5000;
  const oursProtect = cpuMicros(() => {
    for (let i = 0; i < PACKETS; i++, seq++) {
      template[2] = (seq >> 8) & 0xff; // in-place header rewrite, as the forward path does
      template[3] = seq & 0xff;
      tx.protectRtp(template, template.length, out);
    }
  });
  seq = 5000;
  const weriftProtect = cpuMicros(() => {
    for (let i = 0; i < PACKETS; i++, seq++) {
      header.sequenceNumber = seq & 0xffff;
      werift.encrypt(payload, header);
    }
  });

  // Unprotect needs distinct packets (replay window): a fresh sender protects a chunk untimed, then opening
  // it is timed. Every packet must open: a failing run would time the cheap rejection path.
  const sender = createSrtpContext(profile, key, salt);
  let oursOpen = 0;
  let weriftOpen = 0;
  let failed = 0;
  seq = 0;
  for (let done = 0; done < PACKETS; done += CHUNK) {
    const chunk: Buffer[] = [];
    for (let i = 0; i < CHUNK; i++, seq++) {
      template[2] = (seq >> 8) & 0xff;
      template[3] = seq & 0xff;
      const o = Buffer.alloc(template.length + 16);
      chunk.push(o.subarray(0, sender.protectRtp(template, template.length, o)));
    }
    const copies = chunk.map((b) => Buffer.from(b));
    oursOpen += cpuMicros(() => {
      for (const b of chunk) if (rx.unprotectRtp(b) < 0) failed++;
    });
    weriftOpen += cpuMicros(() => {
      for (const b of copies) werift2.decrypt(b);
    });
  }
  if (failed) throw new Error(`${failed} packets failed to unprotect: the figures would be wrong`);
  const name = profile === PROFILE_AEAD_AES_128_GCM ? 'AEAD_AES_128_GCM' : 'AES_CM_128_HMAC_SHA1_80';
  const line = (op: string, ours: number, theirs: number) =>
    console.log(
      `${name.padEnd(24)} ${String(size).padStart(5)} B  ${op.padEnd(9)} ours ${(ours / PACKETS).toFixed(2).padStart(6)} µs ` +
        `(${Math.round(PACKETS / (ours / 1e6)).toLocaleString('en-US').padStart(9)} pkt/s)   werift ${(theirs / PACKETS).toFixed(2).padStart(6)} µs ` +
        `(${Math.round(PACKETS / (theirs / 1e6)).toLocaleString('en-US').padStart(9)} pkt/s)   ×${(theirs / ours).toFixed(1)}`,
    );
  line('protect', oursProtect, weriftProtect);
  line('unprotect', oursOpen, weriftOpen);
  tx.close();
  rx.close();
  sender.close();
}

console.log(`SRTP per-packet CPU, ${PACKETS} packets per case, node ${process.version}`);
for (const profile of [PROFILE_AES_CM_128_HMAC_SHA1_80, PROFILE_AEAD_AES_128_GCM] as const) {
  for (const size of [160, 1200]) bench(profile, size);
}
