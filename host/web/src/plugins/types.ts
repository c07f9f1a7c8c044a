// What plugins register, as it is kept in the store (`state.plugins`), and the props the shell passes
// to plugin components. Names follow Mattermost's webapp so plugin code reads the same.
import type { ComponentType, ReactNode } from 'react';
import type { Channel, ChannelMembership } from '@mattermost/types/channels';
import type { ClientPluginManifest } from '@mattermost/types/plugins';
import type { Post } from '@mattermost/types/posts';

// Plugin components are typed loosely on purpose: they come from separately built bundles.
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type AnyComponent = ComponentType<any>;

type Entry = { id: string; pluginId: string };

export type ComponentSlot = 'Root' | 'Global' | 'SidebarChannelLinkLabel' | 'ChannelToast';

export type ComponentEntry = Entry & { component: AnyComponent };

export type ChannelAction = (channel: Channel, member: ChannelMembership | undefined) => void;

export type HeaderButtonEntry = Entry & {
  icon: ReactNode;
  action: ChannelAction;
  dropdownText: ReactNode;
  tooltipText: ReactNode;
};

export type CallButtonEntry = Entry & { button: ReactNode; dropdownButton: ReactNode; action: ChannelAction };

export type HeaderMenuEntry = Entry & {
  text: ReactNode;
  action: (channelId: string) => void;
  shouldRender: (state: unknown) => boolean;
};

export type PostTypeEntry = Entry & { type: string; component: AnyComponent };

/** `route` is the full path after the team (needs-team) or after `/plug/` (custom): `<pluginId>/<route>`. */
export type RouteEntry = Entry & { route: string; component: AnyComponent };

export type AdminSettingEntry = { pluginId: string; key: string; component: AnyComponent; showTitle: boolean };
export type AdminSectionEntry = { pluginId: string; key: string; component: AnyComponent };

/** A page of the System Console owned by a plugin. `route: ''` replaces the generated settings page. */
export type AdminPageEntry = Entry & { route: string; title: string; component: AnyComponent };

export type SlashCommandArgs = { channel_id: string; team_id: string; root_id: string };
export type SlashCommandHookResult =
  | { message: string; args: SlashCommandArgs }
  | { error: { message: string } }
  | Record<string, never>
  | undefined;
export type SlashCommandHook = (message: string, args: SlashCommandArgs) => SlashCommandHookResult | Promise<SlashCommandHookResult>;
export type HookEntry = Entry & { hook: SlashCommandHook };

export type PluginLoadStatus = { state: 'loading' | 'active' | 'failed'; error?: string };

export type PluginsState = {
  manifests: ClientPluginManifest[];
  status: Record<string, PluginLoadStatus>;
  components: Record<ComponentSlot, ComponentEntry[]>;
  channelHeaderButtons: HeaderButtonEntry[];
  callButtons: CallButtonEntry[];
  channelHeaderMenu: HeaderMenuEntry[];
  postTypes: PostTypeEntry[];
  needsTeamRoutes: RouteEntry[];
  customRoutes: RouteEntry[];
  adminSettings: AdminSettingEntry[];
  adminSections: AdminSectionEntry[];
  adminPages: AdminPageEntry[];
  slashCommandHooks: HookEntry[];
};

/** Props of a `registerPostTypeComponent` component. */
export type PostTypeProps = { post: Post; isRHS: boolean; compactDisplay: boolean };

/** Props of a `registerAdminConsoleCustomSetting` component (the subset of Mattermost's that applies). */
export type CustomSettingProps = {
  id: string;
  label: string;
  helpText: ReactNode;
  value: unknown;
  disabled: boolean;
  setByEnv: boolean;
  config: Record<string, unknown>;
  onChange: (id: string, value: unknown) => void;
  setSaveNeeded: () => void;
};

/** Props of a `registerAdminConsolePage` component. */
export type AdminPageProps = {
  pluginId: string;
  manifest: unknown;
  /** Current stored settings of the plugin (keys as in settings_schema). */
  settings: Record<string, unknown>;
  /** Saves settings through the host's config API; rejects with the server's message when invalid. */
  saveSettings: (settings: Record<string, unknown>) => Promise<void>;
};

export type PluginInstance = {
  initialize?: (registry: unknown, store: unknown) => void | Promise<void>;
  uninitialize?: () => void;
  deinitialize?: () => void;
};

export function emptyPluginsState(): PluginsState {
  return {
    manifests: [],
    status: {},
    components: { Root: [], Global: [], SidebarChannelLinkLabel: [], ChannelToast: [] },
    channelHeaderButtons: [],
    callButtons: [],
    channelHeaderMenu: [],
    postTypes: [],
    needsTeamRoutes: [],
    customRoutes: [],
    adminSettings: [],
    adminSections: [],
    adminPages: [],
    slashCommandHooks: [],
  };
}
