// The shell's own actions. Plugins may dispatch any `{type}`; the core reducer ignores what it does not
// know and passes every action to plugin reducers.
import type { Channel, ChannelMembership } from '@mattermost/types/channels';
import type { ClientConfig } from '@mattermost/types/config';
import type { ClientPluginManifest } from '@mattermost/types/plugins';
import type { Post } from '@mattermost/types/posts';
import type { Team } from '@mattermost/types/teams';
import type { UserProfile } from '@mattermost/types/users';
import type {
  AdminPageEntry,
  AdminSectionEntry,
  AdminSettingEntry,
  CallButtonEntry,
  ComponentEntry,
  ComponentSlot,
  HeaderButtonEntry,
  HeaderMenuEntry,
  HookEntry,
  PluginLoadStatus,
  PostTypeEntry,
  RouteEntry,
} from '../plugins/types.js';

export type PluginRegistration =
  | { slot: 'component'; name: ComponentSlot; entry: ComponentEntry }
  | { slot: 'channelHeaderButtons'; entry: HeaderButtonEntry }
  | { slot: 'callButtons'; entry: CallButtonEntry }
  | { slot: 'channelHeaderMenu'; entry: HeaderMenuEntry }
  | { slot: 'postTypes'; entry: PostTypeEntry }
  | { slot: 'needsTeamRoutes'; entry: RouteEntry }
  | { slot: 'customRoutes'; entry: RouteEntry }
  | { slot: 'adminSettings'; entry: AdminSettingEntry }
  | { slot: 'adminSections'; entry: AdminSectionEntry }
  | { slot: 'adminPages'; entry: AdminPageEntry }
  | { slot: 'slashCommandHooks'; entry: HookEntry };

export type CoreAction =
  | { type: 'LOGOUT' }
  | { type: 'RECEIVED_CONFIG'; config: Partial<ClientConfig> }
  | { type: 'RECEIVED_ME'; user: UserProfile }
  | { type: 'RECEIVED_PROFILES'; profiles: UserProfile[] }
  | { type: 'RECEIVED_MY_TEAMS'; teams: Team[] }
  | { type: 'RECEIVED_TEAM'; team: Team; mine: boolean }
  | { type: 'SELECT_TEAM'; teamId: string }
  | { type: 'RECEIVED_MY_CHANNELS'; teamId: string; channels: Channel[]; members: ChannelMembership[] }
  | { type: 'RECEIVED_CHANNEL'; channel: Channel; member?: ChannelMembership }
  | { type: 'LEFT_CHANNEL'; channelId: string }
  | { type: 'SELECT_CHANNEL'; channelId: string }
  | { type: 'RECEIVED_POSTS_PAGE'; channelId: string; posts: Post[]; page: number; hasMore: boolean }
  | { type: 'RECEIVED_POST'; post: Post }
  | { type: 'POST_DELETED'; postId: string }
  | { type: 'RESET_CHANNEL_POSTS'; channelIds: string[] }
  | { type: 'MARK_UNREAD'; channelId: string }
  | { type: 'MARK_READ'; channelId: string }
  | { type: 'WEBSOCKET_STATUS'; connected: boolean; connectionId?: string; serverVersion?: string; at: number }
  | { type: 'RECEIVED_PLUGIN_MANIFESTS'; manifests: ClientPluginManifest[] }
  | { type: 'PLUGIN_STATUS'; pluginId: string; status: PluginLoadStatus }
  | { type: 'RECEIVED_PLUGIN_COMPONENT'; registration: PluginRegistration }
  | { type: 'REMOVED_PLUGIN_COMPONENT'; id: string }
  | { type: 'REMOVED_PLUGIN'; pluginId: string };

export type AnyAction = { type: string; [key: string]: unknown };
