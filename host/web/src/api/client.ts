// Thin REST v4 client for the browser. It speaks Mattermost's API (cookie auth, JSON errors
// `{id, message, status_code}`) with plain fetch: Client4 would work too, but its thousands of
// methods add weight and hide the errors we want to show verbatim in forms.
import type { Channel, ChannelMembership } from '@mattermost/types/channels';
import type { ClientConfig } from '@mattermost/types/config';
import type { ClientPluginManifest, PluginsResponse } from '@mattermost/types/plugins';
import type { Post, PostList } from '@mattermost/types/posts';
import type { Team, TeamMembership } from '@mattermost/types/teams';
import type { UserProfile } from '@mattermost/types/users';

export class ApiError extends Error {
  readonly id: string;
  readonly statusCode: number;
  readonly url: string;

  constructor(message: string, id: string, statusCode: number, url: string) {
    super(message);
    this.name = 'ApiError';
    this.id = id;
    this.statusCode = statusCode;
    this.url = url;
  }
}

export type CommandResponse = {
  response_type?: string;
  text?: string;
  goto_location?: string;
  trigger_id?: string;
};

/** Plugin settings as stored by the host: setting key (as in settings_schema) → value. */
export type PluginSettings = Record<string, unknown>;

type Method = 'GET' | 'POST' | 'PUT' | 'DELETE';

// Bodies we send are small; a cap on what we accept keeps a misbehaving server from freezing the tab.
const MAX_RESPONSE_CHARS = 8 * 1024 * 1024;

function readCookie(name: string): string {
  const prefix = `${name}=`;
  for (const part of document.cookie.split(';')) {
    const c = part.trim();
    if (c.startsWith(prefix)) return decodeURIComponent(c.slice(prefix.length));
  }
  return '';
}

export class ApiClient {
  readonly baseUrl: string;
  /** Called when the server says the session is gone, so the shell can return to the login page. */
  onUnauthorized: (() => void) | undefined;

  constructor(baseUrl = '') {
    this.baseUrl = baseUrl.replace(/\/$/, '');
  }

  url(path: string): string {
    return `${this.baseUrl}/api/v4${path}`;
  }

  /** A REST v4 call: `path` is under /api/v4 (e.g. `/users/me`). */
  request<T>(method: Method, path: string, body?: unknown): Promise<T> {
    // A 401 from the API (other than a failed login) means the session is gone.
    return this.send<T>(method, this.url(path), body, !path.startsWith('/users/login'));
  }

  /** A call to a plugin's HTTP routes, `/plugins/<pluginId><path>` (e.g. Calls' `/config`), same auth and errors. */
  pluginRequest<T>(pluginId: string, method: Method, path: string, body?: unknown): Promise<T> {
    // A plugin's 401 is its own business, not a sign that the session ended.
    return this.send<T>(method, `${this.baseUrl}/plugins/${encodeURIComponent(pluginId)}${path}`, body, false);
  }

  private async send<T>(method: Method, url: string, body: unknown, watchSession: boolean): Promise<T> {
    const headers: Record<string, string> = {
      Accept: 'application/json',
      // Mattermost only accepts the session cookie on requests that carry this header (CSRF guard).
      'X-Requested-With': 'XMLHttpRequest',
    };
    if (body !== undefined) headers['Content-Type'] = 'application/json';
    if (method !== 'GET') {
      const csrf = readCookie('MMCSRF');
      if (csrf) headers['X-CSRF-Token'] = csrf;
    }
    let res: Response;
    try {
      res = await fetch(url, {
        method,
        headers,
        credentials: 'same-origin',
        body: body === undefined ? undefined : JSON.stringify(body),
      });
    } catch (err) {
      throw new ApiError(`Cannot reach the server (${(err as Error).message}).`, 'api.network', 0, url);
    }
    const text = await res.text();
    if (text.length > MAX_RESPONSE_CHARS) throw new ApiError('The server answer is too large.', 'api.too_large', res.status, url);
    let data: unknown = undefined;
    if (text) {
      try {
        data = JSON.parse(text);
      } catch {
        if (res.ok) throw new ApiError('The server sent an answer that is not JSON.', 'api.bad_json', res.status, url);
      }
    }
    if (!res.ok) {
      const err = (data ?? {}) as { id?: unknown; message?: unknown };
      const message = typeof err.message === 'string' && err.message ? err.message : `${res.status} ${res.statusText}`;
      const id = typeof err.id === 'string' ? err.id : `http.${res.status}`;
      if (res.status === 401 && watchSession) this.onUnauthorized?.();
      throw new ApiError(message, id, res.status, url);
    }
    return data as T;
  }

  // Users and session
  login(loginId: string, password: string): Promise<UserProfile> {
    return this.request('POST', '/users/login', { login_id: loginId, password });
  }
  logout(): Promise<unknown> {
    return this.request('POST', '/users/logout');
  }
  createUser(user: { email: string; username: string; password: string }): Promise<UserProfile> {
    return this.request('POST', '/users', user);
  }
  getMe(): Promise<UserProfile> {
    return this.request('GET', '/users/me');
  }
  getUsers(page = 0, perPage = 200): Promise<UserProfile[]> {
    return this.request('GET', `/users?page=${page}&per_page=${perPage}`);
  }
  searchUsers(term: string, limit = 50): Promise<UserProfile[]> {
    return this.request('POST', '/users/search', { term, limit });
  }
  getUsersByIds(ids: string[]): Promise<UserProfile[]> {
    return this.request('POST', '/users/ids', ids);
  }
  getUserByUsername(username: string): Promise<UserProfile> {
    return this.request('GET', `/users/username/${encodeURIComponent(username)}`);
  }
  getClientConfig(): Promise<Partial<ClientConfig>> {
    return this.request('GET', '/config/client?format=old');
  }

  // Teams
  getMyTeams(): Promise<Team[]> {
    return this.request('GET', '/users/me/teams');
  }
  getTeams(): Promise<Team[]> {
    return this.request('GET', '/teams?page=0&per_page=200');
  }
  createTeam(team: { name: string; display_name: string; type: 'O' | 'I' }): Promise<Team> {
    return this.request('POST', '/teams', team);
  }
  addToTeam(teamId: string, userId: string): Promise<TeamMembership> {
    return this.request('POST', `/teams/${teamId}/members`, { team_id: teamId, user_id: userId });
  }

  // Channels
  getMyChannels(teamId: string): Promise<Channel[]> {
    return this.request('GET', `/users/me/teams/${teamId}/channels`);
  }
  getMyChannelMembers(teamId: string): Promise<ChannelMembership[]> {
    return this.request('GET', `/users/me/teams/${teamId}/channels/members`);
  }
  getPublicChannels(teamId: string): Promise<Channel[]> {
    return this.request('GET', `/teams/${teamId}/channels?page=0&per_page=200`);
  }
  getChannelByName(teamId: string, name: string): Promise<Channel> {
    return this.request('GET', `/teams/${teamId}/channels/name/${encodeURIComponent(name)}`);
  }
  getChannel(channelId: string): Promise<Channel> {
    return this.request('GET', `/channels/${channelId}`);
  }
  createChannel(channel: { team_id: string; name: string; display_name: string; type: 'O' | 'P'; purpose?: string }): Promise<Channel> {
    return this.request('POST', '/channels', channel);
  }
  createDirectChannel(userIds: [string, string]): Promise<Channel> {
    return this.request('POST', '/channels/direct', userIds);
  }
  createGroupChannel(userIds: string[]): Promise<Channel> {
    return this.request('POST', '/channels/group', userIds);
  }
  addChannelMember(channelId: string, userId: string): Promise<ChannelMembership> {
    return this.request('POST', `/channels/${channelId}/members`, { user_id: userId });
  }
  viewChannel(channelId: string): Promise<unknown> {
    return this.request('POST', '/channels/members/me/view', { channel_id: channelId });
  }

  // Posts and commands
  getPosts(channelId: string, page: number, perPage: number): Promise<PostList> {
    return this.request('GET', `/channels/${channelId}/posts?page=${page}&per_page=${perPage}`);
  }
  createPost(post: { channel_id: string; message: string; root_id?: string; pending_post_id?: string }): Promise<Post> {
    return this.request('POST', '/posts', post);
  }
  executeCommand(command: string, channelId: string, teamId: string, rootId = ''): Promise<CommandResponse> {
    return this.request('POST', '/commands/execute', { command, channel_id: channelId, team_id: teamId, root_id: rootId });
  }

  // Plugins
  getWebappPlugins(): Promise<ClientPluginManifest[]> {
    return this.request('GET', '/plugins/webapp');
  }
  getPlugins(): Promise<PluginsResponse> {
    return this.request('GET', '/plugins');
  }
  /** The plugin's effective settings (schema defaults overlaid with what admins saved). */
  async getPluginSettings(pluginId: string): Promise<PluginSettings> {
    const res = await this.request<{ config?: PluginSettings }>('GET', `/plugins/${encodeURIComponent(pluginId)}/config`);
    return res?.config && typeof res.config === 'object' ? res.config : {};
  }
  /** Saves a patch of settings (schema keys; null resets one to its default); returns the new settings. */
  async savePluginSettings(pluginId: string, patch: PluginSettings): Promise<PluginSettings> {
    const res = await this.request<{ config?: PluginSettings }>('PUT', `/plugins/${encodeURIComponent(pluginId)}/config`, patch);
    return res?.config && typeof res.config === 'object' ? res.config : patch;
  }
}
