// Per-SSRC state of an SRTP direction: rollover counter and highest sequence number (RFC 3711 §3.3.1), the
// replay window (§3.3.2), and the keystream generated ahead for the next packets of the stream.

/** RTP header length (fixed part, CSRCs, extension) or -1 when it does not fit in `len` bytes. */
export function rtpHeaderLength(b: Uint8Array, len: number): number {
  if (len < 12 || b[0] >> 6 !== 2) return -1;
  let hl = 12 + 4 * (b[0] & 0x0f);
  if (b[0] & 0x10) {
    if (hl + 4 > len) return -1;
    hl += 4 + 4 * ((b[hl + 2] << 8) | b[hl + 3]);
  }
  return hl <= len ? hl : -1;
}

export const REPLAY_WINDOW = 128;

/** RTCP rather than RTP on a muxed port (RFC 5761: packet types 192-223 land on PT 64-95). */
export function isRtcpPacket(b: Uint8Array): boolean {
  const pt = b[1] & 0x7f;
  return b.length >= 8 && pt >= 64 && pt <= 95;
}

/** Sliding window of the last REPLAY_WINDOW indices below the highest one accepted. */
export class ReplayWindow {
  /** Highest accepted index, -1 before the first packet. */
  top = -1;
  /** Bit i set: index top - i was seen (bit 0 is `top` itself). */
  private readonly bits = new Uint32Array(REPLAY_WINDOW / 32);

  /** False for a replayed index or one older than the window. */
  check(index: number): boolean {
    if (this.top < 0 || index > this.top) return true;
    const d = this.top - index;
    if (d >= REPLAY_WINDOW) return false;
    return (this.bits[d >>> 5] & (1 << (d & 31))) === 0;
  }

  /** Records an authenticated index. */
  accept(index: number): void {
    if (index > this.top) {
      const shift = this.top < 0 ? REPLAY_WINDOW : index - this.top;
      this.shift(shift);
      this.top = index;
      this.bits[0] |= 1;
    } else {
      const d = this.top - index;
      this.bits[d >>> 5] |= 1 << (d & 31);
    }
  }

  private shift(n: number): void {
    const w = this.bits;
    if (n >= REPLAY_WINDOW) {
      w.fill(0);
      return;
    }
    const words = n >>> 5;
    const bitsN = n & 31;
    for (let i = w.length - 1; i >= 0; i--) {
      const src = i - words;
      let v = src >= 0 ? w[src] << bitsN : 0;
      if (bitsN && src - 1 >= 0) v |= w[src - 1] >>> (32 - bitsN);
      w[i] = v >>> 0;
    }
  }
}

export class RtpStream {
  /** Rollover counter and highest sequence number (s_l); `started` once a packet was accepted. */
  roc = 0;
  seq = 0;
  started = false;
  readonly replay = new ReplayWindow();
  /**
   * Keystream of packets [ksFirst, ksFirst + ksCount), ksBlocks AES blocks each, back to back, kept in the
   * WebAssembly module's memory at ksAt (-1: no block yet) so the XOR reads it where it is.
   */
  ksAt = -1;
  ksFirst = -1;
  ksCount = 0;
  ksBlocks = 0;

  constructor(readonly ssrc: number) {}

  /** The packet index (ROC·2^16 + SEQ) a sequence number most likely belongs to (RFC 3711 Appendix A). */
  estimate(seq: number): number {
    if (!this.started) return seq;
    let v = this.roc;
    if (this.seq < 32768) {
      if (seq - this.seq > 32768 && v > 0) v--;
    } else if (this.seq - 32768 > seq) {
      v++;
    }
    return v * 65536 + seq;
  }

  /** Takes an index as the stream's newest when it is (sender side, or after authentication). */
  advance(index: number): void {
    const roc = Math.floor(index / 65536);
    const seq = index % 65536;
    if (!this.started || roc > this.roc || (roc === this.roc && seq > this.seq)) {
      this.roc = roc;
      this.seq = seq;
      this.started = true;
    }
  }

  /** Address of packet `index`'s keystream in module memory, or -1 when it is not generated (or too short). */
  keystreamAt(index: number, blocks: number): number {
    const d = index - this.ksFirst;
    if (this.ksAt < 0 || d < 0 || d >= this.ksCount || blocks > this.ksBlocks) return -1;
    return this.ksAt + d * this.ksBlocks * 16;
  }
}

export class RtcpStream {
  /** Last SRTCP index sent (sender side). */
  index = 0;
  readonly replay = new ReplayWindow();
}

/** Bounded SSRC → state map: the oldest stream goes when a new one would exceed the limit. */
export class StreamTable<T> {
  private readonly map = new Map<number, T>();
  /** The last stream found: a forward path's context sees one SSRC packet after packet (no Map lookup). */
  private lastSsrc = -1;
  private last: T | undefined;
  constructor(
    private readonly limit: number,
    private readonly create: (ssrc: number) => T,
    private readonly evicted: (stream: T) => void = () => {},
  ) {}
  get(ssrc: number): T | undefined {
    if (ssrc === this.lastSsrc) return this.last;
    const s = this.map.get(ssrc);
    if (s !== undefined) {
      this.lastSsrc = ssrc;
      this.last = s;
    }
    return s;
  }
  obtain(ssrc: number): T {
    let s = this.get(ssrc);
    if (!s) {
      s = this.create(ssrc);
      this.add(ssrc, s);
    }
    return s;
  }
  add(ssrc: number, s: T): void {
    this.map.set(ssrc, s);
    if (ssrc === this.lastSsrc) this.last = s;
    if (this.map.size > this.limit) {
      const [oldest, stream] = this.map.entries().next().value!;
      this.map.delete(oldest);
      if (oldest === this.lastSsrc) {
        this.lastSsrc = -1;
        this.last = undefined;
      }
      this.evicted(stream);
    }
  }
  get size(): number {
    return this.map.size;
  }
  values(): IterableIterator<T> {
    return this.map.values();
  }
}
