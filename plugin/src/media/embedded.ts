// The embedded media backend: the SFU library's RtcServer in this process, every session in group "default"
// (the reference's integrated RTC server). Its metrics land on the plugin registry with the plugin prefix.
import { EventEmitter } from 'node:events';
import { availableParallelism } from 'node:os';
import {
  RtcServer,
  defaultRtcServerConfig,
  isRtcError,
  type RtcMessage,
  type RtcMetrics,
  type RtcServerConfig,
  type RtcServerOptions,
  type SessionConfig,
} from '@calls-ts/rtcd/rtc';
import type { Logger } from '../log.js';
import { iceServers } from '../config/client-config.js';
import type { CallsConfig } from '../config/config.js';
import type { MediaBackend, MediaBackendEvents, MediaBackendInfo } from './media-backend.js';

export const EMBEDDED_GROUP_ID = 'default';

/** The RtcServer configuration the plugin settings describe (the reference's rtc.ServerConfig in OnActivate). */
export function rtcServerConfig(cfg: CallsConfig, env: NodeJS.ProcessEnv = process.env): RtcServerConfig {
  const base = defaultRtcServerConfig();
  // Media worker threads: one per core by default. MM_CALLS_MEDIA_WORKERS (ours) pins the number.
  const workers = env.MM_CALLS_MEDIA_WORKERS ? Number(env.MM_CALLS_MEDIA_WORKERS) : 0;
  return {
    ...base,
    iceAddressUDP: cfg.UDPServerAddress ? [cfg.UDPServerAddress] : [],
    iceAddressTCP: cfg.TCPServerAddress ? [cfg.TCPServerAddress] : [],
    icePortUDP: cfg.UDPServerPort,
    icePortTCP: cfg.TCPServerPort,
    enableIPv6: cfg.EnableIPv6,
    iceHostOverride: cfg.ICEHostOverride,
    iceHostPortOverride: cfg.ICEHostPortOverride ? String(cfg.ICEHostPortOverride) : '',
    iceServers: iceServers(cfg, false),
    turn: {
      staticAuthSecret: cfg.ServerSideTURN ? cfg.TURNStaticAuthSecret : '',
      credentialsExpirationMinutes: cfg.TURNCredentialsExpirationMinutes > 0 ? cfg.TURNCredentialsExpirationMinutes : base.turn.credentialsExpirationMinutes,
    },
    udpSocketsCount: availableParallelism(),
    mediaWorkers: Number.isInteger(workers) && workers > 0 ? workers : 0,
  };
}

export interface EmbeddedMediaOptions {
  config: CallsConfig;
  log: Logger;
  metrics: RtcMetrics;
  /** Passed to RtcServer (tests shorten timeouts, or run inline). */
  server?: Partial<Omit<RtcServerOptions, 'logger' | 'metrics'>>;
}

export class EmbeddedMedia extends EventEmitter<MediaBackendEvents> implements MediaBackend {
  readonly kind = 'embedded' as const;
  readonly server: RtcServer;
  private readonly log: Logger;

  constructor(opts: EmbeddedMediaOptions) {
    super();
    this.log = opts.log.child({ origin: 'rtc' });
    this.server = new RtcServer(rtcServerConfig(opts.config), { ...opts.server, logger: this.log, metrics: opts.metrics });
    this.server.on('message', (msg) => this.emit('message', msg));
    this.server.on('sessionClosed', (cfg, reason) => {
      this.log.debug({ session_id: cfg.sessionID, reason }, 'rtc session closed');
      this.emit('sessionClosed', cfg.sessionID);
    });
  }

  start(): Promise<void> {
    return this.server.start();
  }

  stop(): Promise<void> {
    return this.server.stop();
  }

  async pickHostForNewCall(): Promise<string | undefined> {
    return undefined;
  }

  initSession(cfg: SessionConfig): Promise<void> {
    return this.server.initSession({ ...cfg, groupID: EMBEDDED_GROUP_ID });
  }

  /** Nothing to re-route: the SFU and the WebSocket hand-off live in this process. */
  async reconnectSession(): Promise<void> {}

  async closeSession(sessionID: string): Promise<void> {
    try {
      await this.server.closeSession(sessionID);
    } catch (err) {
      if (isRtcError(err) && err.code === 'not_found') return;
      throw err;
    }
  }

  send(msg: RtcMessage): void {
    if (!this.server.send({ ...msg, groupID: EMBEDDED_GROUP_ID })) {
      this.log.debug({ session_id: msg.sessionID, type: msg.type }, 'rtc message not delivered (no such session)');
    }
  }

  async callSessions(callID: string): Promise<SessionConfig[]> {
    try {
      return this.server.getSessionConfigs(EMBEDDED_GROUP_ID, callID);
    } catch (err) {
      if (isRtcError(err) && err.code === 'not_found') return [];
      throw err;
    }
  }

  info(): MediaBackendInfo {
    return { kind: 'embedded' };
  }
}
