// Waiting for conditions in media tests. Deadlines are generous (a loaded 2-core machine runs many suites at
// once); nothing asserts how long something took.

export const DEFAULT_DEADLINE_MS = 20_000;

/** Polls `check` until it returns a truthy value (returned) or throws after `timeoutMs` with `what`. */
export async function waitFor<T>(what: string, check: () => T | Promise<T>, timeoutMs = DEFAULT_DEADLINE_MS, intervalMs = 50): Promise<NonNullable<T>> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const v = await check();
      if (v) return v as NonNullable<T>;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) {
      throw new Error(`timed out waiting for ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    }
    await sleep(intervalMs);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}

/** Resolves with the first event `name` of `emitter` whose arguments satisfy `pred`. */
export function nextEvent<A extends unknown[]>(
  emitter: { on(name: string, fn: (...args: A) => void): unknown; off(name: string, fn: (...args: A) => void): unknown },
  name: string,
  pred: (...args: A) => boolean = () => true,
  timeoutMs = DEFAULT_DEADLINE_MS,
): Promise<A> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      emitter.off(name, fn);
      reject(new Error(`timed out waiting for event ${name}`));
    }, timeoutMs);
    const fn = (...args: A): void => {
      if (!pred(...args)) return;
      clearTimeout(timer);
      emitter.off(name, fn);
      resolve(args);
    };
    emitter.on(name, fn);
  });
}
