// The per-session signaling lock that serialises renegotiations between the server (adding/removing
// forwarded tracks) and the client (DC `Lock`/`Unlock` around its own offers), as the reference's dc.Lock:
// the server waits for it (≤ 5 s), the client only tries it and retries. We also remember the holder so a
// client cannot release the server's lock, and how long it has been held (for the locked-time histogram).

export type LockOwner = 'server' | 'client';

interface Waiter {
  owner: LockOwner;
  resolve: (acquired: boolean) => void;
  timer: ReturnType<typeof setTimeout>;
}

export class SignalingLock {
  private holder: LockOwner | undefined;
  private heldSince = 0;
  private readonly waiters: Waiter[] = [];
  private closed = false;

  get owner(): LockOwner | undefined {
    return this.holder;
  }

  /** Milliseconds the current holder has had the lock (0 when free). */
  heldForMs(now = performance.now()): number {
    return this.holder ? now - this.heldSince : 0;
  }

  tryAcquire(owner: LockOwner): boolean {
    if (this.closed || this.holder) return false;
    this.holder = owner;
    this.heldSince = performance.now();
    return true;
  }

  /** Waits up to `timeoutMs` for the lock; resolves false on timeout or close. */
  acquire(owner: LockOwner, timeoutMs: number): Promise<boolean> {
    if (this.tryAcquire(owner)) return Promise.resolve(true);
    if (this.closed) return Promise.resolve(false);
    return new Promise((resolve) => {
      const waiter: Waiter = {
        owner,
        resolve,
        timer: setTimeout(() => {
          const i = this.waiters.indexOf(waiter);
          if (i >= 0) this.waiters.splice(i, 1);
          resolve(false);
        }, timeoutMs),
      };
      this.waiters.push(waiter);
    });
  }

  /** Releases the lock if `owner` holds it; returns how long it was held (ms), or undefined if it did not. */
  release(owner: LockOwner): number | undefined {
    if (this.holder !== owner) return undefined;
    const held = performance.now() - this.heldSince;
    this.holder = undefined;
    const next = this.waiters.shift();
    if (next) {
      clearTimeout(next.timer);
      this.holder = next.owner;
      this.heldSince = performance.now();
      next.resolve(true);
    }
    return held;
  }

  close(): void {
    this.closed = true;
    this.holder = undefined;
    for (const w of this.waiters.splice(0)) {
      clearTimeout(w.timer);
      w.resolve(false);
    }
  }
}
