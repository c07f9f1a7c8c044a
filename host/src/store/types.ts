// Records as the store returns them: parsed JSON columns, real booleans, snake_case field names that
// match the Mattermost JSON models, so the API layer mostly passes them through (minus secrets).

export interface UserRecord {
  id: string;
  create_at: number;
  update_at: number;
  delete_at: number;
  username: string;
  email: string;
  /** bcrypt hash; never leaves the host. Empty for bots. */
  password: string;
  nickname: string;
  first_name: string;
  last_name: string;
  position: string;
  roles: string;
  locale: string;
  props: Record<string, string>;
  notify_props: Record<string, string>;
  last_password_update: number;
  is_bot: boolean;
  bot_description: string;
  bot_owner_id: string;
}

export interface SessionRecord {
  id: string;
  token: string;
  user_id: string;
  create_at: number;
  expires_at: number;
  last_activity_at: number;
  csrf_token: string;
  is_access_token: boolean;
}

export interface AccessTokenRecord {
  id: string;
  token: string;
  user_id: string;
  description: string;
  is_active: boolean;
  create_at: number;
}

export type TeamType = 'O' | 'I';

export interface TeamRecord {
  id: string;
  create_at: number;
  update_at: number;
  delete_at: number;
  display_name: string;
  name: string;
  description: string;
  email: string;
  type: TeamType;
  allow_open_invite: boolean;
  invite_id: string;
}

export interface TeamMemberRecord {
  team_id: string;
  user_id: string;
  roles: string;
  create_at: number;
  delete_at: number;
}

export type ChannelType = 'O' | 'P' | 'D' | 'G';

export interface ChannelRecord {
  id: string;
  create_at: number;
  update_at: number;
  delete_at: number;
  team_id: string;
  type: ChannelType;
  display_name: string;
  name: string;
  header: string;
  purpose: string;
  last_post_at: number;
  last_root_post_at: number;
  total_msg_count: number;
  creator_id: string;
}

export interface ChannelMemberRecord {
  channel_id: string;
  user_id: string;
  roles: string;
  last_viewed_at: number;
  msg_count: number;
  mention_count: number;
  notify_props: Record<string, string>;
  last_update_at: number;
}

export interface PostRecord {
  id: string;
  create_at: number;
  update_at: number;
  edit_at: number;
  delete_at: number;
  is_pinned: boolean;
  user_id: string;
  channel_id: string;
  root_id: string;
  original_id: string;
  message: string;
  type: string;
  props: Record<string, unknown>;
  hashtags: string;
}

export interface Page {
  page: number;
  perPage: number;
}

export interface UserQuery extends Page {
  inTeam?: string;
  inChannel?: string;
  notInChannel?: string;
}

export interface PostQuery extends Page {
  /** Posts created or changed after this time (ms). */
  since?: number;
  /** Posts created strictly before / after this time, for before= / after= post id paging. */
  beforeCreateAt?: number;
  afterCreateAt?: number;
}

export interface KvSetOptions {
  atomic: boolean;
  /** With `atomic`: the value the key must hold now (null: the key must not exist or be expired). */
  oldValue: Uint8Array | null;
  /** 0 for no expiry. */
  expireInSeconds: number;
}

export interface UserStore {
  create(user: UserRecord): Promise<void>;
  get(id: string): Promise<UserRecord | undefined>;
  getMany(ids: readonly string[]): Promise<UserRecord[]>;
  getByUsername(username: string): Promise<UserRecord | undefined>;
  getByUsernames(usernames: readonly string[]): Promise<UserRecord[]>;
  getByEmail(email: string): Promise<UserRecord | undefined>;
  list(query: UserQuery): Promise<UserRecord[]>;
  search(term: string, limit: number, teamId?: string): Promise<UserRecord[]>;
  update(user: UserRecord): Promise<void>;
  count(): Promise<number>;
  listSystemAdmins(): Promise<UserRecord[]>;
}

export interface SessionStore {
  create(session: SessionRecord): Promise<void>;
  getByToken(token: string): Promise<SessionRecord | undefined>;
  remove(id: string): Promise<void>;
  removeForUser(userId: string): Promise<void>;
  removeExpired(now: number): Promise<number>;
  createAccessToken(token: AccessTokenRecord): Promise<void>;
  getAccessTokenByToken(token: string): Promise<AccessTokenRecord | undefined>;
  getAccessToken(id: string): Promise<AccessTokenRecord | undefined>;
  listAccessTokens(userId: string): Promise<AccessTokenRecord[]>;
  revokeAccessToken(id: string): Promise<void>;
}

export interface TeamStore {
  create(team: TeamRecord): Promise<void>;
  get(id: string): Promise<TeamRecord | undefined>;
  getByName(name: string): Promise<TeamRecord | undefined>;
  list(page: Page, openOnly: boolean): Promise<TeamRecord[]>;
  listForUser(userId: string): Promise<TeamRecord[]>;
  count(): Promise<number>;
  /** Adds or re-activates a membership. */
  saveMember(member: TeamMemberRecord): Promise<void>;
  getMember(teamId: string, userId: string): Promise<TeamMemberRecord | undefined>;
  listMembers(teamId: string, page: Page): Promise<TeamMemberRecord[]>;
  listMembersForUser(userId: string): Promise<TeamMemberRecord[]>;
  removeMember(teamId: string, userId: string, at: number): Promise<void>;
  memberIds(teamId: string): Promise<string[]>;
}

export interface ChannelStore {
  create(channel: ChannelRecord): Promise<void>;
  get(id: string): Promise<ChannelRecord | undefined>;
  getMany(ids: readonly string[]): Promise<ChannelRecord[]>;
  getByName(teamId: string, name: string): Promise<ChannelRecord | undefined>;
  listPublic(teamId: string, page: Page): Promise<ChannelRecord[]>;
  /** The user's channels in a team, including their DMs and GMs (as Mattermost lists them). */
  listForUser(userId: string, teamId?: string): Promise<ChannelRecord[]>;
  update(channel: ChannelRecord): Promise<void>;
  /** Bumps the message count and last-post time when a post is created. */
  recordPost(channelId: string, at: number, isRoot: boolean): Promise<void>;
  saveMember(member: ChannelMemberRecord): Promise<void>;
  getMember(channelId: string, userId: string): Promise<ChannelMemberRecord | undefined>;
  listMembers(channelId: string, page: Page): Promise<ChannelMemberRecord[]>;
  listMembersForUser(userId: string, teamId?: string): Promise<ChannelMemberRecord[]>;
  memberIds(channelId: string): Promise<string[]>;
  removeMember(channelId: string, userId: string): Promise<boolean>;
  /** Marks the channel read for the user; returns the previous last_viewed_at (0 if not a member). */
  markViewed(channelId: string, userId: string, at: number): Promise<number>;
}

export interface PostStore {
  create(post: PostRecord): Promise<void>;
  get(id: string): Promise<PostRecord | undefined>;
  update(post: PostRecord): Promise<void>;
  /** Newest first. Deleted posts are left out. */
  listForChannel(channelId: string, query: PostQuery): Promise<PostRecord[]>;
}

export interface KvStore {
  get(pluginId: string, key: string, now: number): Promise<Uint8Array | null>;
  set(pluginId: string, key: string, value: Uint8Array, expireAt: number): Promise<void>;
  /** Mattermost's KVSetWithOptions: a null value deletes; with `atomic` it is compare-and-set. */
  setWithOptions(pluginId: string, key: string, value: Uint8Array | null, opts: KvSetOptions, now: number): Promise<boolean>;
  delete(pluginId: string, key: string): Promise<void>;
  deleteAll(pluginId: string): Promise<void>;
  list(pluginId: string, page: Page, now: number): Promise<string[]>;
  removeExpired(now: number): Promise<number>;
}

export interface PluginConfigStore {
  get(pluginId: string): Promise<Record<string, unknown> | undefined>;
  save(pluginId: string, config: Record<string, unknown>, at: number): Promise<void>;
}

/** The one async store interface, implemented over SQLite and Postgres with the same SQL. */
export interface Store {
  readonly driverName: 'sqlite' | 'postgres';
  readonly users: UserStore;
  readonly sessions: SessionStore;
  readonly teams: TeamStore;
  readonly channels: ChannelStore;
  readonly posts: PostStore;
  readonly kv: KvStore;
  readonly pluginConfigs: PluginConfigStore;
  /** Runs `fn` with a store whose every call is part of one transaction. */
  transaction<T>(fn: (store: Store) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}
