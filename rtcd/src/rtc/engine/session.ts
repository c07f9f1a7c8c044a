// One participant's RTC session: a werift peer connection (from the PeerFactory), its data channel, its
// signaling, and its publishing and receiving sides. Lifecycle as the reference (rtcd session.go, sfu.go):
// created on join → the client's first offer within 10 s (else `signaling` error and close) → answer, ICE
// trickled out as `rtc` ICE messages → data channel open → tracks of the others pushed → ... → closed on
// leave, on peer connection `failed`/`closed`, or by the server. Closing releases everything it holds.
import type { Logger } from 'pino';
import { SessionDescription, type RTCIceCandidate, type RTCPeerConnection, type RTCTrackEvent } from 'werift';
import { z } from 'zod';
import {
  DCMessageError,
  DCMessageType,
  parseSessionDescription,
  type SessionDescriptionJSON,
} from '../dc/messages.js';
import { SessionMedia } from '../fast/session-media.js';
import type { MetricsRecorder } from '../metrics/recorder.js';
import type { ObserverEvent } from '../observer.js';
import type { PeerFactory, SfuPeer } from '../peer-factory.js';
import { Negotiator, type NegotiationTiming, type SignalVia } from '../signaling/negotiator.js';
import { MessageType, type MediaPath, type RtcMessage, type SessionCloseReason, type SessionConfig } from '../types.js';
import type { Call, CallMember } from './call.js';
import { SessionDataChannel, type ClientReport } from './data-channel.js';
import { estimateMos } from './mos.js';
import { Publisher } from './publisher.js';
import { Subscriber, type TrackAction } from './subscriber.js';

export interface SessionTiming {
  signalingTimeoutMs: number;
  negotiation: NegotiationTiming;
}

/** Timeouts a caller may override (tests shorten them); unset fields keep the reference's values. */
export interface TimingOptions {
  signalingTimeoutMs?: number;
  negotiation?: Partial<NegotiationTiming>;
}

export interface SessionHost {
  readonly logger: Logger;
  readonly recorder: MetricsRecorder;
  readonly factory: PeerFactory;
  readonly timing: SessionTiming;
  readonly worker: number;
  readonly mediaPath: MediaPath;
  /** Payloads kept per published video track to answer NACKs (`nackBufferSize`). */
  readonly historySize: number;
  emitMessage(msg: RtcMessage): void;
  observe(ev: ObserverEvent): void;
  /** The session finished closing (its peer connection is closed). */
  ended(session: RtcSession, reason: SessionCloseReason): void;
}

const iceSchema = z.object({
  candidate: z.string().max(1024),
  sdpMid: z.string().max(64).nullish(),
  sdpMLineIndex: z.number().int().min(0).max(1024).nullish(),
  usernameFragment: z.string().max(256).nullish(),
});
const screenOnSchema = z.object({ screenStreamID: z.string().min(1).max(256) });

const MAX_PENDING_ICE = 40;
const CLOSE_TIMEOUT_MS = 3000;
const COUNTED_STATES = new Set(['connected', 'disconnected', 'failed', 'closed']);
const REPORT_BITS: Record<ClientReport, number> = { clientRtt: 1, clientJitter: 2, clientLossRate: 4 };
// Error logs per type and session are limited so a misbehaving client cannot flood the log.
const LOG_BUDGET = 10;
const LOG_WINDOW_MS = 10_000;

/**
 * Why an offer cannot be used, or undefined. werift accepts nearly anything as SDP (an offer without media
 * sections even yields a "connected" peer connection), so we check the shape first; the first offer must
 * carry the data channel (the reference requires it: signaling and media depend on it).
 */
function checkOffer(sdp: string, first: boolean): string | undefined {
  if (!sdp.startsWith('v=0')) return 'does not start with v=0';
  let media: { kind: string }[];
  try {
    media = SessionDescription.parse(sdp).media;
  } catch (err) {
    return `unparsable SDP (${err instanceof Error ? err.message : String(err)})`;
  }
  if (media.length === 0) return 'no media section';
  if (first && !media.some((m) => m.kind === 'application')) return 'the first offer has no data channel';
  return undefined;
}

export class RtcSession implements CallMember {
  readonly sessionID: string;
  readonly groupID: string;
  readonly pc: RTCPeerConnection;
  readonly negotiator: Negotiator<TrackAction>;
  readonly publisher: Publisher;
  readonly subscriber: Subscriber;
  readonly media: SessionMedia;
  private readonly peer: SfuPeer;
  private readonly log: Logger;
  private dc: SessionDataChannel | undefined;
  private readonly startedAt = performance.now();
  private firstAnswerAt: number | undefined;
  private offerReceived = false;
  private remoteApplied = false;
  private connectedOnce = false;
  private closing = false;
  private signalingTimer: NodeJS.Timeout | undefined;
  private pendingIce: z.infer<typeof iceSchema>[] = [];
  private readonly quality = { clientRtt: 0, clientJitter: 0, clientLossRate: 0, fresh: 0 };
  private readonly logBudget = new Map<string, { start: number; count: number }>();

  constructor(
    readonly cfg: SessionConfig,
    readonly call: Call,
    private readonly host: SessionHost,
  ) {
    this.sessionID = cfg.sessionID;
    this.groupID = cfg.groupID;
    this.log = host.logger.child({ sessionID: cfg.sessionID, callID: cfg.callID, groupID: cfg.groupID });
    this.peer = host.factory.createPeer();
    this.pc = this.peer.pc;
    this.negotiator = new Negotiator<TrackAction>(this.pc, this.negotiationHost(), host.timing.negotiation);
    this.media = new SessionMedia({
      pc: this.pc,
      attachment: this.peer.attachment,
      mediaPath: host.mediaPath,
      counters: { paths: host.recorder.paths.values, rtp: host.recorder.rtp.values },
      feedbackSent: () => host.recorder.rtcp('out', 'twcc'),
      error: (type, message, err) => this.error(type, message, err),
      debug: (message, fields) => this.log.debug(fields ?? {}, message),
    });
    this.publisher = new Publisher({
      sessionID: this.sessionID,
      groupID: this.groupID,
      call,
      recorder: host.recorder,
      voice: (on) => this.emit(on ? MessageType.VoiceOn : MessageType.VoiceOff),
      trackEvent: (event, t) =>
        this.host.observe({
          event,
          data: { groupID: this.groupID, callID: cfg.callID, sessionID: this.sessionID, trackID: t.id, type: t.type, mime: t.mime, worker: host.worker },
        }),
      historySize: host.mediaPath === 'fast' ? host.historySize : 0,
      ingestPathIndex: () => this.media.ingestPathIndex,
      routeStream: (t, ssrc) => this.media.routeStream(ssrc, t.forwarder, t.transceiver, t.kind),
      unrouteTrack: (t) => this.media.unrouteTrack(t.forwarder),
      error: (type, message, err) => this.error(type, message, err),
      debug: (message, fields) => this.log.debug(fields ?? {}, message),
    });
    this.subscriber = new Subscriber({
      sessionID: this.sessionID,
      groupID: this.groupID,
      call,
      recorder: host.recorder,
      pc: this.pc,
      negotiator: this.negotiator,
      media: this.media,
      publishesOn: (t) => this.publisher.publishedTracks.some((p) => p.transceiver === t),
      error: (type, message, err) => this.error(type, message, err),
    });
    this.media.on('ready', () => {
      this.publisher.setIngestPath(this.media.ingestPathIndex);
      this.subscriber.upgradeSinks();
    });
    this.pc.onIceCandidate.subscribe((c) => this.onLocalCandidate(c));
    this.pc.connectionStateChange.subscribe((state) => this.onConnectionState(state));
    this.pc.onDataChannel.subscribe((dc) => {
      if (this.dc || this.closing) {
        this.log.warn({ label: dc.label }, 'ignoring an extra data channel');
        return;
      }
      this.dc = new SessionDataChannel(dc, {
        onOpen: () => this.onDataChannelOpen(),
        onSdp: (desc) => this.handleSdp(desc, 'dc'),
        onLock: () => this.negotiator.clientLock(),
        onUnlock: () => {
          if (!this.negotiator.clientUnlock()) this.log.debug('unlock without holding the signaling lock');
        },
        onReport: (kind, value) => this.onClientReport(kind, value),
        onBadMessage: (reason) => this.error('dc_message', `bad data channel message: ${reason}`),
        onSendError: (err) => this.error('dc_message', 'failed to send on the data channel', err),
      });
    });
    this.pc.ontrack = (ev: RTCTrackEvent) => {
      const streamID = ev.transceiver.receiver.remoteStreamId ?? ev.streams[0]?.id ?? '';
      this.publisher.onTrack(ev.track, ev.transceiver, streamID);
    };
    this.signalingTimer = setTimeout(() => {
      this.error('signaling', 'timed out waiting for the first offer');
      this.close('signaling_timeout');
    }, host.timing.signalingTimeoutMs);
  }

  get isClosing(): boolean {
    return this.closing;
  }

  /** A signaling/control message from the client (through the daemon's WS or the plugin). */
  handleMessage(msg: RtcMessage): void {
    if (this.closing) return;
    switch (msg.type) {
      case MessageType.SDP: {
        let desc: SessionDescriptionJSON;
        try {
          desc = parseSessionDescription(msg.data ?? new Uint8Array());
        } catch (err) {
          this.error('signaling', `invalid SDP message: ${err instanceof DCMessageError ? err.message : String(err)}`);
          return;
        }
        this.handleSdp(desc, 'ws');
        return;
      }
      case MessageType.ICE:
        this.handleIce(msg.data);
        return;
      case MessageType.Mute:
        this.publisher.mute();
        return;
      case MessageType.Unmute:
        this.publisher.unmute();
        return;
      case MessageType.ScreenOn:
        this.handleScreenOn(msg.data);
        return;
      case MessageType.ScreenOff:
        if (this.publisher.screenOff()) this.screenEvent(false);
        else this.log.debug('screen off from a session that is not sharing');
        return;
      case MessageType.VideoOn:
      case MessageType.VideoOff:
        // Video (camera) is not forwarded by this SFU; the reference treats VideoOff as a no-op too.
        this.log.debug({ type: msg.type }, 'ignoring video message');
        return;
      default:
        this.error('invalid_message', `unexpected message type ${String(msg.type)} from client`);
    }
  }

  private handleSdp(desc: SessionDescriptionJSON, via: SignalVia): void {
    if (this.closing) return;
    if (desc.type === 'answer') {
      if (!this.negotiator.handleRemoteAnswer(desc)) this.error('signaling', 'unexpected answer');
      return;
    }
    const first = !this.offerReceived;
    if (first) {
      this.offerReceived = true;
      clearTimeout(this.signalingTimer);
    }
    const invalid = checkOffer(desc.sdp, first);
    if (invalid) {
      this.error('signaling', `invalid offer: ${invalid}`);
      if (first) this.close('signaling_failed');
      return;
    }
    this.negotiator.handleRemoteOffer(desc, via).then(
      (answered) => {
        if (!answered || this.closing || this.remoteApplied) return;
        this.remoteApplied = true;
        this.firstAnswerAt = performance.now();
        for (const c of this.pendingIce.splice(0)) this.addIce(c);
      },
      (err: unknown) => {
        this.error('signaling', 'failed to apply the offer', err);
        if (first) this.close('signaling_failed');
      },
    );
  }

  private handleIce(data: Uint8Array | undefined): void {
    let parsed: z.infer<typeof iceSchema>;
    try {
      const r = iceSchema.safeParse(JSON.parse(Buffer.from(data ?? new Uint8Array()).toString('utf8')));
      if (!r.success) throw new Error('expected an RTCIceCandidateInit');
      parsed = r.data;
    } catch (err) {
      this.error('ice', `invalid ICE message: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    if (parsed.candidate === '') return;
    if (!this.remoteApplied) {
      if (this.pendingIce.length >= MAX_PENDING_ICE) this.error('ice', 'too many ICE candidates before the first offer');
      else this.pendingIce.push(parsed);
      return;
    }
    this.addIce(parsed);
  }

  private addIce(c: z.infer<typeof iceSchema>): void {
    this.pc
      .addIceCandidate({
        candidate: c.candidate,
        sdpMid: c.sdpMid ?? undefined,
        sdpMLineIndex: c.sdpMLineIndex ?? undefined,
        usernameFragment: c.usernameFragment ?? undefined,
      })
      .catch((err: unknown) => {
        if (!this.closing) this.error('ice', 'failed to add ICE candidate', err);
      });
  }

  private handleScreenOn(data: Uint8Array | undefined): void {
    let streamID: string;
    try {
      const r = screenOnSchema.safeParse(JSON.parse(Buffer.from(data ?? new Uint8Array()).toString('utf8')));
      if (!r.success) throw new Error('expected {"screenStreamID": "..."}');
      streamID = r.data.screenStreamID;
    } catch (err) {
      this.error('invalid_message', `invalid screen on message: ${err instanceof Error ? err.message : String(err)}`);
      return;
    }
    if (!this.publisher.screenOn(streamID)) {
      this.error('screen_rejected', `another session (${this.call.screenSessionID}) is already sharing its screen`);
      return;
    }
    this.screenEvent(true);
  }

  private screenEvent(active: boolean): void {
    const h = this.host;
    h.observe({ event: 'screenshare', data: { groupID: this.groupID, callID: this.cfg.callID, sessionID: this.sessionID, active, worker: h.worker } });
  }

  private onLocalCandidate(c: RTCIceCandidate | undefined): void {
    if (!c || !c.candidate || this.closing) return;
    const candidate = c.candidate.startsWith('candidate:') ? c.candidate : `candidate:${c.candidate}`;
    const payload = {
      candidate: { candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex, usernameFragment: c.usernameFragment },
      type: 'candidate',
    };
    this.emit(MessageType.ICE, payload);
  }

  private onConnectionState(state: string): void {
    const h = this.host;
    h.observe({
      event: 'connectionstatechange',
      data: { groupID: this.groupID, callID: this.cfg.callID, sessionID: this.sessionID, state, worker: h.worker },
    });
    if (COUNTED_STATES.has(state)) h.recorder.connState(state);
    if (state === 'connected') this.media.start();
    if (state === 'connected' && !this.connectedOnce) {
      this.connectedOnce = true;
      h.recorder.observe('connectionTime', this.groupID, (performance.now() - this.startedAt) / 1000);
      this.log.debug('rtc connected');
    }
    if (state === 'failed') this.close('connection_failed');
    else if (state === 'closed') this.close('connection_closed');
  }

  private onDataChannelOpen(): void {
    if (this.closing) return;
    const since = this.firstAnswerAt ?? this.startedAt;
    this.host.recorder.observe('dcOpenTime', this.groupID, (performance.now() - since) / 1000);
    this.subscriber.start(this.call.tracksFor(this.sessionID));
  }

  private onClientReport(kind: ClientReport, value: number): void {
    this.host.recorder.observe(kind, this.groupID, value);
    const q = this.quality;
    q[kind] = value;
    q.fresh |= REPORT_BITS[kind];
    if (q.fresh === 7) {
      q.fresh = 0;
      this.host.recorder.observe('callQuality', this.groupID, estimateMos(q.clientRtt, q.clientJitter, q.clientLossRate));
    }
  }

  private negotiationHost() {
    return {
      sendDescription: (desc: SessionDescriptionJSON, via: SignalVia) => this.sendDescription(desc, via),
      offerChannel: (): SignalVia => (this.cfg.props?.dcSignaling && this.dc?.isOpen ? 'dc' : 'ws'),
      applyActions: (actions: TrackAction[]) => this.subscriber.applyActions(actions),
      sendMediaMap: () => {
        this.dc?.send({ type: DCMessageType.MediaMap, mediaMap: this.subscriber.mediaMap() });
      },
      actionsNegotiated: (actions: TrackAction[]) => this.subscriber.actionsNegotiated(actions),
      actionsFailed: (actions: TrackAction[]) => this.subscriber.actionsFailed(actions),
      remoteOfferApplied: () => {
        this.media.refreshExtensionIds();
        const sdp = this.pc.remoteDescription?.sdp;
        if (sdp) this.publisher.checkEnded(sdp);
      },
      observe: (metric: 'lockGrabTime' | 'lockLockedTime', seconds: number) =>
        this.host.recorder.observe(metric, this.groupID, seconds),
      error: (type: string, message: string, err?: unknown) => this.error(type, message, err),
      debug: (message: string, fields?: Record<string, unknown>) => this.log.debug(fields ?? {}, message),
    };
  }

  private sendDescription(desc: SessionDescriptionJSON, via: SignalVia): void {
    if (this.closing) return;
    if (via === 'dc' && this.dc?.sendSdp(desc)) return;
    this.emit(MessageType.SDP, desc);
  }

  private emit(type: MessageType, payload?: unknown): void {
    const msg: RtcMessage = {
      groupID: this.groupID,
      userID: this.cfg.userID,
      sessionID: this.sessionID,
      callID: this.cfg.callID,
      type,
    };
    if (payload !== undefined) msg.data = Buffer.from(JSON.stringify(payload));
    this.host.emitMessage(msg);
  }

  /** Counts an error in `rtc_errors_total{type}` and logs it (a bounded number of times per window). */
  error(type: string, message: string, err?: unknown): void {
    this.host.recorder.error(this.groupID, type);
    const now = performance.now();
    let b = this.logBudget.get(type);
    if (!b || now - b.start > LOG_WINDOW_MS) {
      b = { start: now, count: 0 };
      this.logBudget.set(type, b);
    }
    if (++b.count > LOG_BUDGET) return;
    const fields: Record<string, unknown> = { errorType: type };
    if (err !== undefined) fields.err = err instanceof Error ? { message: err.message } : String(err);
    this.log.warn(fields, b.count === LOG_BUDGET ? `${message} (further ${type} errors muted for a while)` : message);
  }

  /** Ends the session; idempotent. `ended` is reported once the peer connection has closed. */
  close(reason: SessionCloseReason): void {
    if (this.closing) return;
    this.closing = true;
    clearTimeout(this.signalingTimer);
    this.negotiator.close();
    this.publisher.close();
    this.subscriber.close();
    this.media.close();
    this.dc?.close();
    this.call.remove(this.sessionID);
    this.pendingIce = [];
    this.log.debug({ reason }, 'closing session');
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, CLOSE_TIMEOUT_MS);
    });
    void Promise.race([this.pc.close().catch((err: unknown) => this.log.debug({ err: String(err) }, 'pc close failed')), timeout]).then(
      () => {
        clearTimeout(timer);
        this.host.ended(this, reason);
      },
    );
  }
}
