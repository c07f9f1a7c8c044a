// A small observable store with redux's surface (getState / subscribe / dispatch, thunks), so Mattermost
// plugin code that expects a redux store works with it. Plugins add reducers with `registerReducer`; their
// state lives under `plugins-<pluginId>`.
import type { AnyAction } from './actions.js';
import { coreReducer } from './reducer.js';
import { initialState, type GlobalState } from './state.js';

export type Reducer<S = unknown> = (state: S | undefined, action: AnyAction) => S;
export type Thunk<R = unknown> = (dispatch: Dispatch, getState: () => GlobalState) => R;
export type Dispatch = <A extends AnyAction | Thunk>(action: A) => A extends Thunk<infer R> ? R : A;

export class Store {
  private state: GlobalState = initialState();
  private readonly listeners = new Set<() => void>();
  private readonly pluginReducers = new Map<string, Reducer>();
  private dispatching = false;
  /** Actions that a plugin reducer threw on; the action still applied to everyone else. */
  reducerErrors = 0;

  getState = (): GlobalState => this.state;

  subscribe = (listener: () => void): (() => void) => {
    this.listeners.add(listener);
    return () => {
      this.listeners.delete(listener);
    };
  };

  dispatch = ((action: AnyAction | Thunk) => {
    if (typeof action === 'function') return action(this.dispatch, this.getState);
    if (!action || typeof action.type !== 'string') throw new Error('store: actions need a string "type"');
    if (this.dispatching) throw new Error('store: reducers may not dispatch');
    this.dispatching = true;
    let next: GlobalState;
    try {
      next = this.reduce(this.state, action);
    } finally {
      this.dispatching = false;
    }
    if (next !== this.state) {
      this.state = next;
      for (const l of [...this.listeners]) {
        try {
          l();
        } catch (err) {
          console.error('store listener failed', err);
        }
      }
    }
    return action;
  }) as Dispatch;

  /** Adds (or replaces) the reducer of `plugins-<pluginId>` and initialises its state. */
  registerReducer(pluginId: string, reducer: Reducer): void {
    this.pluginReducers.set(`plugins-${pluginId}`, reducer);
    this.dispatch({ type: '@@shell/PLUGIN_REDUCER_ADDED', pluginId });
  }

  unregisterReducer(pluginId: string): void {
    this.pluginReducers.delete(`plugins-${pluginId}`);
  }

  private reduce(state: GlobalState, action: AnyAction): GlobalState {
    let next = coreReducer(state, action);
    for (const [key, reducer] of this.pluginReducers) {
      const k = key as `plugins-${string}`;
      const prev = next[k];
      let value: unknown;
      try {
        value = reducer(prev, action);
      } catch (err) {
        this.reducerErrors++;
        console.error(`reducer of ${key} failed on ${action.type}`, err);
        continue;
      }
      if (value !== prev) next = { ...next, [k]: value };
    }
    return next;
  }
}
