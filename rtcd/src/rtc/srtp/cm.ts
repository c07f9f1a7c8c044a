// SRTP_AES128_CM_HMAC_SHA1_80 (RFC 3711): AES-128 counter mode, HMAC-SHA1 tag truncated to 80 bits.
// HMAC is computed as two one-shot SHA-1 hashes over (K ⊕ ipad ‖ message) and (K ⊕ opad ‖ inner digest):
// no HMAC object per packet, and the message is already laid out after the ipad block in module memory.
import { hash } from 'node:crypto';
import { IPAD, KS, PKT, SRTP_ERR_AUTH, SRTP_ERR_REPLAY, SrtpContext } from './context.js';
import { KeystreamGenerator } from './keystream.js';
import type { SessionKeys } from './kdf.js';
import type { RtpStream } from './stream.js';

const TAG = 10;

class HmacSha1Pads {
  readonly ipad = Buffer.alloc(64);
  /** K ⊕ opad followed by room for the inner digest. */
  readonly outer = Buffer.alloc(84);
  constructor(key: Buffer) {
    for (let i = 0; i < 64; i++) {
      const k = i < key.length ? key[i] : 0;
      this.ipad[i] = k ^ 0x36;
      this.outer[i] = k ^ 0x5c;
    }
  }
  /** The 20-byte tag over module memory [IPAD, end) (the ipad block must already be at IPAD), as latin1. */
  tag(mem: Buffer, end: number): string {
    // 'binary' (= latin1) strings: measured ~3x cheaper than asking for a Buffer digest.
    const inner = hash('sha1', mem.subarray(IPAD, end), 'binary');
    const o = this.outer;
    for (let i = 0; i < 20; i++) o[64 + i] = inner.charCodeAt(i); // cheaper than Buffer#write for 20 chars
    return hash('sha1', o, 'binary');
  }
}

/** Constant-time comparison of `n` tag bytes against the first `n` chars of a latin1 digest. */
function tagEquals(buf: Uint8Array, at: number, digest: string, n: number): boolean {
  let diff = 0;
  for (let i = 0; i < n; i++) diff |= buf[at + i] ^ digest.charCodeAt(i);
  return diff === 0;
}

export class CmContext extends SrtpContext {
  readonly tagLength = TAG;
  private readonly rtpMac: HmacSha1Pads;
  private readonly rtcpMac: HmacSha1Pads;

  constructor(rtp: SessionKeys, rtcp: SessionKeys) {
    super(new KeystreamGenerator(rtp.key, rtp.salt, 'cm'), new KeystreamGenerator(rtcp.key, rtcp.salt, 'cm'));
    this.rtpMac = new HmacSha1Pads(rtp.auth);
    this.rtcpMac = new HmacSha1Pads(rtcp.auth);
  }

  protected sealRtp(
    s: RtpStream,
    index: number,
    hdr: Uint8Array,
    hl: number,
    pay: Buffer,
    pOff: number,
    plen: number,
    dst: Buffer,
    dOff: number,
  ): number {
    const len = hl + plen;
    const ks = this.keystream(s, index, Math.ceil(plen / 16), true);
    const m = this.mem();
    m.set(this.rtpMac.ipad, IPAD);
    // The header is short: a byte loop beats a typed-array view plus set().
    for (let i = 0; i < hl; i++) m[PKT + i] = hdr[i];
    // Buffer#copy with offsets: no view object per packet.
    const mb = this.memBuf();
    pay.copy(mb, PKT + hl, pOff, pOff + plen);
    this.wasm.xor(PKT + hl, ks, plen);
    this.memView().setUint32(PKT + len, Math.floor(index / 65536) >>> 0);
    const digest = this.rtpMac.tag(mb, PKT + len + 4);
    mb.copy(dst, dOff, PKT, PKT + len);
    const tagAt = dOff + len;
    for (let i = 0; i < TAG; i++) dst[tagAt + i] = digest.charCodeAt(i);
    return len + TAG;
  }

  protected openRtp(s: RtpStream, index: number, buf: Buffer, hl: number, end: number, speculate: boolean): number {
    this.mem().set(this.rtpMac.ipad, IPAD);
    buf.copy(this.memBuf(), PKT, 0, end);
    this.memView().setUint32(PKT + end, Math.floor(index / 65536) >>> 0);
    const digest = this.rtpMac.tag(this.memBuf(), PKT + end + 4);
    if (!tagEquals(buf, end, digest, TAG)) return SRTP_ERR_AUTH;
    const plen = end - hl;
    // Authenticated first: a forged packet costs two hashes, never keystream.
    const ks = this.keystream(s, index, Math.ceil(plen / 16), speculate);
    this.wasm.xor(PKT + hl, ks, plen);
    // Not a view taken before keystream(): a new stream's first packet may grow module memory there, which
    // detaches every earlier view (the worker used to die on that packet).
    this.memBuf().copy(buf, hl, PKT + hl, PKT + end);
    return end;
  }

  protected sealRtcp(ssrc: number, index: number, src: Uint8Array, len: number, dst: Buffer): number {
    const plen = len - 8;
    const ks = this.rtcpKs.rtcp(ssrc, index, Math.ceil(plen / 16));
    const m = this.mem();
    m.set(this.rtcpMac.ipad, IPAD);
    m.set(len === src.length ? src : src.subarray(0, len), PKT);
    m.set(ks.subarray(0, plen), KS);
    this.wasm.xor(PKT + 8, KS, plen);
    this.memView().setUint32(PKT + len, (0x80000000 | index) >>> 0); // E flag: encrypted
    const digest = this.rtcpMac.tag(this.memBuf(), PKT + len + 4);
    dst.set(m.subarray(PKT, PKT + len + 4), 0);
    dst.write(digest, len + 4, TAG, 'latin1');
    return len + 4 + TAG;
  }

  protected openRtcp(ssrc: number, buf: Buffer, len: number, replayOk: (index: number) => boolean) {
    const end = len - TAG; // after E ‖ index
    const word = buf.readUInt32BE(end - 4);
    const index = word & 0x7fffffff;
    if (!replayOk(index)) return { length: SRTP_ERR_REPLAY, index };
    const m = this.mem();
    m.set(this.rtcpMac.ipad, IPAD);
    m.set(buf.subarray(0, end), PKT);
    const digest = this.rtcpMac.tag(this.memBuf(), PKT + end);
    if (!tagEquals(buf, end, digest, TAG)) return { length: SRTP_ERR_AUTH, index };
    const rtcpLen = end - 4;
    if (word & 0x80000000) {
      const plen = rtcpLen - 8;
      const ks = this.rtcpKs.rtcp(ssrc, index, Math.ceil(plen / 16));
      m.set(ks.subarray(0, plen), KS);
      this.wasm.xor(PKT + 8, KS, plen);
      buf.set(m.subarray(PKT + 8, PKT + rtcpLen), 8);
    }
    return { length: rtcpLen, index };
  }
}
