// One-way delay on loopback without touching the media: each sender logs when it sent which RTP timestamp
// (and a fingerprint of the payload); a receiver in the same process finds its stream's sender and the
// SFU's timestamp offset from the first payload it can identify, then reads each packet's send time from
// the sender's log by timestamp. The SFU rewrites SSRC, sequence numbers and timestamps per receiver (a
// constant offset per leg) but forwards payloads byte for byte, which is what makes this work. Senders in
// another process are simply not found (no delay figures for them).
// Several talkers playing one speech sample send the same payloads, so a fingerprint alone often names no
// one; a receiver that knows its stream's sender (from the track id the SFU signalled) looks the payload up
// in that sender's log only.

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

  /** RTP timestamp of the newest logged packet with this payload fingerprint, or -1 when it is not in the log. */
  tsOf(fp: number): number {
    const span = Math.min(this.n, LOG_SIZE);
    for (let k = 1; k <= span; k++) {
      const i = (this.n - k) & (LOG_SIZE - 1);
      if (this.fps[i] === fp) return this.ts[i]!;
    }
    return -1;
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
  /** Senders by label (`voice <sessionID>`, `screen <sessionID>`): one per track this process sends. */
  private readonly byLabel = new Map<string, SenderLog>();

  sender(label: string): SenderLog {
    const log = new SenderLog(this, label);
    this.byLabel.set(label, log);
    return log;
  }

  /** The log of the sender with this label, if it is in this process. */
  senderLog(label: string): SenderLog | undefined {
    return this.byLabel.get(label);
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

/** Packets between two attempts to learn a stream's sender from signalling (it may not be known yet). */
const RESOLVE_EVERY = 50;

/** Where one received stream came from: the sender's log and the SFU's timestamp offset on this leg. */
export class DelayProbe {
  private log: SenderLog | undefined;
  private offset = 0;
  private misses = 0;
  private unresolved = 0;
  private sender: SenderLog | undefined;

  constructor(
    private readonly registry: SendRegistry = sendRegistry,
    /** The stream's sender, when the receiver can tell (the signalled track id); else fingerprints decide. */
    private readonly resolveSender?: () => SenderLog | undefined,
  ) {}

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
    const fp = payloadFingerprint(buf, payloadOff, payloadLen);
    if (!this.sender && this.resolveSender && this.unresolved++ % RESOLVE_EVERY === 0) this.sender = this.resolveSender();
    if (this.sender) {
      const sentTs = this.sender.tsOf(fp);
      if (sentTs < 0) return -1;
      this.log = this.sender;
      this.offset = (ts - sentTs) >>> 0;
      this.misses = 0;
      return this.sender.sentAt(sentTs);
    }
    const e = this.registry.lookup(fp);
    if (!e) return -1;
    this.log = e.log;
    this.offset = (ts - e.ts) >>> 0;
    this.misses = 0;
    return e.log.sentAt(e.ts);
  }
}
