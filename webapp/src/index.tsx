// The Calls webapp bundle: registers with the host's web shell (window.registerPlugin) everything a user sees
// of Calls (host/web/README.md lists the registry). State lives in this plugin's reducer; the call itself
// in the controller's CallClient.
import { useEffect } from 'react';
import { CallsSettingsPage } from './admin/settings-page.js';
import { CallsStatsPage } from './admin/stats-page.js';
import { CallButton, ChannelToast, SidebarIndicator, onCallButton } from './components/channel.js';
import { ExpandedView } from './components/expanded.js';
import { CallsGlobal } from './components/notices.js';
import { CallPostCard } from './components/post-card.js';
import { CallsController, controller, setController } from './controller.js';
import { registerEventHandlers } from './events.js';
import type { Registry, Store } from './shell.js';
import { installShortcuts } from './shortcuts.js';
import { slashCommandHook } from './slash-commands.js';
import { reducer } from './state/reducer.js';
import { PLUGIN_ID } from './state/types.js';
import { injectStyles, removeStyles } from './ui/styles.js';
import { useCalls, useShell } from './ui/hooks.js';

/** `?join_call=true` (the `/call link` URL): join the channel's call once it is open. */
function JoinFromLink() {
  const channelId = useShell((s) => s.entities.channels.currentChannelId);
  const loaded = useCalls((s) => s.loaded && !!s.config);
  useEffect(() => {
    if (!channelId || !loaded || new URLSearchParams(window.location.search).get('join_call') !== 'true') return;
    const url = new URL(window.location.href);
    url.searchParams.delete('join_call');
    window.history.replaceState(window.history.state, '', url.pathname + url.search + url.hash);
    void controller().joinCall(channelId);
  }, [channelId, loaded]);
  return null;
}

function EnableCallsText() {
  const channelId = useShell((s) => s.entities.channels.currentChannelId);
  const enabled = useCalls((s) => s.enabled[channelId] ?? s.config?.DefaultEnabled ?? true);
  return <>{enabled ? 'Disable calls' : 'Enable calls'}</>;
}

/** Read-only view for tests and debugging: the peer connection (getStats) and the call state. */
function installDebugHook(): void {
  (window as unknown as { callsDebug: unknown }).callsDebug = {
    get pc() {
      return controller().client?.peer?.pc ?? null;
    },
    get dc() {
      return controller().client?.peer?.dc ?? null;
    },
    get lastRtt() {
      return controller().client?.peer?.lastRtt;
    },
    get mediaMap() {
      return { ...(controller().client?.peer?.mediaMap ?? {}) };
    },
    get errors() {
      return { ...(controller().client?.peer?.errors ?? {}) };
    },
    state() {
      const c = controller();
      const my = c.state.myCall;
      if (!my) return null;
      return structuredClone({ ...my, call: c.state.calls[my.channelId] ?? null });
    },
    store() {
      return structuredClone(controller().state);
    },
  };
}

class CallsPlugin {
  private cleanups: (() => void)[] = [];

  async initialize(registry: Registry, store: Store): Promise<void> {
    const c = new CallsController(store, window.shell);
    setController(c);
    injectStyles();
    registry.registerReducer(reducer);
    registerEventHandlers(registry, c);
    registry.registerCallButtonAction(CallButton, CallButton, onCallButton);
    registry.registerSidebarChannelLinkLabelComponent(SidebarIndicator);
    registry.registerChannelToastComponent(ChannelToast);
    registry.registerPostTypeComponent('custom_calls', CallPostCard);
    registry.registerGlobalComponent(CallsGlobal);
    registry.registerRootComponent(JoinFromLink);
    registry.registerNeedsTeamRoute('/expanded', ExpandedView);
    registry.registerChannelHeaderMenuAction(
      EnableCallsText,
      (channelId: string) => {
        const s = c.state;
        const enabled = s.enabled[channelId] ?? s.config?.DefaultEnabled ?? true;
        void c.setChannelEnabled(channelId, !enabled);
      },
      () => {
        const me = store.getState().entities.users.profiles[c.me];
        return !!c.state.config && (!!me?.roles?.split(' ').includes('system_admin') || !!c.state.config.DefaultEnabled);
      },
    );
    registry.registerSlashCommandWillBePostedHook(slashCommandHook(c));
    registry.registerAdminConsolePage('', 'Calls', CallsSettingsPage);
    registry.registerAdminConsolePage('stats', 'Calls statistics', CallsStatsPage);
    registry.registerReconnectHandler(() => {
      void c.loadCalls().catch((err: unknown) => console.warn('calls: reloading calls failed', err));
    });
    this.cleanups.push(installShortcuts(c));
    installDebugHook();
    // Config first (ringing, limits), then the calls of my channels; failures leave the UI usable.
    await c.loadConfig().catch((err: unknown) => console.warn('calls: config unavailable', err));
    await c.loadCalls().catch((err: unknown) => console.warn('calls: calls unavailable', err));
  }

  uninitialize(): void {
    try {
      controller().leaveCall();
    } catch {
      // not initialized
    }
    for (const fn of this.cleanups.splice(0)) fn();
    removeStyles();
    setController(undefined);
    delete (window as unknown as { callsDebug?: unknown }).callsDebug;
  }
}

window.registerPlugin(PLUGIN_ID, new CallsPlugin());
