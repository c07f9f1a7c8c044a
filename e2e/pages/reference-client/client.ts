// The reference browser client as a test page: the unmodified `RTCPeer` of @mattermost/calls-common (npm
// 0.27.2) driven the way Mattermost's Calls webapp drives it, over the chat server's WebSocket with the
// plugin's protocol (reference calls-plugin.md §3):
//   authentication_challenge → hello → `join` → (`join` event) RTCPeer → `sdp` (msgpack binary frame of
//   zlib-compressed JSON) / `ice` (JSON string) out, `signal` events in → `unmute` adds the microphone track.
// Nothing here comes from our webapp, so a call that works with this page works with the reference client.
// The test opens `index.html#<params as JSON>` and reads/drives the call through `window.refClient`.
import { RTCPeer } from '@mattermost/calls-common';
import { encode } from '@msgpack/msgpack';

const PREFIX = 'custom_com.mattermost.calls_';

export interface RefClientParams {
  /** The chat server's URL (http://host:port). */
  url: string;
  /** A session token of the user. */
  token: string;
  channelID: string;
  /** The plugin's `ICEServersConfigs` from `GET /plugins/com.mattermost.calls/config`. */
  iceServers: RTCIceServer[];
}

export interface RefClientState {
  connectionId: string;
  /** The plugin accepted the join (`join` event). */
  joined: boolean;
  /** RTCPeer emitted `connect`. */
  rtcConnected: boolean;
  muted: boolean;
  /** Calls event names received, in order, without the prefix. */
  events: string[];
  errors: string[];
  /** Remote audio streams being played. */
  remoteAudio: number;
  /** The user left (leave sent). */
  closed: boolean;
  socketOpen: boolean;
}

interface WsMessage {
  event?: string;
  data?: Record<string, unknown>;
  seq_reply?: number;
  status?: string;
  error?: unknown;
}

async function zlibDeflate(text: string): Promise<Uint8Array> {
  // CompressionStream's 'deflate' is the zlib format (RFC 1950), what the plugin inflates.
  const stream = new Blob([text]).stream().pipeThrough(new CompressionStream('deflate'));
  return new Uint8Array(await new Response(stream).arrayBuffer());
}

class ReferenceCall {
  readonly state: RefClientState = { connectionId: '', joined: false, rtcConnected: false, muted: true, events: [], errors: [], remoteAudio: 0, closed: false, socketOpen: false };
  private ws: WebSocket | undefined;
  private seq = 1;
  private peer: RTCPeer | undefined;
  private stream: MediaStream | undefined;
  private audioTrack: MediaStreamTrack | undefined;
  private voiceTrackAdded = false;
  private readonly players: HTMLAudioElement[] = [];

  constructor(private readonly params: RefClientParams) {}

  async start(): Promise<void> {
    // As the reference client: the microphone is opened before joining, its track disabled until unmute.
    this.stream = await navigator.mediaDevices.getUserMedia({ video: false, audio: { autoGainControl: true, echoCancellation: true, noiseSuppression: true } });
    this.audioTrack = this.stream.getAudioTracks()[0];
    if (!this.audioTrack) throw new Error('no microphone track');
    this.audioTrack.enabled = false;

    const ws = new WebSocket(`${this.params.url.replace(/^http/, 'ws')}/api/v4/websocket`);
    ws.binaryType = 'arraybuffer';
    this.ws = ws;
    ws.onopen = () => {
      this.state.socketOpen = true;
      this.sendJSON('authentication_challenge', { token: this.params.token });
    };
    ws.onmessage = (ev) => {
      if (typeof ev.data !== 'string') return;
      this.onMessage(JSON.parse(ev.data) as WsMessage);
    };
    ws.onclose = (ev) => {
      this.state.socketOpen = false;
      if (!this.state.closed) this.state.errors.push(`websocket closed (${ev.code} ${ev.reason})`);
    };
  }

  private onMessage(msg: WsMessage): void {
    if (msg.status === 'FAIL') {
      this.state.errors.push(`request ${msg.seq_reply} failed: ${JSON.stringify(msg.error)}`);
      return;
    }
    if (!msg.event) return;
    if (msg.event === 'hello') {
      this.state.connectionId = String(msg.data?.connection_id ?? '');
      this.sendJSON(`${PREFIX}join`, { channelID: this.params.channelID });
      return;
    }
    if (!msg.event.startsWith(PREFIX)) return;
    const name = msg.event.slice(PREFIX.length);
    this.state.events.push(name);
    const data = msg.data ?? {};
    switch (name) {
      case 'join':
        this.state.joined = true;
        this.createPeer();
        break;
      case 'signal':
        this.peer?.signal(String(data.data)).catch((err: unknown) => this.state.errors.push(`signal: ${String(err)}`));
        break;
      case 'error':
        this.state.errors.push(`plugin error: ${String(data.data)}`);
        break;
      default:
        break;
    }
  }

  private createPeer(): void {
    const logger = {
      logDebug: () => undefined,
      logInfo: () => undefined,
      logWarn: (...args: unknown[]) => console.warn('RTCPeer', ...args),
      logErr: (...args: unknown[]) => this.state.errors.push(`RTCPeer: ${args.map(String).join(' ')}`),
    };
    const peer = new RTCPeer({ iceServers: this.params.iceServers, logger });
    this.peer = peer;
    const sendSDP = (sdp: RTCSessionDescription) => {
      void zlibDeflate(JSON.stringify(sdp)).then((data) => this.sendBinary(`${PREFIX}sdp`, { data }));
    };
    peer.on('offer', sendSDP);
    peer.on('answer', sendSDP);
    peer.on('candidate', (candidate: RTCIceCandidate) => this.sendJSON(`${PREFIX}ice`, { data: JSON.stringify(candidate) }));
    peer.on('connect', () => {
      this.state.rtcConnected = true;
    });
    peer.on('close', (err?: Error) => {
      if (!this.state.closed) this.state.errors.push(`rtc closed${err ? `: ${err.message}` : ''}`);
    });
    peer.on('error', (err: unknown) => this.state.errors.push(`rtc error: ${String(err)}`));
    peer.on('stream', (remote: MediaStream) => {
      if (!remote.getAudioTracks().length) return;
      // Chromium decodes remote audio only while something plays it out.
      const player = new Audio();
      player.srcObject = remote;
      player.play().catch((err: unknown) => this.state.errors.push(`play: ${String(err)}`));
      this.players.push(player);
      this.state.remoteAudio++;
    });
  }

  async unmute(): Promise<void> {
    if (!this.peer || !this.audioTrack || !this.stream) throw new Error('not in the call yet');
    if (this.voiceTrackAdded) this.peer.replaceTrack(this.audioTrack.id, this.audioTrack);
    else {
      await this.peer.addTrack(this.audioTrack, this.stream);
      this.voiceTrackAdded = true;
    }
    this.audioTrack.enabled = true;
    this.state.muted = false;
    this.sendJSON(`${PREFIX}unmute`, {});
  }

  mute(): void {
    if (!this.peer || !this.audioTrack) throw new Error('not in the call yet');
    if (this.voiceTrackAdded) this.peer.replaceTrack(this.audioTrack.id, null);
    this.audioTrack.enabled = false;
    this.state.muted = true;
    this.sendJSON(`${PREFIX}mute`, {});
  }

  leave(): void {
    this.state.closed = true;
    this.sendJSON(`${PREFIX}leave`, {});
    this.peer?.destroy();
    this.peer = undefined;
    for (const p of this.players) p.srcObject = null;
    for (const t of this.stream?.getTracks() ?? []) t.stop();
    // Close after the leave frame is flushed; the plugin would otherwise wait for a reconnect first.
    setTimeout(() => this.ws?.close(1000), 200);
  }

  private sendJSON(action: string, data: Record<string, unknown>): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(JSON.stringify({ action, seq: this.seq++, data }));
  }

  private sendBinary(action: string, data: Record<string, unknown>): void {
    if (this.ws?.readyState === WebSocket.OPEN) this.ws.send(encode({ action, seq: this.seq++, data }));
  }
}

const params = JSON.parse(decodeURIComponent(location.hash.slice(1))) as RefClientParams;
const call = new ReferenceCall(params);
const api = {
  state: call.state,
  unmute: () => call.unmute(),
  mute: () => call.mute(),
  leave: () => call.leave(),
};
export type RefClientApi = typeof api;
(window as unknown as { refClient: RefClientApi }).refClient = api;
call.start().catch((err: unknown) => call.state.errors.push(`start: ${String(err)}`));
