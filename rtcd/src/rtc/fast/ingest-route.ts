// The fast ingest of one published stream (one SSRC): its decrypted packets are read where they lie (header
// fields, the audio level and transport-wide number from the extension block) and handed to the track's
// forwarder, instead of werift parsing them into objects, parsing the extensions into a map, cloning the
// packet and dispatching events (about 25 µs a packet). What werift's receiver does with each packet still
// happens, on its own state and without objects: the reception statistics of its receiver reports and the
// NACK generator of video. Transport-wide numbers go to the session's TransportFeedback (werift's is per
// receiver, wrong for a bundle).
//
// A route exists once werift has seen the stream's first packet (which creates that receiver state); the
// session's media interceptor then sends the stream's datagrams here (fast/session-media.ts).
import type { RTCRtpReceiver, RTCRtpTransceiver } from 'werift';
import { AUDIO_LEVEL_URI } from '../media-config.js';
import { TWCC_URI } from './header-template.js';
import type { TrackForwarder } from '../forward/forwarder.js';
import { rtpHeaderLength } from '../srtp/stream.js';

/** The parts of werift's RTCRtpReceiver its per-packet bookkeeping uses (werift 0.25.2; see werift-media.ts). */
interface ReceiverInternals {
  remoteStreams: Record<number, { add(packet: PacketView, now?: number): void } | undefined>;
  nack: { addPacket(packet: PacketView): void };
  nackEnabled: unknown;
  stopped: boolean;
}

/**
 * Stops werift's own transport-wide feedback on a receiver: it is per receiver (so wrong for a bundle) and
 * the session's TransportFeedback reports every packet instead. werift re-creates it on renegotiation
 * (`resyncCodecs`), hence an accessor that keeps a no-op in place.
 */
export function silenceWeriftTwcc(receiver: RTCRtpReceiver): void {
  const noop = { handleTWCC(): void {}, twccRunning: false };
  Object.defineProperty(receiver, 'receiverTWCC', { configurable: true, get: () => noop, set: () => undefined });
}

/** The transport-wide sequence number of a decrypted RTP packet, or -1 (under any of the extension `ids`). */
export function readTransportSeq(buf: Buffer, len: number, ids: readonly number[]): number {
  if (ids.length === 0 || !(buf[0]! & 0x10)) return -1;
  const hl = rtpHeaderLength(buf, len);
  if (hl < 0) return -1;
  const at = 12 + 4 * (buf[0]! & 0x0f);
  for (const id of ids) {
    const seq = scanExtensions(buf, at, hl, 0, id).transportSeq;
    if (seq >= 0) return seq;
  }
  return -1;
}

const scan = { level: -1, transportSeq: -1 };

/** Finds the audio level and transport-wide number in the extension block at `at` (RFC 8285). */
function scanExtensions(buf: Buffer, at: number, end: number, audioLevel: number, transportCc: number): typeof scan {
  scan.level = -1;
  scan.transportSeq = -1;
  const profile = (buf[at]! << 8) | buf[at + 1]!;
  let o = at + 4;
  if (profile === 0xbede) {
    while (o < end) {
      const b = buf[o]!;
      if (b === 0) {
        o++;
        continue;
      }
      const id = b >> 4;
      if (id === 15) break;
      const n = (b & 0x0f) + 1;
      if (o + 1 + n > end) break;
      if (id === audioLevel) scan.level = buf[o + 1]! & 0x7f;
      else if (id === transportCc && n === 2) scan.transportSeq = (buf[o + 1]! << 8) | buf[o + 2]!;
      o += 1 + n;
    }
  } else if ((profile & 0xfff0) === 0x1000) {
    while (o + 1 < end) {
      const id = buf[o]!;
      if (id === 0) {
        o++;
        continue;
      }
      const n = buf[o + 1]!;
      if (o + 2 + n > end) break;
      if (id === audioLevel && n >= 1) scan.level = buf[o + 2]! & 0x7f;
      else if (id === transportCc && n === 2) scan.transportSeq = (buf[o + 2]! << 8) | buf[o + 3]!;
      o += 2 + n;
    }
  }
  return scan;
}

/**
 * The fields of an RtpPacket werift's bookkeeping reads (sequence number, timestamp, SSRC, header size,
 * payload length), as one reused object per route.
 */
export interface PacketView {
  header: { sequenceNumber: number; timestamp: number; ssrc: number; serializeSize: number; payloadType: number };
  payload: { length: number };
}

/** Negotiated extension ids of one m-line (0 = not negotiated). */
export interface IngestExtensionIds {
  audioLevel: number;
  transportCc: number;
}

/**
 * The ids the client uses on this m-line. Not per bundle: a client may number the same URI differently on
 * different m-lines (werift does), though browsers do not.
 */
export function extensionIdsOf(transceiver: RTCRtpTransceiver): IngestExtensionIds {
  const exts = transceiver.headerExtensions;
  return {
    audioLevel: exts.find((e) => e.uri === AUDIO_LEVEL_URI)?.id ?? 0,
    transportCc: exts.find((e) => e.uri === TWCC_URI)?.id ?? 0,
  };
}

export const enum RouteResult {
  Forwarded = 0,
  /** Not a packet we can read (bad header or padding): dropped, counted by the caller. */
  Malformed = 1,
}

export class IngestRoute {
  private readonly receiver: ReceiverInternals;
  private readonly view: PacketView;
  private readonly video: boolean;

  private readonly ids: IngestExtensionIds;

  constructor(
    readonly ssrc: number,
    readonly forwarder: TrackForwarder,
    transceiver: RTCRtpTransceiver,
    kind: 'audio' | 'video',
    /** The session's transport-wide feedback (every packet with a transport-wide number). */
    private readonly onTransportSeq: (seq: number, nowMs: number, ssrc: number) => void,
  ) {
    this.receiver = transceiver.receiver as unknown as ReceiverInternals;
    this.ids = extensionIdsOf(transceiver);
    this.video = kind === 'video';
    this.view = { header: { sequenceNumber: 0, timestamp: 0, ssrc, serializeSize: 12, payloadType: 0 }, payload: { length: 0 } };
  }

  /** A decrypted RTP packet `buf[0..len)` of this stream. */
  receive(buf: Buffer, len: number, nowMs: number): RouteResult {
    const hl = rtpHeaderLength(buf, len);
    if (hl < 0) return RouteResult.Malformed;
    const pad = buf[0]! & 0x20 ? buf[len - 1]! : 0;
    const payloadLen = len - hl - pad;
    if (payloadLen < 0) return RouteResult.Malformed;
    const seq = (buf[2]! << 8) | buf[3]!;
    const ts = ((buf[4]! << 24) | (buf[5]! << 16) | (buf[6]! << 8) | buf[7]!) >>> 0;
    const marker = (buf[1]! & 0x80) !== 0;
    const pt = buf[1]! & 0x7f;
    let level = -1;
    if (buf[0]! & 0x10) {
      const x = scanExtensions(buf, 12 + 4 * (buf[0]! & 0x0f), hl, this.ids.audioLevel, this.ids.transportCc);
      level = x.level;
      if (x.transportSeq >= 0) this.onTransportSeq(x.transportSeq, nowMs, this.ssrc);
    }

    const r = this.receiver;
    if (!r.stopped) {
      const v = this.view;
      v.header.sequenceNumber = seq;
      v.header.timestamp = ts;
      v.header.serializeSize = hl;
      v.header.payloadType = pt;
      v.payload.length = payloadLen;
      r.remoteStreams[this.ssrc]?.add(v, nowMs / 1000);
      if (this.video && r.nackEnabled) r.nack.addPacket(v);
    }
    this.forwarder.forwardRaw(buf, hl, payloadLen, seq, ts, marker, pt, level);
    return RouteResult.Forwarded;
  }
}
