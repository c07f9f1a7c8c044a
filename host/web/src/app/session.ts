// The logged-in session: signs in and out, loads teams, channels, posts and profiles into the store,
// keeps the WebSocket (and re-syncs after a reconnect that lost events), and owns the plugin host.
import type { Channel, ChannelMembership } from '@mattermost/types/channels';
import type { Post } from '@mattermost/types/posts';
import type { Team } from '@mattermost/types/teams';
import type { UserProfile } from '@mattermost/types/users';
import { ApiClient, ApiError } from '../api/client.js';
import { ShellSocket, type ConnectInfo, type WebSocketMessage } from '../api/socket.js';
import { PluginHost } from '../plugins/host.js';
import { PAGE_SIZE, channelDisplayName, dmTeammateId, myChannelsIn, type GlobalState } from '../store/state.js';
import { Store } from '../store/store.js';
import { Emitter } from '../util/emitter.js';
import { createShellApi } from './shell-api.js';
import { applyCoreEvent } from './ws-events.js';
import { navigate } from './router.js';

export type Phase = 'booting' | 'logged_out' | 'unreachable' | 'ready';

type SessionEvents = { phase: Phase; event: WebSocketMessage };

export class Session extends Emitter<SessionEvents> {
  readonly client: ApiClient;
  readonly store = new Store();
  readonly plugins: PluginHost;
  private socket: ShellSocket | null = null;
  private phaseValue: Phase = 'booting';
  private readonly profilesInFlight = new Set<string>();
  private readonly channelsLoading = new Map<string, Promise<void>>();
  private readonly postsLoading = new Map<string, Promise<void>>();
  private readonly viewTimers = new Map<string, { again: boolean; timer: ReturnType<typeof setTimeout> }>();

  constructor(client = new ApiClient()) {
    super();
    this.client = client;
    this.plugins = new PluginHost(this.store, client);
    client.onUnauthorized = () => {
      if (this.phaseValue === 'ready') void this.logout();
    };
  }

  get phase(): Phase {
    return this.phaseValue;
  }

  private setPhase(p: Phase): void {
    this.phaseValue = p;
    this.emit('phase', p);
  }

  /** Counters of bad input the shell survived, shown in the System Console for diagnosis. */
  diagnostics(): { badFrames: number; handlerErrors: number; reducerErrors: number } {
    return {
      badFrames: this.socket?.badFrames ?? 0,
      handlerErrors: this.plugins.handlerErrors,
      reducerErrors: this.store.reducerErrors,
    };
  }

  get state(): GlobalState {
    return this.store.getState();
  }

  /** Why the last boot could not reach the server (shown with a retry button). */
  bootError = '';

  async boot(): Promise<void> {
    this.setPhase('booting');
    await this.loadConfig();
    try {
      const me = await this.client.getMe();
      await this.start(me);
    } catch (err) {
      if (err instanceof ApiError && err.statusCode === 401) {
        this.setPhase('logged_out');
        return;
      }
      console.error('boot failed', err);
      this.bootError = (err as Error).message;
      this.setPhase('unreachable');
    }
  }

  private async loadConfig(): Promise<void> {
    let config: GlobalState['entities']['general']['config'] = {};
    try {
      config = await this.client.getClientConfig();
    } catch (err) {
      console.warn('config: using defaults', err);
    }
    // Plugins build their URLs from SiteURL; an unset one means "where this page came from".
    if (!config.SiteURL) config = { ...config, SiteURL: window.location.origin };
    this.store.dispatch({ type: 'RECEIVED_CONFIG', config });
  }

  async login(loginId: string, password: string): Promise<void> {
    const user = await this.client.login(loginId, password);
    await this.start(user);
  }

  async signup(email: string, username: string, password: string): Promise<void> {
    await this.client.createUser({ email, username, password });
    await this.login(username, password);
  }

  async logout(): Promise<void> {
    try {
      await this.client.logout();
    } catch (err) {
      console.warn('logout failed on the server; clearing the session here anyway', err);
    }
    this.socket?.close();
    this.plugins.close();
    this.store.dispatch({ type: 'LOGOUT' });
    // A fresh page drops every plugin script and closure along with the user's data.
    window.location.assign('/login');
  }

  private async start(me: UserProfile): Promise<void> {
    this.store.dispatch({ type: 'RECEIVED_ME', user: me });
    await this.loadMyTeams();
    this.connectSocket();
    this.plugins.install();
    this.setPhase('ready');
    void this.plugins.loadAll();
  }

  private connectSocket(): void {
    const proto = window.location.protocol === 'https:' ? 'wss:' : 'ws:';
    const socket = new ShellSocket(`${proto}//${window.location.host}/api/v4/websocket`);
    this.socket = socket;
    socket.on('connected', (info) => this.onConnected(info));
    socket.on('status', (status) => {
      if (status !== 'connected') this.store.dispatch({ type: 'WEBSOCKET_STATUS', connected: false, at: Date.now() });
    });
    socket.on('message', (msg) => {
      try {
        applyCoreEvent(this, msg);
      } catch (err) {
        console.error(`websocket: failed to apply ${msg.event}`, err);
      }
      this.plugins.dispatchWebSocketEvent(msg);
      this.emit('event', msg);
    });
    window.shell = createShellApi(this.store, this.client, socket, { onEvent: (l) => this.on('event', l) });
    socket.connect();
  }

  private onConnected(hello: ConnectInfo): void {
    this.store.dispatch({
      type: 'WEBSOCKET_STATUS',
      connected: true,
      connectionId: hello.connectionId,
      serverVersion: hello.serverVersion,
      at: Date.now(),
    });
    if (!hello.reconnected) return;
    // The server could not replay what we missed: reload what is on screen, forget the rest.
    if (!hello.resumed) void this.resync();
    this.plugins.runReconnectHandlers();
  }

  private async resync(): Promise<void> {
    const s = this.state;
    const current = s.entities.channels.currentChannelId;
    const others = Object.keys(s.entities.posts.postsInChannel).filter((id) => id !== current);
    this.store.dispatch({ type: 'RESET_CHANNEL_POSTS', channelIds: others });
    const teamId = s.entities.teams.currentTeamId;
    await Promise.all([
      teamId ? this.loadMyChannels(teamId, true) : Promise.resolve(),
      current ? this.loadPosts(current, 0) : Promise.resolve(),
    ]);
  }

  // Teams

  async loadMyTeams(): Promise<Team[]> {
    const teams = await this.client.getMyTeams();
    this.store.dispatch({ type: 'RECEIVED_MY_TEAMS', teams });
    return teams;
  }

  myTeams(): Team[] {
    const t = this.state.entities.teams;
    return t.myTeamIds.map((id) => t.teams[id]).filter((x): x is Team => !!x);
  }

  teamByName(name: string): Team | undefined {
    return this.myTeams().find((t) => t.name === name);
  }

  async createTeam(displayName: string, name: string): Promise<Team> {
    const team = await this.client.createTeam({ display_name: displayName, name, type: 'O' });
    this.store.dispatch({ type: 'RECEIVED_TEAM', team, mine: true });
    return team;
  }

  async joinTeam(team: Team): Promise<void> {
    await this.client.addToTeam(team.id, this.state.entities.users.currentUserId);
    this.store.dispatch({ type: 'RECEIVED_TEAM', team, mine: true });
  }

  selectTeam(team: Team): Promise<void> {
    this.store.dispatch({ type: 'SELECT_TEAM', teamId: team.id });
    localStorage.setItem('shell.lastTeam', team.name);
    return this.loadMyChannels(team.id);
  }

  lastTeamName(): string | null {
    return localStorage.getItem('shell.lastTeam');
  }

  // Channels

  loadMyChannels(teamId: string, force = false): Promise<void> {
    if (!force && this.state.entities.channels.channelsInTeam[teamId]) return Promise.resolve();
    const running = this.channelsLoading.get(teamId);
    if (running) return running;
    const p = (async () => {
      const [channels, members] = await Promise.all([
        this.client.getMyChannels(teamId),
        this.client.getMyChannelMembers(teamId).catch((err) => {
          console.warn('channel members unavailable', err);
          return [] as ChannelMembership[];
        }),
      ]);
      this.store.dispatch({ type: 'RECEIVED_MY_CHANNELS', teamId, channels, members });
      const me = this.state.entities.users.currentUserId;
      const current = this.state.entities.channels.currentChannelId;
      for (const c of channels) {
        const m = members.find((x) => x.channel_id === c.id);
        if (c.id !== current && m && c.last_post_at > m.last_viewed_at) {
          this.store.dispatch({ type: 'MARK_UNREAD', channelId: c.id });
        }
      }
      void this.ensureProfiles(channels.map((c) => dmTeammateId(me, c)).filter((x): x is string => !!x));
    })().finally(() => this.channelsLoading.delete(teamId));
    this.channelsLoading.set(teamId, p);
    return p;
  }

  myChannelsInTeam(teamId: string): Channel[] {
    return myChannelsIn(this.state.entities.channels, teamId);
  }

  /** Finds one of my channels by name or id, joining a public channel the user opened by URL. */
  async resolveChannel(team: Team, nameOrId: string): Promise<Channel> {
    const mine = this.myChannelsInTeam(team.id).find((c) => c.name === nameOrId || c.id === nameOrId);
    if (mine) return mine;
    let channel: Channel;
    try {
      channel = await this.client.getChannelByName(team.id, nameOrId);
    } catch (err) {
      if (!/^[a-z0-9]{26}$/.test(nameOrId)) throw err;
      channel = await this.client.getChannel(nameOrId);
    }
    if (channel.type !== 'O') throw new ApiError('You are not a member of this channel.', 'shell.not_member', 403, '');
    await this.joinChannel(channel);
    return channel;
  }

  async joinChannel(channel: Channel): Promise<void> {
    const member = await this.client.addChannelMember(channel.id, this.state.entities.users.currentUserId);
    this.store.dispatch({ type: 'RECEIVED_CHANNEL', channel, member });
  }

  /** Adds a channel the user belongs to (from an event or a create call) to the store. */
  async addMyChannel(channelOrId: Channel | string): Promise<Channel> {
    const channel = typeof channelOrId === 'string' ? await this.client.getChannel(channelOrId) : channelOrId;
    const me = this.state.entities.users.currentUserId;
    const member = this.state.entities.channels.myMembers[channel.id] ?? syntheticMember(channel.id, me);
    this.store.dispatch({ type: 'RECEIVED_CHANNEL', channel, member });
    const teammate = dmTeammateId(me, channel);
    if (teammate) await this.ensureProfiles([teammate]);
    return channel;
  }

  async createChannel(teamId: string, displayName: string, name: string, type: 'O' | 'P', purpose: string): Promise<Channel> {
    const channel = await this.client.createChannel({ team_id: teamId, display_name: displayName, name, type, purpose });
    return this.addMyChannel(channel);
  }

  async openDirectChannel(userIds: string[]): Promise<Channel> {
    const me = this.state.entities.users.currentUserId;
    const others = [...new Set(userIds.filter((id) => id !== me))];
    const channel =
      others.length <= 1
        ? await this.client.createDirectChannel([me, others[0] ?? me])
        : await this.client.createGroupChannel([me, ...others]);
    return this.addMyChannel(channel);
  }

  async directChannelByUsername(username: string): Promise<Channel> {
    const known = Object.values(this.state.entities.users.profiles).find((u) => u.username === username);
    const user = known ?? (await this.client.getUserByUsername(username));
    if (!known) this.store.dispatch({ type: 'RECEIVED_PROFILES', profiles: [user] });
    return this.openDirectChannel([user.id]);
  }

  selectChannel(channel: Channel): void {
    const previous = this.state.entities.channels.currentChannelId;
    if (previous && previous !== channel.id) this.flushViewed(previous);
    this.store.dispatch({ type: 'SELECT_CHANNEL', channelId: channel.id });
    this.markViewed(channel.id);
    const list = this.state.entities.posts.postsInChannel[channel.id];
    if (!list || list.pagesLoaded === 0) void this.loadPosts(channel.id, 0);
  }

  /**
   * Tells the server the user has read the channel up to now (so it is not shown unread on the next load):
   * at once, then at most once a second per channel however fast posts arrive.
   */
  markViewed(channelId: string): void {
    this.store.dispatch({ type: 'MARK_READ', channelId });
    const pending = this.viewTimers.get(channelId);
    if (pending) {
      pending.again = true;
      return;
    }
    this.reportViewed(channelId);
    const entry = {
      again: false,
      timer: setTimeout(() => {
        this.viewTimers.delete(channelId);
        if (entry.again) this.markViewed(channelId);
      }, 1000),
    };
    this.viewTimers.set(channelId, entry);
  }

  /** Leaving a channel: report what was read there now rather than after the throttle. */
  private flushViewed(channelId: string): void {
    const pending = this.viewTimers.get(channelId);
    if (!pending?.again) return;
    clearTimeout(pending.timer);
    this.viewTimers.delete(channelId);
    this.reportViewed(channelId);
  }

  private reportViewed(channelId: string): void {
    this.client.viewChannel(channelId).catch(() => {
      // Read state is a convenience; a server without it still works.
    });
  }

  channelPath(teamName: string, channel: Channel): string {
    if (channel.type === 'D') {
      const me = this.state.entities.users.currentUserId;
      const other = this.state.entities.users.profiles[dmTeammateId(me, channel) ?? ''];
      if (other) return `/${teamName}/messages/@${other.username}`;
      return `/${teamName}/channels/${channel.id}`;
    }
    if (channel.type === 'G') return `/${teamName}/messages/${channel.name}`;
    return `/${teamName}/channels/${channel.name}`;
  }

  displayName(channel: Channel): string {
    return channelDisplayName(this.state.entities, channel);
  }

  // Posts

  loadPosts(channelId: string, page: number): Promise<void> {
    const key = `${channelId}:${page}`;
    const running = this.postsLoading.get(key);
    if (running) return running;
    const p = (async () => {
      const list = await this.client.getPosts(channelId, page, PAGE_SIZE);
      const posts = (list.order ?? []).map((id) => list.posts[id]).filter((x): x is Post => !!x);
      this.store.dispatch({ type: 'RECEIVED_POSTS_PAGE', channelId, posts, page, hasMore: posts.length >= PAGE_SIZE });
      await this.ensureProfiles(posts.map((post) => post.user_id));
    })().finally(() => this.postsLoading.delete(key));
    this.postsLoading.set(key, p);
    return p;
  }

  async createPost(channelId: string, message: string): Promise<void> {
    const post = await this.client.createPost({ channel_id: channelId, message });
    this.store.dispatch({ type: 'RECEIVED_POST', post });
  }

  /** Runs plugins' slash-command hooks, then `POST /commands/execute`. Returns an error message or null. */
  async executeCommand(channel: Channel, command: string): Promise<string | null> {
    const teamId = channel.team_id || this.state.entities.teams.currentTeamId;
    const outcome = await this.plugins.runSlashCommandHooks(command, { channel_id: channel.id, team_id: teamId, root_id: '' });
    if (outcome.kind === 'error') return outcome.message;
    if (outcome.kind === 'handled') return null;
    const res = await this.client.executeCommand(outcome.message, outcome.args.channel_id, outcome.args.team_id, outcome.args.root_id);
    if (res?.goto_location) {
      const url = new URL(res.goto_location, window.location.origin);
      if (url.origin === window.location.origin) navigate(url.pathname + url.search);
      else window.open(url.href, '_blank', 'noopener');
    }
    return null;
  }

  // Profiles

  async ensureProfiles(ids: string[]): Promise<void> {
    const profiles = this.state.entities.users.profiles;
    const missing = [...new Set(ids)].filter((id) => id && !profiles[id] && !this.profilesInFlight.has(id));
    if (!missing.length) return;
    missing.forEach((id) => this.profilesInFlight.add(id));
    try {
      const users = await this.client.getUsersByIds(missing);
      this.store.dispatch({ type: 'RECEIVED_PROFILES', profiles: users });
    } catch (err) {
      console.warn('profiles: lookup failed', err);
    } finally {
      missing.forEach((id) => this.profilesInFlight.delete(id));
    }
  }
}

function syntheticMember(channelId: string, userId: string): ChannelMembership {
  return {
    channel_id: channelId,
    user_id: userId,
    roles: 'channel_user',
    last_viewed_at: 0,
    msg_count: 0,
    msg_count_root: 0,
    mention_count: 0,
    mention_count_root: 0,
    urgent_mention_count: 0,
    notify_props: {},
    last_update_at: 0,
    scheme_user: true,
    scheme_admin: false,
  };
}
