// The core reducer: pure functions from (state, action) to a new state, one per slice.
import type { Post } from '@mattermost/types/posts';
import type { PluginsState } from '../plugins/types.js';
import type { AnyAction, CoreAction } from './actions.js';
import { initialState, type ChannelPosts, type GlobalState } from './state.js';

// Older posts beyond this are dropped from memory (and can be paged in again), so a tab left open in a
// busy channel does not grow without bound.
export const MAX_POSTS_PER_CHANNEL = 2000;

function byId<T extends { id: string }>(items: T[], into: Record<string, T> = {}): Record<string, T> {
  const out = { ...into };
  for (const item of items) out[item.id] = item;
  return out;
}

function addUnique(list: string[] | undefined, id: string): string[] {
  if (!list) return [id];
  return list.includes(id) ? list : [...list, id];
}

function mergeOrder(posts: Record<string, Post>, current: string[], ids: string[]): string[] {
  const set = new Set(current);
  for (const id of ids) set.add(id);
  return [...set].filter((id) => posts[id]).sort((a, b) => posts[a]!.create_at - posts[b]!.create_at || (a < b ? -1 : 1));
}

function capChannel(list: ChannelPosts): ChannelPosts {
  if (list.order.length <= MAX_POSTS_PER_CHANNEL) return list;
  return { ...list, order: list.order.slice(-MAX_POSTS_PER_CHANNEL), hasMore: true };
}

function postsReducer(state: GlobalState['entities']['posts'], action: CoreAction): GlobalState['entities']['posts'] {
  switch (action.type) {
    case 'RECEIVED_POSTS_PAGE': {
      const posts = byId(action.posts, state.posts);
      const prev = state.postsInChannel[action.channelId];
      const base = action.page === 0 || !prev ? [] : prev.order;
      // A first page replaces what was there except posts newer than it (e.g. ephemeral ones).
      const keep = action.page === 0 && prev ? prev.order.filter((id) => !posts[id] || isEphemeral(posts[id]!)) : base;
      const order = mergeOrder(posts, keep, action.posts.map((p) => p.id));
      const list = capChannel({
        order,
        pagesLoaded: Math.max(action.page + 1, action.page === 0 ? 1 : (prev?.pagesLoaded ?? 0)),
        hasMore: action.hasMore,
      });
      return { posts, postsInChannel: { ...state.postsInChannel, [action.channelId]: list } };
    }
    case 'RECEIVED_POST': {
      const post = action.post;
      const posts = { ...state.posts, [post.id]: post };
      const prev = state.postsInChannel[post.channel_id] ?? { order: [], pagesLoaded: 0, hasMore: true };
      const order = prev.order.includes(post.id) ? prev.order : mergeOrder(posts, prev.order, [post.id]);
      return { posts, postsInChannel: { ...state.postsInChannel, [post.channel_id]: capChannel({ ...prev, order }) } };
    }
    case 'POST_DELETED': {
      const post = state.posts[action.postId];
      if (!post) return state;
      const posts = { ...state.posts };
      delete posts[action.postId];
      const prev = state.postsInChannel[post.channel_id];
      if (!prev) return { ...state, posts };
      const list = { ...prev, order: prev.order.filter((id) => id !== action.postId) };
      return { posts, postsInChannel: { ...state.postsInChannel, [post.channel_id]: list } };
    }
    case 'RESET_CHANNEL_POSTS': {
      const postsInChannel = { ...state.postsInChannel };
      for (const id of action.channelIds) delete postsInChannel[id];
      return { ...state, postsInChannel };
    }
    default:
      return state;
  }
}

export function isEphemeral(post: Post): boolean {
  return post.type === 'system_ephemeral' || post.id.startsWith('ephemeral') || (post.props?.['from_ephemeral'] as unknown) === true;
}

function channelsReducer(
  state: GlobalState['entities']['channels'],
  action: CoreAction,
): GlobalState['entities']['channels'] {
  switch (action.type) {
    case 'RECEIVED_MY_CHANNELS': {
      const members = { ...state.myMembers };
      for (const m of action.members) members[m.channel_id] = m;
      return {
        ...state,
        channels: byId(action.channels, state.channels),
        myMembers: members,
        channelsInTeam: { ...state.channelsInTeam, [action.teamId]: action.channels.map((c) => c.id) },
      };
    }
    case 'RECEIVED_CHANNEL': {
      const channels = { ...state.channels, [action.channel.id]: action.channel };
      if (!action.member) return { ...state, channels };
      const myMembers = { ...state.myMembers, [action.channel.id]: action.member };
      const channelsInTeam = { ...state.channelsInTeam };
      // DMs and GMs belong to no team: they show in every team's sidebar.
      const teams = action.channel.team_id ? [action.channel.team_id] : Object.keys(channelsInTeam);
      for (const t of teams) channelsInTeam[t] = addUnique(channelsInTeam[t], action.channel.id);
      return { ...state, channels, myMembers, channelsInTeam };
    }
    case 'LEFT_CHANNEL': {
      const myMembers = { ...state.myMembers };
      delete myMembers[action.channelId];
      const channelsInTeam: Record<string, string[]> = {};
      for (const [t, ids] of Object.entries(state.channelsInTeam)) channelsInTeam[t] = ids.filter((id) => id !== action.channelId);
      const currentChannelId = state.currentChannelId === action.channelId ? '' : state.currentChannelId;
      return { ...state, myMembers, channelsInTeam, currentChannelId };
    }
    case 'SELECT_CHANNEL':
      return state.currentChannelId === action.channelId ? state : { ...state, currentChannelId: action.channelId };
    default:
      return state;
  }
}

function pluginsReducer(state: PluginsState, action: CoreAction): PluginsState {
  switch (action.type) {
    case 'RECEIVED_PLUGIN_MANIFESTS':
      return { ...state, manifests: action.manifests };
    case 'PLUGIN_STATUS':
      return { ...state, status: { ...state.status, [action.pluginId]: action.status } };
    case 'RECEIVED_PLUGIN_COMPONENT': {
      const r = action.registration;
      if (r.slot === 'component') {
        return { ...state, components: { ...state.components, [r.name]: [...state.components[r.name], r.entry] } };
      }
      // The per-key admin entries replace an earlier registration for the same key.
      if (r.slot === 'adminSettings' || r.slot === 'adminSections') {
        const key = r.entry.key.toLowerCase();
        const rest = (state[r.slot] as { pluginId: string; key: string }[]).filter(
          (e) => !(e.pluginId === r.entry.pluginId && e.key.toLowerCase() === key),
        );
        return { ...state, [r.slot]: [...rest, r.entry] };
      }
      return { ...state, [r.slot]: [...(state[r.slot] as unknown[]), r.entry] };
    }
    case 'REMOVED_PLUGIN_COMPONENT':
      return filterPlugins(state, (e) => !('id' in e) || e.id !== action.id);
    case 'REMOVED_PLUGIN': {
      const status = { ...state.status };
      delete status[action.pluginId];
      return { ...filterPlugins(state, (e) => e.pluginId !== action.pluginId), status };
    }
    default:
      return state;
  }
}

type AnyEntry = { pluginId: string; id?: string };

function filterPlugins(state: PluginsState, keep: (e: AnyEntry) => boolean): PluginsState {
  const components = { ...state.components };
  for (const name of Object.keys(components) as (keyof PluginsState['components'])[]) {
    components[name] = components[name].filter(keep);
  }
  return {
    ...state,
    components,
    channelHeaderButtons: state.channelHeaderButtons.filter(keep),
    callButtons: state.callButtons.filter(keep),
    channelHeaderMenu: state.channelHeaderMenu.filter(keep),
    postTypes: state.postTypes.filter(keep),
    needsTeamRoutes: state.needsTeamRoutes.filter(keep),
    customRoutes: state.customRoutes.filter(keep),
    adminSettings: state.adminSettings.filter(keep),
    adminSections: state.adminSections.filter(keep),
    adminPages: state.adminPages.filter(keep),
    slashCommandHooks: state.slashCommandHooks.filter(keep),
  };
}

export function coreReducer(state: GlobalState, anyAction: AnyAction): GlobalState {
  const action = anyAction as CoreAction;
  if (action.type === 'LOGOUT') {
    // The shell reloads the page after logging out; this only makes sure no user data lingers meanwhile.
    return initialState();
  }
  const e = state.entities;
  let general = e.general;
  let users = e.users;
  let teams = e.teams;
  let websocket = state.websocket;
  let views = state.views;
  switch (action.type) {
    case 'RECEIVED_CONFIG':
      general = { ...general, config: action.config };
      break;
    case 'RECEIVED_ME':
      users = { currentUserId: action.user.id, profiles: { ...users.profiles, [action.user.id]: action.user } };
      break;
    case 'RECEIVED_PROFILES':
      users = { ...users, profiles: byId(action.profiles, users.profiles) };
      break;
    case 'RECEIVED_MY_TEAMS':
      teams = { ...teams, teams: byId(action.teams, teams.teams), myTeamIds: action.teams.map((t) => t.id) };
      break;
    case 'RECEIVED_TEAM':
      teams = {
        ...teams,
        teams: { ...teams.teams, [action.team.id]: action.team },
        myTeamIds: action.mine ? addUnique(teams.myTeamIds, action.team.id) : teams.myTeamIds,
      };
      break;
    case 'SELECT_TEAM':
      if (teams.currentTeamId !== action.teamId) teams = { ...teams, currentTeamId: action.teamId };
      break;
    case 'WEBSOCKET_STATUS':
      websocket = action.connected
        ? { ...websocket, connected: true, connectionId: action.connectionId ?? websocket.connectionId, lastConnectAt: action.at }
        : { ...websocket, connected: false, lastDisconnectAt: action.at };
      if (action.serverVersion) general = { ...general, serverVersion: action.serverVersion };
      break;
    case 'MARK_UNREAD':
      if (!views.unreadChannels[action.channelId]) views = { unreadChannels: { ...views.unreadChannels, [action.channelId]: true } };
      break;
    case 'MARK_READ':
      if (views.unreadChannels[action.channelId]) {
        const unreadChannels = { ...views.unreadChannels };
        delete unreadChannels[action.channelId];
        views = { unreadChannels };
      }
      break;
    default:
      break;
  }
  const channels = channelsReducer(e.channels, action);
  const posts = postsReducer(e.posts, action);
  const plugins = pluginsReducer(state.plugins, action);
  const changed =
    general !== e.general || users !== e.users || teams !== e.teams || channels !== e.channels || posts !== e.posts;
  if (!changed && websocket === state.websocket && views === state.views && plugins === state.plugins) return state;
  return {
    ...state,
    entities: changed ? { general, users, teams, channels, posts } : e,
    websocket,
    views,
    plugins,
  };
}
