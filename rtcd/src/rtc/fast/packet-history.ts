// What a published video track recently sent, so that receivers' NACKs can be answered on the fast path:
// the last `size` payloads of the track, stored once (not per receiver) in preallocated slots, plus, per
// receiver, which slot each of its recent outgoing sequence numbers carried and the exact header fields it
// went out with (EgressHistory). A retransmission is then byte-identical to the original packet — same
// sequence number, timestamp and transport-wide number, so the same SRTP index and ciphertext: an AEAD
// nonce is never reused with a different header or payload.

const SLOT_BYTES = 1500;

export class PayloadHistory {
  readonly size: number;
  private readonly mask: number;
  private readonly data: Buffer;
  private readonly lengths: Uint16Array;
  private readonly markers: Uint8Array;
  /** Absolute number of the next payload (slot = n & mask); payloads older than count - size are gone. */
  private count = 0;

  /** `size`: a power of two (the `nackBufferSize` of the config). */
  constructor(size: number) {
    if (size < 1 || (size & (size - 1)) !== 0) throw new Error(`packet history size must be a power of two (got ${size})`);
    this.size = size;
    this.mask = size - 1;
    this.data = Buffer.alloc(size * SLOT_BYTES);
    this.lengths = new Uint16Array(size);
    this.markers = new Uint8Array(size);
  }

  /** Stores payload `buf[off..off+len)`; returns its absolute number, or -1 when it is too large to keep. */
  push(buf: Buffer, off: number, len: number, marker: boolean): number {
    if (len > SLOT_BYTES) return -1;
    const n = this.count++;
    const slot = n & this.mask;
    buf.copy(this.data, slot * SLOT_BYTES, off, off + len);
    this.lengths[slot] = len;
    this.markers[slot] = marker ? 1 : 0;
    return n;
  }

  /** Whether payload `n` is still held. */
  has(n: number): boolean {
    return n >= 0 && n < this.count && n >= this.count - this.size;
  }

  /** Offset of payload `n` in `buffer` (valid while has(n)). */
  offsetOf(n: number): number {
    return (n & this.mask) * SLOT_BYTES;
  }

  lengthOf(n: number): number {
    return this.lengths[n & this.mask]!;
  }

  markerOf(n: number): boolean {
    return this.markers[n & this.mask] === 1;
  }

  get buffer(): Buffer {
    return this.data;
  }
}

/** One receiver's view of a track's history: outgoing sequence number → payload number and header fields. */
export class EgressHistory {
  private readonly mask: number;
  private readonly seqs: Int32Array;
  private readonly payloads: Float64Array;
  private readonly timestamps: Uint32Array;
  private readonly transportSeqs: Int32Array;

  constructor(size: number) {
    this.mask = size - 1;
    this.seqs = new Int32Array(size).fill(-1);
    this.payloads = new Float64Array(size).fill(-1);
    this.timestamps = new Uint32Array(size);
    this.transportSeqs = new Int32Array(size).fill(-1);
  }

  record(seq: number, payload: number, timestamp: number, transportSeq: number): void {
    const i = seq & this.mask;
    this.seqs[i] = seq;
    this.payloads[i] = payload;
    this.timestamps[i] = timestamp;
    this.transportSeqs[i] = transportSeq;
  }

  /** The payload number sent with `seq`, or -1 when that sequence number is not in the window. */
  payloadOf(seq: number): number {
    const i = seq & this.mask;
    return this.seqs[i] === seq ? this.payloads[i]! : -1;
  }

  timestampOf(seq: number): number {
    return this.timestamps[seq & this.mask]!;
  }

  /** The transport-wide number the original carried (-1: none). */
  transportSeqOf(seq: number): number {
    return this.transportSeqs[seq & this.mask]!;
  }
}
