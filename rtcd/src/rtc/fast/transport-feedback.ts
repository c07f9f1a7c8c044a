// Transport-wide congestion control feedback (draft-holmer-rmcat-transport-wide-cc-extensions-01) for what
// one client sends us: every packet of the session that carries a transport-wide sequence number, audio
// and video together, as the sender numbers them. werift keeps this per receiver (one m-line each) and so
// reports the other m-lines' packets as lost; a browser's bandwidth estimator would read that as loss.
//
// Arrivals go into a small ring (no allocation per packet); every 100 ms the packets since the last
// feedback are reported: received with their arrival deltas (250 µs units) or not received. Packet status
// chunks are two-bit status vectors (7 statuses each), which every receiver of the format reads.

const RING = 1024;
const INTERVAL_MS = 100;
/** Statuses per feedback packet (bounded size; more go in the next one). */
const MAX_STATUS = 700;

export type FeedbackSender = (packet: Buffer) => void;

export class TransportFeedback {
  // Allocated with the first numbered packet (sessions that only listen send none).
  private seqs = new Int32Array(0);
  private arrivals = new Float64Array(0);
  /** Highest sequence number received, unwrapped (-1 before the first). */
  private highest = -1;
  /** Next unwrapped sequence number to report. */
  private next = -1;
  private fbCount = 0;
  /** Media SSRC of the latest packet (receivers route feedback by it; the numbers span every stream). */
  private mediaSsrc = 0;
  private timer: NodeJS.Timeout | undefined;
  /** Feedback packets sent. */
  sent = 0;

  constructor(
    private readonly senderSsrc: number,
    private readonly send: FeedbackSender,
    private readonly intervalMs = INTERVAL_MS,
  ) {}

  /** A packet with transport-wide number `seq` arrived at `nowMs` (performance.now()) on stream `ssrc`. */
  record(seq: number, nowMs: number, ssrc: number): void {
    this.mediaSsrc = ssrc;
    let ext: number;
    if (this.highest < 0) {
      if (this.seqs.length === 0) {
        this.seqs = new Int32Array(RING).fill(-1);
        this.arrivals = new Float64Array(RING);
      }
      ext = seq;
      this.next = seq;
    } else {
      const hi = this.highest & 0xffff;
      let d = (seq - hi) & 0xffff;
      if (d >= 0x8000) d -= 0x10000;
      ext = this.highest + d;
    }
    if (ext < this.next || ext < 0) return; // already reported (as lost): too late
    if (ext > this.highest) this.highest = ext;
    if (ext - this.next >= RING) this.next = ext - RING + 1; // the gap outgrew the ring: forget the oldest
    const i = ext & (RING - 1);
    this.seqs[i] = ext;
    this.arrivals[i] = nowMs;
    if (this.timer === undefined) {
      this.timer = setInterval(() => this.flush(), this.intervalMs);
      this.timer.unref();
    }
  }

  /** Sends feedback for everything since the last one (the timer does it every interval). */
  flush(): void {
    while (this.next >= 0 && this.next <= this.highest) {
      const packet = this.build();
      if (!packet) return;
      this.sent++;
      this.send(packet);
    }
  }

  private build(): Buffer | undefined {
    const base = this.next;
    const count = Math.min(this.highest - base + 1, MAX_STATUS);
    // Reference time: the first received packet's arrival, in 64 ms units.
    let first = -1;
    for (let k = 0; k < count; k++) {
      const i = (base + k) & (RING - 1);
      if (this.seqs[i] === base + k) {
        first = i;
        break;
      }
    }
    this.next = base + count;
    if (first < 0) return undefined; // nothing received in the range (it was skipped)
    const refUnits = Math.floor(this.arrivals[first]! / 64);
    const chunks = Math.ceil(count / 7);
    const statuses = new Uint8Array(count);
    const deltas: number[] = [];
    let deltaBytes = 0;
    let prev = refUnits * 64;
    for (let k = 0; k < count; k++) {
      const i = (base + k) & (RING - 1);
      if (this.seqs[i] !== base + k) continue;
      const d = Math.round((this.arrivals[i]! - prev) * 4); // 250 µs units
      prev += d / 4;
      statuses[k] = d >= 0 && d <= 255 ? 1 : 2;
      deltaBytes += statuses[k] === 1 ? 1 : 2;
      deltas.push(Math.max(-32768, Math.min(32767, d)));
    }
    const bodyLen = 20 + chunks * 2 + deltaBytes;
    const total = 4 + Math.ceil(bodyLen / 4) * 4;
    const b = Buffer.alloc(total);
    b[0] = 0x80 | 15; // V=2, FMT=15
    b[1] = 205;
    b.writeUInt16BE(total / 4 - 1, 2);
    b.writeUInt32BE(this.senderSsrc >>> 0, 4);
    b.writeUInt32BE(this.mediaSsrc >>> 0, 8);
    b.writeUInt16BE(base & 0xffff, 12);
    b.writeUInt16BE(count, 14);
    b.writeUIntBE(refUnits & 0xffffff, 16, 3);
    b[19] = this.fbCount;
    this.fbCount = (this.fbCount + 1) & 0xff;
    let o = 20;
    for (let c = 0; c < chunks; c++) {
      let chunk = 0xc000; // status vector, two-bit symbols
      for (let s = 0; s < 7; s++) {
        const k = c * 7 + s;
        chunk |= (k < count ? statuses[k]! : 0) << (12 - 2 * s);
      }
      b.writeUInt16BE(chunk, o);
      o += 2;
    }
    let j = 0;
    for (let k = 0; k < count; k++) {
      if (statuses[k] === 0) continue;
      const d = deltas[j++]!;
      if (statuses[k] === 1) b[o++] = d;
      else {
        b.writeInt16BE(d, o);
        o += 2;
      }
    }
    // The last byte of padded RTCP would carry the padding count; the format pads with zeros inside the
    // length instead (the receiver reads exactly the deltas its statuses announce).
    return b;
  }

  close(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }
}
