// The browser side of one Calls media session: an RTCPeerConnection with the `calls-dc` data channel,
// speaking the reference protocol. We are the polite peer (the SFU is impolite): our own renegotiations
// (unmute adds the voice track, screen share adds video) take the server's signaling lock over the DC
// (Lock → Lock(true) … Unlock), server offers are always answered, even over our pending offer. The
// MediaMap the server sends before each of its offers labels incoming tracks. Over the DC we also send
// Ping every second and LossRate / RoundTripTime / Jitter every few seconds (the rtc_client_* metrics).
import { DCMessageType, decodeDCMessage, encodeDCMessage, trackInfoFor, type DCMessage, type MediaMap, type TrackInfo } from './dc-messages.js';
import { sampleStats, type InboundSnapshot, type QualitySample, type StatsReport } from './quality.js';
import { packSdp, unpackSdp } from './zlib.js';
import { Emitter } from '../util/emitter.js';

export interface SessionDescriptionJSON {
  type: 'offer' | 'answer';
  sdp: string;
}

export interface PeerSignaling {
  /** Our offer or answer over the WebSocket (`sdp`, a binary frame). */
  sendSdp(desc: SessionDescriptionJSON): void;
  sendIce(candidate: RTCIceCandidateInit): void;
}

export interface PeerOptions {
  iceServers: RTCIceServer[];
  /** Signal over the DC once it is open (the plugin's EnableDCSignaling). */
  dcSignaling: boolean;
  signaling: PeerSignaling;
  connectTimeoutMs?: number;
  reportIntervalMs?: number;
}

export interface RemoteTrack {
  track: MediaStreamTrack;
  stream: MediaStream;
  info: TrackInfo;
}

export type PeerEvents = {
  connected: [];
  /** ICE is disconnected: media may come back on its own. */
  unstable: [];
  failed: [reason: string];
  track: [t: RemoteTrack];
  trackEnded: [t: RemoteTrack];
  quality: [s: QualitySample];
};

const PING_INTERVAL_MS = 1000;
const LOCK_TIMEOUT_MS = 8000;
const LOCK_REPLY_TIMEOUT_MS = 2000;
const ANSWER_TIMEOUT_MS = 10_000;
const MAX_QUEUED_CANDIDATES = 200;

type AnswerWait = { resolve: (outcome: 'answered' | 'superseded' | 'timeout') => void; timer: ReturnType<typeof setTimeout> };

export class CallPeer extends Emitter<PeerEvents> {
  readonly pc: RTCPeerConnection;
  readonly dc: RTCDataChannel;
  mediaMap: MediaMap = {};
  /** Seconds, from the last DC Ping/Pong. */
  lastRtt: number | undefined;
  private closed = false;
  private connected = false;
  private negotiations: Promise<void> = Promise.resolve();
  private descriptions: Promise<void> = Promise.resolve();
  private answerWait: AnswerWait | undefined;
  private lockReply: ((acquired: boolean) => void) | undefined;
  private readonly pendingCandidates: RTCIceCandidateInit[] = [];
  private readonly timers: ReturnType<typeof setInterval>[] = [];
  private connectTimer: ReturnType<typeof setTimeout> | undefined;
  private pingSentAt = 0;
  private inbound = new Map<number, InboundSnapshot>();
  private readonly remote = new Map<string, RemoteTrack>();
  /** Counted and dropped (malformed DC messages, failed candidates): visible in callsDebug. */
  readonly errors = { dcMessages: 0, candidates: 0, negotiation: 0 };

  constructor(private readonly opts: PeerOptions) {
    super();
    this.pc = new RTCPeerConnection({ iceServers: opts.iceServers, bundlePolicy: 'max-bundle', rtcpMuxPolicy: 'require' });
    // The DC goes into the first offer: the connection comes up with no media, as the reference's.
    this.dc = this.pc.createDataChannel('calls-dc');
    this.dc.binaryType = 'arraybuffer';
    this.dc.onmessage = (ev) => this.onDCMessage(ev.data);
    this.dc.onopen = () => this.timers.push(setInterval(() => this.ping(), PING_INTERVAL_MS));
    this.pc.onnegotiationneeded = () => this.queueNegotiation();
    this.pc.onicecandidate = (ev) => {
      if (ev.candidate && ev.candidate.candidate) this.opts.signaling.sendIce(ev.candidate.toJSON());
    };
    this.pc.onconnectionstatechange = () => this.onConnectionState();
    this.pc.ontrack = (ev) => this.onTrack(ev);
    this.connectTimer = setTimeout(() => {
      if (!this.connected && !this.closed) this.emit('failed', 'timed out waiting for the media connection');
    }, opts.connectTimeoutMs ?? 15_000);
    this.timers.push(setInterval(() => void this.report(), opts.reportIntervalMs ?? 5000));
  }

  get dcOpen(): boolean {
    return this.dc.readyState === 'open';
  }

  /** A `signal` event's data: an SDP or `{type: "candidate", candidate}` as a JSON string. */
  signal(json: string): void {
    let msg: { type?: string; sdp?: string; candidate?: RTCIceCandidateInit };
    try {
      msg = JSON.parse(json) as typeof msg;
    } catch {
      this.errors.negotiation++;
      return;
    }
    if (msg.type === 'candidate' && msg.candidate) this.addCandidate(msg.candidate);
    else if ((msg.type === 'offer' || msg.type === 'answer') && typeof msg.sdp === 'string') this.onDescription({ type: msg.type, sdp: msg.sdp }, 'ws');
    else this.errors.negotiation++;
  }

  /**
   * Adds a local audio track on a new send-only transceiver; a renegotiation follows (with the lock).
   * Not `pc.addTrack`: that may reuse a receive transceiver the server opened for someone else's track
   * (same kind, never sent on), and the SFU would then see our voice arrive on another sender's mid.
   */
  addTrack(track: MediaStreamTrack, stream: MediaStream): RTCRtpSender {
    return this.pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] }).sender;
  }

  /** Screen video: a send-only transceiver (no receive side to negotiate), one encoding capped like the reference's fallback. */
  addScreenTrack(track: MediaStreamTrack, stream: MediaStream): RTCRtpSender {
    const t = this.pc.addTransceiver(track, {
      direction: 'sendonly',
      streams: [stream],
      sendEncodings: [{ maxBitrate: 1_000_000, maxFramerate: 15 }],
    });
    return t.sender;
  }

  removeSender(sender: RTCRtpSender): void {
    if (this.closed) return;
    try {
      this.pc.removeTrack(sender);
    } catch (err) {
      console.warn('calls: removeTrack failed', err);
    }
  }

  async getStats(): Promise<RTCStatsReport> {
    return this.pc.getStats();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.connectTimer);
    for (const t of this.timers) clearInterval(t);
    this.answerWait?.resolve('superseded');
    this.lockReply?.(false);
    this.pc.onnegotiationneeded = null;
    this.pc.onicecandidate = null;
    this.pc.onconnectionstatechange = null;
    this.pc.ontrack = null;
    this.dc.onmessage = null;
    try {
      this.dc.close();
      this.pc.close();
    } catch {
      // already closed
    }
    this.removeAllListeners();
  }

  private onConnectionState(): void {
    switch (this.pc.connectionState) {
      case 'connected':
        clearTimeout(this.connectTimer);
        this.connected = true;
        this.emit('connected');
        break;
      case 'disconnected':
        this.emit('unstable');
        break;
      case 'failed':
        this.emit('failed', 'the media connection failed');
        break;
    }
  }

  private onTrack(ev: RTCTrackEvent): void {
    const mid = ev.transceiver?.mid ?? null;
    const info = trackInfoFor(this.mediaMap, mid, ev.track.id);
    if (!info) {
      console.warn(`calls: unlabelled remote track ${ev.track.id} (mid ${mid})`);
      return;
    }
    const stream = new MediaStream([ev.track]);
    const remote: RemoteTrack = { track: ev.track, stream, info };
    const key = ev.track.id;
    this.remote.set(key, remote);
    const ended = () => {
      if (this.remote.get(key) !== remote) return;
      this.remote.delete(key);
      this.emit('trackEnded', remote);
    };
    ev.track.addEventListener('ended', ended);
    // A track the server removed by renegotiation leaves its stream (and its transceiver goes inactive).
    for (const s of ev.streams) s.addEventListener('removetrack', (e) => e.track === ev.track && ended());
    this.emit('track', remote);
  }

  private addCandidate(c: RTCIceCandidateInit): void {
    if (this.pc.remoteDescription) {
      this.pc.addIceCandidate(c).catch(() => this.errors.candidates++);
    } else if (this.pendingCandidates.length < MAX_QUEUED_CANDIDATES) {
      this.pendingCandidates.push(c);
    } else {
      this.errors.candidates++;
    }
  }

  private flushCandidates(): void {
    for (const c of this.pendingCandidates.splice(0)) this.pc.addIceCandidate(c).catch(() => this.errors.candidates++);
  }

  private onDescription(desc: SessionDescriptionJSON, via: 'ws' | 'dc'): void {
    this.descriptions = this.descriptions
      .then(() => this.applyDescription(desc, via))
      .catch((err: unknown) => {
        this.errors.negotiation++;
        console.error('calls: could not apply a remote description', err);
      });
  }

  private async applyDescription(desc: SessionDescriptionJSON, via: 'ws' | 'dc'): Promise<void> {
    if (this.closed) return;
    if (desc.type === 'offer') {
      // Polite: the server's offer wins over ours (implicit rollback); ours is made again afterwards.
      if (this.pc.signalingState === 'have-local-offer') this.answerWait?.resolve('superseded');
      // Applied as sent: the SFU keeps one header-extension numbering per BUNDLE (rtcd bundle-extensions.ts).
      await this.pc.setRemoteDescription(desc);
      this.flushCandidates();
      await this.pc.setLocalDescription();
      const local = this.pc.localDescription;
      if (!local || this.closed) return;
      await this.sendDescription({ type: 'answer', sdp: local.sdp }, via);
      return;
    }
    if (this.pc.signalingState !== 'have-local-offer') return; // a stale answer to an offer we rolled back
    await this.pc.setRemoteDescription(desc);
    this.flushCandidates();
    this.answerWait?.resolve('answered');
  }

  private async sendDescription(desc: SessionDescriptionJSON, via: 'ws' | 'dc'): Promise<void> {
    if (via === 'dc' && this.dcOpen) {
      this.sendDC({ type: DCMessageType.SDP, data: await packSdp(desc) });
    } else {
      this.opts.signaling.sendSdp(desc);
    }
  }

  private queueNegotiation(): void {
    this.negotiations = this.negotiations
      .then(() => this.negotiate())
      .catch((err: unknown) => {
        this.errors.negotiation++;
        console.error('calls: renegotiation failed', err);
      });
  }

  private async negotiate(): Promise<void> {
    if (this.closed) return;
    // Before the DC is up (the first offer) there is nothing to lock: the server offers only after it opens.
    const locked = this.dcOpen ? await this.acquireLock() : false;
    try {
      if (this.closed) return;
      await this.descriptions; // a server offer being answered finishes first
      if (this.pc.signalingState !== 'stable') return; // negotiationneeded fires again once stable
      await this.pc.setLocalDescription();
      const local = this.pc.localDescription;
      if (!local || local.type !== 'offer' || this.closed) return;
      const outcome = new Promise<'answered' | 'superseded' | 'timeout'>((resolve) => {
        const timer = setTimeout(() => resolve('timeout'), ANSWER_TIMEOUT_MS);
        this.answerWait = {
          timer,
          resolve: (o) => {
            clearTimeout(timer);
            this.answerWait = undefined;
            resolve(o);
          },
        };
      });
      await this.sendDescription({ type: 'offer', sdp: local.sdp }, this.opts.dcSignaling ? 'dc' : 'ws');
      if ((await outcome) === 'timeout') {
        this.errors.negotiation++;
        if ((this.pc.signalingState as RTCSignalingState) === 'have-local-offer') await this.pc.setLocalDescription({ type: 'rollback' }).catch(() => undefined);
      }
    } finally {
      if (locked) this.sendDC({ type: DCMessageType.Unlock });
    }
  }

  /** Lock over the DC, retried while the server holds it; false after LOCK_TIMEOUT_MS (then we go on unlocked, politely). */
  private async acquireLock(): Promise<boolean> {
    const deadline = Date.now() + LOCK_TIMEOUT_MS;
    let delay = 50;
    while (!this.closed && Date.now() < deadline) {
      const reply = new Promise<boolean>((resolve) => {
        const timer = setTimeout(() => resolve(false), LOCK_REPLY_TIMEOUT_MS);
        this.lockReply = (acquired) => {
          clearTimeout(timer);
          this.lockReply = undefined;
          resolve(acquired);
        };
      });
      if (!this.sendDC({ type: DCMessageType.Lock })) return false;
      if (await reply) return true;
      await new Promise((r) => setTimeout(r, delay));
      delay = Math.min(delay * 2, 500);
    }
    return false;
  }

  private sendDC(msg: DCMessage): boolean {
    if (!this.dcOpen) return false;
    try {
      this.dc.send(encodeDCMessage(msg) as Uint8Array<ArrayBuffer>);
      return true;
    } catch (err) {
      console.warn('calls: data channel send failed', err);
      return false;
    }
  }

  private ping(): void {
    this.pingSentAt = performance.now();
    this.sendDC({ type: DCMessageType.Ping });
  }

  private onDCMessage(data: unknown): void {
    if (typeof data === 'string') return; // legacy text pong of older servers
    let msg: DCMessage;
    try {
      msg = decodeDCMessage(data as ArrayBuffer);
    } catch (err) {
      this.errors.dcMessages++;
      console.warn('calls: bad data channel message', (err as Error).message);
      return;
    }
    switch (msg.type) {
      case DCMessageType.Ping:
        this.sendDC({ type: DCMessageType.Pong });
        break;
      case DCMessageType.Pong:
        if (this.pingSentAt > 0) this.lastRtt = (performance.now() - this.pingSentAt) / 1000;
        break;
      case DCMessageType.Lock:
        this.lockReply?.(msg.acquired === true);
        break;
      case DCMessageType.MediaMap:
        this.mediaMap = { ...this.mediaMap, ...msg.mediaMap };
        break;
      case DCMessageType.SDP:
        unpackSdp(msg.data).then(
          (desc) => this.onDescription(desc, 'dc'),
          () => this.errors.dcMessages++,
        );
        break;
      default:
        break;
    }
  }

  private async report(): Promise<void> {
    if (this.closed || !this.connected) return;
    let reports: RTCStatsReport;
    try {
      reports = await this.pc.getStats();
    } catch {
      return;
    }
    const list: StatsReport[] = [];
    reports.forEach((r: StatsReport) => list.push(r));
    const { sample, next } = sampleStats(list, this.inbound);
    this.inbound = next;
    if (sample.rtt === undefined && this.lastRtt !== undefined) sample.rtt = this.lastRtt;
    if (sample.lossRate !== undefined) this.sendDC({ type: DCMessageType.LossRate, value: sample.lossRate });
    if (sample.rtt !== undefined) this.sendDC({ type: DCMessageType.RoundTripTime, value: sample.rtt });
    if (sample.jitter !== undefined) this.sendDC({ type: DCMessageType.Jitter, value: sample.jitter });
    this.emit('quality', sample);
  }
}
