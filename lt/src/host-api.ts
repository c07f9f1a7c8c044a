// The few host REST calls lt needs (Mattermost API v4 shapes): log in, and as an admin find or create the
// team, the channels and the users, and their memberships. Errors carry the route and the server's message.
export class HostApiError extends Error {
  constructor(
    readonly status: number,
    readonly route: string,
    message: string,
  ) {
    super(`${route}: HTTP ${status}: ${message}`);
    this.name = 'HostApiError';
  }
}

export interface Named {
  id: string;
  name?: string;
  username?: string;
}

const TIMEOUT_MS = 30_000;

/** Why a fetch failed: its own message is only "fetch failed", the reason (ECONNREFUSED, DNS) is its cause. */
export function fetchFailureReason(err: unknown): string {
  return (err as { cause?: { message?: string } }).cause?.message ?? (err as Error).message;
}

/** fetch, with an error that names the site and the reason. */
async function request(url: string, init: RequestInit): Promise<Response> {
  try {
    return await fetch(url, { ...init, signal: AbortSignal.timeout(TIMEOUT_MS) });
  } catch (err) {
    throw new Error(`cannot reach ${new URL(url).origin} (${fetchFailureReason(err)})`);
  }
}

export class HostApi {
  constructor(
    readonly url: string,
    readonly token = '',
  ) {}

  private async call<T>(method: string, path: string, body?: unknown, okMissing = false): Promise<T | undefined> {
    const res = await request(`${this.url}${path}`, {
      method,
      headers: {
        ...(this.token ? { Authorization: `Bearer ${this.token}` } : {}),
        ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}),
        'X-Requested-With': 'XMLHttpRequest',
      },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (okMissing && res.status === 404) return undefined;
    if (!res.ok) {
      let message = text.slice(0, 300);
      try {
        message = (JSON.parse(text) as { message?: string }).message ?? message;
      } catch {
        // not JSON: keep the text
      }
      throw new HostApiError(res.status, `${method} ${path.replace(/\?.*/, '')}`, message);
    }
    return (text ? JSON.parse(text) : undefined) as T;
  }

  /** Logs in; the returned API acts as that user. */
  static async login(url: string, loginId: string, password: string): Promise<{ api: HostApi; user: Named }> {
    const res = await request(`${url}/api/v4/users/login`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ login_id: loginId, password }),
    });
    const text = await res.text();
    if (!res.ok) throw new HostApiError(res.status, 'POST /api/v4/users/login', `${loginId}: ${text.slice(0, 300)}`);
    const token = res.headers.get('token');
    if (!token) throw new HostApiError(res.status, 'POST /api/v4/users/login', 'no Token header in the reply');
    return { api: new HostApi(url, token), user: JSON.parse(text) as Named };
  }

  userByUsername(username: string): Promise<Named | undefined> {
    return this.call<Named>('GET', `/api/v4/users/username/${encodeURIComponent(username)}`, undefined, true);
  }

  async createUser(username: string, password: string): Promise<Named> {
    return (await this.call<Named>('POST', '/api/v4/users', { username, password, email: `${username}@example.com` }))!;
  }

  async myTeams(): Promise<Named[]> {
    return (await this.call<Named[]>('GET', '/api/v4/users/me/teams')) ?? [];
  }

  teamByName(name: string): Promise<Named | undefined> {
    return this.call<Named>('GET', `/api/v4/teams/name/${encodeURIComponent(name)}`, undefined, true);
  }

  async createTeam(name: string): Promise<Named> {
    return (await this.call<Named>('POST', '/api/v4/teams', { name, display_name: name, type: 'O' }))!;
  }

  async addToTeam(teamId: string, userId: string): Promise<void> {
    await this.call('POST', `/api/v4/teams/${teamId}/members`, { team_id: teamId, user_id: userId });
  }

  channelByName(teamId: string, name: string): Promise<Named | undefined> {
    return this.call<Named>('GET', `/api/v4/teams/${teamId}/channels/name/${encodeURIComponent(name)}`, undefined, true);
  }

  async createChannel(teamId: string, name: string): Promise<Named> {
    return (await this.call<Named>('POST', '/api/v4/channels', { team_id: teamId, name, display_name: name, type: 'O' }))!;
  }

  async addToChannel(channelId: string, userId: string): Promise<void> {
    await this.call('POST', `/api/v4/channels/${channelId}/members`, { user_id: userId });
  }

  /**
   * Turns calls on in a channel (the plugin's `POST /{channel_id}`, open to system admins), so that a run
   * does not need the plugin's test mode off: with `DefaultEnabled=false` only admins could start calls.
   */
  async enableCalls(channelId: string): Promise<void> {
    await this.call('POST', `/plugins/com.mattermost.calls/${channelId}`, { enabled: true });
  }

  /** The Calls plugin's client config (EnableDCSignaling, ICEServersConfigs, ...). */
  async callsConfig(): Promise<Record<string, unknown>> {
    return (await this.call<Record<string, unknown>>('GET', '/plugins/com.mattermost.calls/config')) ?? {};
  }
}
