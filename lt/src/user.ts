// One simulated user: logged in (a session token), then, at its time in the join window, the host WebSocket,
// the Calls join and a werift peer on a UDP port of its own (so its incoming media is counted with our
// SRTP before werift: media-counter.ts), unmuting with the speech sample or sharing the screen sample if its
// role says so. Failures are kept on the user (the run goes on without it).
import {
  CallsClient,
  OpusFilePump,
  Vp8FilePump,
  countMediaOnly,
  openClientPort,
  type ClientPort,
  type IvfStream,
  type MediaCounter,
  type OpusStream,
  type SendRegistry,
} from '@calls-ts/rtcd/client';

export type UserState = 'ready' | 'joining' | 'joined' | 'failed' | 'left';

export interface UserRole {
  /** Place among the agent's users (0-based, before -offset). */
  index: number;
  /** Index of its call (0-based) and its place in it. */
  call: number;
  indexInCall: number;
  unmuted: boolean;
  screen: boolean;
}

export interface Media {
  speech: OpusStream;
  levels: Uint8Array | undefined;
  screen: IvfStream | undefined;
}

export interface JoinContext {
  url: string;
  channelID: string;
  iceAddress: string;
  dcSignaling: boolean;
  media: Media;
  registry: SendRegistry;
  timeoutMs: number;
  /** The user started sending voice (performance.now()). */
  onTalking(user: SimUser, at: number): void;
}

export class SimUser {
  state: UserState = 'ready';
  error = '';
  client: CallsClient | undefined;
  counter: MediaCounter | undefined;
  private port: ClientPort | undefined;
  /** performance.now() of the join request, and of the peer's connection. */
  joinStartedAt = -1;
  connectedAt = -1;

  constructor(
    readonly username: string,
    readonly token: string,
    readonly role: UserRole,
  ) {}

  get voiceSent(): number {
    return this.client?.peer?.voicePacketsSent ?? 0;
  }

  get screenSent(): number {
    return this.client?.peer?.screenPacketsSent ?? 0;
  }

  async join(ctx: JoinContext): Promise<void> {
    this.state = 'joining';
    try {
      this.port = await openClientPort(ctx.iceAddress);
      const { speech, levels, screen } = ctx.media;
      // Talkers start ~8 s (397 packets) apart in the sample, so that no two say the same thing at once,
      // across calls too.
      const start = (this.role.index * 397) % speech.packets.length;
      this.client = await CallsClient.connect({
        url: ctx.url,
        token: this.token,
        channelID: ctx.channelID,
        dcSignaling: ctx.dcSignaling,
        timeoutMs: ctx.timeoutMs,
        maxEvents: 1000,
        peer: {
          port: this.port,
          sendRegistry: ctx.registry,
          answerTimeoutMs: ctx.timeoutMs,
          voiceSource: (track) => new OpusFilePump(track, speech, levels, start),
          screenSource: screen ? (track) => new Vp8FilePump(track, screen) : undefined,
        },
      });
      this.joinStartedAt = performance.now();
      await this.client.join({ connect: false });
      const peer = this.client.peer!;
      // Counting starts the moment DTLS is up, so the first packets are seen.
      const counting = countMediaOnly(peer, ctx.registry);
      // If the connect wait below fails first, this rejection is the same failure: keep it from going unhandled.
      counting.catch(() => undefined);
      await new Promise<void>((resolve, reject) => {
        if (peer.connectionState === 'connected') return resolve();
        const timer = setTimeout(() => reject(new Error('the peer did not connect')), ctx.timeoutMs);
        peer.once('connected', () => {
          clearTimeout(timer);
          resolve();
        });
      });
      this.connectedAt = performance.now();
      this.counter = await counting;
      if (this.role.unmuted) {
        await this.client.unmute();
        ctx.onTalking(this, performance.now());
      }
      if (this.role.screen) await this.client.startScreen();
      this.state = 'joined';
    } catch (err) {
      this.state = 'failed';
      this.error = err instanceof Error ? err.message : String(err);
    }
  }

  /** Leaves the call and closes everything (idempotent). */
  async stop(): Promise<void> {
    if (this.state === 'left') return;
    const c = this.client;
    if (c?.wsOpen) {
      c.leave();
      // Give the leave action a moment to go out before the socket closes.
      await new Promise((r) => setTimeout(r, 50));
    }
    await c?.close().catch(() => undefined);
    await this.port?.close().catch(() => undefined);
    this.state = 'left';
  }
}
