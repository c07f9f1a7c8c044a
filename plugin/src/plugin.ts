// The Calls plugin process: configuration, then on activation the store, the media backend (rtcd when
// RTCDServiceURL is set, else the embedded SFU), the call logic, reconciliation of calls that outlived a
// previous process, and the hooks the host calls. Deactivation closes everything it opened, in reverse.
import type {
  ChannelMembership,
  CommandArgs,
  CommandResponse,
  PluginAPI,
  PluginConfig,
  PluginHooks,
  PluginHttpRequest,
  PluginHttpResponse,
  WebSocketRequest,
} from '@calls-ts/host/plugin-rpc';
import { buildRouter } from './api/routes.js';
import { createApi } from './api/router.js';
import { message } from './api/http.js';
import { CallPosts } from './calls/call-post.js';
import { CallService } from './calls/call-service.js';
import { HostControls } from './calls/host-controls.js';
import { ClientMessageHandler } from './calls/message-handler.js';
import { CallReconciler } from './calls/reconcile.js';
import { SessionManager } from './calls/session-manager.js';
import { CallLocks } from './cluster/call-lock.js';
import { clusterMutexFactory } from './cluster/mutex.js';
import { CALL_COMMAND, SlashCommand } from './commands/slash-command.js';
import { parseConfig, type CallsConfig } from './config/config.js';
import type { EnvOverrides } from './config/env.js';
import { createLogger, type Logger } from './log.js';
import { readManifest } from './manifest.js';
import { EmbeddedMedia } from './media/embedded.js';
import type { MediaBackend } from './media/media-backend.js';
import { AggregateStats } from './metrics/aggregate-stats.js';
import { PluginMetrics } from './metrics/metrics.js';
import { RtcdMedia } from './rtcd/index.js';
import { CallsEvents } from './signaling/events.js';
import { WsRouter } from './signaling/ws-router.js';
import { openStore, type Store } from './store/index.js';

/** Settings the media backend is built from: a change needs a plugin restart. */
const MEDIA_SETTINGS: (keyof CallsConfig)[] = [
  'RTCDServiceURL', 'UDPServerAddress', 'TCPServerAddress', 'UDPServerPort', 'TCPServerPort', 'EnableIPv6', 'ICEHostOverride',
  'ICEHostPortOverride', 'ServerSideTURN',
];

/** Everything that exists only while the plugin is active. */
interface Active {
  store: Store;
  media: MediaBackend;
  sessions: SessionManager;
  host: HostControls;
  events: CallsEvents;
  calls: CallService;
  reconciler: CallReconciler;
  ws: WsRouter;
  http: (req: PluginHttpRequest) => Promise<PluginHttpResponse>;
  command: SlashCommand;
  aggregate: AggregateStats;
}

export class CallsPlugin {
  readonly metrics = new PluginMetrics();
  readonly log: Logger;
  private readonly manifest = readManifest();
  private config: CallsConfig | undefined;
  private envOverrides: EnvOverrides = {};
  private active: Active | undefined;

  constructor(private readonly api: PluginAPI) {
    this.log = createLogger(api.pluginId || this.manifest.id);
  }

  hooks(): PluginHooks {
    return {
      onConfigurationChange: (cfg) => this.onConfigurationChange(cfg),
      onActivate: () => this.onActivate(),
      onDeactivate: () => this.onDeactivate(),
      serveHTTP: (_c, req) => this.serveHTTP(req),
      serveMetrics: () => this.serveMetrics(),
      executeCommand: (_c, args) => this.executeCommand(args),
      webSocketMessageHasBeenPosted: (connID, userID, req) => this.onWebSocketMessage(connID, userID, req),
      onWebSocketConnect: (connID) => this.active?.ws.onConnect(connID),
      onWebSocketDisconnect: (connID) => this.active?.ws.onDisconnect(connID),
      userHasLeftChannel: (_c, member) => this.userHasLeftChannel(member),
    };
  }

  private currentConfig = (): CallsConfig => {
    if (!this.config) throw new Error('configuration not loaded');
    return this.config;
  };

  /** Validates the admin's (or the initial) settings; throwing makes the host refuse them. */
  onConfigurationChange(raw: PluginConfig): void {
    const { config, envOverrides } = parseConfig(raw);
    const previous = this.config;
    this.config = config;
    this.envOverrides = envOverrides;
    if (previous && this.active) {
      const changed = MEDIA_SETTINGS.filter((k) => JSON.stringify(previous[k]) !== JSON.stringify(config[k]));
      if (changed.length > 0) this.log.warn({ settings: changed }, 'media settings changed: they apply after a plugin restart');
    }
  }

  async onActivate(): Promise<void> {
    if (process.env.MM_CALLS_DISABLE === 'true') throw new Error('disabled by environment flag (MM_CALLS_DISABLE)');
    const config = this.currentConfig();
    const { api, metrics, log } = this;
    const store = await openStore(await api.getDBSettings(), metrics);
    let media: MediaBackend | undefined;
    try {
      const botID = await api.ensureBotUser({ username: 'calls', display_name: 'Calls', description: 'Calls Bot' });
      const mutexes = clusterMutexFactory(api, metrics, log);
      media = config.RTCDServiceURL
        ? new RtcdMedia({ config, api, log, registry: metrics.registry, lock: mutexes })
        : new EmbeddedMedia({ config, log, metrics: metrics.rtc });
      await media.start();
      const aggregate = new AggregateStats(store.stats, metrics, log);
      const events = new CallsEvents(api, metrics, log);
      const calls = new CallService({
        api, store: store.calls, locks: new CallLocks(mutexes), events, posts: new CallPosts(api), metrics, media, log,
        config: this.currentConfig, botID, onChange: () => aggregate.markDirty(),
      });
      const sessions = new SessionManager({ api, calls, store: store.calls, media, events, metrics, log });
      const handler = new ClientMessageHandler({ api, calls, store: store.calls, media, events, metrics, log, config: this.currentConfig });
      sessions.setMessageHandler((s, msg) => handler.handle(s, msg));
      const host = new HostControls({ api, calls, sessions, events, log });
      const reconciler = new CallReconciler({ calls, sessions, media, events, log });
      media.on('hostGone', (h) => void reconciler.hostGone(h).catch((err: unknown) => log.error({ err: (err as Error).message }, 'ending calls of a gone rtcd host failed')));
      const router = buildRouter({
        api, config: this.currentConfig, envOverrides: () => this.envOverrides, calls, host, store, media, events, metrics,
        version: this.manifest.version, beforeMetrics: () => aggregate.beforeScrape(),
      });
      this.active = {
        store, media, sessions, host, events, calls, reconciler,
        ws: new WsRouter(sessions, handler, events, metrics, log),
        http: createApi(router, metrics, log),
        command: new SlashCommand(api, calls, host),
        aggregate,
      };
      const result = await reconciler.reconcileAll();
      await api.registerCommand(CALL_COMMAND);
      aggregate.start();
      log.info({ media: media.kind, ...result }, 'calls plugin activated');
    } catch (err) {
      this.active = undefined;
      await media?.stop().catch(() => undefined);
      await store.close().catch(() => undefined);
      throw err;
    }
  }

  async onDeactivate(): Promise<void> {
    const a = this.active;
    if (!a) return;
    this.active = undefined;
    a.aggregate.stop();
    a.host.shutdown();
    a.sessions.shutdown();
    // The embedded SFU dies with this process: its calls end now. rtcd keeps its calls; the next activation
    // resumes them.
    if (a.media.kind === 'embedded') {
      for (const call of await a.store.calls.getAllActiveCalls().catch(() => [])) {
        await a.calls
          .withCall(call.channel_id, async (state) => {
            if (state) await a.reconciler.endNow(state, 'plugin deactivated');
          })
          .catch((err: unknown) => this.log.warn({ err: (err as Error).message }, 'could not end a call at deactivation'));
      }
    }
    await a.media.stop().catch((err: unknown) => this.log.warn({ err: (err as Error).message }, 'media backend stop failed'));
    await this.api.unregisterCommand(CALL_COMMAND.trigger).catch(() => undefined);
    await a.store.close().catch(() => undefined);
    this.log.info('calls plugin deactivated');
  }

  private async serveHTTP(req: PluginHttpRequest): Promise<PluginHttpResponse> {
    if (!this.active) return message(503, 'the calls plugin is not active');
    return this.active.http(req);
  }

  private async serveMetrics(): Promise<PluginHttpResponse> {
    await this.active?.aggregate.beforeScrape();
    return { status: 200, headers: { 'content-type': this.metrics.contentType }, body: await this.metrics.render() };
  }

  private async executeCommand(args: CommandArgs): Promise<CommandResponse> {
    if (!this.active) return { response_type: 'ephemeral', text: 'Error: the calls plugin is not active' };
    return this.active.command.execute(args);
  }

  private onWebSocketMessage(connID: string, userID: string, req: WebSocketRequest): void {
    this.active?.ws.onMessage(connID, userID, req);
  }

  /** A user left (or was removed from) a channel: their sessions in its call end, and they are told. */
  private async userHasLeftChannel(member: ChannelMembership): Promise<void> {
    const a = this.active;
    if (!a) return;
    const state = await a.calls.loadState(member.channel_id);
    if (!state) return;
    for (const s of state.sessionsOf(member.user_id)) {
      const live = a.sessions.bySession(s.id);
      if (live) live.end('kicked');
      else {
        await a.sessions.closeMedia(s.id, state.call.props.rtcd_host || undefined);
        await a.calls.withCall(member.channel_id, async (st) => {
          if (st && st.call.id === state.call.id) await a.calls.removeUserSession(st, s.id);
        });
      }
      // They no longer receive the channel's events: tell them directly.
      a.events.publish('user_left', { user_id: member.user_id, session_id: s.id, channelID: member.channel_id }, { userId: member.user_id });
    }
  }
}
