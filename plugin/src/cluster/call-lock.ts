// The per-call lock (`mutex_call_<channelID>`, the reference's lockCall): every change to a call's state
// happens under it. Operations of this process on the same channel queue locally first, so the cluster
// mutex is only contended by other processes and its retry counter means real contention.
import type { ClusterMutexFactory } from './mutex.js';

/** The reference's call-lock tuning: short TTL so a crashed holder frees calls quickly. */
const CALL_MUTEX = { ttlMs: 4000, refreshIntervalMs: 1000, pollIntervalMs: 50, metricsGroup: 'mutex_call' };
export const CALL_LOCK_TIMEOUT_MS = 10_000;

export class CallLocks {
  private readonly tails = new Map<string, Promise<void>>();

  constructor(private readonly mutexes: ClusterMutexFactory) {}

  /** Runs `fn` holding the channel's call lock (local queue, then the cluster mutex). */
  async run<T>(channelID: string, fn: () => Promise<T>): Promise<T> {
    const prev = this.tails.get(channelID) ?? Promise.resolve();
    let release!: () => void;
    const mine = new Promise<void>((resolve) => (release = resolve));
    const tail = prev.then(() => mine);
    this.tails.set(channelID, tail);
    try {
      await prev;
      const mutex = this.mutexes(`call_${channelID}`, CALL_MUTEX);
      await mutex.lock(CALL_LOCK_TIMEOUT_MS);
      try {
        return await fn();
      } finally {
        await mutex.unlock();
      }
    } finally {
      release();
      if (this.tails.get(channelID) === tail) this.tails.delete(channelID);
    }
  }

  /** Channels with operations queued or running (tests, shutdown). */
  get busy(): number {
    return this.tails.size;
  }
}
