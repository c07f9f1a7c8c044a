// React hooks over the shell's store and the controller. Selectors must return stable values (the same
// object while nothing changed): they read straight from the state tree.
import { useEffect, useState, useSyncExternalStore } from 'react';
import type { UserProfile } from '@mattermost/types/users';
import { controller } from '../controller.js';
import { initialState } from '../state/reducer.js';
import type { CallsState } from '../state/types.js';
import type { ShellState } from '../shell.js';

const fallback = initialState();

export function useShell<T>(select: (s: ShellState) => T): T {
  const store = controller().store;
  return useSyncExternalStore(store.subscribe, () => select(store.getState()));
}

export function useCalls<T>(select: (s: CallsState) => T): T {
  return useShell((s) => select(s['plugins-com.mattermost.calls'] ?? fallback));
}

/** Re-renders when the call's media (streams) change. */
export function useMediaVersion(): number {
  const c = controller();
  return useSyncExternalStore(c.subscribeMedia, c.getMediaVersion);
}

/** The current time, refreshed every `ms` (live durations). */
export function useNow(ms = 1000): number {
  const [now, setNow] = useState(() => Date.now());
  useEffect(() => {
    const t = setInterval(() => setNow(Date.now()), ms);
    return () => clearInterval(t);
  }, [ms]);
  return now;
}

export function useProfile(userId: string): UserProfile | undefined {
  return useShell((s) => s.entities.users.profiles[userId]);
}

export function displayName(user: UserProfile | undefined, fallbackId = ''): string {
  if (!user) return fallbackId ? 'Someone' : '';
  return user.username;
}

export function useMe(): string {
  return useShell((s) => s.entities.users.currentUserId);
}

export function useIsAdmin(): boolean {
  return useShell((s) => {
    const me = s.entities.users.profiles[s.entities.users.currentUserId];
    return !!me?.roles?.split(' ').includes('system_admin');
  });
}

/** Closes a popover on a click outside all of `refs` (anchor, portalled menu) and on Escape. */
export function useDismiss(open: boolean, refs: { current: HTMLElement | null } | { current: HTMLElement | null }[], close: () => void): void {
  useEffect(() => {
    if (!open) return;
    const list = Array.isArray(refs) ? refs : [refs];
    const onDown = (e: PointerEvent) => {
      const t = e.target as Element | null;
      // Menus and dialogs portalled out of a popover belong to it.
      if (t?.closest?.('[data-calls-layer]')) return;
      if (!list.some((r) => r.current?.contains(t))) close();
    };
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Escape') close();
    };
    document.addEventListener('pointerdown', onDown, true);
    document.addEventListener('keydown', onKey);
    return () => {
      document.removeEventListener('pointerdown', onDown, true);
      document.removeEventListener('keydown', onKey);
    };
    // eslint-disable-next-line react-hooks/exhaustive-deps
  }, [open, close]);
}
