// SRTP_AEAD_AES_128_GCM (RFC 7714): counter-mode keystream from the shared ECB generator, GHASH in the
// WebAssembly module. Tag = GHASH_H(AAD, C) ⊕ E(J0); AAD is the RTP header (RTCP: 8-byte header ‖ E ‖ index).
// The packet is copied into module memory with its payload 16-aligned at C_AT (header just before it), so
// the XOR and GHASH run where it lies and the result leaves in one copy.
import { AAD, C_AT, KS, SRTP_ERR_AUTH, SRTP_ERR_REPLAY, SrtpContext, Y } from './context.js';
import { GhashKey } from './ghash.js';
import { KeystreamGenerator } from './keystream.js';
import type { SessionKeys } from './kdf.js';
import type { RtpStream } from './stream.js';

const TAG = 16;
const pad16 = (n: number) => (n + 15) & ~15;

export class GcmContext extends SrtpContext {
  readonly tagLength = TAG;
  private readonly rtpH: GhashKey;
  private readonly rtcpH: GhashKey;

  constructor(rtp: SessionKeys, rtcp: SessionKeys) {
    const rtpKs = new KeystreamGenerator(rtp.key, rtp.salt, 'gcm');
    const rtcpKs = new KeystreamGenerator(rtcp.key, rtcp.salt, 'gcm');
    super(rtpKs, rtcpKs);
    this.rtpH = new GhashKey(rtpKs.hashKey());
    this.rtcpH = new GhashKey(rtcpKs.hashKey());
  }

  /**
   * Y ← GHASH(AAD, C) ⊕ E(J0): `aad` bytes of `from` at AAD (zero-padded), `cLen` bytes of ciphertext at C_AT
   * (the padding and the length block after it are overwritten), E(J0) at `ej0`.
   */
  private tag(h: GhashKey, from: Uint8Array, aadLen: number, cLen: number, ej0: number, word = -1): void {
    const m = this.mem();
    const v = this.memView();
    const aadPadded = pad16(aadLen);
    // The header is short: a byte loop beats a typed-array view plus set().
    let i = 0;
    for (; i < aadLen; i++) m[AAD + i] = from[i];
    if (word >= 0) v.setUint32(AAD + aadLen - 4, word); // RTCP: E ‖ index follows the 8-byte header
    for (; i < aadPadded; i++) m[AAD + i] = 0;
    const cPadded = pad16(cLen);
    for (let j = C_AT + cLen; j < C_AT + cPadded; j++) m[j] = 0;
    const lenAt = C_AT + cPadded;
    v.setUint32(lenAt, 0);
    v.setUint32(lenAt + 4, aadLen * 8);
    v.setUint32(lenAt + 8, 0);
    v.setUint32(lenAt + 12, cLen * 8);
    v.setUint32(Y, 0);
    v.setUint32(Y + 4, 0);
    v.setUint32(Y + 8, 0);
    v.setUint32(Y + 12, 0);
    h.run(Y, AAD, aadPadded >> 4);
    h.run(Y, C_AT, (cPadded >> 4) + 1);
    this.wasm.xor(Y, ej0, 16);
  }

  private tagMatches(buf: Uint8Array, at: number): boolean {
    const m = this.mem();
    let diff = 0;
    for (let i = 0; i < TAG; i++) diff |= buf[at + i] ^ m[Y + i];
    return diff === 0;
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
    const ks = this.keystream(s, index, 1 + Math.ceil(plen / 16), true);
    const m = this.mem();
    const start = C_AT - hl;
    for (let i = 0; i < hl; i++) m[start + i] = hdr[i];
    // Buffer#copy with offsets: no view object per packet.
    const mb = this.memBuf();
    pay.copy(mb, C_AT, pOff, pOff + plen);
    this.wasm.xor(C_AT, ks + 16, plen);
    this.tag(this.rtpH, hdr, hl, plen, ks);
    for (let i = 0; i < TAG; i++) m[C_AT + plen + i] = m[Y + i];
    mb.copy(dst, dOff, start, C_AT + plen + TAG);
    return hl + plen + TAG;
  }

  protected openRtp(s: RtpStream, index: number, buf: Buffer, hl: number, end: number, speculate: boolean): number {
    const plen = end - hl;
    const ks = this.keystream(s, index, 1 + Math.ceil(plen / 16), speculate);
    const mb = this.memBuf();
    buf.copy(mb, C_AT, hl, end);
    this.tag(this.rtpH, buf, hl, plen, ks);
    if (!this.tagMatches(buf, end)) return SRTP_ERR_AUTH;
    this.wasm.xor(C_AT, ks + 16, plen);
    mb.copy(buf, hl, C_AT, C_AT + plen);
    return end;
  }

  protected sealRtcp(ssrc: number, index: number, src: Uint8Array, len: number, dst: Buffer): number {
    const plen = len - 8;
    const m = this.mem();
    m.set(this.rtcpKs.rtcp(ssrc, index, 1 + Math.ceil(plen / 16)), KS);
    const word = (0x80000000 | index) >>> 0;
    m.set(src.subarray(8, len), C_AT);
    this.wasm.xor(C_AT, KS + 16, plen);
    this.tag(this.rtcpH, src, 12, plen, KS, word); // AAD = header (8) ‖ E ‖ SRTCP index
    if (dst !== src) dst.set(src.subarray(0, 8), 0);
    dst.set(m.subarray(C_AT, C_AT + plen), 8);
    dst.set(m.subarray(Y, Y + TAG), len);
    dst.writeUInt32BE(word, len + TAG);
    return len + TAG + 4;
  }

  protected openRtcp(ssrc: number, buf: Buffer, len: number, replayOk: (index: number) => boolean) {
    const word = buf.readUInt32BE(len - 4);
    const index = word & 0x7fffffff;
    if (!replayOk(index)) return { length: SRTP_ERR_REPLAY, index };
    const tagAt = len - 4 - TAG;
    const m = this.mem();
    if (word & 0x80000000) {
      const plen = tagAt - 8;
      m.set(this.rtcpKs.rtcp(ssrc, index, 1 + Math.ceil(plen / 16)), KS);
      m.set(buf.subarray(8, tagAt), C_AT);
      this.tag(this.rtcpH, buf, 12, plen, KS, word);
      if (!this.tagMatches(buf, tagAt)) return { length: SRTP_ERR_AUTH, index };
      this.wasm.xor(C_AT, KS + 16, plen);
      buf.set(m.subarray(C_AT, C_AT + plen), 8);
    } else {
      // Unencrypted SRTCP: the whole packet (and E ‖ index) is AAD, no ciphertext.
      m.set(this.rtcpKs.rtcp(ssrc, index, 1), KS);
      const aad = Buffer.allocUnsafe(tagAt + 4);
      buf.copy(aad, 0, 0, tagAt);
      aad.writeUInt32BE(word, tagAt);
      this.tag(this.rtcpH, aad, tagAt + 4, 0, KS);
      if (!this.tagMatches(buf, tagAt)) return { length: SRTP_ERR_AUTH, index };
    }
    return { length: tagAt, index };
  }

  override close(): void {
    super.close();
    this.rtpH.release();
    this.rtcpH.release();
  }
}
