// The object a plugin's `initialize(registry, store)` receives: Mattermost's PluginRegistry method names
// and semantics (positional or single-object arguments, ids returned, unregister where Mattermost has one),
// limited to what a calls UI needs, plus `registerAdminConsolePage` (see host/web/README.md).
import { createElement, isValidElement, type ReactNode } from 'react';
import type { Store, Reducer } from '../store/store.js';
import type { PluginRegistration } from '../store/actions.js';
import type { WebSocketMessage } from '../api/socket.js';
import type { AnyComponent, ChannelAction, ComponentSlot, SlashCommandHook } from './types.js';

/** What the registry needs from the plugin host (kept narrow so the registry stays testable). */
export interface RegistryBackend {
  setWebSocketHandler(pluginId: string, event: string, handler: ((msg: WebSocketMessage) => void) | null): void;
  setReconnectHandler(pluginId: string, handler: (() => void) | null): void;
}

let nextId = 1;
// Ids only need to be unique within the page; crypto.randomUUID is missing outside secure contexts.
function generateId(pluginId: string): string {
  return `${pluginId}_${(nextId++).toString(36)}_${Math.floor(Math.random() * 1e9).toString(36)}`;
}

function isPlainObject(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !isValidElement(v) && Object.getPrototypeOf(v) === Object.prototype;
}

// Mattermost's registry accepts `fn(a, b)` and `fn({a, b})`; plugin code uses both.
function args<T extends Record<string, unknown>>(names: (keyof T & string)[], given: unknown[]): T {
  if (given.length === 1 && isPlainObject(given[0]) && names.some((n) => n in (given[0] as object))) {
    return given[0] as T;
  }
  const out: Record<string, unknown> = {};
  names.forEach((n, i) => (out[n] = given[i]));
  return out as T;
}

function isComponentType(v: unknown): boolean {
  if (typeof v === 'function') return true;
  // memo / forwardRef / lazy components are objects carrying a $$typeof tag.
  return typeof v === 'object' && v !== null && '$$typeof' in v && !isValidElement(v);
}

/** A component given where an element is expected is rendered with no props, as Mattermost does. */
function resolveElement(v: unknown): ReactNode {
  if (isComponentType(v)) return createElement(v as AnyComponent);
  return v as ReactNode;
}

function requireComponent(method: string, v: unknown): AnyComponent {
  if (!isComponentType(v)) throw new TypeError(`${method}: expected a React component`);
  return v as AnyComponent;
}

function requireFunction<F>(method: string, what: string, v: unknown): F {
  if (typeof v !== 'function') throw new TypeError(`${method}: ${what} must be a function`);
  return v as F;
}

function standardizeRoute(route: unknown): string {
  if (typeof route !== 'string') throw new TypeError('route must be a string');
  return route.trim().replace(/^\/+/, '').replace(/\/+$/, '');
}

export class PluginRegistry {
  readonly id: string;
  private readonly store: Store;
  private readonly backend: RegistryBackend;

  constructor(pluginId: string, store: Store, backend: RegistryBackend) {
    this.id = pluginId;
    this.store = store;
    this.backend = backend;
  }

  private add(registration: PluginRegistration): void {
    this.store.dispatch({ type: 'RECEIVED_PLUGIN_COMPONENT', registration });
  }

  private component(name: ComponentSlot, method: string, given: unknown[]): string {
    const { component } = args<{ component: unknown }>(['component'], given);
    const id = generateId(this.id);
    this.add({ slot: 'component', name, entry: { id, pluginId: this.id, component: requireComponent(method, component) } });
    return id;
  }

  /** A component rendered once at the root of the logged-in team view (channels, plugin routes). */
  registerRootComponent = (...a: unknown[]): string => this.component('Root', 'registerRootComponent', a);

  /** A component rendered once everywhere the user is logged in (including the System Console). */
  registerGlobalComponent = (...a: unknown[]): string => this.component('Global', 'registerGlobalComponent', a);

  /** Rendered after each channel's name in the sidebar, with props `{channel}`. */
  registerSidebarChannelLinkLabelComponent = (...a: unknown[]): string =>
    this.component('SidebarChannelLinkLabel', 'registerSidebarChannelLinkLabelComponent', a);

  /** Rendered over the top of the current channel's post list (no props; read the store). */
  registerChannelToastComponent = (...a: unknown[]): string =>
    this.component('ChannelToast', 'registerChannelToastComponent', a);

  registerChannelHeaderButtonAction = (...a: unknown[]): string => {
    const { icon, action, dropdownText, tooltipText } = args<{
      icon: unknown;
      action: unknown;
      dropdownText: unknown;
      tooltipText: unknown;
    }>(['icon', 'action', 'dropdownText', 'tooltipText'], a);
    const id = generateId(this.id);
    this.add({
      slot: 'channelHeaderButtons',
      entry: {
        id,
        pluginId: this.id,
        icon: resolveElement(icon),
        action: requireFunction<ChannelAction>('registerChannelHeaderButtonAction', 'action', action),
        dropdownText: resolveElement(dropdownText),
        tooltipText: resolveElement(tooltipText),
      },
    });
    return id;
  };

  /** The call button of the channel header: `button` is rendered as is; a click calls `action(channel, member)`. */
  registerCallButtonAction = (...a: unknown[]): string => {
    const { button, dropdownButton, action } = args<{ button: unknown; dropdownButton: unknown; action: unknown }>(
      ['button', 'dropdownButton', 'action'],
      a,
    );
    const id = generateId(this.id);
    this.add({
      slot: 'callButtons',
      entry: {
        id,
        pluginId: this.id,
        button: resolveElement(button),
        dropdownButton: resolveElement(dropdownButton),
        action: requireFunction<ChannelAction>('registerCallButtonAction', 'action', action),
      },
    });
    return id;
  };

  /** An item of the channel-name menu in the header; `action(channelId)`. */
  registerChannelHeaderMenuAction = (...a: unknown[]): string => {
    const { text, action, shouldRender } = args<{ text: unknown; action: unknown; shouldRender: unknown }>(
      ['text', 'action', 'shouldRender'],
      a,
    );
    const id = generateId(this.id);
    this.add({
      slot: 'channelHeaderMenu',
      entry: {
        id,
        pluginId: this.id,
        text: resolveElement(text),
        action: requireFunction('registerChannelHeaderMenuAction', 'action', action),
        shouldRender: typeof shouldRender === 'function' ? (shouldRender as (s: unknown) => boolean) : () => true,
      },
    });
    return id;
  };

  /** Renders posts of `type` (e.g. `custom_calls`) with the component, props `{post, isRHS, compactDisplay}`. */
  registerPostTypeComponent = (...a: unknown[]): string => {
    const { type, component } = args<{ type: unknown; component: unknown }>(['type', 'component'], a);
    if (typeof type !== 'string' || !type) throw new TypeError('registerPostTypeComponent: type must be a string');
    const id = generateId(this.id);
    this.add({
      slot: 'postTypes',
      entry: { id, pluginId: this.id, type, component: requireComponent('registerPostTypeComponent', component) },
    });
    return id;
  };

  unregisterPostTypeComponent = (...a: unknown[]): void => {
    const { componentId } = args<{ componentId: unknown }>(['componentId'], a);
    if (typeof componentId === 'string') this.store.dispatch({ type: 'REMOVED_PLUGIN_COMPONENT', id: componentId });
  };

  /** A page at `/<team>/<pluginId>/<route>` inside the team layout (sidebar kept). */
  registerNeedsTeamRoute = (...a: unknown[]): string => this.route('needsTeamRoutes', 'registerNeedsTeamRoute', a);

  /** A full-page route at `/plug/<pluginId>/<route>`. */
  registerCustomRoute = (...a: unknown[]): string => this.route('customRoutes', 'registerCustomRoute', a);

  private route(slot: 'needsTeamRoutes' | 'customRoutes', method: string, a: unknown[]): string {
    const { route, component } = args<{ route: unknown; component: unknown }>(['route', 'component'], a);
    const id = generateId(this.id);
    const path = [this.id, standardizeRoute(route)].filter(Boolean).join('/');
    this.add({ slot, entry: { id, pluginId: this.id, route: path, component: requireComponent(method, component) } });
    return id;
  }

  /** Replaces the generated field of setting `key` in the plugin's settings page. */
  registerAdminConsoleCustomSetting = (...a: unknown[]): void => {
    const { key, component, options } = args<{ key: unknown; component: unknown; options: unknown }>(
      ['key', 'component', 'options'],
      a,
    );
    if (typeof key !== 'string' || !key) throw new TypeError('registerAdminConsoleCustomSetting: key must be a string');
    const showTitle = isPlainObject(options) && options.showTitle === true;
    this.add({
      slot: 'adminSettings',
      entry: { pluginId: this.id, key, component: requireComponent('registerAdminConsoleCustomSetting', component), showTitle },
    });
  };

  /** Replaces the rendering of a `settings_schema.sections` entry; props `{settingsList, sectionTitle, sectionDescription}`. */
  registerAdminConsoleCustomSection = (...a: unknown[]): void => {
    const { key, component } = args<{ key: unknown; component: unknown }>(['key', 'component'], a);
    if (typeof key !== 'string' || !key) throw new TypeError('registerAdminConsoleCustomSection: key must be a string');
    this.add({
      slot: 'adminSections',
      entry: { pluginId: this.id, key, component: requireComponent('registerAdminConsoleCustomSection', component) },
    });
  };

  /**
   * Shell extension: a System Console page owned by the plugin, listed under it in the console's menu, at
   * `/admin_console/plugins/plugin_<id>/<route>`. `route: ''` replaces the generated settings page.
   */
  registerAdminConsolePage = (...a: unknown[]): string => {
    const { route, title, component } = args<{ route: unknown; title: unknown; component: unknown }>(
      ['route', 'title', 'component'],
      a,
    );
    if (typeof title !== 'string' || !title) throw new TypeError('registerAdminConsolePage: title must be a string');
    const id = generateId(this.id);
    this.add({
      slot: 'adminPages',
      entry: {
        id,
        pluginId: this.id,
        route: standardizeRoute(route ?? ''),
        title,
        component: requireComponent('registerAdminConsolePage', component),
      },
    });
    return id;
  };

  /** One handler per event per plugin; registering again replaces it. Gets `{event, data, broadcast, seq}`. */
  registerWebSocketEventHandler = (...a: unknown[]): void => {
    const { event, handler } = args<{ event: unknown; handler: unknown }>(['event', 'handler'], a);
    if (typeof event !== 'string' || !event) throw new TypeError('registerWebSocketEventHandler: event must be a string');
    this.backend.setWebSocketHandler(this.id, event, requireFunction('registerWebSocketEventHandler', 'handler', handler));
  };

  unregisterWebSocketEventHandler = (...a: unknown[]): void => {
    const { event } = args<{ event: unknown }>(['event'], a);
    if (typeof event === 'string') this.backend.setWebSocketHandler(this.id, event, null);
  };

  /** Called after the shell's WebSocket reconnects (after its `hello`, so the new connection id is known). */
  registerReconnectHandler = (...a: unknown[]): void => {
    const { handler } = args<{ handler: unknown }>(['handler'], a);
    this.backend.setReconnectHandler(this.id, requireFunction('registerReconnectHandler', 'handler', handler));
  };

  unregisterReconnectHandler = (): void => {
    this.backend.setReconnectHandler(this.id, null);
  };

  /** `hook(message, args)` → `{message, args}` to go on, `{error: {message}}` to refuse, `{}` to swallow. */
  registerSlashCommandWillBePostedHook = (...a: unknown[]): string => {
    const { hook } = args<{ hook: unknown }>(['hook'], a);
    const id = generateId(this.id);
    this.add({
      slot: 'slashCommandHooks',
      entry: { id, pluginId: this.id, hook: requireFunction<SlashCommandHook>('registerSlashCommandWillBePostedHook', 'hook', hook) },
    });
    return id;
  };

  /** The reducer's state lives at `state['plugins-<pluginId>']`. */
  registerReducer = (...a: unknown[]): void => {
    const { reducer } = args<{ reducer: unknown }>(['reducer'], a);
    this.store.registerReducer(this.id, requireFunction<Reducer>('registerReducer', 'reducer', reducer));
  };

  /** Removes anything registered under that id (components, buttons, routes, hooks). */
  unregisterComponent = (...a: unknown[]): void => {
    const { componentId } = args<{ componentId: unknown }>(['componentId'], a);
    if (typeof componentId === 'string') this.store.dispatch({ type: 'REMOVED_PLUGIN_COMPONENT', id: componentId });
  };
}
