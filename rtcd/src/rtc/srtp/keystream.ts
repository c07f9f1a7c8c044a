// Counter-mode keystream from one reused AES-128-ECB cipher: the counter blocks of many packets are laid out
// in one buffer and encrypted by a single OpenSSL call, instead of one cipher object per packet.
//
// AES-CM (RFC 3711 §4.1.1): block j of packet i is (salt·2^16) ⊕ (SSRC·2^64) ⊕ (i·2^16) + j.
// AES-GCM (RFC 7714 §8.1, §9.1): IV = salt ⊕ (00 00 ‖ SSRC ‖ ROC ‖ SEQ) for RTP, salt ⊕ (00 00 ‖ SSRC ‖ 00 00 ‖
// index) for RTCP; block 0 is IV ‖ 1 (J0, masks the tag), block j ≥ 1 is IV ‖ (j + 1).
import { createCipheriv, type Cipher } from 'node:crypto';

/** Keystream bytes kept per stream (packets ahead = this / packet keystream size, at most 64). */
export const KEYSTREAM_SLOT = 16 * 1024;
const MAX_AHEAD = 64;

export type CounterLayout = 'cm' | 'gcm';

export class KeystreamGenerator {
  private readonly ecb: Cipher;
  private counters = Buffer.alloc(MAX_AHEAD * 16 * 16);
  private view = new DataView(this.counters.buffer, this.counters.byteOffset, this.counters.byteLength);
  private readonly s0: number;
  private readonly s1: number;
  private readonly s2: number;
  private readonly s3: number;

  constructor(
    key: Buffer,
    salt: Buffer,
    private readonly layout: CounterLayout,
  ) {
    this.ecb = createCipheriv('aes-128-ecb', key, null);
    this.ecb.setAutoPadding(false);
    const s = Buffer.alloc(16);
    salt.copy(s, 0, 0, layout === 'cm' ? 14 : 12);
    this.s0 = s.readUInt32BE(0);
    this.s1 = s.readUInt32BE(4);
    this.s2 = s.readUInt32BE(8);
    this.s3 = s.readUInt32BE(12); // low half is zero for AES-CM
  }

  /** How many packets to generate at once for packets of `blocks` keystream blocks. */
  static aheadFor(blocks: number): number {
    return Math.max(1, Math.min(MAX_AHEAD, Math.floor(KEYSTREAM_SLOT / (blocks * 16))));
  }

  /**
   * Keystream of `count` consecutive RTP packets starting at packet index `first` (ROC·2^16 + SEQ),
   * `blocks` blocks each.
   */
  rtp(ssrc: number, first: number, count: number, blocks: number): Buffer {
    const total = count * blocks;
    this.reserve(total);
    const v = this.view;
    let o = 0;
    for (let p = 0; p < count; p++) {
      const index = first + p;
      const roc = Math.floor(index / 65536) >>> 0;
      const seq = index & 0xffff;
      if (this.layout === 'cm') {
        const w0 = this.s0;
        const w1 = (this.s1 ^ ssrc) >>> 0;
        const w2 = (this.s2 ^ roc) >>> 0;
        const hi3 = (this.s3 ^ (seq << 16)) & 0xffff0000;
        for (let j = 0; j < blocks; j++, o += 16) {
          v.setUint32(o, w0);
          v.setUint32(o + 4, w1);
          v.setUint32(o + 8, w2);
          v.setUint32(o + 12, (hi3 | j) >>> 0);
        }
      } else {
        const w0 = (this.s0 ^ (ssrc >>> 16)) >>> 0;
        const w1 = (this.s1 ^ (((ssrc & 0xffff) << 16) | (roc >>> 16))) >>> 0;
        const w2 = (this.s2 ^ (((roc & 0xffff) << 16) | seq)) >>> 0;
        for (let j = 0; j < blocks; j++, o += 16) {
          v.setUint32(o, w0);
          v.setUint32(o + 4, w1);
          v.setUint32(o + 8, w2);
          v.setUint32(o + 12, j + 1);
        }
      }
    }
    return this.ecb.update(this.counters.subarray(0, total * 16));
  }

  /** Keystream of one SRTCP packet with index `index` (31 bits). */
  rtcp(ssrc: number, index: number, blocks: number): Buffer {
    if (this.layout === 'cm') return this.rtp(ssrc, index, 1, blocks); // same layout: i = SRTCP index
    this.reserve(blocks);
    const v = this.view;
    const w0 = (this.s0 ^ (ssrc >>> 16)) >>> 0;
    const w1 = (this.s1 ^ ((ssrc & 0xffff) << 16)) >>> 0;
    const w2 = (this.s2 ^ index) >>> 0;
    for (let j = 0, o = 0; j < blocks; j++, o += 16) {
      v.setUint32(o, w0);
      v.setUint32(o + 4, w1);
      v.setUint32(o + 8, w2);
      v.setUint32(o + 12, j + 1);
    }
    return this.ecb.update(this.counters.subarray(0, blocks * 16));
  }

  /** E_k(0^128), GCM's hash key H. */
  hashKey(): Buffer {
    return this.ecb.update(Buffer.alloc(16));
  }

  private reserve(blocks: number): void {
    if (blocks * 16 <= this.counters.length) return;
    this.counters = Buffer.alloc(blocks * 16);
    this.view = new DataView(this.counters.buffer, this.counters.byteOffset, this.counters.byteLength);
  }
}
