// The shell's state, shaped like Mattermost's redux `entities` so plugin code written against
// Mattermost's selectors finds the same paths (`entities.users.currentUserId`, ...).
import type { Channel, ChannelMembership } from '@mattermost/types/channels';
import type { ClientConfig } from '@mattermost/types/config';
import type { Post } from '@mattermost/types/posts';
import type { Team } from '@mattermost/types/teams';
import type { UserProfile } from '@mattermost/types/users';
import { emptyPluginsState, type PluginsState } from '../plugins/types.js';

/** Posts of one channel as loaded so far: `order` runs oldest → newest. */
export type ChannelPosts = {
  order: string[];
  /** Pages of `PAGE_SIZE` fetched from the newest end. */
  pagesLoaded: number;
  hasMore: boolean;
};

export type GlobalState = {
  entities: {
    general: { config: Partial<ClientConfig>; serverVersion: string };
    users: { currentUserId: string; profiles: Record<string, UserProfile> };
    teams: { currentTeamId: string; teams: Record<string, Team>; myTeamIds: string[] };
    channels: {
      currentChannelId: string;
      channels: Record<string, Channel>;
      myMembers: Record<string, ChannelMembership>;
      /** Ids of my channels per team id; DMs and GMs are listed under every team, as Mattermost does. */
      channelsInTeam: Record<string, string[]>;
    };
    posts: { posts: Record<string, Post>; postsInChannel: Record<string, ChannelPosts> };
  };
  websocket: { connected: boolean; connectionId: string; lastConnectAt: number; lastDisconnectAt: number };
  views: { unreadChannels: Record<string, boolean> };
  plugins: PluginsState;
  /** Plugin reducers' state lives under `plugins-<pluginId>`, as in Mattermost. */
  [pluginKey: `plugins-${string}`]: unknown;
};

export const PAGE_SIZE = 60;

export function initialState(): GlobalState {
  return {
    entities: {
      general: { config: {}, serverVersion: '' },
      users: { currentUserId: '', profiles: {} },
      teams: { currentTeamId: '', teams: {}, myTeamIds: [] },
      channels: { currentChannelId: '', channels: {}, myMembers: {}, channelsInTeam: {} },
      posts: { posts: {}, postsInChannel: {} },
    },
    websocket: { connected: false, connectionId: '', lastConnectAt: 0, lastDisconnectAt: 0 },
    views: { unreadChannels: {} },
    plugins: emptyPluginsState(),
  };
}

// Selectors used by the shell and documented for plugins.
export const getCurrentUserId = (s: GlobalState) => s.entities.users.currentUserId;
export const getCurrentUser = (s: GlobalState): UserProfile | undefined => s.entities.users.profiles[s.entities.users.currentUserId];
export const getCurrentTeamId = (s: GlobalState) => s.entities.teams.currentTeamId;
export const getCurrentTeam = (s: GlobalState): Team | undefined => s.entities.teams.teams[s.entities.teams.currentTeamId];
export const getCurrentChannelId = (s: GlobalState) => s.entities.channels.currentChannelId;
export const getCurrentChannel = (s: GlobalState): Channel | undefined =>
  s.entities.channels.channels[s.entities.channels.currentChannelId];

/** My channels listed under a team (DMs and GMs included), in the order the server gave them. */
export function myChannelsIn(channels: GlobalState['entities']['channels'], teamId: string): Channel[] {
  return (channels.channelsInTeam[teamId] ?? [])
    .map((id) => channels.channels[id])
    .filter((c): c is Channel => !!c && !!channels.myMembers[c.id]);
}

export function isSystemAdmin(user: UserProfile | undefined): boolean {
  return !!user && user.roles.split(' ').includes('system_admin');
}

/** The name a user sees for a channel: the other person for a DM, the members for a GM. */
export function channelDisplayName(entities: GlobalState['entities'], channel: Channel): string {
  const me = entities.users.currentUserId;
  const profiles = entities.users.profiles;
  if (channel.type === 'D') {
    const other = channel.name.split('__').find((id) => id !== me) ?? me;
    return profiles[other]?.username ?? channel.display_name ?? 'Direct message';
  }
  if (channel.type === 'G') {
    const members = channel.display_name
      ? channel.display_name.split(',').map((n) => n.trim())
      : [];
    const mine = profiles[me]?.username;
    const others = members.filter((n) => n !== mine);
    return others.length ? others.join(', ') : channel.display_name;
  }
  return channel.display_name || channel.name;
}

/** For a DM, the id of the other user (or mine for a self-DM). */
export function dmTeammateId(me: string, channel: Channel): string | undefined {
  if (channel.type !== 'D') return undefined;
  return channel.name.split('__').find((id) => id !== me) ?? me;
}

export function displayUsername(user: UserProfile | undefined, fallbackId = ''): string {
  if (!user) return fallbackId ? `user ${fallbackId.slice(0, 6)}` : 'someone';
  return user.username;
}
