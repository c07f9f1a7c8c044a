// A minimal typed event emitter for browser classes (no Node `events` in the bundle).

type Listener = (...args: unknown[]) => void;

export class Emitter<Events extends Record<string, unknown[]>> {
  private readonly listeners = new Map<keyof Events, Set<Listener>>();

  on<E extends keyof Events>(event: E, fn: (...args: Events[E]) => void): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    const l = fn as unknown as Listener;
    set.add(l);
    return () => set.delete(l);
  }

  protected emit<E extends keyof Events>(event: E, ...args: Events[E]): void {
    for (const fn of [...(this.listeners.get(event) ?? [])]) {
      try {
        fn(...args);
      } catch (err) {
        console.error(`calls: ${String(event)} listener failed`, err);
      }
    }
  }

  removeAllListeners(): void {
    this.listeners.clear();
  }
}
