// CallsClient: a Calls user in Node speaking the browser's protocol end to end (mirrors the reference rtcd's
// Go `client` package, which its recorder and lt use). Used by lt, the benchmark and the tests:
// - the host WebSocket (/api/v4/websocket, Mattermost protocol: authentication challenge, `hello`, `seq`,
//   resume with connection_id + sequence_number), as the webapp's calls WebSocketClient uses it;
// - Calls actions `custom_com.mattermost.calls_*` (sdp as a msgpack binary frame of zlib-compressed JSON,
//   everything else JSON text), and the events the plugin sends back, recorded in order;
// - a werift peer (CallsPeer) created when the `join` event arrives, signaling through the WebSocket: voice
//   (unmute/mute), screen sharing, and counting the media it receives.
// Bounded: the event log keeps the last `maxEvents` events.
//
//   const c = await CallsClient.connect({ url: host.url, token, channelID, stunUrl });
//   await c.join();                 // join event, then the peer connects
//   await c.unmute(); c.raiseHand(); await c.startScreen(); c.leave(); await c.close();
import { EventEmitter } from 'node:events';
import { deflateSync } from 'node:zlib';
import { encode } from '@msgpack/msgpack';
import { WebSocket } from 'ws';
import { MessageType } from '../rtc/types.js';
import { LEVELS, type LevelFn } from './media/pumps.js';
import { CallsPeer, type CallsPeerOptions } from './peer.js';

export const EVENT_PREFIX = 'custom_com.mattermost.calls_';

export interface WsEvent {
  event: string;
  data: Record<string, any>;
  broadcast: { user_id: string; channel_id: string; team_id: string; connection_id: string; omit_users: Record<string, boolean> | null };
  seq: number;
}

export interface CallsClientOptions {
  /** The host's site URL (http://...). */
  url: string;
  /** A session token (login Token header or personal access token). */
  token: string;
  channelID: string;
  /** STUN server for the werift peer (a loopback StunResponder keeps tests offline). */
  stunUrl?: string;
  title?: string;
  threadID?: string;
  dcSignaling?: boolean;
  /** Data-channel ping interval of the peer (ms); 0 disables. */
  pingIntervalMs?: number;
  /** More options of the peer (shared port, media sources, send registry...). */
  peer?: Partial<CallsPeerOptions>;
  /** Makes the peer (e.g. a subclass with fault injection); default `new CallsPeer(opts)`. */
  createPeer?: (opts: CallsPeerOptions) => CallsPeer;
  /** Deadline of the hello, the join event and the peer's connection (default 20 s). */
  timeoutMs?: number;
  /** Events kept in `events` (default 10 000; the oldest are dropped). */
  maxEvents?: number;
}

export interface CallsClientEvents {
  /** Every event received (plugin or core), after the hello. */
  event: [WsEvent];
  /** A Calls event, name without prefix. */
  calls: [name: string, data: Record<string, any>];
  close: [code: number];
}

const DEFAULT_TIMEOUT_MS = 20_000;
const MAX_EVENTS = 10_000;

export class CallsClient<P extends CallsPeer = CallsPeer> extends EventEmitter<CallsClientEvents> {
  /** Events received, in order (the last `maxEvents`). */
  readonly events: WsEvent[] = [];
  /** Events received in all (`events` lost `eventCount - events.length` old ones). */
  eventCount = 0;
  connID = '';
  /** The connection id the call session was joined with (the session id). */
  originalConnID = '';
  peer: P | undefined;
  private ws: WebSocket | undefined;
  private seq = 1;
  private lastServerSeq = -1;
  private closed = false;

  protected constructor(readonly opts: CallsClientOptions) {
    super();
  }

  static async connect<P extends CallsPeer = CallsPeer>(opts: CallsClientOptions & { createPeer?: (o: CallsPeerOptions) => P }): Promise<CallsClient<P>> {
    const c = new CallsClient<P>(opts);
    await c.open();
    return c;
  }

  private get timeoutMs(): number {
    return this.opts.timeoutMs ?? DEFAULT_TIMEOUT_MS;
  }

  /** Position of `ev` in the whole event stream (what `eventCount` counts), -1 if no longer kept. */
  private position(ev: WsEvent): number {
    const i = this.events.indexOf(ev);
    return i < 0 ? -1 : this.eventCount - this.events.length + i;
  }

  /** The session id (original connection id). */
  get sessionID(): string {
    return this.originalConnID || this.connID;
  }

  get wsOpen(): boolean {
    return this.ws?.readyState === WebSocket.OPEN;
  }

  private open(resume = false): Promise<void> {
    const base = this.opts.url.replace(/^http/, 'ws') + '/api/v4/websocket';
    const qs = resume ? `?connection_id=${this.connID}&sequence_number=${this.lastServerSeq + 1}` : '';
    const ws = new WebSocket(base + qs);
    this.ws = ws;
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error('no hello from the server')), this.timeoutMs);
      ws.on('open', () => this.sendRaw({ action: 'authentication_challenge', seq: this.seq++, data: { token: this.opts.token } }));
      ws.on('error', (err) => {
        clearTimeout(timer);
        reject(err);
      });
      ws.on('close', (code) => {
        clearTimeout(timer);
        this.emit('close', code);
      });
      ws.on('message', (raw, isBinary) => {
        if (isBinary) return;
        let msg: any;
        try {
          msg = JSON.parse(raw.toString());
        } catch {
          return;
        }
        if (typeof msg !== 'object' || msg === null) return;
        if (typeof msg.seq === 'number') this.lastServerSeq = msg.seq;
        if (msg.event === 'hello') {
          const id = msg.data?.connection_id as string;
          if (id !== this.connID) {
            this.connID = id;
            this.lastServerSeq = msg.seq;
          }
          clearTimeout(timer);
          resolve();
          return;
        }
        if (typeof msg.event === 'string') this.onEvent(msg as WsEvent);
      });
    });
  }

  private onEvent(ev: WsEvent): void {
    if (this.events.length >= (this.opts.maxEvents ?? MAX_EVENTS)) this.events.shift();
    this.events.push(ev);
    this.eventCount++;
    this.emit('event', ev);
    if (typeof ev.data !== 'object' || ev.data === null) ev.data = {};
    if (!ev.event.startsWith(EVENT_PREFIX)) return;
    const name = ev.event.slice(EVENT_PREFIX.length);
    this.emit('calls', name, ev.data);
    const mine = ev.data?.connID === this.connID || ev.data?.connID === this.originalConnID;
    if (name === 'signal' && mine && this.peer) {
      const json = String(ev.data.data);
      let type: MessageType = MessageType.SDP;
      try {
        if ((JSON.parse(json) as { type?: string }).type === 'candidate') type = MessageType.ICE;
      } catch {
        return;
      }
      this.peer.receive(type, Buffer.from(json));
    }
  }

  private sendRaw(msg: unknown, binary = false): void {
    if (this.ws?.readyState !== WebSocket.OPEN) return;
    this.ws.send(binary ? Buffer.from(encode(msg)) : JSON.stringify(msg), { binary });
  }

  /** Sends a Calls action (`custom_com.mattermost.calls_<action>`). */
  send(action: string, data?: Record<string, unknown>, binary = false): void {
    this.sendRaw({ action: EVENT_PREFIX + action, seq: this.seq++, ...(data ? { data } : {}) }, binary);
  }

  /** How the peer's signaling reaches the plugin: the webapp's encodings for each message type. */
  private fromPeer(type: MessageType, data?: Uint8Array): void {
    const text = data ? Buffer.from(data).toString('utf8') : '';
    switch (type) {
      case MessageType.SDP:
        return this.send('sdp', { data: deflateSync(Buffer.from(text)) }, true);
      case MessageType.ICE:
        return this.send('ice', { data: text });
      case MessageType.Mute:
        return this.send('mute');
      case MessageType.Unmute:
        return this.send('unmute');
      case MessageType.ScreenOn:
        return this.send('screen_on', { data: text });
      case MessageType.ScreenOff:
        return this.send('screen_off');
      default:
        return undefined;
    }
  }

  /** Calls events received so far named `name` (without prefix), optionally filtered. */
  received(name: string, pred: (data: Record<string, any>, ev: WsEvent) => boolean = () => true): WsEvent[] {
    return this.events.filter((e) => e.event === EVENT_PREFIX + name && pred(e.data, e));
  }

  /** The first Calls event `name` (already received or coming) matching `pred` (or, raw, any event matching `match`). */
  waitFor(
    name: string,
    pred: (data: Record<string, any>, ev: WsEvent) => boolean = () => true,
    timeoutMs = this.timeoutMs,
    match: (ev: WsEvent) => boolean = (ev) => ev.event === EVENT_PREFIX + name && pred(ev.data, ev),
  ): Promise<WsEvent> {
    const seen = this.events.find(match);
    if (seen) return Promise.resolve(seen);
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.off('event', on);
        reject(new Error(`${this.connID}: timed out waiting for ${name}`));
      }, timeoutMs);
      const on = (ev: WsEvent): void => {
        if (!match(ev)) return;
        clearTimeout(timer);
        this.off('event', on);
        resolve(ev);
      };
      this.on('event', on);
    });
  }

  /** Like `waitFor`, counting only events that arrive after this call. */
  next(name: string, pred: (data: Record<string, any>) => boolean = () => true, timeoutMs = this.timeoutMs): Promise<WsEvent> {
    const from = this.eventCount;
    return this.waitFor(name, (d, ev) => this.position(ev) >= from && pred(d), timeoutMs);
  }

  /**
   * Joins the channel's call (starting it if needed): sends `join`, waits for the `join` event (rejects on
   * `error`), then brings up the werift peer and waits until it is connected (unless `connect` is false).
   */
  async join(opts: { connect?: boolean; av1Support?: boolean; /** false: no WebRTC peer (signaling tests). */ peer?: boolean } = {}): Promise<void> {
    const from = this.eventCount;
    // The join's outcome: the `join` event, or `error`, for this connection.
    const outcome = this.waitFor(
      'join',
      () => true,
      this.timeoutMs,
      (ev) => this.position(ev) >= from && (ev.event === EVENT_PREFIX + 'join' || ev.event === EVENT_PREFIX + 'error') && ev.data.connID === this.connID,
    );
    this.send('join', {
      channelID: this.opts.channelID,
      ...(this.opts.title ? { title: this.opts.title } : {}),
      ...(this.opts.threadID ? { threadID: this.opts.threadID } : {}),
      av1Support: opts.av1Support ?? false,
      dcSignaling: this.opts.dcSignaling ?? false,
    });
    const ev = await outcome;
    if (ev.event === EVENT_PREFIX + 'error') throw new Error(`join refused: ${String(ev.data.data)}`);
    this.originalConnID = this.connID;
    if (opts.peer === false) return;
    const peerOpts: CallsPeerOptions = {
      ...this.opts.peer,
      sessionID: this.originalConnID,
      stunUrl: this.opts.stunUrl,
      dcSignaling: this.opts.dcSignaling,
      pingIntervalMs: this.opts.pingIntervalMs,
      send: (type, data) => this.fromPeer(type, data),
    };
    this.peer = (this.opts.createPeer?.(peerOpts) ?? new CallsPeer(peerOpts)) as P;
    this.peer.on('error', () => undefined);
    const connected = new Promise<void>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`${this.connID}: peer did not connect`)), this.timeoutMs);
      this.peer!.once('connected', () => {
        clearTimeout(timer);
        resolve();
      });
    });
    await this.peer.start();
    if (opts.connect !== false) await connected;
    else connected.catch(() => undefined);
  }

  async unmute(levels: LevelFn = LEVELS.speech): Promise<void> {
    await this.requirePeer().unmute(levels);
  }

  mute(): void {
    this.requirePeer().mute();
  }

  /** Switches the voice between talking and silence (drives voice activity detection). */
  setTalking(talking: boolean): void {
    this.requirePeer().setAudioLevels(talking ? LEVELS.speech : LEVELS.silence);
  }

  startScreen(): Promise<string> {
    return this.requirePeer().startScreen();
  }

  stopScreen(): Promise<void> {
    return this.requirePeer().stopScreen();
  }

  raiseHand(): void {
    this.send('raise_hand');
  }

  lowerHand(): void {
    this.send('unraise_hand');
  }

  react(emoji: { name: string; unified: string; skin?: string; literal?: string }): void {
    this.send('react', { data: JSON.stringify(emoji) });
  }

  requestCallState(channelID = this.opts.channelID): void {
    this.send('call_state', { channelID });
  }

  /** What the browser reports about a succeeded ICE candidate pair. */
  reportCandidatePair(pair = { state: 'succeeded', local: { type: 'host', protocol: 'udp' }, remote: { type: 'host', protocol: 'udp' } }): void {
    this.send('metric', { metric_name: 'client_ice_candidate_pair', data: JSON.stringify(pair) });
  }

  /** Leaves the call (the socket stays open). */
  leave(): void {
    this.send('leave');
  }

  /** Drops the WebSocket without leaving (network loss). */
  dropSocket(): void {
    this.ws?.terminate();
  }

  /**
   * Reconnects the WebSocket like the webapp: resume with the same connection id when the server still has
   * it (else a new id), or with `newConnection` as a fresh connection (another id); then `reconnect`
   * {channelID, originalConnID, prevConnID}.
   */
  async reconnect(opts: { newConnection?: boolean } = {}): Promise<void> {
    const prev = this.connID;
    if (this.ws && this.ws.readyState !== WebSocket.CLOSED) this.ws.terminate();
    await this.open(!opts.newConnection);
    this.send('reconnect', { channelID: this.opts.channelID, originalConnID: this.originalConnID || prev, prevConnID: prev });
  }

  private requirePeer(): P {
    if (!this.peer) throw new Error('not in a call: join first');
    return this.peer;
  }

  /** Closes the peer and the socket. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.peer?.close();
    this.ws?.terminate();
  }
}
