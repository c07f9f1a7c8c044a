// The receiving side of a session: one sendonly transceiver per track forwarded to it (the other sessions'
// voice, screen, screen audio). Adding and removing them needs a server offer, so changes go through the
// negotiator's queue; a binding starts receiving packets once its offer was answered. Screen bindings relay
// the receiver's PLIs to the sharer (rate-limited by the call) and ask for a keyframe as soon as they start.
import { PictureLossIndication, RtcpPayloadSpecificFeedback, type RtcpPacket, type RTCPeerConnection, type RTCRtpTransceiver } from 'werift';
import type { MediaMap } from '../dc/messages.js';
import type { EgressSink } from '../fast/egress-sink.js';
import type { SessionMedia } from '../fast/session-media.js';
import type { MetricsRecorder } from '../metrics/recorder.js';
import type { Negotiator } from '../signaling/negotiator.js';
import type { Call } from './call.js';
import type { IngestTrack } from './ingest-track.js';

export type TrackAction = { kind: 'add'; track: IngestTrack } | { kind: 'remove'; track: IngestTrack };

interface Binding {
  track: IngestTrack;
  transceiver: RTCRtpTransceiver;
  /** What the track's forwarder writes to while active. */
  sink: EgressSink | undefined;
  active: boolean;
  removed: boolean;
  unsubscribes: (() => void)[];
}

export interface SubscriberHost {
  readonly sessionID: string;
  readonly groupID: string;
  readonly call: Call;
  readonly recorder: MetricsRecorder;
  readonly pc: RTCPeerConnection;
  readonly negotiator: Negotiator<TrackAction>;
  readonly media: SessionMedia;
  /** Whether the client sends a track of its own on this transceiver. */
  publishesOn(transceiver: RTCRtpTransceiver): boolean;
  error(type: string, message: string, err?: unknown): void;
}

export class Subscriber {
  /** False until the data channel is open: the reference sends no media before (rtcd handleTracks). */
  ready = false;
  private readonly bindings = new Map<string, Binding>();
  /** Active bindings by the SSRC we send them with (keyframe requests name it). */
  private readonly bySsrc = new Map<number, Binding>();
  private unsubscribeRtcp: (() => void) | undefined;
  private closed = false;

  constructor(private readonly host: SubscriberHost) {}

  /** Number of tracks this session currently receives (negotiated). */
  get activeCount(): number {
    let n = 0;
    for (const b of this.bindings.values()) if (b.active) n++;
    return n;
  }

  /** The data channel opened: subscribe to everything already published in the call. */
  start(tracks: IngestTrack[]): void {
    this.ready = true;
    for (const t of tracks) this.subscribe(t);
  }

  subscribe(track: IngestTrack): void {
    if (!this.ready || this.closed || track.isClosed || this.bindings.has(track.id)) return;
    const n = this.host.negotiator;
    if (n.hasQueued((a) => a.kind === 'add' && a.track === track)) return;
    if (!n.enqueue({ kind: 'add', track })) this.host.error('track', 'failed to add track: renegotiation queue is full');
  }

  unsubscribe(track: IngestTrack): void {
    const n = this.host.negotiator;
    n.dequeue((a) => a.kind === 'add' && a.track === track);
    const b = this.bindings.get(track.id);
    if (!b || b.removed) return;
    b.removed = true;
    this.deactivate(b);
    if (!n.enqueue({ kind: 'remove', track })) {
      this.host.error('track', 'failed to remove track: renegotiation queue is full');
      this.release(b);
    }
  }

  /** Negotiator: applies queued actions to the peer connection; returns those that need an offer. */
  applyActions(actions: TrackAction[]): TrackAction[] {
    const applied: TrackAction[] = [];
    const h = this.host;
    for (const a of actions) {
      if (a.kind === 'add') {
        if (a.track.isClosed || this.bindings.has(a.track.id)) continue;
        let transceiver: RTCRtpTransceiver;
        try {
          // sendrecv, as the reference (pion's AddTrack): a browser whose addTrack reuses this m-line for
          // its microphone (calls-common does) answers sendrecv and sends on it; with sendonly it would
          // answer recvonly, see nothing left to negotiate, and never send.
          transceiver = h.pc.addTransceiver(a.track.kind, { direction: 'sendrecv' });
        } catch (err) {
          h.error('track', 'failed to add transceiver', err);
          continue;
        }
        // msid: stream = the sender's session id, track = <type>_<sender>_<rand> (clients parse it).
        transceiver.sender.streamId = a.track.senderSessionID;
        // werift types trackId as readonly but reads it for the msid line; it is a plain field.
        (transceiver.sender as { trackId: string }).trackId = a.track.id;
        this.bindings.set(a.track.id, { track: a.track, transceiver, sink: undefined, active: false, removed: false, unsubscribes: [] });
        h.recorder.gauge('tracks', [h.groupID, 'out', a.track.mime], 1);
        applied.push(a);
      } else {
        const b = this.bindings.get(a.track.id);
        if (!b) continue;
        this.release(b);
        applied.push(a);
      }
    }
    return applied;
  }

  /** Negotiator: the client answered; start forwarding to the new bindings. */
  actionsNegotiated(actions: TrackAction[]): void {
    for (const a of actions) {
      if (a.kind !== 'add') continue;
      const b = this.bindings.get(a.track.id);
      if (!b || b.removed || b.active || a.track.isClosed) continue;
      this.activate(b);
    }
  }

  /** Negotiator: these actions were dropped or rolled back. */
  actionsFailed(actions: TrackAction[]): void {
    for (const a of actions) {
      const b = this.bindings.get(a.track.id);
      if (a.kind === 'add' && b && !b.active) this.release(b);
    }
  }

  mediaMap(): MediaMap {
    const map: MediaMap = {};
    for (const b of this.bindings.values()) {
      const mid = b.transceiver.mid;
      if (mid != null && !b.removed) map[mid] = { type: b.track.type, sender_id: b.track.senderSessionID };
    }
    return map;
  }

  private readonly onWriteError = (err: unknown): void => {
    this.host.error('rtp', 'failed to write RTP packet', err);
  };

  private activate(b: Binding): void {
    const h = this.host;
    const sender = b.transceiver.sender;
    b.active = true;
    const sink = h.media.createSink(b.transceiver, b.track.type, b.track.forwarder.history, this.onWriteError);
    b.sink = sink;
    b.track.forwarder.addEgress(sink);
    b.unsubscribes.push(
      sender.onGenericNack.subscribe((nack) => {
        h.recorder.rtcp('in', 'nack');
        b.sink?.nack(nack.lost);
      }).unSubscribe,
    );
    if (b.track.kind === 'video') {
      this.bySsrc.set(sender.ssrc, b);
      this.watchRtcp();
      // A new viewer needs a keyframe to start decoding.
      h.call.requestKeyframe(b.track);
    }
  }

  /**
   * Keyframe requests from the client, by the media SSRC they name. Not werift's per-sender event: werift
   * routes a PLI by its *sender* SSRC first, which on our sendrecv m-lines is the client's own stream there,
   * so the request would reach a receiver and be lost.
   */
  private watchRtcp(): void {
    if (this.unsubscribeRtcp) return;
    const dtls = this.host.pc.dtlsTransports[0];
    if (dtls) this.unsubscribeRtcp = dtls.onRtcp.subscribe(this.onRtcp).unSubscribe;
  }

  private readonly onRtcp = (p: RtcpPacket): void => {
    if (!(p instanceof RtcpPayloadSpecificFeedback) || !(p.feedback instanceof PictureLossIndication)) return;
    const b = this.bySsrc.get(p.feedback.mediaSsrc);
    if (!b || !b.active) return;
    this.host.recorder.rtcp('in', 'pli');
    this.host.call.requestKeyframe(b.track);
  };

  private deactivate(b: Binding): void {
    if (this.bySsrc.get(b.transceiver.sender.ssrc) === b) this.bySsrc.delete(b.transceiver.sender.ssrc);
    if (b.sink) {
      b.track.forwarder.removeEgress(b.sink);
      b.sink.close();
      b.sink = undefined;
    }
    for (const u of b.unsubscribes.splice(0)) u();
    b.active = false;
  }

  /** The fast path became available for this session: move the active werift sinks to it, continuously. */
  upgradeSinks(): void {
    for (const b of this.bindings.values()) {
      const old = b.sink;
      if (!b.active || !old || old.fast) continue;
      const sink = this.host.media.upgradeSink(old, b.transceiver, b.track.type, b.track.forwarder.history, this.onWriteError);
      if (!sink) continue;
      b.track.forwarder.replaceEgress(old, sink);
      b.sink = sink;
      old.close();
    }
  }

  /** Drops a binding: stops its transceiver (its m-line is freed at the next offer) and its gauge. */
  private release(b: Binding): void {
    this.deactivate(b);
    this.bindings.delete(b.track.id);
    const h = this.host;
    h.recorder.gauge('tracks', [h.groupID, 'out', b.track.mime], -1);
    if (!this.closed) {
      try {
        // The client also sends on this m-line (its track reused it): keep receiving, stop sending.
        if (h.publishesOn(b.transceiver)) b.transceiver.setDirection('recvonly');
        else b.transceiver.stop();
      } catch (err) {
        h.error('track', 'failed to stop transceiver', err);
      }
    }
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.unsubscribeRtcp?.();
    for (const b of [...this.bindings.values()]) this.release(b);
  }
}
