// A mutex shared by every plugin process using the same database (HA, or a restarted process while its
// predecessor's lock is still held), built like the reference's cluster.Mutex on the plugin KV store: an
// atomic "set if absent" with an expiry takes it, a compare-and-set from [1] to [1] refreshes the expiry
// while held, a compare-and-delete releases it. A holder that dies releases it by expiry (TTL).
import type { KVSetOptions } from '@calls-ts/host/plugin-rpc';
import type { MutexMetrics } from '../metrics/metrics.js';

/** The part of the PluginAPI the mutex needs. */
export interface MutexKV {
  kvSetWithOptions(key: string, value: Uint8Array | string | null, options: KVSetOptions): Promise<boolean>;
}

export interface MutexOptions {
  /** Expiry of the KV key; a crashed holder blocks others at most this long. Default 10 s. */
  ttlMs?: number;
  /** How often the holder pushes the expiry forward. Default 5 s. */
  refreshIntervalMs?: number;
  /** First retry delay; retry n waits n × this (capped at 1 s) plus jitter. Default 500 ms. */
  pollIntervalMs?: number;
  /** `group` label of the mutex metrics. Default: the KV key (`mutex_<name>`). */
  metricsGroup?: string;
}

export class MutexTimeoutError extends Error {
  constructor(key: string, timeoutMs: number) {
    super(`timed out after ${timeoutMs} ms waiting for lock ${key}`);
    this.name = 'MutexTimeoutError';
  }
}

const LOCKED = new Uint8Array([1]);
const MAX_POLL_MS = 1000;

export interface Logger {
  warn(obj: object, msg: string): void;
}

/**
 * One named lock. Not reentrant, and one holder at a time per instance: `lock()` then `unlock()`.
 * Create one per critical section (they are cheap) or reuse one sequentially.
 */
export class ClusterMutex {
  readonly key: string;
  private readonly ttlSeconds: number;
  private readonly refreshMs: number;
  private readonly pollMs: number;
  private readonly group: string;
  private refreshTimer: NodeJS.Timeout | undefined;
  private lockedAt = 0;
  private held = false;

  constructor(
    private readonly kv: MutexKV,
    private readonly metrics: MutexMetrics,
    name: string,
    opts: MutexOptions = {},
    private readonly log?: Logger,
  ) {
    if (!/^[A-Za-z0-9_.-]{1,140}$/.test(name)) throw new Error(`invalid mutex name "${name}"`);
    this.key = `mutex_${name}`;
    this.ttlSeconds = Math.max(1, Math.ceil((opts.ttlMs ?? 10_000) / 1000));
    this.refreshMs = opts.refreshIntervalMs ?? 5000;
    this.pollMs = opts.pollIntervalMs ?? 500;
    this.group = opts.metricsGroup ?? this.key;
  }

  get isHeld(): boolean {
    return this.held;
  }

  /** Takes the lock, retrying until `timeoutMs`; rejects with MutexTimeoutError (or the KV's error). */
  async lock(timeoutMs = 10_000): Promise<void> {
    if (this.held) throw new Error(`mutex ${this.key} is already held by this instance`);
    const started = performance.now();
    const deadline = Date.now() + timeoutMs;
    for (let retries = 0; ; ) {
      if (await this.kv.kvSetWithOptions(this.key, LOCKED, { atomic: true, oldValue: null, expireInSeconds: this.ttlSeconds })) break;
      retries++;
      this.metrics.incRetries(this.group);
      const wait = Math.min(this.pollMs * retries, MAX_POLL_MS) + Math.random() * this.pollMs * 0.5;
      if (Date.now() + wait > deadline) throw new MutexTimeoutError(this.key, timeoutMs);
      await new Promise((r) => setTimeout(r, wait));
    }
    this.held = true;
    this.lockedAt = performance.now();
    this.metrics.observeGrab(this.group, (this.lockedAt - started) / 1000);
    this.refreshTimer = setInterval(() => void this.refresh(), this.refreshMs);
    this.refreshTimer.unref();
  }

  private async refresh(): Promise<void> {
    if (!this.held) return;
    try {
      const ok = await this.kv.kvSetWithOptions(this.key, LOCKED, { atomic: true, oldValue: LOCKED, expireInSeconds: this.ttlSeconds });
      if (!ok) this.log?.warn({ key: this.key }, 'cluster mutex expired while held (refresh failed)');
    } catch (err) {
      this.log?.warn({ key: this.key, err: (err as Error).message }, 'cluster mutex refresh failed');
    }
  }

  /** Releases the lock. Never throws: the key expires by itself if the delete cannot be made. */
  async unlock(): Promise<void> {
    if (!this.held) return;
    this.held = false;
    clearInterval(this.refreshTimer);
    this.metrics.observeLocked(this.group, (performance.now() - this.lockedAt) / 1000);
    try {
      await this.kv.kvSetWithOptions(this.key, null, { atomic: true, oldValue: LOCKED });
    } catch (err) {
      this.log?.warn({ key: this.key, err: (err as Error).message }, 'cluster mutex release failed; it will expire');
    }
  }
}

/** Builds mutexes on one KV and metrics: what the call logic and the rtcd client are given. */
export type ClusterMutexFactory = (name: string, opts?: MutexOptions) => ClusterMutex;

export function clusterMutexFactory(kv: MutexKV, metrics: MutexMetrics, log?: Logger): ClusterMutexFactory {
  return (name, opts) => new ClusterMutex(kv, metrics, name, opts, log);
}
