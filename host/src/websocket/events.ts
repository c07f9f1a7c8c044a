// Mattermost WebSocket event shapes: `{event, data, broadcast, seq}` sent to clients, and the broadcast
// target object with Mattermost's field names.

export interface Broadcast {
  omit_users: Record<string, boolean> | null;
  user_id: string;
  channel_id: string;
  team_id: string;
  connection_id: string;
  omit_connection_id: string;
}

export interface BroadcastTarget {
  userId?: string;
  channelId?: string;
  teamId?: string;
  connectionId?: string;
  omitUsers?: readonly string[];
  omitConnectionId?: string;
}

export interface WebSocketEvent {
  event: string;
  data: Record<string, unknown>;
  broadcast: Broadcast;
}

export function makeBroadcast(t: BroadcastTarget): Broadcast {
  return {
    omit_users: t.omitUsers?.length ? Object.fromEntries(t.omitUsers.map((u) => [u, true])) : null,
    user_id: t.userId ?? '',
    channel_id: t.channelId ?? '',
    team_id: t.teamId ?? '',
    connection_id: t.connectionId ?? '',
    omit_connection_id: t.omitConnectionId ?? '',
  };
}

/** What the domain needs from the WebSocket hub: publish an event, resolved once it is queued to sockets. */
export interface EventPublisher {
  publish(event: string, data: Record<string, unknown>, target: BroadcastTarget): Promise<void>;
}

/** Core event names the host emits (Mattermost's). Plugin events are `custom_<pluginid>_<name>`. */
export const WsEvents = {
  Hello: 'hello',
  Posted: 'posted',
  PostEdited: 'post_edited',
  PostDeleted: 'post_deleted',
  EphemeralMessage: 'ephemeral_message',
  ChannelCreated: 'channel_created',
  ChannelUpdated: 'channel_updated',
  ChannelViewed: 'channel_viewed',
  DirectAdded: 'direct_added',
  GroupAdded: 'group_added',
  UserAdded: 'user_added',
  UserRemoved: 'user_removed',
  AddedToTeam: 'added_to_team',
  LeaveTeam: 'leave_team',
  NewUser: 'new_user',
  Typing: 'typing',
  PluginStatusesChanged: 'plugin_statuses_changed',
  ConfigChanged: 'config_changed',
} as const;
