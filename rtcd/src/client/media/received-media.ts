// What a client received through werift's receive path, per incoming track: packets, bytes, VP8 keyframes,
// the header extensions the packets carried (what the SFU wrote on this leg), the first MAX_KEPT arrivals and
// the sender reports. Bounded: sets and lists stop growing at MAX_KEPT entries per track.
import { RTP_EXTENSION_URI, RtcpSrPacket, type MediaStreamTrack, type RTCRtpReceiver, type RtpPacket } from 'werift';
import { isVp8KeyframeStart } from './pumps.js';

export interface ReceivedTrack {
  trackID: string;
  type: string;
  senderID: string;
  streamID: string;
  /** The receiving transceiver's mid. */
  mid: string;
  packets: number;
  bytes: number;
  keyframes: number;
  /** Packets that carried an audio-level extension (the SFU strips the sender's). */
  withAudioLevel: number;
  /** Distinct `sdes:mid` values seen in packets. */
  mids: Set<string>;
  /** Distinct sequence numbers received (holes = unrecovered losses). */
  seqs: Set<number>;
  /** Packets dropped by the client's loss emulation. */
  dropped: number;
  /** Sequence numbers, timestamps and arrival times (Date.now()) in arrival order (the first MAX_KEPT). */
  order: { seq: number; ts: number; ssrc: number; at: number }[];
  /** Sender reports received for this track's SSRC. */
  reports: { ntp: bigint; rtpTimestamp: number; packetCount: number; octetCount: number; packetsReceived: number }[];
}

/** One received packet's transport-wide sequence number, with the track it came on (arrival order). */
export interface TransportSeq {
  seq: number;
  type: string;
}

const MAX_KEPT = 5000;

export class ReceivedMedia {
  readonly tracks: ReceivedTrack[] = [];
  /** Transport-wide sequence numbers of every received packet that carried one (the last MAX_KEPT). */
  readonly transportSeqs: TransportSeq[] = [];
  private readonly unsubscribes: (() => void)[] = [];

  attach(track: MediaStreamTrack, info: { trackID: string; type: string; senderID: string; streamID: string; mid: string }): ReceivedTrack {
    const t: ReceivedTrack = {
      ...info,
      packets: 0,
      bytes: 0,
      keyframes: 0,
      withAudioLevel: 0,
      mids: new Set(),
      seqs: new Set(),
      dropped: 0,
      order: [],
      reports: [],
    };
    this.tracks.push(t);
    const sub = track.onReceiveRtp.subscribe((rtp: RtpPacket, ext?: Record<string, unknown>) => {
      t.packets++;
      t.bytes += rtp.payload.length;
      t.seqs.add(rtp.header.sequenceNumber); // 16-bit values: at most 65536 entries
      if (t.type === 'screen' && isVp8KeyframeStart(rtp.payload)) t.keyframes++;
      if (ext?.[RTP_EXTENSION_URI.audioLevelIndication] !== undefined) t.withAudioLevel++;
      const mid = ext?.[RTP_EXTENSION_URI.sdesMid];
      if (typeof mid === 'string' && t.mids.size < 16) t.mids.add(mid);
      if (t.order.length < MAX_KEPT) t.order.push({ seq: rtp.header.sequenceNumber, ts: rtp.header.timestamp, ssrc: rtp.header.ssrc, at: Date.now() });
      const tw = ext?.[RTP_EXTENSION_URI.transportWideCC];
      if (typeof tw === 'number' && this.transportSeqs.length < MAX_KEPT) this.transportSeqs.push({ seq: tw, type: t.type });
    });
    this.unsubscribes.push(sub.unSubscribe);
    return t;
  }

  /** Records the sender reports that arrive for a track (RTCP SR of its SSRC). */
  watchReports(receiver: RTCRtpReceiver, t: ReceivedTrack): void {
    const sub = receiver.onRtcp.subscribe((packet) => {
      if (!(packet instanceof RtcpSrPacket)) return;
      const info = packet.senderInfo;
      if (t.reports.length >= MAX_KEPT) return;
      t.reports.push({
        ntp: info.ntpTimestamp,
        rtpTimestamp: info.rtpTimestamp,
        packetCount: info.packetCount,
        octetCount: info.octetCount,
        packetsReceived: t.packets,
      });
    });
    this.unsubscribes.push(sub.unSubscribe);
  }

  /** Tracks of `type` sent by `senderID`. */
  from(senderID: string, type: string): ReceivedTrack[] {
    return this.tracks.filter((t) => t.senderID === senderID && t.type === type);
  }

  /** Total packets received of `type` from `senderID` (over every track, renegotiations included). */
  packets(senderID: string, type: string): number {
    return this.from(senderID, type).reduce((n, t) => n + t.packets, 0);
  }

  keyframes(senderID: string): number {
    return this.from(senderID, 'screen').reduce((n, t) => n + t.keyframes, 0);
  }

  close(): void {
    for (const u of this.unsubscribes.splice(0)) u();
  }
}
