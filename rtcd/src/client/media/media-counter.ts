// Receiving media without werift's receive path: the client's PC sits on a shared port and its RTP is taken
// before werift sees it, authenticated and decrypted with our SRTP context (only genuine packets count), and
// measured per SSRC: packets, bytes, losses (sequence gaps), RFC 3550 jitter, and one-way delay when the
// sender is in this process (send-log.ts). Each datagram then costs about what a browser's network stack
// does, so one load-generator process keeps up with hundreds of receivers. RTCP still goes to werift
// (sender reports, keyframe requests...).
import type { RTCPeerConnection } from 'werift';
import { OPUS_PAYLOAD_TYPE } from '../../rtc/media-config.js';
import type { PeerPortAttachment } from '../../rtc/net/peer-attachment.js';
import { parseTrackId } from '../../rtc/ids.js';
import { createSrtpContext, isRtcpPacket, rtpHeaderLength, srtpKeysOf } from '../../rtc/srtp/index.js';
import { DelayProbe, sendRegistry, type SendRegistry, type SenderLog } from './send-log.js';
import { JitterMeter, LatencyHistogram } from './stats.js';

/** Streams tracked per receiver (a call has few senders; more is a misbehaving server). */
const MAX_STREAMS = 64;

export type MediaKind = 'audio' | 'video';

interface StreamState {
  kind: MediaKind;
  first: number;
  highest: number;
  /** Packets received (duplicates included). */
  received: number;
  jitter: JitterMeter;
  delay: DelayProbe;
}

export class MediaCounter {
  packets = 0;
  bytes = 0;
  audioPackets = 0;
  videoPackets = 0;
  /** Datagrams that failed SRTP authentication (should stay 0). */
  failures = 0;
  /** performance.now() of the first audio packet, -1 before. */
  firstAudioAt = -1;
  /** One-way delay of packets whose sender is in this process (ms). */
  readonly delay = new LatencyHistogram();
  private readonly streams = new Map<number, StreamState>();

  constructor(
    private readonly registry: SendRegistry = sendRegistry,
    /** The sender of an incoming SSRC, when the receiver knows it (countMediaOnly: from the signalled track ids). */
    private readonly senderOf?: (ssrc: number) => SenderLog | undefined,
  ) {}

  /** One decrypted RTP packet of `len` bytes (header included) in `buf`, arrived at `nowMs`. */
  record(buf: Buffer, len: number, nowMs: number): void {
    const hl = rtpHeaderLength(buf, len);
    if (hl < 0) return;
    const pad = buf[0]! & 0x20 ? buf[len - 1]! : 0;
    const payloadLen = Math.max(0, len - hl - pad);
    const ssrc = buf.readUInt32BE(8);
    const seq = buf.readUInt16BE(2);
    const ts = buf.readUInt32BE(4);
    let s = this.streams.get(ssrc);
    if (!s) {
      if (this.streams.size >= MAX_STREAMS) return;
      const kind: MediaKind = (buf[1]! & 0x7f) === OPUS_PAYLOAD_TYPE ? 'audio' : 'video';
      s = { kind, first: seq, highest: seq, received: 0, jitter: new JitterMeter(kind === 'audio' ? 48000 : 90000), delay: new DelayProbe(this.registry, this.senderOf && (() => this.senderOf!(ssrc))) };
      this.streams.set(ssrc, s);
    } else {
      const d = (seq - s.highest) & 0xffff;
      if (d > 0 && d < 0x8000) s.highest = seq;
    }
    s.received++;
    this.packets++;
    this.bytes += payloadLen;
    if (s.kind === 'audio') {
      this.audioPackets++;
      if (this.firstAudioAt < 0) this.firstAudioAt = nowMs;
    } else this.videoPackets++;
    s.jitter.record(ts, nowMs);
    const sentAt = s.delay.sentAt(buf, hl, payloadLen, ts);
    if (sentAt >= 0) this.delay.record(nowMs - sentAt);
  }

  /** Packets expected from the sequence numbers seen minus packets received (never negative per stream). */
  get lost(): number {
    let n = 0;
    for (const s of this.streams.values()) n += Math.max(0, ((s.highest - s.first) & 0xffff) + 1 - s.received);
    return n;
  }

  /** Packets expected from the sequence numbers seen. */
  get expected(): number {
    let n = 0;
    for (const s of this.streams.values()) n += ((s.highest - s.first) & 0xffff) + 1;
    return n;
  }

  /** Mean RFC 3550 jitter of the streams of `kind` (ms), NaN without any. */
  jitterMs(kind: MediaKind): number {
    let sum = 0;
    let n = 0;
    for (const s of this.streams.values()) {
      if (s.kind !== kind) continue;
      sum += s.jitter.jitterMs;
      n++;
    }
    return n ? sum / n : NaN;
  }
}

/** The parts of a client peer the counter needs: its PC, and its attachment to a shared port. */
export interface CountablePeer {
  readonly pc: RTCPeerConnection;
  readonly attachment: PeerPortAttachment | undefined;
}

/** Starts counting the client's incoming RTP (once DTLS is up). Requires the client to be on a port. */
export async function countMediaOnly(client: CountablePeer, registry: SendRegistry = sendRegistry): Promise<MediaCounter> {
  const attachment = client.attachment;
  if (!attachment) throw new Error('countMediaOnly: the client must be on a shared port (opts.port)');
  const keys = await srtpKeysOf(client.pc);
  const ctx = createSrtpContext(keys.profile, keys.remoteMasterKey, keys.remoteMasterSalt);
  // A received track's id names its sender (`voice_<sessionID>_...`), whose log has the sender's label.
  const senderOf = (ssrc: number): SenderLog | undefined => {
    for (const t of client.pc.getTransceivers()) {
      if (!t.receiver.tracks.some((tr) => tr.ssrc === ssrc)) continue;
      const parsed = parseTrackId(t.receiver.remoteTrackId ?? '');
      return parsed && registry.senderLog(`${parsed.type} ${parsed.senderSessionID}`);
    }
    return undefined;
  };
  const counter = new MediaCounter(registry, senderOf);
  attachment.setMediaInterceptor((data) => {
    if (isRtcpPacket(data)) return false;
    const n = ctx.unprotectRtp(data);
    if (n < 0) {
      counter.failures++;
      return true;
    }
    counter.record(data, n, performance.now());
    return true;
  });
  client.pc.connectionStateChange.subscribe((s) => {
    if (s === 'closed') ctx.close();
  });
  return counter;
}
