// The browser has no Node `events` module, and @mattermost/calls-common's RTCPeer (unmodified) imports
// `EventEmitter` from it. The bundler maps `events` to this file: the EventEmitter methods RTCPeer and
// this page use (on, emit, removeAllListeners), with Node's semantics (listeners run synchronously, in
// registration order; an unhandled 'error' throws).
type Listener = (...args: any[]) => void;

export class EventEmitter {
  private readonly listeners = new Map<string | symbol, Listener[]>();

  on(event: string | symbol, listener: Listener): this {
    this.listeners.set(event, [...(this.listeners.get(event) ?? []), listener]);
    return this;
  }

  removeAllListeners(event?: string | symbol): this {
    if (event === undefined) this.listeners.clear();
    else this.listeners.delete(event);
    return this;
  }

  emit(event: string | symbol, ...args: unknown[]): boolean {
    const ls = this.listeners.get(event);
    if (!ls?.length) {
      // Node throws on an unhandled 'error' event; RTCPeer relies on callers listening for it.
      if (event === 'error') throw args[0] instanceof Error ? args[0] : new Error(String(args[0]));
      return false;
    }
    for (const l of [...ls]) l(...args);
    return true;
  }
}

export default { EventEmitter };
