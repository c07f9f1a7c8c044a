// A track a session publishes (its voice, screen, or screen audio), as received from its client, with the
// forwarder that fans it out to the other sessions of the call. Its `id` is the outgoing track id the
// receivers see (`<type>_<senderSessionID>_<8 chars>`); their stream id is the sender's session id.
import type { MediaStreamTrack, RTCRtpTransceiver } from 'werift';
import { PayloadHistory } from '../fast/packet-history.js';
import { TrackForwarder } from '../forward/forwarder.js';
import { newTrackId } from '../ids.js';
import type { MetricsRecorder } from '../metrics/recorder.js';
import type { ForwardedType } from '../metrics/recorder.js';

export interface IngestTrackOptions {
  type: ForwardedType;
  senderSessionID: string;
  groupID: string;
  track: MediaStreamTrack;
  transceiver: RTCRtpTransceiver;
  streamID: string;
  mime: string;
  recorder: MetricsRecorder;
  onAudioLevel?: (level: number) => void;
  /** Keep this many recent payloads for receivers' NACKs (video on the fast path); 0 = none. */
  historySize: number;
  /** Path counter index of its ingest packets when werift decrypts them (-1: our SRTP hook counts them). */
  ingestPath: number;
  /** werift delivered the first packet of one of its streams (the fast ingest can take it from there). */
  onStream?: (track: IngestTrack, ssrc: number) => void;
}

export class IngestTrack {
  readonly id: string;
  readonly type: ForwardedType;
  readonly kind: 'audio' | 'video';
  readonly mime: string;
  readonly senderSessionID: string;
  readonly streamID: string;
  readonly transceiver: RTCRtpTransceiver;
  readonly forwarder: TrackForwarder;
  private readonly track: MediaStreamTrack;
  private closed = false;

  constructor(opts: IngestTrackOptions) {
    this.id = newTrackId(opts.type, opts.senderSessionID);
    this.type = opts.type;
    this.kind = opts.type === 'screen' ? 'video' : 'audio';
    this.mime = opts.mime;
    this.senderSessionID = opts.senderSessionID;
    this.streamID = opts.streamID;
    this.transceiver = opts.transceiver;
    this.track = opts.track;
    this.forwarder = new TrackForwarder({
      type: opts.type,
      counters: opts.recorder.rtp,
      paths: opts.recorder.paths.values,
      writeTime: opts.recorder.writeTimeHistogram(opts.groupID, opts.type),
      history: this.kind === 'video' && opts.historySize > 0 ? new PayloadHistory(opts.historySize) : undefined,
      onAudioLevel: opts.onAudioLevel,
    });
    this.forwarder.ingestPath = opts.ingestPath;
    const onStream = opts.onStream;
    if (onStream) this.forwarder.onStream = (ssrc) => onStream(this, ssrc);
    this.forwarder.attach(opts.track);
  }

  get mid(): string | null | undefined {
    return this.transceiver.mid;
  }

  /** The publisher's SSRC for this track (known once the offer with its `a=ssrc` was applied). */
  get ssrc(): number | undefined {
    return this.track.ssrc;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** Sends a PLI to the publisher (callers rate-limit through the call's PliLimiter). */
  sendPli(ssrc: number): void {
    if (this.closed) return;
    void this.transceiver.receiver.sendRtcpPLI(ssrc);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.forwarder.close();
  }
}
