// Applies the server's core WebSocket events to the store. Payloads that carry JSON strings (posts,
// channels, users) are parsed defensively: a bad one is logged and skipped.
import type { Channel } from '@mattermost/types/channels';
import type { Post } from '@mattermost/types/posts';
import type { UserProfile } from '@mattermost/types/users';
import type { WebSocketMessage } from '../api/socket.js';
import { navigate } from './router.js';
import type { Session } from './session.js';

function parseJson<T>(value: unknown, what: string): T | null {
  if (value && typeof value === 'object') return value as T;
  if (typeof value !== 'string') return null;
  try {
    return JSON.parse(value) as T;
  } catch {
    console.warn(`websocket: ${what} is not valid JSON`);
    return null;
  }
}

function isPost(p: Post | null): p is Post {
  return !!p && typeof p.id === 'string' && typeof p.channel_id === 'string';
}

export function applyCoreEvent(session: Session, msg: WebSocketMessage): void {
  const { store } = session;
  const state = store.getState();
  const me = state.entities.users.currentUserId;
  const data = msg.data as Record<string, unknown>;
  switch (msg.event) {
    case 'posted':
    case 'post_edited':
    case 'ephemeral_message': {
      const post = parseJson<Post>(data.post, 'post');
      if (!isPost(post)) return;
      const shown = msg.event === 'ephemeral_message' ? { ...post, type: post.type || 'system_ephemeral' } : post;
      store.dispatch({ type: 'RECEIVED_POST', post: shown as Post });
      void session.ensureProfiles([post.user_id]);
      const channels = state.entities.channels;
      if (!channels.myMembers[post.channel_id] && msg.event === 'posted') {
        // A DM or GM someone just started with us: show it in the sidebar.
        session.addMyChannel(post.channel_id).catch((err) => console.warn('websocket: cannot load channel', err));
      }
      if (msg.event !== 'posted' || post.user_id === me) return;
      const away = post.channel_id !== channels.currentChannelId || document.hidden;
      if (away) store.dispatch({ type: 'MARK_UNREAD', channelId: post.channel_id });
      else session.markViewed(post.channel_id);
      return;
    }
    case 'post_deleted': {
      const post = parseJson<Post>(data.post, 'post');
      if (isPost(post)) store.dispatch({ type: 'POST_DELETED', postId: post.id });
      return;
    }
    case 'channel_created':
    case 'direct_added':
    case 'group_added': {
      const channelId = (typeof data.channel_id === 'string' && data.channel_id) || msg.broadcast.channel_id;
      if (channelId && !state.entities.channels.myMembers[channelId]) {
        session.addMyChannel(channelId).catch((err) => console.warn('websocket: cannot load channel', err));
      }
      return;
    }
    case 'user_added': {
      const channelId = msg.broadcast.channel_id;
      if (data.user_id === me && channelId && !state.entities.channels.myMembers[channelId]) {
        session.addMyChannel(channelId).catch((err) => console.warn('websocket: cannot load channel', err));
      }
      return;
    }
    case 'user_removed': {
      // Sent to the removed user (broadcast.user_id, data.channel_id) and to the channel (data.user_id).
      const removed = (typeof data.user_id === 'string' && data.user_id) || msg.broadcast.user_id;
      const channelId = (typeof data.channel_id === 'string' && data.channel_id) || msg.broadcast.channel_id;
      if (removed !== me || !channelId) return;
      const wasCurrent = state.entities.channels.currentChannelId === channelId;
      store.dispatch({ type: 'LEFT_CHANNEL', channelId });
      const team = state.entities.teams.teams[state.entities.teams.currentTeamId];
      if (wasCurrent && team) navigate(`/${team.name}`, { replace: true });
      return;
    }
    case 'channel_updated': {
      const channel = parseJson<Channel>(data.channel, 'channel');
      if (channel?.id && state.entities.channels.channels[channel.id]) store.dispatch({ type: 'RECEIVED_CHANNEL', channel });
      return;
    }
    case 'added_to_team':
      if (data.user_id === me || !data.user_id) void session.loadMyTeams();
      return;
    case 'user_updated': {
      const user = parseJson<UserProfile>(data.user, 'user');
      if (user?.id) store.dispatch({ type: 'RECEIVED_PROFILES', profiles: [user] });
      return;
    }
    case 'config_changed': {
      const config = parseJson<Record<string, string>>(data.config, 'config');
      if (config) store.dispatch({ type: 'RECEIVED_CONFIG', config: { ...state.entities.general.config, ...config } });
      return;
    }
    default:
      return;
  }
}
