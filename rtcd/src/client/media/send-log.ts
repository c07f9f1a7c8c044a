// One-way delay on loopback without touching the media: each sender logs when it sent which RTP timestamp
// (and a fingerprint of the payload); a receiver in the same process finds its stream's sender and the
// SFU's timestamp offset from the first payload it can identify, then reads each packet's send time from
// the sender's log by timestamp. The SFU rewrites SSRC, sequence numbers and timestamps per receiver (a
// constant offset per leg) but forwards payloads byte for byte, which is what makes this work. Senders in
// another process are simply not found (no delay figures for them).

/** FNV-1a over the payload's first 64 bytes and its length: cheap, and distinct for real media frames. */
export function payloadFingerprint(buf: Buffer, off: number, len: number): number {
  let h = 0x811c9dc5 ^ len;
  const end = off + Math.min(len, 64);
  for (let i = off; i < end; i++) h = Math.imul(h ^ buf[i]!, 0x01000193);
  return h >>> 0;
}

const LOG_SIZE = 1024;

/** What one sender sent recently: RTP timestamp → send time (performance.now(), ms), newest last. */
export class SenderLog {
  private readonly ts = new Uint32Array(LOG_SIZE);
  private readonly at = new Float64Array(LOG_SIZE);
  private readonly fps = new Uint32Array(LOG_SIZE);
  private n = 0;

  constructor(
    private readonly registry: SendRegistry,
    readonly label: string,
  ) {}

  /** A packet left: its timestamp and payload. Packets of one frame share a timestamp: the first counts. */
  record(ts: number, payload: Buffer, nowMs: number): void {
    const last = (this.n - 1) & (LOG_SIZE - 1);
    if (this.n > 0 && this.ts[last] === ts >>> 0) return;
    const i = this.n & (LOG_SIZE - 1);
    if (this.n >= LOG_SIZE) this.registry.forget(this.fps[i]!, this);
    const fp = payloadFingerprint(payload, 0, payload.length);
    this.ts[i] = ts >>> 0;
    this.at[i] = nowMs;
    this.fps[i] = fp;
    this.n++;
    this.registry.remember(fp, this, ts >>> 0);
  }

  /** Send time of the packet with this timestamp, or -1 when it is not in the log. */
  sentAt(ts: number): number {
    const u = ts >>> 0;
    const span = Math.min(this.n, LOG_SIZE);
    // Newest first: a receiver asks about what was sent a few packets ago.
    for (let k = 1; k <= span; k++) {
      const i = (this.n - k) & (LOG_SIZE - 1);
      if (this.ts[i] === u) return this.at[i]!;
    }
    return -1;
  }
}

interface Entry {
  log: SenderLog;
  ts: number;
}

/** The process's senders, and the payload fingerprints they sent recently (ambiguous ones removed). */
export class SendRegistry {
  private readonly byFingerprint = new Map<number, Entry | null>();

  sender(label: string): SenderLog {
    return new SenderLog(this, label);
  }

  remember(fp: number, log: SenderLog, ts: number): void {
    const e = this.byFingerprint.get(fp);
    if (e === undefined) this.byFingerprint.set(fp, { log, ts });
    // The same payload from two places (or twice in a window): it identifies nothing.
    else if (e !== null && (e.log !== log || e.ts !== ts)) this.byFingerprint.set(fp, null);
  }

  forget(fp: number, log: SenderLog): void {
    const e = this.byFingerprint.get(fp);
    if (e === null || e?.log === log) this.byFingerprint.delete(fp);
  }

  lookup(fp: number): Entry | undefined {
    return this.byFingerprint.get(fp) ?? undefined;
  }
}

/** The default registry of this process (lt's senders and receivers share it). */
export const sendRegistry = new SendRegistry();

/** Where one received stream came from: the sender's log and the SFU's timestamp offset on this leg. */
export class DelayProbe {
  private log: SenderLog | undefined;
  private offset = 0;
  private misses = 0;

  constructor(private readonly registry: SendRegistry = sendRegistry) {}

  /** Send time of a received packet (ms, performance.now() clock), or -1 when unknown. */
  sentAt(buf: Buffer, payloadOff: number, payloadLen: number, ts: number): number {
    if (this.log) {
      const at = this.log.sentAt((ts - this.offset) >>> 0);
      if (at >= 0) {
        this.misses = 0;
        return at;
      }
      // The leg's offset changed (the SFU resynchronised the stream): identify it again.
      if (++this.misses < 8) return -1;
      this.log = undefined;
    }
    const e = this.registry.lookup(payloadFingerprint(buf, payloadOff, payloadLen));
    if (!e) return -1;
    this.log = e.log;
    this.offset = (ts - e.ts) >>> 0;
    this.misses = 0;
    return e.log.sentAt(e.ts);
  }
}
