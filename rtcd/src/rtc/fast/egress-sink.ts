// One outgoing track of one receiver, as the forwarder writes to it. Two kinds:
//   FastEgress — the receiver leg's header from a template (its SSRC, payload type, mid and transport-wide
//     sequence number, continuous sequence numbers and timestamps of its own), protected with the receiving
//     session's SRTP context and sent on its connected socket; NACKs answered from the track's history.
//   WeriftEgress — werift's RTCRtpSender.sendRtp, for receivers the fast path cannot serve (counted).
// No per-packet allocation on the fast one: the template is patched in place, the payload is the ingest
// packet's, the protected bytes go into the session's slab.
import { RtpHeader, RtpPacket, type RTCRtpSender } from 'werift';
import { pathOutcomeIndex, type ForwardedType, rtpCounterIndex } from '../metrics/recorder.js';
import { buildHeaderTemplate, writeHeaderFields, type HeaderTemplate } from './header-template.js';
import { EgressHistory, type PayloadHistory } from './packet-history.js';
import { SendResult, type SessionEgress } from './session-egress.js';
import { SenderReportState, senderInternals, shareSenderReports, type SenderInternals } from './werift-media.js';

export interface EgressSink {
  readonly sender: RTCRtpSender;
  /** True for FastEgress (our path), false for werift's sender. */
  readonly fast: boolean;
  /**
   * Writes one packet: payload `buf[off..off+len)`, the ingest marker and timestamp, `contSeq` (the track's
   * sequence number with the SFU's own drops removed), `payloadNo` (its number in the track history, -1
   * without), and werift's form of it (`packet`, given when any werift sink exists). Returns 1 when it left,
   * 0 when dropped.
   */
  write(
    buf: Buffer,
    off: number,
    len: number,
    marker: boolean,
    ts: number,
    contSeq: number,
    now: number,
    payloadNo: number,
    packet: RtpPacket | undefined,
  ): number;
  /** A receiver's NACK for these sequence numbers (of this leg). */
  nack(lost: readonly number[]): void;
  /** Where the stream stopped, to continue it on another sink. */
  last(): { seq: number; timestamp: number; sentAt: number } | undefined;
  close(): void;
}

export interface SinkCounters {
  /** PathCounters.values */
  paths: Float64Array;
  /** RtpCounters.values */
  rtp: Float64Array;
}

const FAST = pathOutcomeIndex('out', 'fast', 'none');
const MIXED = pathOutcomeIndex('out', 'mixed', 'no_udp_path');
const QUEUE_FULL = pathOutcomeIndex('out', 'dropped', 'send_queue_full');
const TOO_LARGE = pathOutcomeIndex('out', 'werift', 'too_large');

export class WeriftEgress implements EgressSink {
  readonly fast = false;
  private readonly outcome: number;

  constructor(
    readonly sender: RTCRtpSender,
    reason: 'disabled' | 'no_keys',
    private readonly counters: SinkCounters,
    private readonly onWriteError: (err: unknown) => void,
  ) {
    this.outcome = pathOutcomeIndex('out', 'werift', reason);
  }

  write(_b: Buffer, _o: number, _l: number, _m: boolean, _t: number, _s: number, _n: number, _p: number, packet: RtpPacket | undefined): number {
    if (!packet) return 0;
    this.counters.paths[this.outcome]! += 1;
    try {
      this.sender.sendRtp(packet).catch(this.onWriteError);
    } catch (err) {
      this.onWriteError(err);
    }
    return 1;
  }

  nack(): void {
    // werift's sender answers from its own history.
  }

  last(): { seq: number; timestamp: number; sentAt: number } | undefined {
    const s = senderInternals(this.sender);
    return s.sequenceNumber === undefined || s.timestamp === undefined ? undefined : { seq: s.sequenceNumber, timestamp: s.timestamp, sentAt: -1 };
  }

  close(): void {}
}

export interface FastEgressOptions {
  sender: RTCRtpSender;
  /** The receiver's transceiver mid (written as sdes:mid when negotiated). */
  mid: () => string | null | undefined;
  egress: SessionEgress;
  type: ForwardedType;
  counters: SinkCounters;
  /** The published track's payload history (video with NACK); its size is the NACK window. */
  history?: PayloadHistory;
  /** Where a previous sink of this stream stopped (continuity); a random start otherwise. */
  continueFrom?: { seq: number; timestamp: number; sentAt: number };
  onWriteError: (err: unknown) => void;
}

function random32(): number {
  return (Math.random() * 0x100000000) >>> 0;
}

export class FastEgress implements EgressSink {
  readonly fast = true;
  readonly sender: RTCRtpSender;
  private readonly s: SenderInternals;
  private readonly egress: SessionEgress;
  private readonly paths: Float64Array;
  private readonly rtp: Float64Array;
  private readonly outIdx: number;
  private readonly history: PayloadHistory | undefined;
  private egressHistory: EgressHistory | undefined;
  private readonly report = new SenderReportState();
  private readonly mid: () => string | null | undefined;
  private readonly onWriteError: (err: unknown) => void;
  private tpl: HeaderTemplate;
  private extsRef: unknown;
  private codecRef: unknown;
  private pt = 0;
  private clockRate = 90000;
  private seqBase = 0;
  private tsBase = 0;
  private resync = true;
  private lastSeq: number;
  private lastTs: number;
  private lastSentAt: number;
  private closed = false;
  /** NACKed sequence numbers not (or no longer) in the history. */
  nackMisses = 0;
  retransmitted = 0;

  constructor(opts: FastEgressOptions) {
    this.sender = opts.sender;
    this.s = senderInternals(opts.sender);
    this.egress = opts.egress;
    this.paths = opts.counters.paths;
    this.rtp = opts.counters.rtp;
    this.outIdx = rtpCounterIndex('out', opts.type);
    this.history = opts.history;
    this.mid = opts.mid;
    this.onWriteError = opts.onWriteError;
    const from = opts.continueFrom;
    this.lastSeq = from ? from.seq : random32() & 0xffff;
    this.lastTs = from ? from.timestamp : random32();
    this.lastSentAt = from ? from.sentAt : -1;
    this.tpl = this.rebuild();
    shareSenderReports(opts.sender, this.report);
  }

  /** (Re)builds the header from what the receiver leg negotiated (checked per packet: a renegotiation may change it). */
  private rebuild(): HeaderTemplate {
    const s = this.s;
    this.extsRef = s.headerExtensions;
    this.codecRef = s.codec;
    const codec = s.codec as { payloadType: number; clockRate?: number } | undefined;
    this.pt = codec?.payloadType ?? 0;
    this.clockRate = codec?.clockRate ?? 90000;
    this.tpl = buildHeaderTemplate(s.ssrc, this.pt, s.headerExtensions, this.mid() ?? s.mid);
    // Retransmissions must be byte-identical to what was sent: forget what went out with the old header.
    this.egressHistory = this.history ? new EgressHistory(this.history.size) : undefined;
    return this.tpl;
  }

  write(buf: Buffer, off: number, len: number, marker: boolean, inTs: number, contSeq: number, now: number, payloadNo: number): number {
    if (this.closed) return 0;
    const s = this.s;
    if (s.headerExtensions !== this.extsRef || s.codec !== this.codecRef) this.rebuild();
    if (this.resync) {
      // The first packet of this sink continues where the stream stopped (or starts at a random point).
      const step = this.lastSentAt >= 0 ? Math.max(1, Math.round(((now - this.lastSentAt) * this.clockRate) / 1000)) : 1;
      this.seqBase = (this.lastSeq + 1 - contSeq) & 0xffff;
      this.tsBase = (this.lastTs + step - inTs) >>> 0;
      this.resync = false;
    }
    const seq = (contSeq + this.seqBase) & 0xffff;
    const ts = (inTs + this.tsBase) >>> 0;
    const tpl = this.tpl;
    const bytes = tpl.bytes;
    writeHeaderFields(bytes, marker, this.pt, seq, ts);
    let tw = -1;
    if (tpl.twccAt >= 0) {
      tw = this.egress.nextTransportSeq();
      bytes[tpl.twccAt] = tw >>> 8;
      bytes[tpl.twccAt + 1] = tw & 0xff;
    }
    const r = this.egress.send(bytes, tpl.length, buf, off, len);
    if (r === SendResult.QueueFull) {
      this.paths[QUEUE_FULL]! += 1;
      return 0;
    }
    if (r === SendResult.Refused) {
      // Not protectable here (size): werift sends this one, numbered like ours.
      this.paths[TOO_LARGE]! += 1;
      const header = new RtpHeader({ sequenceNumber: seq, timestamp: ts, marker, payloadType: this.pt });
      this.sender.sendRtp(new RtpPacket(header, Buffer.from(buf.subarray(off, off + len)))).catch(this.onWriteError);
    } else {
      this.paths[r === SendResult.Fast ? FAST : MIXED]! += 1;
    }
    this.lastSeq = seq;
    this.lastTs = ts;
    this.lastSentAt = now;
    const rep = this.report;
    rep.packetCount = (rep.packetCount + 1) >>> 0;
    rep.octetCount = (rep.octetCount + len) >>> 0;
    rep.rtpTimestamp = ts;
    rep.sentAt = now;
    if (payloadNo >= 0 && this.egressHistory !== undefined) this.egressHistory.record(seq, payloadNo, ts, tw);
    return 1;
  }

  nack(lost: readonly number[]): void {
    const hist = this.history;
    const eh = this.egressHistory;
    if (this.closed || hist === undefined || eh === undefined) {
      this.nackMisses += lost.length;
      return;
    }
    const tpl = this.tpl;
    const bytes = tpl.bytes;
    for (const seq of lost) {
      const n = eh.payloadOf(seq);
      if (n < 0 || !hist.has(n)) {
        this.nackMisses++;
        continue;
      }
      writeHeaderFields(bytes, hist.markerOf(n), this.pt, seq, eh.timestampOf(seq));
      const tw = eh.transportSeqOf(seq);
      if (tpl.twccAt >= 0) {
        bytes[tpl.twccAt] = (tw >>> 8) & 0xff;
        bytes[tpl.twccAt + 1] = tw & 0xff;
      }
      const len = hist.lengthOf(n);
      const r = this.egress.send(bytes, tpl.length, hist.buffer, hist.offsetOf(n), len);
      if (r === SendResult.Fast || r === SendResult.Mixed) {
        this.paths[r === SendResult.Fast ? FAST : MIXED]! += 1;
        this.rtp[this.outIdx]! += 1;
        this.rtp[this.outIdx + 1]! += len;
        this.retransmitted++;
      } else {
        this.paths[QUEUE_FULL]! += 1;
      }
    }
  }

  last(): { seq: number; timestamp: number; sentAt: number } {
    return { seq: this.lastSeq, timestamp: this.lastTs, sentAt: this.lastSentAt };
  }

  close(): void {
    this.closed = true;
  }
}
