// The per-packet path: one ingest track in, N egress sinks out. Packets come read in place by the fast
// ingest (fast/ingest-route.ts), or parsed by werift (a stream's first packet; publishers the fast ingest
// does not serve); from here each goes to every receiver of the track through its sink (fast/egress-sink.ts):
// on the fast path our own header, SRTP and socket, else werift's sender. No closure or object per packet
// on the fast path, a plain array of sinks (copy-on-write), counters in shared Float64Arrays, the write
// time observed once per ingest packet.
//
// Sequence numbers: what the SFU drops on purpose (a muted voice track whose client keeps sending) must not
// look like loss to the receivers, so the track's sequence is made continuous here (`contSeq`: the ingest
// sequence number minus the packets dropped so far) and each sink maps it to its own leg. Timestamps keep
// running (a gap in time stays a gap). Padding-only packets are forwarded (empty payload), so a video
// track's contSeq is its ingest sequence number and NACKed packets map exactly.
import { RtpHeader, RtpPacket, type MediaStreamTrack } from 'werift';
import type { EgressSink } from '../fast/egress-sink.js';
import type { PayloadHistory } from '../fast/packet-history.js';
import { AUDIO_LEVEL_URI } from '../media-config.js';
import type { LocalHistogram } from '../metrics/local-histogram.js';
import { rtpCounterIndex, type ForwardedType, type RtpCounters } from '../metrics/recorder.js';

const ONE_BYTE_PROFILE = 0xbede;

export interface ForwarderOptions {
  type: ForwardedType;
  counters: RtpCounters;
  /** PathCounters.values: ingest packets werift decrypted are counted here (see ingestPath). */
  paths: Float64Array;
  writeTime: LocalHistogram;
  /** Payloads kept for NACKs on the fast path (video). */
  history?: PayloadHistory;
  /** Called with the RFC 6464 level of every audio packet that carries one (VAD). */
  onAudioLevel?: (level: number) => void;
}

export class TrackForwarder {
  readonly type: ForwardedType;
  /** False drops packets after counting them (a muted voice track). */
  enabled = true;
  /**
   * Index in the path counters to count each ingest packet under, when our SRTP hook does not see them
   * (werift decrypts this publisher's media); -1 when the hook counts them.
   */
  ingestPath = -1;
  readonly history: PayloadHistory | undefined;
  private sinks: EgressSink[] = [];
  private weriftSinks = 0;
  private readonly values: Float64Array;
  private readonly paths: Float64Array;
  private readonly inIdx: number;
  private readonly outIdx: number;
  private readonly writeTime: LocalHistogram;
  private readonly onAudioLevel: ((level: number) => void) | undefined;
  private unsubscribe: (() => void) | undefined;
  /** Told about each stream (SSRC) werift delivers, so the fast ingest can take it from the next packet. */
  onStream: ((ssrc: number) => void) | undefined;
  private lastSsrc = -1;
  private highest = -1;
  private dropped = 0;
  private closed = false;

  constructor(opts: ForwarderOptions) {
    this.type = opts.type;
    this.values = opts.counters.values;
    this.paths = opts.paths;
    this.inIdx = rtpCounterIndex('in', opts.type);
    this.outIdx = rtpCounterIndex('out', opts.type);
    this.writeTime = opts.writeTime;
    this.history = opts.history;
    this.onAudioLevel = opts.onAudioLevel;
  }

  /** Starts forwarding the packets of a remote (ingest) track. */
  attach(track: MediaStreamTrack): void {
    if (this.closed) return;
    this.unsubscribe?.();
    this.unsubscribe = track.onReceiveRtp.subscribe(this.onRtp).unSubscribe;
  }

  get egressCount(): number {
    return this.sinks.length;
  }

  get egress(): readonly EgressSink[] {
    return this.sinks;
  }

  addEgress(sink: EgressSink): void {
    if (this.closed || this.sinks.includes(sink)) return;
    // Copy-on-write: the packet loop iterates the current array without guarding against changes.
    this.setSinks([...this.sinks, sink]);
  }

  removeEgress(sink: EgressSink): void {
    if (this.sinks.includes(sink)) this.setSinks(this.sinks.filter((s) => s !== sink));
  }

  /** Swaps a sink for another (a receiver moving to the fast path) without a gap in between. */
  replaceEgress(old: EgressSink, sink: EgressSink): void {
    const i = this.sinks.indexOf(old);
    if (i < 0 || this.closed) return;
    const next = [...this.sinks];
    next[i] = sink;
    this.setSinks(next);
  }

  private setSinks(sinks: EgressSink[]): void {
    this.sinks = sinks;
    this.weriftSinks = sinks.filter((s) => !s.fast).length;
  }

  close(): void {
    this.closed = true;
    this.unsubscribe?.();
    this.unsubscribe = undefined;
    this.setSinks([]);
  }

  /**
   * Packets werift parsed and routed (the first of each stream, and everything of a publisher the fast ingest
   * does not serve: ICE-TCP, werift's path). `onStream` learns each new SSRC so its next packets can take
   * the fast ingest.
   */
  private readonly onRtp = (packet: RtpPacket, extensions?: Record<string, unknown>): void => {
    const h = packet.header;
    if (h.ssrc !== this.lastSsrc) {
      this.lastSsrc = h.ssrc;
      this.onStream?.(h.ssrc);
    }
    const level = extensions?.[AUDIO_LEVEL_URI] as { level: number } | undefined;
    this.forward(packet.payload, 0, packet.payload.length, h.sequenceNumber, h.timestamp, h.marker, h.payloadType, level ? level.level : -1, packet);
  };

  /** A packet read in place by the fast ingest (fast/ingest-route.ts): payload `buf[off..off+len)`. */
  forwardRaw(buf: Buffer, off: number, len: number, seq: number, ts: number, marker: boolean, pt: number, level: number): void {
    this.forward(buf, off, len, seq, ts, marker, pt, level, undefined);
  }

  private forward(
    buf: Buffer,
    off: number,
    size: number,
    seq: number,
    ts: number,
    marker: boolean,
    pt: number,
    level: number,
    parsed: RtpPacket | undefined,
  ): void {
    const v = this.values;
    v[this.inIdx]! += 1;
    v[this.inIdx + 1]! += size;
    if (this.ingestPath >= 0) this.paths[this.ingestPath]! += 1;
    if (level >= 0 && this.onAudioLevel !== undefined) this.onAudioLevel(level);
    const newer = this.highest < 0 || (((seq - this.highest) & 0xffff) < 0x8000 && seq !== this.highest);
    if (newer) this.highest = seq;
    if (!this.enabled) {
      if (newer) this.dropped++;
      return;
    }
    const sinks = this.sinks;
    const n = sinks.length;
    if (n === 0) return;
    const contSeq = (seq - this.dropped) & 0xffff;
    const payloadNo = this.history !== undefined ? this.history.push(buf, off, size, marker) : -1;
    // werift's senders take a packet object; ours take the bytes where they are.
    const packet = this.weriftSinks > 0 ? weriftPacket(parsed, buf, off, size, contSeq, ts, marker, pt) : undefined;
    const t0 = performance.now();
    let sent = 0;
    for (let i = 0; i < n; i++) sent += sinks[i]!.write(buf, off, size, marker, ts, contSeq, t0, payloadNo, packet);
    this.writeTime.observe((performance.now() - t0) / 1000);
    v[this.outIdx]! += sent;
    v[this.outIdx + 1]! += sent * size;
  }
}

/**
 * The packet werift's senders get: its sequence number continuous (contSeq) and no header extension of the
 * ingest leg (werift's sender would copy those over its own: werift.md §2.9-2).
 */
function weriftPacket(parsed: RtpPacket | undefined, buf: Buffer, off: number, size: number, contSeq: number, ts: number, marker: boolean, pt: number): RtpPacket {
  if (parsed) {
    const h = parsed.header;
    h.extensions = [];
    h.extension = false;
    h.extensionProfile = ONE_BYTE_PROFILE;
    h.sequenceNumber = contSeq;
    return parsed;
  }
  return new RtpPacket(new RtpHeader({ sequenceNumber: contSeq, timestamp: ts, marker, payloadType: pt }), buf.subarray(off, off + size));
}
