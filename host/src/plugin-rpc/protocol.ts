// The RPC contract between the host and a plugin server process, shared by both sides. Messages travel
// over the child's IPC channel with `serialization: 'advanced'`, so Uint8Arrays (KV values, HTTP bodies,
// msgpack-decoded WebSocket payloads such as Calls' compressed SDP) cross intact.
import type { UserProfile } from '@mattermost/types/users';
import type { Channel, ChannelMembership } from '@mattermost/types/channels';
import type { Team } from '@mattermost/types/teams';
import type { Post } from '@mattermost/types/posts';

export const RPC_PROTOCOL_VERSION = 1;

/** A user as the host hands it out: Mattermost's UserProfile without the password field. */
export type PluginUser = Omit<UserProfile, 'password'>;
export type { Channel, ChannelMembership, Team, Post };

/** Request metadata passed to hooks that answer a user request (Mattermost's plugin.Context). */
export interface PluginContext {
  requestId: string;
  sessionId: string;
  ipAddress: string;
  userAgent: string;
  acceptLanguage: string;
}

/** An HTTP request to `/plugins/<id>/...` (or to the metrics listener's `/plugins/<id>/metrics`). */
export interface PluginHttpRequest {
  method: string;
  /** The path below `/plugins/<id>`, starting with `/`. */
  path: string;
  /** The raw query string without `?` ('' when none). */
  query: string;
  /** Lower-case header names. `mattermost-user-id` is set only for a valid session. */
  headers: Record<string, string>;
  body: Uint8Array;
  /** Same as the `Mattermost-User-Id` header: '' when the request carries no valid session. */
  userId: string;
  remoteAddress: string;
}

export interface PluginHttpResponse {
  status: number;
  headers?: Record<string, string | string[]>;
  body?: Uint8Array | string;
}

/** A client WebSocket request, Mattermost's WebSocketRequest. Binary values stay Uint8Arrays. */
export interface WebSocketRequest {
  seq: number;
  action: string;
  data: Record<string, unknown>;
}

/** Who receives a published event (Mattermost's WebsocketBroadcast). Empty: every connected user. */
export interface WebsocketBroadcast {
  userId?: string;
  channelId?: string;
  teamId?: string;
  connectionId?: string;
  omitUsers?: string[];
  omitConnectionId?: string;
  /** Accepted for compatibility; a single host always delivers reliably. */
  reliableClusterSend?: boolean;
}

export interface Command {
  trigger: string;
  display_name?: string;
  description?: string;
  auto_complete?: boolean;
  auto_complete_desc?: string;
  auto_complete_hint?: string;
}

export interface CommandArgs {
  user_id: string;
  channel_id: string;
  team_id: string;
  root_id: string;
  parent_id: string;
  /** The whole command line, e.g. `/call start`. */
  command: string;
  site_url: string;
  session_id: string;
}

export interface CommandResponse {
  /** `ephemeral` (default): only the caller sees `text`. `in_channel`: `text` is posted in the channel. */
  response_type?: 'ephemeral' | 'in_channel';
  text?: string;
  type?: string;
  props?: Record<string, unknown>;
  goto_location?: string;
  skip_slack_parsing?: boolean;
}

export interface KVSetOptions {
  /** Compare-and-set: the write happens only if the key currently holds `oldValue`. */
  atomic?: boolean;
  /** With `atomic`: the expected current value; null (or absent) means "the key must not exist". */
  oldValue?: Uint8Array | string | null;
  /** 0 or absent: no expiry. */
  expireInSeconds?: number;
}

export interface DBSettings {
  driver: 'sqlite' | 'postgres';
  /** SQLite: an absolute file path. Postgres: a connection string. */
  dataSource: string;
}

/** The part of the server configuration plugins read (Mattermost field names). */
export interface ServerConfig {
  ServiceSettings: { SiteURL: string; ListenAddress: string };
  SqlSettings: { DriverName: 'sqlite' | 'postgres' };
  MetricsSettings: { Enable: boolean; ListenAddress: string };
}

/** Plugin settings: the `settings_schema` keys (as written in plugin.json) with defaults applied. */
export type PluginConfig = Record<string, unknown>;

export interface NewPost {
  user_id: string;
  channel_id: string;
  message: string;
  type?: string;
  props?: Record<string, unknown>;
  root_id?: string;
}

export interface PostUpdate {
  id: string;
  message?: string;
  type?: string;
  props?: Record<string, unknown>;
  is_pinned?: boolean;
}

export interface EphemeralPost {
  channel_id: string;
  message: string;
  /** Shown as the author; usually the plugin's bot. */
  user_id?: string;
  props?: Record<string, unknown>;
  root_id?: string;
}

export interface UserQueryOptions {
  page: number;
  perPage: number;
  role?: 'system_admin' | 'system_user';
  inTeam?: string;
  inChannel?: string;
}

export interface BotDefinition {
  username: string;
  display_name: string;
  description: string;
}

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

/** Hooks the host calls (Mattermost names). Each entry: arguments and the value the plugin returns. */
export interface HookMap {
  /** Called with the new settings before OnActivate and after every admin change; rejecting refuses the change. */
  OnConfigurationChange: { args: [config: PluginConfig]; result: void };
  OnActivate: { args: []; result: void };
  OnDeactivate: { args: []; result: void };
  ServeHTTP: { args: [c: PluginContext, req: PluginHttpRequest]; result: PluginHttpResponse };
  ServeMetrics: { args: [c: PluginContext, req: PluginHttpRequest]; result: PluginHttpResponse };
  ExecuteCommand: { args: [c: PluginContext, args: CommandArgs]; result: CommandResponse };
  WebSocketMessageHasBeenPosted: { args: [webConnID: string, userID: string, req: WebSocketRequest]; result: void };
  OnWebSocketConnect: { args: [webConnID: string, userID: string]; result: void };
  OnWebSocketDisconnect: { args: [webConnID: string, userID: string]; result: void };
  UserHasLeftChannel: { args: [c: PluginContext, member: ChannelMembership, actor: PluginUser | null]; result: void };
}
export type HookName = keyof HookMap;

/** Hooks delivered as notifications: in order, without waiting for (or timing out on) an answer. */
export const NOTIFICATION_HOOKS = [
  'WebSocketMessageHasBeenPosted',
  'OnWebSocketConnect',
  'OnWebSocketDisconnect',
  'UserHasLeftChannel',
] as const satisfies readonly HookName[];
export type NotificationHook = (typeof NOTIFICATION_HOOKS)[number];
export type CallHook = Exclude<HookName, NotificationHook>;

/** API methods a plugin calls on the host. Each entry: arguments and the resolved value. */
export interface ApiMap {
  kvGet: { args: [key: string]; result: Uint8Array | null };
  kvSet: { args: [key: string, value: Uint8Array | string]; result: void };
  kvSetWithExpiry: { args: [key: string, value: Uint8Array | string, expireInSeconds: number]; result: void };
  /** Mattermost's KVSetWithOptions: a null value deletes. Resolves false when an atomic compare fails. */
  kvSetWithOptions: { args: [key: string, value: Uint8Array | string | null, options: KVSetOptions]; result: boolean };
  kvDelete: { args: [key: string]; result: void };
  kvDeleteAll: { args: []; result: void };
  kvList: { args: [page: number, perPage: number]; result: string[] };
  /** Sent as `custom_<pluginid>_<event>`. */
  publishWebSocketEvent: { args: [event: string, payload: Record<string, unknown>, broadcast: WebsocketBroadcast]; result: void };
  getUser: { args: [userId: string]; result: PluginUser };
  getUserByUsername: { args: [username: string]; result: PluginUser };
  getUsersByIds: { args: [userIds: string[]]; result: PluginUser[] };
  /** Active users, paged; `role: 'system_admin'` lists the system admins (e.g. to DM them). */
  getUsers: { args: [options: UserQueryOptions]; result: PluginUser[] };
  getChannel: { args: [channelId: string]; result: Channel };
  /** The DM channel between two users, created if needed. */
  getDirectChannel: { args: [userId1: string, userId2: string]; result: Channel };
  getTeam: { args: [teamId: string]; result: Team };
  getChannelMember: { args: [channelId: string, userId: string]; result: ChannelMembership };
  getChannelMembers: { args: [channelId: string, page: number, perPage: number]; result: ChannelMembership[] };
  /** Every channel membership of a user (all teams, DMs and GMs), paged. */
  getChannelMembersForUser: { args: [userId: string, page: number, perPage: number]; result: ChannelMembership[] };
  hasPermissionTo: { args: [userId: string, permission: string]; result: boolean };
  hasPermissionToTeam: { args: [userId: string, teamId: string, permission: string]; result: boolean };
  hasPermissionToChannel: { args: [userId: string, channelId: string, permission: string]; result: boolean };
  createPost: { args: [post: NewPost]; result: Post };
  updatePost: { args: [post: PostUpdate]; result: Post };
  getPost: { args: [postId: string]; result: Post };
  deletePost: { args: [postId: string]; result: void };
  sendEphemeralPost: { args: [userId: string, post: EphemeralPost]; result: Post };
  registerCommand: { args: [command: Command]; result: void };
  unregisterCommand: { args: [trigger: string]; result: void };
  /** Creates the bot user once (owned by this plugin) and returns its user id. */
  ensureBotUser: { args: [bot: BotDefinition]; result: string };
  /** LoadPluginConfiguration: the plugin's settings with defaults applied. */
  getConfig: { args: []; result: PluginConfig };
  getServerConfig: { args: []; result: ServerConfig };
  getDBSettings: { args: []; result: DBSettings };
  log: { args: [level: LogLevel, message: string, fields: Record<string, unknown>]; result: void };
}
export type ApiMethod = keyof ApiMap;

export const API_METHODS = [
  'kvGet', 'kvSet', 'kvSetWithExpiry', 'kvSetWithOptions', 'kvDelete', 'kvDeleteAll', 'kvList',
  'publishWebSocketEvent', 'getUser', 'getUserByUsername', 'getUsersByIds', 'getUsers', 'getChannel',
  'getDirectChannel', 'getTeam', 'getChannelMember', 'getChannelMembers', 'getChannelMembersForUser', 'hasPermissionTo', 'hasPermissionToTeam',
  'hasPermissionToChannel', 'createPost', 'updatePost', 'getPost', 'deletePost', 'sendEphemeralPost',
  'registerCommand', 'unregisterCommand', 'ensureBotUser', 'getConfig', 'getServerConfig', 'getDBSettings', 'log',
] as const satisfies readonly ApiMethod[];

/** An error crossing the channel: the message, and when the host raised it, Mattermost's id and status. */
export interface RpcError {
  message: string;
  id?: string;
  statusCode?: number;
}

export type HostToPlugin =
  | { type: 'hook'; id: number; hook: HookName; args: unknown[] }
  | { type: 'api_result'; id: number; ok: true; result: unknown }
  | { type: 'api_result'; id: number; ok: false; error: RpcError }
  | { type: 'ping'; id: number };

export type PluginToHost =
  | { type: 'ready'; protocol: number; hooks: HookName[] }
  | { type: 'hook_result'; id: number; ok: true; result: unknown }
  | { type: 'hook_result'; id: number; ok: false; error: RpcError }
  | { type: 'api'; id: number; method: ApiMethod; args: unknown[] }
  | { type: 'pong'; id: number };
