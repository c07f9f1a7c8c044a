// Loads plugin webapp bundles and runs them: fetches the manifests (`GET /api/v4/plugins/webapp`), adds
// each bundle as a <script>, receives `window.registerPlugin(id, plugin)`, calls
// `plugin.initialize(registry, store)`, routes WebSocket events and reconnects to the handlers plugins
// registered, and unloads a plugin (its components, handlers and reducer) when the server disables it.
import type { ClientPluginManifest } from '@mattermost/types/plugins';
import type { ApiClient } from '../api/client.js';
import type { WebSocketMessage } from '../api/socket.js';
import type { Store } from '../store/store.js';
import { PluginRegistry, type RegistryBackend } from './registry.js';
import type { PluginInstance, SlashCommandArgs, SlashCommandHookResult } from './types.js';

// A bundle that loads but never calls registerPlugin is reported after this long.
const REGISTER_TIMEOUT_MS = 15_000;

type Loaded = { instance: PluginInstance; registry: PluginRegistry };

export type SlashOutcome = { kind: 'send'; message: string; args: SlashCommandArgs } | { kind: 'error'; message: string } | { kind: 'handled' };

export class PluginHost implements RegistryBackend {
  private readonly store: Store;
  private readonly client: ApiClient;
  private readonly loaded = new Map<string, Loaded>();
  private readonly scripts = new Map<string, HTMLScriptElement>();
  private readonly waiting = new Map<string, (ok: boolean) => void>();
  private readonly wsHandlers = new Map<string, Map<string, (msg: WebSocketMessage) => void>>();
  private readonly reconnectHandlers = new Map<string, () => void>();
  /** Plugin handlers that threw; the event still reached the other plugins. */
  handlerErrors = 0;

  constructor(store: Store, client: ApiClient) {
    this.store = store;
    this.client = client;
  }

  /** Installs `window.registerPlugin`; bundles may call it for ids the manifests did not announce too. */
  install(): void {
    window.registerPlugin = (id: string, plugin: unknown) => {
      void this.registerPlugin(id, plugin as PluginInstance);
    };
  }

  async loadAll(): Promise<void> {
    let manifests: ClientPluginManifest[];
    try {
      manifests = await this.client.getWebappPlugins();
    } catch (err) {
      console.error('plugins: cannot list webapp plugins', err);
      return;
    }
    if (!Array.isArray(manifests)) manifests = [];
    this.store.dispatch({ type: 'RECEIVED_PLUGIN_MANIFESTS', manifests });
    await Promise.all(manifests.map((m) => this.load(m)));
  }

  async load(manifest: ClientPluginManifest): Promise<void> {
    const id = manifest.id;
    if (!id || !manifest.webapp?.bundle_path) return;
    this.unload(id);
    this.setStatus(id, 'loading');
    const ok = await new Promise<boolean>((resolve) => {
      const timer = setTimeout(() => this.settleWaiting(id, false), REGISTER_TIMEOUT_MS);
      this.waiting.set(id, (result) => {
        clearTimeout(timer);
        resolve(result);
      });
      const script = document.createElement('script');
      script.src = bundleUrl(manifest);
      script.defer = true;
      script.dataset.pluginId = id;
      script.onerror = () => {
        this.setStatus(id, 'failed', `could not load ${script.src}`);
        this.settleWaiting(id, false);
      };
      script.onload = () => {
        // registerPlugin runs while the script executes, i.e. before onload: if nothing registered, say so.
        if (this.waiting.has(id)) {
          this.setStatus(id, 'failed', 'the bundle did not call window.registerPlugin');
          this.settleWaiting(id, false);
        }
      };
      this.scripts.set(id, script);
      document.head.appendChild(script);
    });
    if (!ok && this.store.getState().plugins.status[id]?.state === 'loading') {
      this.setStatus(id, 'failed', 'the bundle did not call window.registerPlugin in time');
    }
  }

  private settleWaiting(id: string, ok: boolean): void {
    const done = this.waiting.get(id);
    this.waiting.delete(id);
    done?.(ok);
  }

  async registerPlugin(id: string, plugin: PluginInstance): Promise<void> {
    if (typeof id !== 'string' || !id || !plugin || typeof plugin !== 'object') {
      console.error('registerPlugin: expected (id: string, plugin: object)');
      return;
    }
    if (this.loaded.has(id)) this.deinitialize(id);
    const registry = new PluginRegistry(id, this.store, this);
    this.loaded.set(id, { instance: plugin, registry });
    this.settleWaiting(id, true);
    try {
      await plugin.initialize?.(registry, this.store);
      this.setStatus(id, 'active');
    } catch (err) {
      console.error(`plugin ${id}: initialize failed`, err);
      this.setStatus(id, 'failed', `initialize failed: ${(err as Error)?.message ?? String(err)}`);
    }
  }

  /** Calls the plugin's uninitialize and removes everything it registered. */
  unload(id: string): void {
    this.deinitialize(id);
    this.scripts.get(id)?.remove();
    this.scripts.delete(id);
    this.store.dispatch({ type: 'REMOVED_PLUGIN', pluginId: id });
  }

  private deinitialize(id: string): void {
    const loaded = this.loaded.get(id);
    if (!loaded) return;
    this.loaded.delete(id);
    try {
      (loaded.instance.uninitialize ?? loaded.instance.deinitialize)?.call(loaded.instance);
    } catch (err) {
      console.error(`plugin ${id}: uninitialize failed`, err);
    }
    this.wsHandlers.delete(id);
    this.reconnectHandlers.delete(id);
    this.store.unregisterReducer(id);
    this.store.dispatch({ type: 'REMOVED_PLUGIN', pluginId: id });
  }

  close(): void {
    for (const id of [...this.loaded.keys()]) this.unload(id);
  }

  setWebSocketHandler(pluginId: string, event: string, handler: ((msg: WebSocketMessage) => void) | null): void {
    let map = this.wsHandlers.get(pluginId);
    if (!map) {
      map = new Map();
      this.wsHandlers.set(pluginId, map);
    }
    if (handler) map.set(event, handler);
    else map.delete(event);
  }

  setReconnectHandler(pluginId: string, handler: (() => void) | null): void {
    if (handler) this.reconnectHandlers.set(pluginId, handler);
    else this.reconnectHandlers.delete(pluginId);
  }

  dispatchWebSocketEvent(msg: WebSocketMessage): void {
    if (msg.event === 'plugin_enabled' || msg.event === 'plugin_disabled') this.onPluginToggled(msg);
    for (const [pluginId, handlers] of this.wsHandlers) {
      const handler = handlers.get(msg.event);
      if (!handler) continue;
      try {
        const result = handler(msg) as unknown;
        if (result instanceof Promise) result.catch((err) => this.reportHandlerError(pluginId, msg.event, err));
      } catch (err) {
        this.reportHandlerError(pluginId, msg.event, err);
      }
    }
  }

  runReconnectHandlers(): void {
    for (const [pluginId, handler] of this.reconnectHandlers) {
      try {
        handler();
      } catch (err) {
        this.reportHandlerError(pluginId, 'reconnect', err);
      }
    }
  }

  /** Runs every plugin's slash-command hook in registration order, as Mattermost does. */
  async runSlashCommandHooks(message: string, args: SlashCommandArgs): Promise<SlashOutcome> {
    let current = { message, args };
    for (const entry of this.store.getState().plugins.slashCommandHooks) {
      let result: SlashCommandHookResult;
      try {
        result = await entry.hook(current.message, current.args);
      } catch (err) {
        console.error(`plugin ${entry.pluginId}: slash command hook failed`, err);
        return { kind: 'error', message: `The ${entry.pluginId} plugin failed to handle this command.` };
      }
      if (!result || typeof result !== 'object') return { kind: 'handled' };
      if ('error' in result && result.error) {
        const m = (result.error as { message?: unknown }).message;
        return { kind: 'error', message: typeof m === 'string' ? m : String(m) };
      }
      if (!('message' in result) || typeof result.message !== 'string') return { kind: 'handled' };
      current = { message: result.message, args: result.args ?? current.args };
    }
    return { kind: 'send', ...current };
  }

  private onPluginToggled(msg: WebSocketMessage): void {
    const manifest = (msg.data as { manifest?: ClientPluginManifest }).manifest;
    if (!manifest?.id) return;
    if (msg.event === 'plugin_disabled') {
      this.unload(manifest.id);
      const manifests = this.store.getState().plugins.manifests.filter((m) => m.id !== manifest.id);
      this.store.dispatch({ type: 'RECEIVED_PLUGIN_MANIFESTS', manifests });
    } else if (manifest.webapp?.bundle_path) {
      const manifests = [...this.store.getState().plugins.manifests.filter((m) => m.id !== manifest.id), manifest];
      this.store.dispatch({ type: 'RECEIVED_PLUGIN_MANIFESTS', manifests });
      void this.load(manifest);
    }
  }

  private reportHandlerError(pluginId: string, event: string, err: unknown): void {
    this.handlerErrors++;
    console.error(`plugin ${pluginId}: handler for ${event} failed`, err);
  }

  private setStatus(pluginId: string, state: 'loading' | 'active' | 'failed', error?: string): void {
    this.store.dispatch({ type: 'PLUGIN_STATUS', pluginId, status: error ? { state, error } : { state } });
  }
}

/** Mattermost gives the full path under /static/plugins; a bare file name is taken as relative to it. */
export function bundleUrl(manifest: ClientPluginManifest): string {
  const path = manifest.webapp.bundle_path;
  const base = /^(https?:)?\//.test(path)
    ? path
    : `/static/plugins/${encodeURIComponent(manifest.id)}/${path.split('/').pop() ?? path}`;
  return `${base}${base.includes('?') ? '&' : '?'}v=${encodeURIComponent(manifest.version ?? '')}`;
}
