// Wires test clients to an RtcServer directly (the way the daemon's /ws handler or the plugin would): the
// server's `message` events go to the client of that session, the client's messages go to `server.send`.
import { Registry } from 'prom-client';
import { pino, type Logger } from 'pino';
import {
  createRtcMetrics,
  defaultRtcServerConfig,
  RtcServer,
  type RtcMessage,
  type RtcMetrics,
  type RtcServerConfig,
  type RtcServerOptions,
  type SessionConfig,
  type SessionProps,
} from '@calls-ts/rtcd/rtc';
import { CallsTestClient, type CallsClientOptions } from './calls-client.js';
import { StunResponder } from './stun-responder.js';

/** An RtcServer config for tests: loopback only, ephemeral ports. */
export function testRtcConfig(overrides: Partial<RtcServerConfig> = {}): RtcServerConfig {
  return { ...defaultRtcServerConfig(), iceAddressUDP: ['127.0.0.1'], icePortUDP: 0, icePortTCP: 0, ...overrides };
}

export interface TestSfu {
  server: RtcServer;
  registry: Registry;
  metrics: RtcMetrics;
  link: ServerLink;
  close(): Promise<void>;
}

/** Starts an RtcServer (with its own registry, prefix `rtcd`) and a link for clients. */
export async function startTestSfu(
  opts: { config?: Partial<RtcServerConfig>; logger?: Logger } & Partial<Omit<RtcServerOptions, 'logger' | 'metrics'>> = {},
): Promise<TestSfu> {
  const registry = new Registry();
  const metrics = createRtcMetrics(registry, 'rtcd');
  const logger = opts.logger ?? pino({ level: process.env.TEST_LOG_LEVEL ?? 'silent' });
  const server = new RtcServer(testRtcConfig(opts.config), { ...opts, logger, metrics });
  await server.start();
  const link = await ServerLink.create(server);
  return {
    server,
    registry,
    metrics,
    link,
    async close() {
      await link.closeClients();
      await server.stop();
      await link.close();
    },
  };
}

/** What a link needs of an SFU: an RtcServer in this process, or one in a child process (RemoteSfu). */
export interface SfuEndpoint {
  on(event: 'message', fn: (msg: RtcMessage) => void): unknown;
  initSession(cfg: SessionConfig): Promise<void>;
  closeSession(sessionID: string): Promise<void>;
  send(msg: RtcMessage): boolean;
}

export class ServerLink {
  private readonly clients = new Map<string, CallsTestClient>();
  /** Every message the server emitted, in order (assertions on signaling). */
  readonly messages: RtcMessage[] = [];

  private constructor(
    readonly server: SfuEndpoint,
    readonly stun: StunResponder,
  ) {
    server.on('message', (msg) => {
      this.messages.push(msg);
      this.clients.get(msg.sessionID)?.receive(msg.type, msg.data);
    });
  }

  static async create(server: SfuEndpoint): Promise<ServerLink> {
    return new ServerLink(server, await StunResponder.start());
  }

  /** Creates the session on the server and a client for it; the client has made its first offer. */
  async join(
    cfg: { callID: string; groupID?: string; userID?: string; sessionID?: string; props?: SessionProps },
    opts: { start?: boolean } & Partial<Pick<CallsClientOptions, 'pingIntervalMs' | 'videoLossEvery' | 'peerConfig' | 'srtpProfile' | 'port' | 'micWithAddTrack'>> = {},
  ): Promise<CallsTestClient> {
    const props = cfg.props ?? {};
    const client = new CallsTestClient({
      sessionID: cfg.sessionID,
      dcSignaling: props.dcSignaling,
      stunUrl: this.stun.url,
      pingIntervalMs: opts.pingIntervalMs,
      videoLossEvery: opts.videoLossEvery,
      peerConfig: opts.peerConfig,
      srtpProfile: opts.srtpProfile,
      port: opts.port,
      micWithAddTrack: opts.micWithAddTrack,
      send: (type, data) => {
        const msg: RtcMessage = { groupID: '', userID: '', callID: '', sessionID: client.sessionID, type };
        if (data) msg.data = data;
        this.server.send(msg);
      },
    });
    const session: SessionConfig = {
      groupID: cfg.groupID ?? 'default',
      callID: cfg.callID,
      userID: cfg.userID ?? `user-${client.sessionID.slice(0, 6)}`,
      sessionID: client.sessionID,
      props,
    };
    this.clients.set(client.sessionID, client);
    await this.server.initSession(session);
    if (opts.start !== false) await client.start();
    return client;
  }

  client(sessionID: string): CallsTestClient | undefined {
    return this.clients.get(sessionID);
  }

  /** Leaves: closes the session on the server, then the client's peer connection. */
  async leave(client: CallsTestClient): Promise<void> {
    await this.server.closeSession(client.sessionID).catch(() => undefined);
    this.clients.delete(client.sessionID);
    await client.close();
  }

  async closeClients(): Promise<void> {
    await Promise.all([...this.clients.values()].map((c) => c.close()));
    this.clients.clear();
  }

  async close(): Promise<void> {
    await this.closeClients();
    await this.stun.close();
  }
}
