// React bindings for the store: the shell's components read state through `useSelector`.
import { createContext, useContext, useSyncExternalStore } from 'react';
import type { Session } from '../app/session.js';
import type { GlobalState } from './state.js';

export const SessionContext = createContext<Session | null>(null);

export function useSession(): Session {
  const s = useContext(SessionContext);
  if (!s) throw new Error('useSession outside of <SessionContext.Provider>');
  return s;
}

/** Re-renders when the selected value changes (by identity); selectors must return stable values. */
export function useSelector<T>(selector: (state: GlobalState) => T): T {
  const { store } = useSession();
  return useSyncExternalStore(store.subscribe, () => selector(store.getState()));
}
