// CallsPeer: the media side of a Calls client on werift, speaking the browser's protocol (calls-common
// RTCPeer + the webapp's calls client). Used by lt (the load-test agent), the benchmark and the tests:
// - creates the `calls-dc` data channel and offers first; answers server offers (polite peer); trickles ICE;
// - msgpack DC protocol: Ping every second (Pong → rtt), Lock/Unlock around its own renegotiations, SDP over
//   the DC when `dcSignaling`, MediaMap, and LossRate/RoundTripTime/Jitter reports (Go-client encoding);
// - voice: on first unmute adds an Opus track (audio-level extension) under the signaling lock, then sends
//   from its voice source (a speech sample, or synthetic packets at any rate); screen: adds a VP8 track in
//   its own stream, announces it with ScreenOn, answers PLIs with keyframes;
// - counts what it receives per track through werift (track id `<type>_<sender>_<rand>`, stream id =
//   sender), or, on a shared port, with our SRTP before werift (media/media-counter.ts: cheaper, for load).
//
// Transport-agnostic: `send(type, data)` goes to the SFU (rtc.Message type and JSON data, as the plugin
// forwards them); feed it what comes back with `receive(type, data)`.
import { EventEmitter } from 'node:events';
import {
  MediaStream,
  MediaStreamTrack,
  RTCPeerConnection,
  type RTCPeerConnectionConfig,
  type RTCDataChannel,
  type RTCRtpTransceiver,
  type RTCTrackEvent,
} from 'werift';
import {
  AUDIO_LEVEL_URI,
  DCMessageType,
  MessageType,
  decodeDCMessage,
  encodeDCMessage,
  newId,
  parseTrackId,
  sfuCodecs,
  sfuHeaderExtensions,
  type DCMessage,
  type MediaMap,
  type PeerPort,
  type SessionDescriptionJSON,
} from '../rtc/index.js';
import type { PeerPortAttachment } from '../rtc/net/peer-attachment.js';
import { OpusPump, Vp8Pump, LEVELS, type LevelFn, type RtpPump } from './media/pumps.js';
import { ReceivedMedia } from './media/received-media.js';
import type { SendRegistry } from './media/send-log.js';
import { restrictSrtpProfile } from './srtp-profile.js';

/** An outgoing voice source: a pump that writes the audio-level extension once its id is negotiated. */
export type VoicePump = RtpPump & { audioLevelExtId: number | undefined };
/** An outgoing screen source: a pump that can send a keyframe on request. */
export type ScreenPump = RtpPump & { requestKeyframe(): void; keyframesSent: number };

export interface CallsPeerOptions {
  /** The client's session id (the SFU's sessionID). */
  sessionID?: string;
  /** Send SDP over the data channel once it is open (join's `dcSignaling`). */
  dcSignaling?: boolean;
  /** A STUN server for werift's own gathering (a loopback one in tests: without any, werift queries
   * Google's, werift.md §2.9-1). Not used on a shared port (`port`), which gathers nothing itself. */
  stunUrl?: string;
  /** The local address werift gathers on without a shared port (default 127.0.0.1: loopback runs). */
  iceAddress?: string;
  /** Delivers a message to the SFU: rtc.Message type and its JSON data (already inflated SDP). */
  send: (type: MessageType, data?: Uint8Array) => void;
  /** Ping interval; 0 disables pings. */
  pingIntervalMs?: number;
  /** Merged into the client's RTCPeerConnection config (e.g. ICE-TCP only). */
  peerConfig?: Partial<RTCPeerConnectionConfig>;
  /** Offer (and accept) only this SRTP profile in DTLS; werift's default prefers GCM, as Chrome does. */
  srtpProfile?: 'gcm' | 'cm';
  /** Puts the client's PC on this shared port instead of werift's own socket (load generators). */
  port?: PeerPort;
  /** Adds the microphone with pc.addTrack as calls-common does: a transceiver that so far only received
   * is reused (browsers and werift alike), the m-line becoming sendrecv. */
  micWithAddTrack?: boolean;
  /** Makes the voice pump (default: synthetic Opus-like packets, see `unmute`). */
  voiceSource?: (track: MediaStreamTrack) => VoicePump;
  /** Makes the screen pump (default: synthetic VP8-like frames). */
  screenSource?: (track: MediaStreamTrack) => ScreenPump;
  /** Where the pumps log what they send (one-way delay at receivers of this process). */
  sendRegistry?: SendRegistry;
  /** Deadline for the server's answer to each of our offers (default 10 s). */
  answerTimeoutMs?: number;
}

export interface CallsPeerEvents {
  connected: [];
  closed: [];
  /** A media track from another participant was negotiated (track id as the server named it). */
  track: [{ trackID: string; type: string; senderID: string }];
  voice: [{ on: boolean }];
  error: [Error];
}

const LOCK_TIMEOUT_MS = 5000;
const LOCK_RETRY_MS = 50;
const MAX_ERRORS = 100;
const MAX_DC_LOG = 1000;

export class CallsPeer extends EventEmitter<CallsPeerEvents> {
  readonly sessionID: string;
  readonly pc: RTCPeerConnection;
  readonly dc: RTCDataChannel;
  /** The PC on a shared port (opts.port). */
  readonly attachment: PeerPortAttachment | undefined;
  readonly received = new ReceivedMedia();
  /** DC messages the server sent (decoded), in order: the last MAX_DC_LOG. */
  readonly dcLog: DCMessage[] = [];
  mediaMap: MediaMap = {};
  rtt = 0;
  pongs = 0;
  textPongs = 0;
  /** VoiceOn/VoiceOff received (true = on), the last MAX_DC_LOG. */
  voiceEvents: boolean[] = [];
  /** PLIs the server sent to this client (as a screen sharer). */
  plisReceived = 0;
  /** Signaling/DC errors, the last MAX_ERRORS (also emitted as `error` when someone listens). */
  readonly errors: Error[] = [];
  protected readonly opts: CallsPeerOptions;
  private dcNegotiated = false;
  private makingOffer = false;
  private lockCb: ((acquired: boolean) => void) | undefined;
  private answerCb: (() => void) | undefined;
  private pendingCandidates: unknown[] = [];
  private pingTimer: NodeJS.Timeout | undefined;
  private lastPing = 0;
  private voice: { pump: VoicePump; transceiver: RTCRtpTransceiver } | undefined;
  private screen:
    | { pump: ScreenPump; transceiver: RTCRtpTransceiver; stream: MediaStream; audio?: { pump: OpusPump; transceiver: RTCRtpTransceiver } }
    | undefined;
  protected closed = false;

  constructor(opts: CallsPeerOptions) {
    super();
    this.opts = opts;
    this.sessionID = opts.sessionID ?? newId();
    this.pc = new RTCPeerConnection({
      bundlePolicy: 'max-bundle',
      iceServers: opts.stunUrl ? [{ urls: opts.stunUrl }] : [],
      iceUseIpv6: false,
      iceAdditionalHostAddresses: [opts.iceAddress ?? '127.0.0.1'],
      iceInterfaceAddresses: { udp4: opts.iceAddress ?? '127.0.0.1' },
      codecs: sfuCodecs(),
      headerExtensions: sfuHeaderExtensions(),
      ...opts.peerConfig,
      ...opts.port?.peerConfig(),
    });
    this.attachment = opts.port?.attach(this.pc);
    if (opts.srtpProfile) restrictSrtpProfile(this.pc, opts.srtpProfile);
    this.pc.onIceCandidate.subscribe((c) => {
      if (!c || !c.candidate) return;
      const candidate = c.candidate.startsWith('candidate:') ? c.candidate : `candidate:${c.candidate}`;
      this.sendJSON(MessageType.ICE, { candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex, usernameFragment: c.usernameFragment });
    });
    this.pc.connectionStateChange.subscribe((state) => {
      if (state === 'connected') this.emit('connected');
      if (state === 'closed' || state === 'failed') this.emit('closed');
    });
    this.pc.ontrack = (ev: RTCTrackEvent) => this.onTrack(ev);
    this.dc = this.pc.createDataChannel('calls-dc');
    this.dc.onMessage.subscribe((data) => this.onDcMessage(data));
  }

  get connectionState(): string {
    return this.pc.connectionState;
  }

  get dcOpen(): boolean {
    return this.dc.readyState === 'open';
  }

  /** Makes the first offer (data channel only, like calls-common). */
  async start(): Promise<void> {
    const interval = this.opts.pingIntervalMs ?? 1000;
    if (interval > 0) {
      this.pingTimer = setInterval(() => {
        if (!this.dcOpen) return;
        this.lastPing = performance.now();
        this.sendDc({ type: DCMessageType.Ping });
      }, interval);
    }
    await this.makeOffer();
  }

  protected sendJSON(type: MessageType, payload: unknown): void {
    if (this.closed) return;
    this.opts.send(type, Buffer.from(JSON.stringify(payload)));
  }

  /** A message from the SFU for this session (SDP, ICE, VoiceOn/VoiceOff). */
  receive(type: MessageType, data?: Uint8Array): void {
    if (this.closed) return;
    if (type === MessageType.VoiceOn || type === MessageType.VoiceOff) {
      const on = type === MessageType.VoiceOn;
      if (this.voiceEvents.length >= MAX_DC_LOG) this.voiceEvents.shift();
      this.voiceEvents.push(on);
      this.emit('voice', { on });
      return;
    }
    if (type !== MessageType.SDP && type !== MessageType.ICE) return;
    this.signal(Buffer.from(data ?? new Uint8Array()).toString('utf8')).catch((err: unknown) => this.fail(err));
  }

  /** calls-common RTCPeer.signal: `{type: candidate|offer|answer, ...}` JSON. */
  async signal(json: string): Promise<void> {
    const msg = JSON.parse(json) as { type: string; sdp?: string; candidate?: unknown };
    switch (msg.type) {
      case 'candidate':
        if (this.pc.remoteDescription) await this.pc.addIceCandidate(msg.candidate as never).catch(() => undefined);
        else this.pendingCandidates.push(msg.candidate);
        return;
      case 'offer': {
        // We are the polite peer: the server's offer wins over ours.
        await this.pc.setRemoteDescription({ type: 'offer', sdp: msg.sdp! });
        this.flushCandidates();
        await this.pc.setLocalDescription(await this.pc.createAnswer());
        this.afterNegotiation();
        const answer = { type: 'answer' as const, sdp: this.pc.localDescription!.sdp };
        if (this.opts.dcSignaling && this.dcOpen) this.sendDc({ type: DCMessageType.SDP, sdp: answer });
        else this.sendJSON(MessageType.SDP, answer);
        return;
      }
      case 'answer':
        await this.pc.setRemoteDescription({ type: 'answer', sdp: msg.sdp! });
        this.flushCandidates();
        this.afterNegotiation();
        if (!this.dcNegotiated) this.dcNegotiated = true;
        else if (this.dcOpen) this.sendDc({ type: DCMessageType.Unlock });
        this.answerCb?.();
        return;
      default:
        throw new Error(`invalid signaling data: ${msg.type}`);
    }
  }

  private flushCandidates(): void {
    for (const c of this.pendingCandidates.splice(0)) void this.pc.addIceCandidate(c as never).catch(() => undefined);
  }

  /** Offers and resolves once the server's answer is applied (rejects after 10 s without one). */
  protected async makeOffer(): Promise<void> {
    this.makingOffer = true;
    let answered: Promise<void>;
    try {
      await this.pc.setLocalDescription(await this.pc.createOffer());
      const offer: SessionDescriptionJSON = { type: 'offer', sdp: this.pc.localDescription!.sdp };
      answered = new Promise<void>((resolve, reject) => {
        const timer = setTimeout(() => reject(new Error('no answer to our offer')), this.opts.answerTimeoutMs ?? 10_000);
        this.answerCb = () => {
          clearTimeout(timer);
          this.answerCb = undefined;
          resolve();
        };
      });
      if (this.opts.dcSignaling && this.dcOpen) this.sendDc({ type: DCMessageType.SDP, sdp: offer });
      else this.sendJSON(MessageType.SDP, offer);
    } finally {
      this.makingOffer = false;
    }
    await answered;
  }

  /** calls-common grabSignalingLock: Lock until the server says yes (retry every 50 ms, give up after 5 s). */
  async grabSignalingLock(timeoutMs = LOCK_TIMEOUT_MS): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (this.dcNegotiated && this.dcOpen) {
        // Like calls-common: wait for the reply to this Lock (a late "yes" must not be mistaken for the
        // answer to a retry, or the client would hold the lock without knowing it).
        const acquired = await new Promise<boolean | undefined>((resolve) => {
          const timer = setTimeout(() => resolve(undefined), Math.max(0, deadline - Date.now()));
          this.lockCb = (ok) => {
            clearTimeout(timer);
            resolve(ok);
          };
          this.sendDc({ type: DCMessageType.Lock });
        });
        this.lockCb = undefined;
        if (acquired) return;
        if (acquired === undefined) throw new Error('timed out waiting for lock');
      }
      if (Date.now() > deadline) throw new Error('timed out waiting for lock');
      await new Promise((r) => setTimeout(r, LOCK_RETRY_MS));
    }
  }

  /** Adds a local track under the signaling lock and offers (calls-common addTrack). */
  private async addTrack(kind: 'audio' | 'video', stream: MediaStream): Promise<{ track: MediaStreamTrack; transceiver: RTCRtpTransceiver }> {
    await this.grabSignalingLock();
    const track = new MediaStreamTrack({ kind });
    let transceiver: RTCRtpTransceiver;
    if (kind === 'audio' && this.opts.micWithAddTrack) {
      const sender = this.pc.addTrack(track, stream);
      transceiver = this.pc.getTransceivers().find((t) => t.sender === sender)!;
    } else transceiver = this.pc.addTransceiver(track, { direction: 'sendonly', streams: [stream] });
    await this.makeOffer();
    return { track, transceiver };
  }

  /**
   * Unmute: the first time adds the voice track (renegotiation); sends Unmute; starts sending audio from the
   * voice source (opts.voiceSource), or synthetic packets with `levels` at `packetsPerSecond`.
   */
  async unmute(levels: LevelFn = LEVELS.speech, packetsPerSecond = 50): Promise<void> {
    if (!this.voice) {
      const { track, transceiver } = await this.addTrack('audio', new MediaStream({ id: `mic-${newId()}` }));
      const pump = this.opts.voiceSource?.(track) ?? new OpusPump(track, packetsPerSecond);
      pump.sendLog ??= this.opts.sendRegistry?.sender(`voice ${this.sessionID}`);
      this.voice = { pump, transceiver };
      this.afterNegotiation();
    }
    this.setAudioLevels(levels);
    this.opts.send(MessageType.Unmute);
    this.voice.pump.start();
  }

  /** Mute: sends Mute. A browser also stops sending (replaceTrack(null)); `keepSending` keeps the packets
   * flowing to prove the SFU drops them. */
  mute(opts: { keepSending?: boolean } = {}): void {
    this.opts.send(MessageType.Mute);
    if (!opts.keepSending) this.voice?.pump.stop();
  }

  /** Levels of the synthetic voice (a file source has its own). */
  setAudioLevels(levels: LevelFn): void {
    if (this.voice?.pump instanceof OpusPump) this.voice.pump.level = levels;
  }

  get voicePump(): VoicePump | undefined {
    return this.voice?.pump;
  }

  get screenPump(): ScreenPump | undefined {
    return this.screen?.pump;
  }

  get voicePacketsSent(): number {
    return this.voice?.pump.sent ?? 0;
  }

  /**
   * Starts sharing: a VP8 track (and with `audio`, an Opus track) in a new stream, each added under the lock
   * with its own renegotiation, and ScreenOn with the stream id — by default after the tracks were
   * negotiated (the SFU then holds them until it hears ScreenOn); `announceFirst` sends ScreenOn first.
   */
  async startScreen(opts: { audio?: boolean; announceFirst?: boolean } = {}): Promise<string> {
    const stream = new MediaStream({ id: `screen-${newId()}` });
    if (opts.announceFirst) this.sendJSON(MessageType.ScreenOn, { screenStreamID: stream.id });
    const { track, transceiver } = await this.addTrack('video', stream);
    const pump = this.opts.screenSource?.(track) ?? new Vp8Pump(track);
    pump.sendLog ??= this.opts.sendRegistry?.sender(`screen ${this.sessionID}`);
    transceiver.sender.onPictureLossIndication.subscribe(() => {
      this.plisReceived++;
      pump.requestKeyframe();
    });
    let audio: { pump: OpusPump; transceiver: RTCRtpTransceiver } | undefined;
    if (opts.audio) {
      const a = await this.addTrack('audio', stream);
      audio = { pump: new OpusPump(a.track), transceiver: a.transceiver };
    }
    this.screen = { pump, transceiver, stream, audio };
    if (!opts.announceFirst) this.sendJSON(MessageType.ScreenOn, { screenStreamID: stream.id });
    pump.start();
    audio?.pump.start();
    return stream.id;
  }

  /** Sends a PLI for the screen track received from `senderID` (what a browser does on decode errors). */
  requestKeyframe(senderID: string): void {
    for (const tr of this.pc.getTransceivers()) {
      const trackID = tr.receiver.remoteTrackId ?? '';
      const parsed = parseTrackId(trackID);
      const ssrc = tr.receiver.tracks[0]?.ssrc;
      if (parsed?.type === 'screen' && parsed.senderSessionID === senderID && ssrc !== undefined) {
        void tr.receiver.sendRtcpPLI(ssrc);
      }
    }
  }

  get keyframesSent(): number {
    return this.screen?.pump.keyframesSent ?? 0;
  }

  get screenPacketsSent(): number {
    return this.screen?.pump.sent ?? 0;
  }

  /** Stops sharing: ScreenOff, then removes the track (renegotiation under the lock). */
  async stopScreen(): Promise<void> {
    const s = this.screen;
    if (!s) return;
    this.screen = undefined;
    s.pump.stop();
    s.audio?.pump.stop();
    this.opts.send(MessageType.ScreenOff);
    await this.grabSignalingLock();
    this.pc.removeTrack(s.transceiver.sender);
    if (s.audio) this.pc.removeTrack(s.audio.transceiver.sender);
    await this.makeOffer();
  }

  /** Quality reports over the DC, encoded like the Go client (rtt/jitter in seconds, loss 0..1). */
  sendReports(r: { rtt?: number; jitter?: number; lossRate?: number }): void {
    if (r.lossRate !== undefined) this.sendDc({ type: DCMessageType.LossRate, value: r.lossRate });
    if (r.rtt !== undefined) this.sendDc({ type: DCMessageType.RoundTripTime, value: r.rtt });
    if (r.jitter !== undefined) this.sendDc({ type: DCMessageType.Jitter, value: r.jitter });
  }

  sendDc(msg: DCMessage): void {
    if (this.dcOpen) this.dc.send(encodeDCMessage(msg));
  }

  private afterNegotiation(): void {
    // The audio-level id is known once our audio m-line was negotiated.
    const v = this.voice;
    if (v && v.pump.audioLevelExtId === undefined) {
      // The negotiated extensions are not public in werift's typings (RTCRtpSender.headerExtensions).
      const exts = (v.transceiver.sender as unknown as { headerExtensions: { id: number; uri: string }[] }).headerExtensions;
      v.pump.audioLevelExtId = exts.find((e) => e.uri === AUDIO_LEVEL_URI)?.id;
    }
  }

  protected fail(err: unknown): void {
    const e = err instanceof Error ? err : new Error(String(err));
    if (this.errors.length >= MAX_ERRORS) this.errors.shift();
    this.errors.push(e);
    if (this.listenerCount('error') > 0) this.emit('error', e);
  }

  private onDcMessage(data: string | Buffer): void {
    if (typeof data === 'string') {
      if (data === 'pong') this.textPongs++;
      return;
    }
    let msg: DCMessage;
    try {
      msg = decodeDCMessage(data);
    } catch (err) {
      this.fail(err);
      return;
    }
    if (this.dcLog.length >= MAX_DC_LOG) this.dcLog.shift();
    this.dcLog.push(msg);
    switch (msg.type) {
      case DCMessageType.Pong:
        this.pongs++;
        if (this.lastPing > 0) this.rtt = (performance.now() - this.lastPing) / 1000;
        return;
      case DCMessageType.SDP:
        this.signal(JSON.stringify(msg.sdp)).catch((err: unknown) => this.fail(err));
        return;
      case DCMessageType.Lock:
        this.lockCb?.(msg.acquired === true);
        return;
      case DCMessageType.MediaMap:
        this.mediaMap = msg.mediaMap;
        return;
      default:
        return;
    }
  }

  protected onTrack(ev: RTCTrackEvent): void {
    const trackID = ev.transceiver.receiver.remoteTrackId ?? '';
    const streamID = ev.transceiver.receiver.remoteStreamId ?? '';
    const parsed = parseTrackId(trackID);
    const type = parsed?.type ?? 'unknown';
    const senderID = parsed?.senderSessionID ?? streamID;
    const mid = ev.transceiver.mid ?? '';
    const t = this.received.attach(ev.track, { trackID, type, senderID, streamID, mid });
    this.received.watchReports(ev.transceiver.receiver, t);
    this.emit('track', { trackID, type, senderID });
  }

  /** Whether this client is still offering (tests that need a quiet signaling state). */
  get isMakingOffer(): boolean {
    return this.makingOffer;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.pingTimer);
    this.voice?.pump.stop();
    this.screen?.pump.stop();
    this.screen?.audio?.pump.stop();
    this.received.close();
    await this.pc.close().catch(() => undefined);
  }
}
