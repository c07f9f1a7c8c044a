import { basename, dirname } from 'node:path';
import type { PluginManifest, ClientPluginManifest } from '@mattermost/types/plugins';
import type { Store } from '../store/index.js';
import type { Logger } from '../log.js';
import type { HostMetrics } from '../metrics/host-metrics.js';
import type { Hub } from '../websocket/hub.js';
import type { WebConn } from '../websocket/web-conn.js';
import type { WebSocketRequest } from '../websocket/frames.js';
import { WsEvents } from '../websocket/events.js';
import { AppError, badRequest, notFound } from '../errors.js';
import type { ChannelMembership, PluginConfig, PluginContext, PluginUser } from '../plugin-rpc/protocol.js';
import { loadManifest, ManifestError, type LoadedManifest } from './manifest.js';
import { PluginSettings } from './settings.js';
import { PLUGIN_STATES, PluginProcess, type ApiDispatch, type PluginProcessOptions } from './plugin-process.js';
import type { CommandRegistry } from './commands.js';

/** An installed plugin: its manifest, settings schema, and (when it has a built server) its process. */
export interface InstalledPlugin {
  id: string;
  loaded: LoadedManifest;
  settings: PluginSettings;
  process?: PluginProcess;
}

export interface PluginStatus {
  plugin_id: string;
  cluster_id: string;
  plugin_path: string;
  state: number;
  name: string;
  description: string;
  version: string;
}

/**
 * Loads plugin manifests, runs their server processes, stores their settings, and routes to them what the
 * host receives for them: WebSocket actions `custom_<id>_*`, connection events, slash commands.
 */
export class PluginManager {
  private readonly plugins = new Map<string, InstalledPlugin>();

  constructor(
    private readonly store: Store,
    private readonly hub: Hub,
    private readonly commands: CommandRegistry,
    private readonly log: Logger,
    private readonly metrics: HostMetrics,
    private readonly processOptions: PluginProcessOptions,
    private readonly dispatchFor: (pluginId: string) => ApiDispatch,
  ) {
    hub.on('connect', (connId, userId) => this.broadcastNotify('OnWebSocketConnect', connId, userId));
    hub.on('disconnect', (connId, userId) => this.broadcastNotify('OnWebSocketDisconnect', connId, userId));
  }

  /**
   * Reads each plugin directory. A missing or invalid manifest, or a plugin not built yet, only logs a
   * warning: the host runs without it.
   */
  load(dirs: readonly string[]): void {
    for (const dir of dirs) {
      let loaded: LoadedManifest;
      try {
        loaded = loadManifest(dir);
      } catch (err) {
        if (!(err instanceof ManifestError)) throw err;
        this.log.warn({ dir }, `plugin not loaded: ${err.message}`);
        continue;
      }
      const id = loaded.manifest.id;
      if (this.plugins.has(id)) {
        this.log.warn({ plugin_id: id, dir }, 'a plugin with this id is already loaded: skipped');
        continue;
      }
      for (const w of loaded.warnings) this.log.warn({ plugin_id: id }, `plugin ${id}: ${w}`);
      const plugin: InstalledPlugin = { id, loaded, settings: new PluginSettings(loaded.manifest) };
      if (loaded.executable) {
        const executable = loaded.executable;
        plugin.process = new PluginProcess(
          id, { ...loaded, executable }, this.dispatchFor(id), () => this.getConfig(id),
          this.log.child({ plugin_id: id }), this.metrics, this.processOptions,
        );
        plugin.process.on('state', (state) => {
          if (state !== 'running') this.commands.unregisterAll(id);
          void this.hub.publish(WsEvents.PluginStatusesChanged, { plugin_statuses: this.statuses() }, {});
        });
      }
      this.plugins.set(id, plugin);
      this.log.info({ plugin_id: id, version: loaded.manifest.version, server: !!loaded.executable, webapp: !!loaded.bundle }, 'plugin loaded');
    }
  }

  /** Starts every plugin server and waits for each first activation (success or failure). */
  async startAll(): Promise<void> {
    await Promise.all([...this.plugins.values()].map((p) => p.process?.start()));
  }

  async stopAll(): Promise<void> {
    await Promise.all([...this.plugins.values()].map((p) => p.process?.stop()));
  }

  get(id: string): InstalledPlugin | undefined {
    return this.plugins.get(id);
  }

  require(id: string): InstalledPlugin {
    const p = this.plugins.get(id);
    if (!p) throw notFound('Plugin', 'app.plugin.not_installed.app_error');
    return p;
  }

  list(): InstalledPlugin[] {
    return [...this.plugins.values()];
  }

  manifests(): PluginManifest[] {
    return this.list().map((p) => p.loaded.manifest);
  }

  /** What the web shell loads: plugins with a built webapp bundle, served under /static/plugins/<id>/. */
  webappManifests(): ClientPluginManifest[] {
    return this.list()
      .filter((p) => p.loaded.bundle)
      .map((p) => ({
        id: p.id,
        name: p.loaded.manifest.name,
        version: p.loaded.manifest.version,
        min_server_version: p.loaded.manifest.min_server_version,
        webapp: { bundle_path: `/static/plugins/${p.id}/${basename(p.loaded.bundle!)}` },
      }));
  }

  /** The directory that `/static/plugins/<id>/` serves: the one holding the bundle. */
  staticDir(id: string): string | undefined {
    const bundle = this.plugins.get(id)?.loaded.bundle;
    return bundle ? dirname(bundle) : undefined;
  }

  statuses(): PluginStatus[] {
    return this.list().map((p) => ({
      plugin_id: p.id,
      cluster_id: '',
      plugin_path: p.loaded.dir,
      state: PLUGIN_STATES.indexOf(p.process?.state ?? 'not_running'),
      name: p.loaded.manifest.name,
      description: p.loaded.manifest.description ?? '',
      version: p.loaded.manifest.version,
    }));
  }

  async getConfig(id: string): Promise<PluginConfig> {
    const plugin = this.require(id);
    return plugin.settings.effective(await this.store.pluginConfigs.get(id));
  }

  /**
   * Applies an admin's change to a plugin's settings, and delivers it with OnConfigurationChange. If the
   * plugin rejects it, the previous settings are restored and the plugin's reason comes back as a 400.
   */
  async updateConfig(id: string, patch: Record<string, unknown>, replace = false): Promise<PluginConfig> {
    const plugin = this.require(id);
    const previous = await this.store.pluginConfigs.get(id);
    const next = plugin.settings.apply(replace ? {} : previous, patch);
    await this.store.pluginConfigs.save(id, next, Date.now());
    const proc = plugin.process;
    if (proc?.running && proc.hooks.has('OnConfigurationChange')) {
      try {
        await proc.call('OnConfigurationChange', plugin.settings.effective(next));
      } catch (err) {
        await this.store.pluginConfigs.save(id, previous ?? {}, Date.now());
        throw badRequest('app.plugin.config.rejected', `The plugin rejected the configuration: ${(err as Error).message}`);
      }
    }
    this.log.info({ plugin_id: id, keys: Object.keys(patch) }, 'plugin configuration changed');
    return plugin.settings.effective(next);
  }

  /** Routes `custom_<pluginid>_*` to its plugin; false when no running plugin owns the action. */
  routeWebSocketRequest(conn: WebConn, req: WebSocketRequest): boolean {
    let owner: InstalledPlugin | undefined;
    for (const p of this.plugins.values()) {
      if (req.action.startsWith(`custom_${p.id}_`) && (!owner || p.id.length > owner.id.length)) owner = p;
    }
    if (!owner?.process) return false;
    const sent = owner.process.notify('WebSocketMessageHasBeenPosted', conn.connectionId, conn.userId, req);
    if (!sent) this.metrics.wsDropped.inc({ queue: 'plugin' });
    return sent;
  }

  /** UserHasLeftChannel for every plugin that implements it. */
  userLeftChannel(c: PluginContext, member: ChannelMembership, actor: PluginUser | null): void {
    for (const p of this.plugins.values()) p.process?.notify('UserHasLeftChannel', c, member, actor);
  }

  private broadcastNotify(hook: 'OnWebSocketConnect' | 'OnWebSocketDisconnect', connId: string, userId: string): void {
    for (const p of this.plugins.values()) p.process?.notify(hook, connId, userId);
  }

  /** The process of a running plugin, or a 503 error naming it. */
  runningProcess(id: string): PluginProcess {
    const plugin = this.require(id);
    const proc = plugin.process;
    if (!proc?.running) {
      throw new AppError(503, 'app.plugin.not_running', `The plugin ${id} is not running right now; try again shortly.`);
    }
    return proc;
  }
}
