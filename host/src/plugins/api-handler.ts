import { z } from 'zod';
import type { App } from '../app/app.js';
import type { Logger } from '../log.js';
import type { HostMetrics } from '../metrics/host-metrics.js';
import type { Hub } from '../websocket/hub.js';
import { AppError, notFound } from '../errors.js';
import { toChannelJson, toChannelMemberJson, toPostJson, toTeamJson, toUserJson } from '../app/models.js';
import type { ApiMap, ApiMethod, DBSettings, PluginConfig, ServerConfig } from '../plugin-rpc/protocol.js';
import type { CommandRegistry } from './commands.js';
import type { ApiDispatch } from './plugin-process.js';

export interface ApiDeps {
  app: App;
  hub: Hub;
  log: Logger;
  metrics: HostMetrics;
  commands: CommandRegistry;
  pluginConfig: (pluginId: string) => Promise<PluginConfig>;
  serverConfig: () => ServerConfig;
  dbSettings: DBSettings;
}

const MAX_VALUE_BYTES = 4 * 1024 * 1024;
const id = z.string().regex(/^[a-z0-9]{26}$/, 'must be a 26-character id');
const key = z.string().min(1).max(150);
const bytes = z.instanceof(Uint8Array).refine((b) => b.byteLength <= MAX_VALUE_BYTES, 'value too large (4 MB max)');
const page = z.number().int().min(0).max(100_000);
const perPage = z.number().int().min(1).max(1000);
const props = z.record(z.string(), z.unknown());
const permission = z.string().min(1).max(64);

// One schema per method: the arguments as the plugin sends them.
const schemas = {
  kvGet: z.tuple([key]),
  kvSet: z.tuple([key, bytes]),
  kvSetWithExpiry: z.tuple([key, bytes, z.number().int().min(0)]),
  kvSetWithOptions: z.tuple([
    key,
    bytes.nullable(),
    z.object({ atomic: z.boolean().optional(), oldValue: bytes.nullable().optional(), expireInSeconds: z.number().int().min(0).optional() }),
  ]),
  kvDelete: z.tuple([key]),
  kvDeleteAll: z.tuple([]),
  kvList: z.tuple([page, perPage]),
  publishWebSocketEvent: z.tuple([
    z.string().regex(/^[a-zA-Z0-9_.-]{1,64}$/, 'event names use letters, digits, "_", "." and "-"'),
    props,
    z.object({
      userId: id.or(z.literal('')).optional(),
      channelId: id.or(z.literal('')).optional(),
      teamId: id.or(z.literal('')).optional(),
      connectionId: id.or(z.literal('')).optional(),
      omitUsers: z.array(id).max(10_000).optional(),
      omitConnectionId: id.or(z.literal('')).optional(),
      reliableClusterSend: z.boolean().optional(),
    }),
  ]),
  getUser: z.tuple([id]),
  getUserByUsername: z.tuple([z.string().min(1).max(64)]),
  getUsersByIds: z.tuple([z.array(id).max(1000)]),
  getUsers: z.tuple([
    z.object({ page, perPage, role: z.enum(['system_admin', 'system_user']).optional(), inTeam: id.optional(), inChannel: id.optional() }),
  ]),
  getChannel: z.tuple([id]),
  getDirectChannel: z.tuple([id, id]),
  getTeam: z.tuple([id]),
  getChannelMember: z.tuple([id, id]),
  getChannelMembers: z.tuple([id, page, perPage]),
  getChannelMembersForUser: z.tuple([id, page, perPage]),
  hasPermissionTo: z.tuple([id, permission]),
  hasPermissionToTeam: z.tuple([id, id, permission]),
  hasPermissionToChannel: z.tuple([id, id, permission]),
  createPost: z.tuple([
    z.object({ user_id: id, channel_id: id, message: z.string(), type: z.string().max(64).optional(), props: props.optional(), root_id: id.or(z.literal('')).optional() }),
  ]),
  updatePost: z.tuple([
    z.object({ id, message: z.string().optional(), type: z.string().max(64).optional(), props: props.optional(), is_pinned: z.boolean().optional() }),
  ]),
  getPost: z.tuple([id]),
  deletePost: z.tuple([id]),
  sendEphemeralPost: z.tuple([
    id,
    z.object({ channel_id: id, message: z.string(), user_id: id.or(z.literal('')).optional(), props: props.optional(), root_id: id.or(z.literal('')).optional() }),
  ]),
  registerCommand: z.tuple([
    z.object({
      trigger: z.string().min(1).max(128), display_name: z.string().max(64).optional(), description: z.string().max(512).optional(),
      auto_complete: z.boolean().optional(), auto_complete_desc: z.string().max(512).optional(), auto_complete_hint: z.string().max(512).optional(),
    }),
  ]),
  unregisterCommand: z.tuple([z.string().min(1).max(128)]),
  ensureBotUser: z.tuple([z.object({ username: z.string().min(1).max(64), display_name: z.string().max(64), description: z.string().max(512) })]),
  getConfig: z.tuple([]),
  getServerConfig: z.tuple([]),
  getDBSettings: z.tuple([]),
  log: z.tuple([z.enum(['debug', 'info', 'warn', 'error']), z.string().max(10_000), props]),
} satisfies { [K in ApiMethod]: z.ZodType };

type Impl = { [K in ApiMethod]: (...args: z.infer<(typeof schemas)[K]>) => Promise<ApiMap[K]['result']> };

const PLUGIN_ACTOR = { userId: '', roles: 'system_admin system_user' };

/** The host side of the plugin API for one plugin: validates every call's arguments, then serves it. */
export function createApiDispatch(pluginId: string, deps: ApiDeps): ApiDispatch {
  const { app, hub, log, commands } = deps;
  const store = app.store;
  const now = () => Date.now();
  const plog = log.child({ plugin_id: pluginId });

  const impl: Impl = {
    kvGet: (k) => store.kv.get(pluginId, k, now()),
    kvSet: (k, v) => store.kv.set(pluginId, k, v, 0),
    kvSetWithExpiry: (k, v, s) => store.kv.set(pluginId, k, v, s > 0 ? now() + s * 1000 : 0),
    kvSetWithOptions: async (k, v, o) => {
      if (!o.atomic && o.oldValue) throw new AppError(400, 'app.plugin.kv.set_options.invalid', 'oldValue needs atomic: true');
      return store.kv.setWithOptions(pluginId, k, v, { atomic: !!o.atomic, oldValue: o.oldValue ?? null, expireInSeconds: o.expireInSeconds ?? 0 }, now());
    },
    kvDelete: (k) => store.kv.delete(pluginId, k),
    kvDeleteAll: () => store.kv.deleteAll(pluginId),
    kvList: (p, pp) => store.kv.list(pluginId, { page: p, perPage: pp }, now()),
    publishWebSocketEvent: (event, payload, b) =>
      hub.publish(`custom_${pluginId}_${event}`, payload, {
        userId: b.userId || undefined, channelId: b.channelId || undefined, teamId: b.teamId || undefined,
        connectionId: b.connectionId || undefined, omitUsers: b.omitUsers, omitConnectionId: b.omitConnectionId || undefined,
      }),
    getUser: async (u) => toUserJson(await app.users.get(u)),
    getUserByUsername: async (name) => {
      const u = await store.users.getByUsername(name);
      if (!u) throw notFound('User', 'app.user.get_by_username.app_error');
      return toUserJson(u);
    },
    getUsersByIds: async (ids) => (await store.users.getMany(ids)).map((u) => toUserJson(u)),
    getUsers: async (o) => {
      if (o.role === 'system_admin') {
        const admins = await store.users.listSystemAdmins();
        return admins.slice(o.page * o.perPage, (o.page + 1) * o.perPage).map((u) => toUserJson(u));
      }
      const users = await store.users.list({ page: o.page, perPage: o.perPage, inTeam: o.inTeam, inChannel: o.inChannel });
      return users.map((u) => toUserJson(u));
    },
    getChannel: async (c) => {
      const ch = await store.channels.get(c);
      if (!ch) throw notFound('Channel', 'app.channel.get.existing.app_error');
      return toChannelJson(ch);
    },
    getDirectChannel: async (a, b) =>
      toChannelJson((await app.channels.getOrCreateDirect({ userId: a, roles: 'system_user' }, [a, b])).channel),
    getTeam: async (t) => {
      const team = await store.teams.get(t);
      if (!team) throw notFound('Team', 'app.team.get.find.app_error');
      return toTeamJson(team);
    },
    getChannelMember: async (c, u) => {
      const m = await store.channels.getMember(c, u);
      if (!m) throw notFound('Channel member', 'app.channel.get_member.missing.app_error');
      return toChannelMemberJson(m);
    },
    getChannelMembers: async (c, p, pp) => (await store.channels.listMembers(c, { page: p, perPage: pp })).map(toChannelMemberJson),
    getChannelMembersForUser: async (u, p, pp) =>
      (await store.channels.listMembersForUser(u)).slice(p * pp, (p + 1) * pp).map(toChannelMemberJson),
    hasPermissionTo: (u, p) => app.perms.hasPermissionTo(u, p),
    hasPermissionToTeam: (u, t, p) => app.perms.hasPermissionToTeam(u, t, p),
    hasPermissionToChannel: (u, c, p) => app.perms.hasPermissionToChannel(u, c, p),
    createPost: async (p) => toPostJson(await app.posts.createByPlugin(p)),
    updatePost: async (p) => toPostJson(await app.posts.updateByPlugin(p)),
    getPost: async (pid) => {
      const p = await store.posts.get(pid);
      if (!p) throw notFound('Post', 'app.post.get.app_error');
      return toPostJson(p);
    },
    deletePost: async (pid) => {
      await app.posts.delete(PLUGIN_ACTOR, pid);
    },
    sendEphemeralPost: async (u, p) => toPostJson(await app.posts.sendEphemeral(u, p)),
    registerCommand: async (c) => commands.register(pluginId, c),
    unregisterCommand: async (t) => commands.unregister(pluginId, t),
    ensureBotUser: async (b) => (await app.users.ensureBot(pluginId, b.username, b.display_name, b.description)).id,
    getConfig: () => deps.pluginConfig(pluginId),
    getServerConfig: async () => deps.serverConfig(),
    getDBSettings: async () => deps.dbSettings,
    log: async (level, message, fields) => {
      plog[level]({ ...fields, plugin_id: pluginId }, message);
    },
  };

  return async (method, args) => {
    const m = method as ApiMethod;
    const parsed = schemas[m].safeParse(args);
    if (!parsed.success) {
      deps.metrics.pluginApiCalls.inc({ plugin_id: pluginId, method: m, result: 'invalid' });
      const issue = parsed.error.issues[0];
      throw new AppError(400, 'app.plugin.api.invalid_arguments', `${m}: invalid arguments${issue ? ` (${issue.path.join('.')}: ${issue.message})` : ''}`);
    }
    try {
      const result = await (impl[m] as (...a: unknown[]) => Promise<unknown>)(...(parsed.data as unknown[]));
      if (m !== 'log') deps.metrics.pluginApiCalls.inc({ plugin_id: pluginId, method: m, result: 'ok' });
      return result;
    } catch (err) {
      deps.metrics.pluginApiCalls.inc({ plugin_id: pluginId, method: m, result: 'error' });
      if (!(err instanceof AppError)) plog.error({ err, method: m }, 'plugin API call failed');
      throw err;
    }
  };
}
