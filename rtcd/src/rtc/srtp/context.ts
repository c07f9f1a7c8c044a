// One direction of an SRTP/SRTCP association (what DTLS-SRTP calls the local or the remote master key):
// protect (sender) or unprotect (receiver) RTP and RTCP, with state per SSRC. Packets are processed in a
// scratch area of the WebAssembly module's memory; results are written into caller buffers.
import { SCRATCH, memoryGrowths, srtpArena, srtpWasm, type SrtpWasm } from './wasm.js';
import { KEYSTREAM_SLOT, KeystreamGenerator, type CounterLayout } from './keystream.js';
import { RtcpStream, RtpStream, StreamTable, rtpHeaderLength } from './stream.js';

/** Negative results of protect/unprotect. */
export const SRTP_ERR_MALFORMED = -1;
export const SRTP_ERR_AUTH = -2;
export const SRTP_ERR_REPLAY = -3;
export const SRTP_ERR_TOO_LARGE = -4;

export function srtpErrorName(code: number): 'malformed' | 'auth' | 'replay' | 'too_large' | 'ok' {
  switch (code) {
    case SRTP_ERR_MALFORMED:
      return 'malformed';
    case SRTP_ERR_AUTH:
      return 'auth';
    case SRTP_ERR_REPLAY:
      return 'replay';
    case SRTP_ERR_TOO_LARGE:
      return 'too_large';
    default:
      return 'ok';
  }
}

/** Largest packet handled (bigger ones get SRTP_ERR_TOO_LARGE), and largest RTP header. */
export const MAX_PACKET = 8192;
export const MAX_HEADER = 1024;
const MAX_STREAMS = 256;

// Scratch layout (module memory below ARENA, shared by every context of the thread; use is synchronous).
export const Y = SCRATCH; // 16-byte GHASH accumulator
export const IPAD = SCRATCH + 64; // 64-byte HMAC inner pad, right before the packet (AES-CM)
export const PKT = SCRATCH + 128; // AES-CM: packet, then ROC
export const AAD = SCRATCH + 128; // GCM: the header, zero-padded to 16
/** GCM: the payload starts here (16-aligned), the packet's header just before it, padding and lengths after. */
export const C_AT = SCRATCH + 128 + MAX_HEADER + 64 + MAX_HEADER;
export const KS = C_AT + MAX_PACKET + 64; // keystream of an SRTCP packet

/** Frees a context's module memory if it is dropped without close(). */
const leaked = new FinalizationRegistry<Set<number>>((slots) => {
  for (const at of slots) srtpArena().release(at, KEYSTREAM_SLOT);
});

export abstract class SrtpContext {
  protected readonly wasm: SrtpWasm = srtpWasm();
  private u8 = new Uint8Array(0);
  private buf = Buffer.alloc(0);
  private dv = new DataView(new ArrayBuffer(0));
  /** memoryGrowths when the views were made (-1: not yet). */
  private viewsAt = -1;
  /** Keystream blocks in module memory held by this context's streams. */
  private readonly slots = new Set<number>();
  protected readonly rtpStreams = new StreamTable<RtpStream>(
    MAX_STREAMS,
    (ssrc) => new RtpStream(ssrc),
    (s) => this.releaseStream(s),
  );
  protected readonly rtcpStreams = new StreamTable<RtcpStream>(MAX_STREAMS, () => new RtcpStream());
  /** Bytes of the authentication tag this profile appends to RTP packets. */
  abstract readonly tagLength: number;

  constructor(
    protected readonly rtpKs: KeystreamGenerator,
    protected readonly rtcpKs: KeystreamGenerator,
  ) {
    leaked.register(this, this.slots, this);
  }

  /** Views of module memory (re-made when the memory grew and the old buffer was detached). */
  protected mem(): Uint8Array {
    if (this.viewsAt !== memoryGrowths) this.refresh();
    return this.u8;
  }
  protected memBuf(): Buffer {
    if (this.viewsAt !== memoryGrowths) this.refresh();
    return this.buf;
  }
  protected memView(): DataView {
    if (this.viewsAt !== memoryGrowths) this.refresh();
    return this.dv;
  }
  private refresh(): void {
    const b = this.wasm.memory.buffer;
    this.u8 = new Uint8Array(b);
    this.buf = Buffer.from(b);
    this.dv = new DataView(b);
    this.viewsAt = memoryGrowths;
  }

  /**
   * Module-memory address of the keystream of packet `index` (`blocks` blocks), generated ahead when missing.
   * `speculate` false (unauthenticated stream or index far from the stream) generates this packet only, so a
   * forged packet cannot make us generate a whole batch. A stream's first call allocates its block, which may
   * grow module memory: views from mem()/memBuf()/memView() taken before it are detached, take them after.
   */
  protected keystream(s: RtpStream, index: number, blocks: number, speculate: boolean): number {
    const at = s.keystreamAt(index, blocks);
    if (at >= 0) return at;
    if (s.ksAt < 0) {
      s.ksAt = srtpArena().alloc(KEYSTREAM_SLOT);
      this.slots.add(s.ksAt);
    }
    const per = Math.max(blocks, s.ksBlocks);
    const count = speculate ? KeystreamGenerator.aheadFor(per) : 1;
    this.mem().set(this.rtpKs.rtp(s.ssrc, index, count, per), s.ksAt);
    s.ksFirst = index;
    s.ksCount = count;
    s.ksBlocks = per;
    return s.ksAt;
  }

  private releaseStream(s: RtpStream): void {
    if (s.ksAt < 0) return;
    srtpArena().release(s.ksAt, KEYSTREAM_SLOT);
    this.slots.delete(s.ksAt);
    s.ksAt = -1;
  }

  /**
   * Encrypts and authenticates the RTP packet `src[0..len)` into `dst` (which may be `src` if it has room for
   * the tag). Returns the SRTP length or a negative SRTP_ERR_*.
   */
  protectRtp(src: Uint8Array, len: number, dst: Buffer): number {
    if (len > MAX_PACKET) return SRTP_ERR_TOO_LARGE;
    const hl = rtpHeaderLength(src, len);
    if (hl < 0) return SRTP_ERR_MALFORMED;
    if (hl > MAX_HEADER || dst.length < len + this.tagLength) return SRTP_ERR_TOO_LARGE;
    const ssrc = ((src[8] << 24) | (src[9] << 16) | (src[10] << 8) | src[11]) >>> 0;
    const seq = (src[2] << 8) | src[3];
    const s = this.rtpStreams.obtain(ssrc);
    const index = s.estimate(seq);
    s.advance(index);
    return this.sealRtp(s, index, src, hl, Buffer.isBuffer(src) ? src : Buffer.from(src.buffer, src.byteOffset, src.byteLength), hl, len - hl, dst, 0);
  }

  /**
   * Like protectRtp for a packet given in two parts, a header `hdr[0..hl)` (fixed part and extensions, as
   * the receiver must see them) and a payload `pay[pOff..pOff+pLen)`, written at `dst[dOff..)`. The forward
   * path builds each receiver's header apart and shares the payload. Returns the SRTP length or SRTP_ERR_*.
   */
  protectRtpParts(hdr: Uint8Array, hl: number, pay: Buffer, pOff: number, pLen: number, dst: Buffer, dOff: number): number {
    const len = hl + pLen;
    if (len > MAX_PACKET) return SRTP_ERR_TOO_LARGE;
    if (rtpHeaderLength(hdr, hl) !== hl) return SRTP_ERR_MALFORMED;
    if (hl > MAX_HEADER || dst.length - dOff < len + this.tagLength) return SRTP_ERR_TOO_LARGE;
    const ssrc = ((hdr[8] << 24) | (hdr[9] << 16) | (hdr[10] << 8) | hdr[11]) >>> 0;
    const seq = (hdr[2] << 8) | hdr[3];
    const s = this.rtpStreams.obtain(ssrc);
    const index = s.estimate(seq);
    s.advance(index);
    return this.sealRtp(s, index, hdr, hl, pay, pOff, pLen, dst, dOff);
  }

  /**
   * Authenticates, replay-checks and decrypts the SRTP packet `buf[0..len)` in place. Returns the RTP length
   * (the tag removed) or a negative SRTP_ERR_*; nothing of the stream state changes on failure.
   */
  unprotectRtp(buf: Buffer, len = buf.length): number {
    if (len > MAX_PACKET) return SRTP_ERR_TOO_LARGE;
    const end = len - this.tagLength;
    const hl = rtpHeaderLength(buf, end);
    if (hl < 0) return SRTP_ERR_MALFORMED;
    if (hl > MAX_HEADER) return SRTP_ERR_TOO_LARGE;
    const ssrc = ((buf[8] << 24) | (buf[9] << 16) | (buf[10] << 8) | buf[11]) >>> 0;
    const seq = (buf[2] << 8) | buf[3];
    const known = this.rtpStreams.get(ssrc);
    const s = known ?? new RtpStream(ssrc);
    const index = s.estimate(seq);
    if (!s.replay.check(index)) return SRTP_ERR_REPLAY;
    const near = known !== undefined && index > s.replay.top - 64 && index <= s.replay.top + 64;
    const res = this.openRtp(s, index, buf, hl, end, near);
    if (res < 0) {
      if (!known) this.releaseStream(s);
      return res;
    }
    s.replay.accept(index);
    s.advance(index);
    if (!known) this.rtpStreams.add(ssrc, s);
    return res;
  }

  /** Encrypts and authenticates one (compound) RTCP packet into `dst`. Returns the SRTCP length. */
  protectRtcp(src: Uint8Array, len: number, dst: Buffer): number {
    if (len > MAX_PACKET) return SRTP_ERR_TOO_LARGE;
    if (len < 8 || src[0] >> 6 !== 2) return SRTP_ERR_MALFORMED;
    if (dst.length < len + this.tagLength + 4) return SRTP_ERR_TOO_LARGE;
    const ssrc = ((src[4] << 24) | (src[5] << 16) | (src[6] << 8) | src[7]) >>> 0;
    const s = this.rtcpStreams.obtain(ssrc);
    s.index = s.index >= 0x7fffffff ? 1 : s.index + 1;
    return this.sealRtcp(ssrc, s.index, src, len, dst);
  }

  /** The next SRTCP packet of `ssrc` is numbered `index + 1` (continuing what another sender numbered). */
  continueRtcp(ssrc: number, index: number): void {
    this.rtcpStreams.obtain(ssrc >>> 0).index = index & 0x7fffffff;
  }

  /** Authenticates, replay-checks and decrypts one SRTCP packet in place. Returns the RTCP length. */
  unprotectRtcp(buf: Buffer, len = buf.length): number {
    if (len > MAX_PACKET) return SRTP_ERR_TOO_LARGE;
    if (len < 8 + 4 + this.tagLength || buf[0] >> 6 !== 2) return SRTP_ERR_MALFORMED;
    const ssrc = ((buf[4] << 24) | (buf[5] << 16) | (buf[6] << 8) | buf[7]) >>> 0;
    const known = this.rtcpStreams.get(ssrc);
    const s = known ?? new RtcpStream();
    const res = this.openRtcp(ssrc, buf, len, (index) => s.replay.check(index));
    if (res.length < 0) return res.length;
    s.replay.accept(res.index);
    if (!known) this.rtcpStreams.add(ssrc, s);
    return res.length;
  }

  /** Seals header `hdr[0..hl)` + payload `pay[pOff..pOff+plen)` into `dst` at `dOff`; returns the length. */
  protected abstract sealRtp(
    s: RtpStream,
    index: number,
    hdr: Uint8Array,
    hl: number,
    pay: Buffer,
    pOff: number,
    plen: number,
    dst: Buffer,
    dOff: number,
  ): number;
  protected abstract openRtp(s: RtpStream, index: number, buf: Buffer, hl: number, end: number, speculate: boolean): number;
  protected abstract sealRtcp(ssrc: number, index: number, src: Uint8Array, len: number, dst: Buffer): number;
  protected abstract openRtcp(
    ssrc: number,
    buf: Buffer,
    len: number,
    replayOk: (index: number) => boolean,
  ): { length: number; index: number };

  /** Frees the module memory held by this context (keystream caches, GHASH tables). Idempotent. */
  close(): void {
    for (const st of this.rtpStreams.values()) this.releaseStream(st);
    leaked.unregister(this);
  }
}

export function layoutOf(gcm: boolean): CounterLayout {
  return gcm ? 'gcm' : 'cm';
}
