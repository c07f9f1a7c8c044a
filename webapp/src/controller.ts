// The plugin's controller: one per page. Loads config and calls, starts and leaves the call of this tab
// (one at a time, asking before switching), runs the host controls and other REST actions, and fetches the
// profiles the UI needs. Components and event handlers go through it; media objects are reached through
// `client` with the `media` subscription.
import { CallClient, type JoinOptions, type LeaveReason } from './client/call-client.js';
import type { CallsAction } from './state/reducer.js';
import type { CallsClientConfig, CallStateWire, CallsState } from './state/types.js';
import { PLUGIN_ID } from './state/types.js';
import type { ShellApi, Store } from './shell.js';
import { initialState } from './state/reducer.js';

export type HostAction = 'make' | 'mute' | 'mute-others' | 'screen-off' | 'lower-hand' | 'remove' | 'end';

const MAX_PROFILE_BATCH = 100;

export class CallsController {
  client: CallClient | null = null;
  private mediaVersion = 0;
  private readonly mediaListeners = new Set<() => void>();
  private readonly profilesRequested = new Set<string>();
  private joining = false;

  constructor(
    readonly store: Store,
    readonly shell: ShellApi,
  ) {}

  get state(): CallsState {
    return this.store.getState()['plugins-com.mattermost.calls'] ?? initialState();
  }

  get me(): string {
    return this.store.getState().entities.users.currentUserId;
  }

  dispatch(a: CallsAction): void {
    this.store.dispatch(a as unknown as { type: string });
  }

  private error(message: string): void {
    this.dispatch({ type: 'CALLS_BANNER', kind: 'error', message, now: Date.now() });
  }

  // ---- media subscription (for useSyncExternalStore) ----

  subscribeMedia = (fn: () => void): (() => void) => {
    this.mediaListeners.add(fn);
    return () => this.mediaListeners.delete(fn);
  };

  getMediaVersion = (): number => this.mediaVersion;

  private bumpMedia(): void {
    this.mediaVersion++;
    for (const fn of [...this.mediaListeners]) fn();
  }

  // ---- loading ----

  async loadConfig(): Promise<CallsClientConfig> {
    const config = await this.shell.client.pluginRequest<CallsClientConfig>(PLUGIN_ID, 'GET', '/config');
    this.dispatch({ type: 'CALLS_CONFIG', config });
    return config;
  }

  /** Every active call in my channels (GET /channels), replacing what was known. */
  async loadCalls(): Promise<void> {
    const list = await this.shell.client.pluginRequest<{ channel_id: string; enabled?: boolean; call?: CallStateWire }[]>(PLUGIN_ID, 'GET', '/channels');
    const calls: { channelId: string; call: CallStateWire }[] = [];
    const enabled: Record<string, boolean> = {};
    for (const c of Array.isArray(list) ? list : []) {
      if (c.call) calls.push({ channelId: c.channel_id, call: c.call });
      if (typeof c.enabled === 'boolean') enabled[c.channel_id] = c.enabled;
    }
    this.dispatch({ type: 'CALLS_LOADED', calls, enabled, me: this.me });
    this.ensureProfiles(calls.flatMap((c) => (c.call.sessions ?? c.call.states ?? []).map((s) => s.user_id)));
  }

  /** Fetches profiles not in the shell's store yet (names and avatars in the call UI). */
  ensureProfiles(userIds: string[]): void {
    const profiles = this.store.getState().entities.users.profiles;
    const missing = [...new Set(userIds)].filter((id) => id && !profiles[id] && !this.profilesRequested.has(id)).slice(0, MAX_PROFILE_BATCH);
    if (missing.length === 0) return;
    for (const id of missing) this.profilesRequested.add(id);
    this.shell.client.getUsersByIds(missing).then(
      (users) => this.store.dispatch({ type: 'RECEIVED_PROFILES', profiles: users }),
      (err: unknown) => {
        for (const id of missing) this.profilesRequested.delete(id);
        console.warn('calls: could not load profiles', err);
      },
    );
  }

  // ---- my call ----

  /** Joins (or starts) the channel's call; while in another call, asks first (the switch dialog). */
  async joinCall(channelId: string, opts: JoinOptions = {}, force = false): Promise<void> {
    const mine = this.state.myCall;
    if (mine?.channelId === channelId || this.joining) return;
    if (mine && !force) {
      this.dispatch({ type: 'CALLS_SWITCH_PROMPT', channelId });
      return;
    }
    this.dispatch({ type: 'CALLS_SWITCH_PROMPT', channelId: null });
    if (mine) this.leaveCall('switch');
    this.joining = true;
    try {
      const config = this.state.config ?? (await this.loadConfig());
      const client = await CallClient.join(channelId, { shell: this.shell, dispatch: (a) => this.dispatch(a), getState: () => this.state, config }, opts);
      this.client = client;
      client.on('media', () => this.bumpMedia());
      client.on('left', () => {
        if (this.client === client) this.client = null;
        this.bumpMedia();
      });
      this.bumpMedia();
    } catch (err) {
      this.dispatch({ type: 'CALLS_BANNER', kind: 'join-failed', message: (err as Error).message, now: Date.now() });
    } finally {
      this.joining = false;
    }
  }

  leaveCall(reason: LeaveReason = 'user'): void {
    this.client?.leave(reason);
    this.client = null;
  }

  // ---- REST actions ----

  private async post(path: string, body?: unknown): Promise<boolean> {
    try {
      await this.shell.client.pluginRequest(PLUGIN_ID, 'POST', path, body ?? {});
      return true;
    } catch (err) {
      this.error((err as Error).message || 'The request failed.');
      return false;
    }
  }

  /** Host controls (the reference's /calls/{channel}/host/* routes). */
  hostAction(action: HostAction, channelId: string, target?: { sessionId?: string; userId?: string }): Promise<boolean> {
    const base = `/calls/${channelId}/host`;
    switch (action) {
      case 'make':
        return this.post(`${base}/make`, { new_host_id: target?.userId });
      case 'mute':
        return this.post(`${base}/mute`, { session_id: target?.sessionId });
      case 'mute-others':
        return this.post(`${base}/mute-others`);
      case 'screen-off':
        return this.post(`${base}/screen-off`, { session_id: target?.sessionId });
      case 'lower-hand':
        return this.post(`${base}/lower-hand`, { session_id: target?.sessionId });
      case 'remove':
        return this.post(`${base}/remove`, { session_id: target?.sessionId });
      case 'end':
        return this.post(`${base}/end`);
    }
  }

  /** Ignore an incoming call: the server remembers it (and tells my other tabs). */
  async dismissIncoming(channelId: string): Promise<void> {
    this.dispatch({ type: 'CALLS_NOTIFICATION_DISMISSED', channelId });
    await this.post(`/calls/${channelId}/dismiss-notification`);
  }

  async setChannelEnabled(channelId: string, enabled: boolean): Promise<void> {
    if (await this.post(`/${channelId}`, { enabled })) this.dispatch({ type: 'CALLS_CHANNEL_ENABLED', channelId, enabled });
  }
}

let current: CallsController | undefined;

export function setController(c: CallsController | undefined): void {
  current = c;
}

/** The page's controller (set by initialize). */
export function controller(): CallsController {
  if (!current) throw new Error('the Calls plugin is not initialized');
  return current;
}
