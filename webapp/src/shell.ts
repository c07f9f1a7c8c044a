// What this bundle uses of the host's web shell (host/web/README.md): the registry passed to `initialize`,
// the Redux-like store, and `window.shell` (WebSocket, REST client, navigation). Typed here, narrowly,
// because the shell is a separately built page.
import type { Channel, ChannelMembership } from '@mattermost/types/channels';
import type { Post } from '@mattermost/types/posts';
import type { UserProfile } from '@mattermost/types/users';
import type { ComponentType } from 'react';
import type { CallsState } from './state/types.js';

export interface WebSocketMessage {
  event: string;
  data: Record<string, unknown>;
  broadcast: { user_id?: string; channel_id?: string; team_id?: string; connection_id?: string };
  seq: number;
}

export interface WebSocketReply {
  status: string;
  seq_reply: number;
  data?: unknown;
  error?: unknown;
}

export interface ConnectInfo {
  connectionId: string;
  reconnected: boolean;
  resumed: boolean;
}

export type SocketStatus = 'connecting' | 'connected' | 'disconnected' | 'closed';

export interface ShellState {
  entities: {
    users: { currentUserId: string; profiles: Record<string, UserProfile> };
    teams: { currentTeamId: string; teams: Record<string, { id: string; name: string; display_name: string }> };
    channels: {
      currentChannelId: string;
      channels: Record<string, Channel>;
      myMembers: Record<string, ChannelMembership>;
    };
    posts: { posts: Record<string, Post> };
    general: { config: Record<string, string | undefined> };
  };
  websocket: { connected: boolean; connectionId: string };
  'plugins-com.mattermost.calls'?: CallsState;
}

export interface Store {
  getState(): ShellState;
  subscribe(listener: () => void): () => void;
  dispatch(action: { type: string; [k: string]: unknown }): unknown;
}

export interface ApiClient {
  request<T = unknown>(method: string, path: string, body?: unknown): Promise<T>;
  pluginRequest<T = unknown>(pluginId: string, method: string, path: string, body?: unknown): Promise<T>;
  getUsersByIds(ids: string[]): Promise<UserProfile[]>;
  getChannel(channelId: string): Promise<Channel>;
  getPluginSettings(pluginId: string): Promise<Record<string, unknown>>;
  savePluginSettings(pluginId: string, patch: Record<string, unknown>): Promise<Record<string, unknown>>;
}

export interface ShellApi {
  store: Store;
  client: ApiClient;
  webSocket: {
    readonly connectionId: string;
    readonly status: SocketStatus;
    sendMessage(action: string, data?: unknown, onReply?: (r: WebSocketReply) => void): boolean;
    sendBinaryMessage(action: string, data?: unknown, onReply?: (r: WebSocketReply) => void): boolean;
    onEvent(listener: (msg: WebSocketMessage) => void): () => void;
    onConnect(listener: (info: ConnectInfo) => void): () => void;
    onStatus(listener: (status: SocketStatus) => void): () => void;
  };
  navigate(path: string): void;
}

// Components come from this bundle; the shell renders them inside its own error boundaries.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
type AnyComponent = ComponentType<any>;

export interface Registry {
  registerRootComponent(c: AnyComponent): string;
  registerGlobalComponent(c: AnyComponent): string;
  registerCallButtonAction(button: AnyComponent, dropdownButton: AnyComponent, action: (channel: Channel) => void): string;
  registerChannelHeaderMenuAction(text: AnyComponent | string, action: (channelId: string) => void, shouldRender?: (state: unknown) => boolean): string;
  registerPostTypeComponent(type: string, c: AnyComponent): string;
  registerSidebarChannelLinkLabelComponent(c: AnyComponent): string;
  registerChannelToastComponent(c: AnyComponent): string;
  registerNeedsTeamRoute(route: string, c: AnyComponent): string;
  registerWebSocketEventHandler(event: string, handler: (msg: WebSocketMessage) => void): void;
  registerReconnectHandler(handler: () => void): void;
  registerSlashCommandWillBePostedHook(
    hook: (message: string, args: { channel_id: string; team_id: string; root_id: string }) => unknown,
  ): string;
  registerReducer(reducer: (state: CallsState | undefined, action: { type: string }) => CallsState): void;
  registerAdminConsoleCustomSetting(key: string, c: AnyComponent, opts?: { showTitle: boolean }): void;
  registerAdminConsolePage(route: string, title: string, c: AnyComponent): string;
}

declare global {
  interface Window {
    shell: ShellApi;
    registerPlugin(id: string, plugin: { initialize(registry: Registry, store: Store): void | Promise<void>; uninitialize?(): void }): void;
  }
}
