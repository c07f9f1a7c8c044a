// One call on this tab, from join to leave: the WebSocket side of the reference protocol (join after the
// socket's `hello`, `sdp` / `ice` out, `signal` in, reconnect with originalConnID / prevConnID and a 30 s
// give-up), the media side through CallPeer, the microphone (mute by replacing the sent track, as the
// reference), screen sharing and what others send. State the UI shows goes to the store; media objects
// (streams) stay here and are announced with the `media` event.
import type { CallsAction } from '../state/reducer.js';
import type { CallsClientConfig, CallsState, EmojiData } from '../state/types.js';
import { EVENT_PREFIX, PLUGIN_ID } from '../state/types.js';
import type { ConnectInfo, ShellApi, SocketStatus } from '../shell.js';
import { Emitter } from '../util/emitter.js';
import { playJoinSelf, playLeaveSelf } from '../util/sounds.js';
import { MicError, chosenOutput, listAudioDevices, openMicrophone, rememberInput, rememberOutput, type AudioDevices } from './devices.js';
import { CallPeer, type RemoteTrack } from './peer.js';
import { qualityLevel } from './quality.js';
import { RemoteAudio } from './remote-audio.js';
import { packSdp } from './zlib.js';

/** The reference's client give-up after the WebSocket went away. */
export const RECONNECT_GIVE_UP_MS = 30_000;
const JOIN_TIMEOUT_MS = 20_000;
const SCREEN_ON_TIMEOUT_MS = 5000;

export type LeaveReason = 'user' | 'ended-by-host' | 'removed' | 'disconnected' | 'join-failed' | 'switch' | 'channel-left';

export interface CallClientDeps {
  shell: ShellApi;
  dispatch: (a: CallsAction) => void;
  getState: () => CallsState;
  config: CallsClientConfig;
}

export interface JoinOptions {
  title?: string;
  threadId?: string;
}

type ClientEvents = { media: []; left: [reason: LeaveReason] };

export class CallClient extends Emitter<ClientEvents> {
  /** My session id: the connection id the join was sent on (the server keeps it across reconnects). */
  readonly sessionId: string;
  /** The live WebSocket connection id (changes when a reconnect could not resume). */
  private connId: string;
  peer: CallPeer | null = null;
  private micStream: MediaStream | null = null;
  private voiceSender: RTCRtpSender | null = null;
  private screenStream: MediaStream | null = null;
  private screenSenders: RTCRtpSender[] = [];
  private screenOnWait: (() => void) | undefined;
  /** Shared screens by sender session id. */
  readonly remoteScreens = new Map<string, MediaStream>();
  private readonly audio: RemoteAudio;
  private readonly unsubscribes: (() => void)[] = [];
  private joinTimer: ReturnType<typeof setTimeout> | undefined;
  private giveUpTimer: ReturnType<typeof setTimeout> | undefined;
  private wsDown = false;
  private joined = false;
  private left = false;
  private connectedOnce = false;

  private constructor(
    readonly channelId: string,
    private readonly d: CallClientDeps,
    private readonly opts: JoinOptions,
  ) {
    super();
    this.sessionId = d.shell.webSocket.connectionId;
    this.connId = this.sessionId;
    this.audio = new RemoteAudio(chosenOutput());
  }

  /** Opens the microphone (joining muted and without it if refused), then asks the server to join. */
  static async join(channelId: string, d: CallClientDeps, opts: JoinOptions = {}): Promise<CallClient> {
    let mic: MediaStream | null = null;
    try {
      mic = await openMicrophone();
    } catch (err) {
      const e = err instanceof MicError ? err : new MicError('other', String(err));
      d.dispatch({
        type: 'CALLS_BANNER',
        kind: e.reason === 'permission' ? 'mic-permission' : 'no-mic',
        message:
          e.reason === 'permission'
            ? 'Microphone access is blocked: others cannot hear you. Allow the microphone in the browser, then rejoin.'
            : `${e.message} You joined muted; you can still listen.`,
        now: Date.now(),
      });
    }
    if (d.shell.webSocket.status !== 'connected' || !d.shell.webSocket.connectionId) {
      mic?.getTracks().forEach((t) => t.stop());
      throw new Error('Not connected to the server: wait for the connection to come back, then join again.');
    }
    const client = new CallClient(channelId, d, opts);
    client.start(mic);
    return client;
  }

  private action(type: string): string {
    return EVENT_PREFIX + type;
  }

  private send(type: string, data?: unknown): boolean {
    return this.d.shell.webSocket.sendMessage(this.action(type), data);
  }

  private start(mic: MediaStream | null): void {
    this.micStream = mic;
    const track = mic?.getAudioTracks()[0];
    if (track) track.enabled = false;
    this.d.dispatch({ type: 'CALLS_MY_CALL_JOINING', channelId: this.channelId, sessionId: this.sessionId, micAvailable: !!track, now: Date.now() });
    this.unsubscribes.push(this.d.shell.webSocket.onStatus((s) => this.onSocketStatus(s)));
    this.unsubscribes.push(this.d.shell.webSocket.onConnect((info) => this.onSocketConnect(info)));
    this.joinTimer = setTimeout(() => {
      if (!this.joined) this.fail('The server did not answer the join request in time.');
    }, JOIN_TIMEOUT_MS);
    const sent = this.send('join', {
      channelID: this.channelId,
      ...(this.opts.title ? { title: this.opts.title } : {}),
      ...(this.opts.threadId ? { threadID: this.opts.threadId } : {}),
      av1Support: false,
      dcSignaling: this.d.config.EnableDCSignaling,
    });
    if (!sent) this.fail('The connection to the server dropped while joining.');
  }

  // ---- events from the server (routed here by events.ts) ----

  /** `join`: the server accepted the session; start WebRTC. */
  onJoinAccepted(connID: string): void {
    if (this.left || this.joined || connID !== this.connId) return;
    this.joined = true;
    clearTimeout(this.joinTimer);
    void this.startPeer().catch((err: unknown) => this.fail(`Could not start the media connection: ${(err as Error).message}`));
  }

  /** `error` for my connection: the join (or a reconnect, or our SDP) was refused; the call is off. */
  onServerError(message: string): void {
    if (this.left) return;
    const what = this.joined ? 'The call connection failed' : 'Could not join the call';
    this.fail(message ? `${what}: ${message}` : `${what}.`);
  }

  /** The server no longer has my session (it closed it while I was away). */
  dropped(): void {
    this.fail('You were disconnected from the call.', 'disconnected');
  }

  onSignal(data: string): void {
    this.peer?.signal(data);
  }

  onHostMute(): void {
    if (this.d.getState().myCall?.muted === false) this.mute();
  }

  onHostScreenOff(): void {
    this.stopScreenShare();
  }

  onHostLowerHand(): void {
    this.setHand(false);
  }

  onScreenOn(sessionId: string): void {
    if (sessionId === this.sessionId) this.screenOnWait?.();
  }

  /** Someone stopped sharing (or left): drop their screen. */
  onScreenOff(sessionId: string): void {
    if (sessionId === '') this.remoteScreens.clear();
    else this.remoteScreens.delete(sessionId);
    this.emit('media');
  }

  onUserLeft(sessionId: string): void {
    this.audio.removeSession(sessionId);
    if (this.remoteScreens.delete(sessionId)) this.emit('media');
  }

  // ---- media ----

  private async iceServers(): Promise<RTCIceServer[]> {
    const servers: RTCIceServer[] = this.d.config.ICEServersConfigs.map((s) => ({ urls: s.urls, username: s.username, credential: s.credential }));
    if (this.d.config.NeedsTURNCredentials) {
      try {
        const creds = await this.d.shell.client.pluginRequest<RTCIceServer[]>(PLUGIN_ID, 'GET', '/turn-credentials');
        servers.push(...creds);
      } catch (err) {
        console.warn('calls: TURN credentials unavailable', err);
      }
    }
    return servers;
  }

  private async startPeer(): Promise<void> {
    const iceServers = await this.iceServers();
    if (this.left) return;
    const peer = new CallPeer({
      iceServers,
      dcSignaling: this.d.config.EnableDCSignaling,
      signaling: {
        sendSdp: (desc) => {
          void packSdp(desc).then((data) => this.d.shell.webSocket.sendBinaryMessage(this.action('sdp'), { data }));
        },
        sendIce: (candidate) => this.send('ice', { data: JSON.stringify(candidate) }),
      },
    });
    this.peer = peer;
    peer.on('connected', () => {
      this.d.dispatch({ type: 'CALLS_MY_CALL_STATUS', status: this.wsDown ? 'reconnecting' : 'connected' });
      if (!this.connectedOnce) {
        this.connectedOnce = true;
        playJoinSelf();
        void this.reportCandidatePair(peer);
      }
    });
    peer.on('failed', (reason) => this.fail(`Lost the media connection (${reason}).`, 'disconnected'));
    peer.on('track', (t) => this.onRemoteTrack(t));
    peer.on('trackEnded', (t) => this.onRemoteTrackEnded(t));
    peer.on('quality', (sample) => {
      const level = qualityLevel(sample);
      this.d.dispatch({ type: 'CALLS_QUALITY', level, sample });
    });
    this.emit('media');
  }

  /** The reference's `client_ice_candidate_pair` metric: which kind of path the connection took. */
  private async reportCandidatePair(peer: CallPeer): Promise<void> {
    const stats = await peer.getStats().catch(() => undefined);
    if (!stats) return;
    const all: Record<string, unknown>[] = [];
    stats.forEach((r: Record<string, unknown>) => all.push(r));
    const pair = all.find((r) => r.type === 'candidate-pair' && r.nominated && r.state === 'succeeded');
    const local = pair && all.find((r) => r.id === pair.localCandidateId);
    const remote = pair && all.find((r) => r.id === pair.remoteCandidateId);
    if (!local || !remote) return;
    const side = (c: Record<string, unknown>) => ({ type: String(c.candidateType), protocol: String(c.protocol) });
    this.send('metric', { metric_name: 'client_ice_candidate_pair', data: JSON.stringify({ state: 'succeeded', local: side(local), remote: side(remote) }) });
  }

  private onRemoteTrack(t: RemoteTrack): void {
    if (t.info.type === 'screen') {
      this.remoteScreens.set(t.info.sender_id, t.stream);
      this.emit('media');
    } else if (t.info.type === 'voice' || t.info.type === 'screen-audio') {
      this.audio.add(t.track.id, t.stream, t.info.sender_id, t.info.type);
    }
  }

  private onRemoteTrackEnded(t: RemoteTrack): void {
    if (t.info.type === 'screen') {
      if (this.remoteScreens.get(t.info.sender_id) === t.stream) this.remoteScreens.delete(t.info.sender_id);
      this.emit('media');
    } else {
      this.audio.remove(t.track.id);
    }
  }

  get micTrack(): MediaStreamTrack | null {
    return this.micStream?.getAudioTracks()[0] ?? null;
  }

  get localScreen(): MediaStream | null {
    return this.screenStream;
  }

  /** Unmute: the first time adds the voice track (a renegotiation), later it is put back on its sender. */
  unmute(): void {
    const track = this.micTrack;
    if (!track || !this.peer || this.left) return;
    track.enabled = true;
    if (!this.voiceSender) this.voiceSender = this.peer.addTrack(track, this.micStream!);
    else void this.voiceSender.replaceTrack(track);
    this.send('unmute');
    this.d.dispatch({ type: 'CALLS_MY_CALL_LOCAL', patch: { muted: false } });
  }

  /** Mute: nothing leaves the browser (the sender gets no track), and the server is told. */
  mute(): void {
    const track = this.micTrack;
    if (track) track.enabled = false;
    if (this.voiceSender) void this.voiceSender.replaceTrack(null);
    this.send('mute');
    this.d.dispatch({ type: 'CALLS_MY_CALL_LOCAL', patch: { muted: true } });
  }

  toggleMute(): void {
    if (this.d.getState().myCall?.muted === false) this.mute();
    else this.unmute();
  }

  setHand(raised: boolean): void {
    this.send(raised ? 'raise_hand' : 'unraise_hand');
    this.d.dispatch({ type: 'CALLS_MY_CALL_LOCAL', patch: { handRaised: raised } });
  }

  react(emoji: EmojiData): void {
    this.send('react', { data: JSON.stringify(emoji) });
  }

  /**
   * Screen share: the browser's picker, `screen_on` with the stream id (the server labels the tracks by it
   * and refuses a second sharer), then the tracks once the server confirmed.
   */
  async shareScreen(): Promise<void> {
    if (!this.peer || this.screenStream || this.left) return;
    let stream: MediaStream;
    try {
      stream = await navigator.mediaDevices.getDisplayMedia({ video: { frameRate: { ideal: 15, max: 30 } }, audio: true });
    } catch (err) {
      if ((err as DOMException).name === 'NotAllowedError') return; // the user cancelled the picker
      this.banner('screen-failed', `Screen sharing failed: ${(err as Error).message}`);
      return;
    }
    const video = stream.getVideoTracks()[0];
    if (!video || this.left || !this.peer) {
      stream.getTracks().forEach((t) => t.stop());
      return;
    }
    this.screenStream = stream;
    const confirmed = new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => resolve(false), SCREEN_ON_TIMEOUT_MS);
      this.screenOnWait = () => {
        clearTimeout(timer);
        resolve(true);
      };
    });
    this.send('screen_on', { data: JSON.stringify({ screenStreamID: stream.id }) });
    const ok = await confirmed;
    this.screenOnWait = undefined;
    if (!ok || this.screenStream !== stream || !this.peer) {
      if (this.screenStream === stream) {
        this.screenStream = null;
        stream.getTracks().forEach((t) => t.stop());
      }
      if (!ok) this.banner('screen-failed', 'Screen sharing could not start: someone else may be sharing already.');
      this.emit('media');
      return;
    }
    video.addEventListener('ended', () => this.stopScreenShare());
    this.screenSenders.push(this.peer.addScreenTrack(video, stream));
    const audio = stream.getAudioTracks()[0];
    if (audio) this.screenSenders.push(this.peer.addTrack(audio, stream));
    this.d.dispatch({ type: 'CALLS_MY_CALL_LOCAL', patch: { sharing: true } });
    this.emit('media');
  }

  stopScreenShare(): void {
    const stream = this.screenStream;
    if (!stream) return;
    this.screenStream = null;
    for (const s of this.screenSenders.splice(0)) this.peer?.removeSender(s);
    stream.getTracks().forEach((t) => t.stop());
    if (!this.left) this.send('screen_off');
    this.d.dispatch({ type: 'CALLS_MY_CALL_LOCAL', patch: { sharing: false } });
    this.emit('media');
  }

  // ---- devices ----

  devices(): Promise<AudioDevices> {
    return listAudioDevices();
  }

  /** Switches microphone, keeping the muted state; the new track takes the old one's sender. */
  async setMicrophone(deviceId: string): Promise<void> {
    const stream = await openMicrophone(deviceId);
    rememberInput(deviceId);
    const track = stream.getAudioTracks()[0]!;
    const muted = this.d.getState().myCall?.muted !== false;
    track.enabled = !muted;
    const old = this.micStream;
    this.micStream = stream;
    if (this.voiceSender && !muted) await this.voiceSender.replaceTrack(track);
    old?.getTracks().forEach((t) => t.stop());
    this.d.dispatch({ type: 'CALLS_MY_CALL_LOCAL', patch: { micAvailable: true } });
    this.d.dispatch({ type: 'CALLS_BANNER_DISMISS', kind: 'mic-permission' });
    this.d.dispatch({ type: 'CALLS_BANNER_DISMISS', kind: 'no-mic' });
  }

  async setSpeaker(deviceId: string): Promise<void> {
    rememberOutput(deviceId);
    await this.audio.setSink(deviceId);
  }

  // ---- the WebSocket going away and coming back ----

  private onSocketStatus(s: SocketStatus): void {
    if (this.left || s === 'connected' || this.wsDown) return;
    this.wsDown = true;
    this.d.dispatch({ type: 'CALLS_MY_CALL_STATUS', status: 'reconnecting' });
    this.banner('reconnecting', 'Connection to the server lost. Reconnecting…');
    clearTimeout(this.giveUpTimer);
    this.giveUpTimer = setTimeout(() => this.fail('You were disconnected from the call: the connection could not be restored.', 'disconnected'), RECONNECT_GIVE_UP_MS);
  }

  private onSocketConnect(info: ConnectInfo): void {
    if (this.left || !info.reconnected) return;
    clearTimeout(this.giveUpTimer);
    this.wsDown = false;
    const prev = this.connId;
    this.connId = info.connectionId;
    if (!this.joined) {
      // The join answer was lost with the old connection: the session cannot be attached to.
      if (!info.resumed) this.fail('The connection dropped while joining. Please join again.');
    } else if (!info.resumed) {
      // A new connection: tell the server it carries my session (the reference's reconnect message).
      this.send('reconnect', { channelID: this.channelId, originalConnID: this.sessionId, prevConnID: prev });
    }
    this.send('call_state', { channelID: this.channelId });
    this.d.dispatch({ type: 'CALLS_BANNER_DISMISS', kind: 'reconnecting' });
    const pcUp = this.peer?.pc.connectionState === 'connected';
    this.d.dispatch({ type: 'CALLS_MY_CALL_STATUS', status: pcUp ? 'connected' : 'connecting' });
  }

  // ---- leaving ----

  private banner(kind: 'screen-failed' | 'reconnecting' | 'join-failed' | 'disconnected' | 'ended-by-host' | 'removed', message: string): void {
    this.d.dispatch({ type: 'CALLS_BANNER', kind, message, now: Date.now() });
  }

  private fail(message: string, kind: 'join-failed' | 'disconnected' = this.joined ? 'disconnected' : 'join-failed'): void {
    if (this.left) return;
    this.banner(kind, message);
    this.leave(kind === 'join-failed' ? 'join-failed' : 'disconnected');
  }

  /** Leaves (telling the server unless it already dropped us), releases every device and element. */
  leave(reason: LeaveReason = 'user'): void {
    if (this.left) return;
    this.left = true;
    clearTimeout(this.joinTimer);
    clearTimeout(this.giveUpTimer);
    this.screenOnWait = undefined;
    if (reason === 'ended-by-host') this.banner('ended-by-host', 'The call was ended by the host.');
    if (reason === 'removed') this.banner('removed', 'You were removed from the call by the host.');
    // Always said, even when removed or ended: the server then drops the session at once instead of later.
    this.send('leave');
    for (const u of this.unsubscribes.splice(0)) u();
    this.screenStream?.getTracks().forEach((t) => t.stop());
    this.screenStream = null;
    this.micStream?.getTracks().forEach((t) => t.stop());
    this.micStream = null;
    this.peer?.close();
    this.peer = null;
    this.audio.close();
    this.remoteScreens.clear();
    this.d.dispatch({ type: 'CALLS_BANNER_DISMISS', kind: 'reconnecting' });
    this.d.dispatch({ type: 'CALLS_MY_CALL_LEFT' });
    if (this.connectedOnce) playLeaveSelf();
    this.emit('media');
    this.emit('left', reason);
    this.removeAllListeners();
  }
}
