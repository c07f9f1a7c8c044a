// The plugin side of the RPC: what a plugin server process imports. It answers the host's hooks with the
// handlers the plugin provides and gives it a typed, promise-based PluginAPI.
//
//   import { startPlugin } from '@calls-ts/host/plugin-rpc';
//   startPlugin((api) => ({
//     async onActivate() { await api.registerCommand({ trigger: 'call', auto_complete: true }); },
//     serveHTTP: (c, req) => ({ status: 200, body: 'hello ' + req.userId }),
//   }));
import type {
  ApiMap,
  ApiMethod,
  BotDefinition,
  Command,
  DBSettings,
  EphemeralPost,
  HookMap,
  HookName,
  HostToPlugin,
  KVSetOptions,
  LogLevel,
  NewPost,
  PluginConfig,
  PluginHttpRequest,
  PluginHttpResponse,
  PluginToHost,
  PostUpdate,
  RpcError,
  ServerConfig,
  UserQueryOptions,
  WebsocketBroadcast,
} from './protocol.js';
import { RPC_PROTOCOL_VERSION } from './protocol.js';

/** Hook handlers, named after Mattermost's hooks in camelCase. Each may return a value or a promise. */
export type PluginHooks = {
  [K in HookName as Uncapitalize<K>]?: (...args: HookMap[K]['args']) => HookMap[K]['result'] | Promise<HookMap[K]['result']>;
};

/** A failed API call: the host's message, and Mattermost's error id and HTTP-like status when it has them. */
export class PluginApiError extends Error {
  readonly id: string | undefined;
  readonly statusCode: number | undefined;
  constructor(err: RpcError, method: string) {
    super(`${method}: ${err.message}`);
    this.name = 'PluginApiError';
    this.id = err.id;
    this.statusCode = err.statusCode;
  }
}

const encoder = new TextEncoder();
const decoder = new TextDecoder();
const bytes = (v: Uint8Array | string): Uint8Array => (typeof v === 'string' ? encoder.encode(v) : v);

type Send = (msg: PluginToHost) => void;

/** Everything a plugin may ask of the host. Every method returns a promise; failures reject with PluginApiError. */
export class PluginAPI {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (v: unknown) => void; reject: (e: Error) => void; method: string }>();

  constructor(
    readonly pluginId: string,
    private readonly send: Send,
  ) {}

  private call<K extends ApiMethod>(method: K, ...args: ApiMap[K]['args']): Promise<ApiMap[K]['result']> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve: resolve as (v: unknown) => void, reject, method });
      try {
        this.send({ type: 'api', id, method, args });
      } catch (err) {
        this.pending.delete(id);
        reject(new PluginApiError({ message: `host unreachable (${(err as Error).message})` }, method));
      }
    });
  }

  /** @internal the runtime routes api_result messages here. */
  settle(msg: Extract<HostToPlugin, { type: 'api_result' }>): void {
    const p = this.pending.get(msg.id);
    if (!p) return;
    this.pending.delete(msg.id);
    if (msg.ok) p.resolve(msg.result);
    else p.reject(new PluginApiError(msg.error, p.method));
  }

  /** @internal the host went away: fail everything still waiting. */
  failAll(reason: string): void {
    for (const [id, p] of this.pending) {
      this.pending.delete(id);
      p.reject(new PluginApiError({ message: reason }, p.method));
    }
  }

  // --- key-value store (per plugin; expired keys read as absent) ---
  kvGet(key: string): Promise<Uint8Array | null> {
    return this.call('kvGet', key);
  }
  async kvGetJSON<T>(key: string): Promise<T | null> {
    const v = await this.kvGet(key);
    return v === null ? null : (JSON.parse(decoder.decode(v)) as T);
  }
  kvSet(key: string, value: Uint8Array | string): Promise<void> {
    return this.call('kvSet', key, bytes(value));
  }
  kvSetJSON(key: string, value: unknown): Promise<void> {
    return this.kvSet(key, JSON.stringify(value));
  }
  kvSetWithExpiry(key: string, value: Uint8Array | string, expireInSeconds: number): Promise<void> {
    return this.call('kvSetWithExpiry', key, bytes(value), expireInSeconds);
  }
  /** Compare-and-set and friends; resolves false when an atomic comparison fails. */
  kvSetWithOptions(key: string, value: Uint8Array | string | null, options: KVSetOptions): Promise<boolean> {
    const old = options.oldValue;
    return this.call('kvSetWithOptions', key, value === null ? null : bytes(value), {
      ...options,
      oldValue: old === undefined || old === null ? null : bytes(old),
    });
  }
  /** Sets only if the key holds `oldValue` (null: only if absent). */
  kvCompareAndSet(key: string, oldValue: Uint8Array | string | null, newValue: Uint8Array | string): Promise<boolean> {
    return this.kvSetWithOptions(key, newValue, { atomic: true, oldValue });
  }
  /** Deletes only if the key holds `oldValue`. */
  kvCompareAndDelete(key: string, oldValue: Uint8Array | string): Promise<boolean> {
    return this.kvSetWithOptions(key, null, { atomic: true, oldValue });
  }
  kvDelete(key: string): Promise<void> {
    return this.call('kvDelete', key);
  }
  kvDeleteAll(): Promise<void> {
    return this.call('kvDeleteAll');
  }
  kvList(page: number, perPage: number): Promise<string[]> {
    return this.call('kvList', page, perPage);
  }

  // --- WebSocket ---
  /** Publishes `custom_<pluginid>_<event>` to the broadcast's targets. */
  publishWebSocketEvent(event: string, payload: Record<string, unknown>, broadcast: WebsocketBroadcast): Promise<void> {
    return this.call('publishWebSocketEvent', event, payload, broadcast);
  }

  // --- users, channels, teams ---
  getUser(userId: string) {
    return this.call('getUser', userId);
  }
  getUserByUsername(username: string) {
    return this.call('getUserByUsername', username);
  }
  getUsersByIds(userIds: string[]) {
    return this.call('getUsersByIds', userIds);
  }
  getUsers(options: UserQueryOptions) {
    return this.call('getUsers', options);
  }
  getChannel(channelId: string) {
    return this.call('getChannel', channelId);
  }
  getDirectChannel(userId1: string, userId2: string) {
    return this.call('getDirectChannel', userId1, userId2);
  }
  getTeam(teamId: string) {
    return this.call('getTeam', teamId);
  }
  getChannelMember(channelId: string, userId: string) {
    return this.call('getChannelMember', channelId, userId);
  }
  getChannelMembers(channelId: string, page: number, perPage: number) {
    return this.call('getChannelMembers', channelId, page, perPage);
  }
  getChannelMembersForUser(userId: string, page: number, perPage: number) {
    return this.call('getChannelMembersForUser', userId, page, perPage);
  }
  hasPermissionTo(userId: string, permission: string) {
    return this.call('hasPermissionTo', userId, permission);
  }
  hasPermissionToTeam(userId: string, teamId: string, permission: string) {
    return this.call('hasPermissionToTeam', userId, teamId, permission);
  }
  hasPermissionToChannel(userId: string, channelId: string, permission: string) {
    return this.call('hasPermissionToChannel', userId, channelId, permission);
  }
  ensureBotUser(bot: BotDefinition): Promise<string> {
    return this.call('ensureBotUser', bot);
  }

  // --- posts ---
  createPost(post: NewPost) {
    return this.call('createPost', post);
  }
  updatePost(post: PostUpdate) {
    return this.call('updatePost', post);
  }
  getPost(postId: string) {
    return this.call('getPost', postId);
  }
  deletePost(postId: string): Promise<void> {
    return this.call('deletePost', postId);
  }
  sendEphemeralPost(userId: string, post: EphemeralPost) {
    return this.call('sendEphemeralPost', userId, post);
  }

  // --- slash commands ---
  registerCommand(command: Command): Promise<void> {
    return this.call('registerCommand', command);
  }
  unregisterCommand(trigger: string): Promise<void> {
    return this.call('unregisterCommand', trigger);
  }

  // --- configuration ---
  /** LoadPluginConfiguration: the plugin's settings (settings_schema keys) with defaults applied. */
  getConfig(): Promise<PluginConfig> {
    return this.call('getConfig');
  }
  getServerConfig(): Promise<ServerConfig> {
    return this.call('getServerConfig');
  }
  /** Where the host's database is, for the plugin's own connection and tables. */
  getDBSettings(): Promise<DBSettings> {
    return this.call('getDBSettings');
  }

  /** Logs through the host's logger, tagged with the plugin id. Never throws. */
  readonly log = {
    debug: (message: string, fields: Record<string, unknown> = {}) => this.logAt('debug', message, fields),
    info: (message: string, fields: Record<string, unknown> = {}) => this.logAt('info', message, fields),
    warn: (message: string, fields: Record<string, unknown> = {}) => this.logAt('warn', message, fields),
    error: (message: string, fields: Record<string, unknown> = {}) => this.logAt('error', message, fields),
  };

  private logAt(level: LogLevel, message: string, fields: Record<string, unknown>): void {
    this.call('log', level, message, fields).catch(() => undefined);
  }
}

/** A JSON HTTP response for serveHTTP handlers. */
export function jsonResponse(status: number, value: unknown, headers: Record<string, string> = {}): PluginHttpResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(value) };
}

/** Parses a request's JSON body; throws a SyntaxError on malformed input. */
export function readJson<T = unknown>(req: PluginHttpRequest): T {
  return JSON.parse(decoder.decode(req.body)) as T;
}

export interface PluginRuntime {
  readonly api: PluginAPI;
  readonly pluginId: string;
}

const NOT_FOUND: PluginHttpResponse = { status: 404, headers: { 'content-type': 'application/json' }, body: '{"error":"not found"}' };

function toRpcError(err: unknown): RpcError {
  if (err instanceof Error) return { message: err.message };
  return { message: String(err) };
}

/**
 * Starts the plugin side of the RPC. `factory` gets the API and returns the hook handlers; the host is
 * told which hooks exist once it resolves. Must run in a process the host forked (it needs the IPC channel).
 */
export function startPlugin(factory: (api: PluginAPI) => PluginHooks | Promise<PluginHooks>): PluginRuntime {
  const send = process.send?.bind(process);
  if (!send) {
    throw new Error('startPlugin: no IPC channel. This program is a plugin server; the host starts it (see plugin.json).');
  }
  const pluginId = process.env.MM_PLUGIN_ID ?? '';
  const post: Send = (msg) => {
    if (process.connected) send(msg);
    else throw new Error('IPC channel closed');
  };
  const api = new PluginAPI(pluginId, post);
  let hooks: PluginHooks = {};

  const run = async (hook: HookName, args: unknown[]): Promise<unknown> => {
    const name = (hook.charAt(0).toLowerCase() + hook.slice(1)) as keyof PluginHooks;
    const fn = hooks[name] as ((...a: unknown[]) => unknown) | undefined;
    if (!fn) {
      if (hook === 'ServeHTTP' || hook === 'ServeMetrics') return NOT_FOUND;
      if (hook === 'ExecuteCommand') throw new Error('this plugin does not handle slash commands');
      return undefined;
    }
    return fn.apply(hooks, args);
  };

  process.on('message', (raw: unknown) => {
    const msg = raw as HostToPlugin;
    switch (msg?.type) {
      case 'api_result':
        api.settle(msg);
        return;
      case 'ping':
        post({ type: 'pong', id: msg.id });
        return;
      case 'hook': {
        const result = run(msg.hook, msg.args);
        if (msg.id === 0) {
          // A notification: nobody waits for it, so failures are only logged.
          result.catch((err: unknown) => api.log.error(`hook ${msg.hook} failed`, { error: toRpcError(err).message }));
          return;
        }
        result.then(
          (value) => post({ type: 'hook_result', id: msg.id, ok: true, result: value }),
          (err: unknown) => post({ type: 'hook_result', id: msg.id, ok: false, error: toRpcError(err) }),
        ).catch(() => undefined);
        return;
      }
    }
  });

  // The host is gone: a plugin never outlives it.
  process.on('disconnect', () => {
    api.failAll('host disconnected');
    const stop = hooks.onDeactivate ? Promise.resolve(hooks.onDeactivate()).catch(() => undefined) : Promise.resolve();
    const timer = setTimeout(() => process.exit(0), 5000);
    timer.unref();
    void stop.finally(() => process.exit(0));
  });

  void Promise.resolve()
    .then(() => factory(api))
    .then((h) => {
      hooks = h;
      const names = (Object.keys(h) as (keyof PluginHooks)[])
        .filter((k) => typeof h[k] === 'function')
        .map((k) => (k.charAt(0).toUpperCase() + k.slice(1)) as HookName);
      post({ type: 'ready', protocol: RPC_PROTOCOL_VERSION, hooks: names });
    })
    .catch((err: unknown) => {
      process.stderr.write(`plugin ${pluginId}: failed to start: ${(err as Error)?.stack ?? String(err)}\n`);
      process.exit(1);
    });

  return { api, pluginId };
}
