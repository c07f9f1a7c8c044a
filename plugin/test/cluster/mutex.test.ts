// The cluster mutex and the per-call lock on the host's real KV store (the table every plugin process of an
// installation shares): exclusion, retries counted, timeout, expiry of a dead holder, refresh while held,
// release, and the call lock's local queue.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { KVSetOptions } from '@calls-ts/host/plugin-rpc';
import { openStore as openHostStore, type Store as HostStore } from '../../../host/src/store/index.js';
import { CallLocks } from '../../src/cluster/call-lock.js';
import { ClusterMutex, MutexTimeoutError, clusterMutexFactory, type MutexKV } from '../../src/cluster/mutex.js';
import { PluginMetrics } from '../../src/metrics/metrics.js';

const PLUGIN = 'com.mattermost.calls';

async function value(metrics: PluginMetrics, family: 'mutexRetries' | 'mutexGrabTime', group: string): Promise<number> {
  const { values } = await metrics[family].get();
  return values
    .filter((v) => v.labels.group === group && (family === 'mutexRetries' || (v as { metricName?: string }).metricName?.endsWith('_count')))
    .reduce((n, v) => n + v.value, 0);
}

describe('cluster mutex on the host KV store', () => {
  let dir: string;
  let host: HostStore;
  let kv: MutexKV;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'calls-mutex-'));
    host = await openHostStore({ driver: 'sqlite', dataSource: join(dir, 'kv.sqlite') });
    kv = {
      kvSetWithOptions: (key: string, v: Uint8Array | string | null, o: KVSetOptions) =>
        host.kv.setWithOptions(
          PLUGIN, key, typeof v === 'string' ? new TextEncoder().encode(v) : v,
          { atomic: !!o.atomic, oldValue: typeof o.oldValue === 'string' ? new TextEncoder().encode(o.oldValue) : (o.oldValue ?? null), expireInSeconds: o.expireInSeconds ?? 0 },
          Date.now(),
        ),
    };
  });
  after(async () => {
    await host.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('one holder at a time; waiters retry (counted) and get it after unlock', async () => {
    const metrics = new PluginMetrics();
    const first = new ClusterMutex(kv, metrics, 'exclusive', { pollIntervalMs: 20 });
    const second = new ClusterMutex(kv, metrics, 'exclusive', { pollIntervalMs: 20 });
    await first.lock();
    let got = false;
    const waiting = second.lock(5000).then(() => (got = true));
    await new Promise((r) => setTimeout(r, 150));
    assert.equal(got, false, 'the second waits');
    assert.ok((await value(metrics, 'mutexRetries', 'mutex_exclusive')) > 0);
    await first.unlock();
    await waiting;
    assert.equal(second.isHeld, true);
    await second.unlock();
    assert.equal(await value(metrics, 'mutexGrabTime', 'mutex_exclusive'), 2);
    assert.equal(await host.kv.get(PLUGIN, 'mutex_exclusive', Date.now()), null, 'released: the key is gone');
  });

  it('times out with a clear error', async () => {
    const metrics = new PluginMetrics();
    const holder = new ClusterMutex(kv, metrics, 'busy', { pollIntervalMs: 20 });
    await holder.lock();
    await assert.rejects(new ClusterMutex(kv, metrics, 'busy', { pollIntervalMs: 20 }).lock(200), (e: Error) => e instanceof MutexTimeoutError && /mutex_busy/.test(e.message));
    await holder.unlock();
  });

  it('a holder that died stops blocking once the TTL passes; a live holder refreshes its TTL', async () => {
    const metrics = new PluginMetrics();
    const dead = new ClusterMutex(kv, metrics, 'ttl', { ttlMs: 1000, refreshIntervalMs: 60_000 });
    await dead.lock();
    // Never unlocked (its process "died"): the refresh timer would not run either.
    const next = new ClusterMutex(kv, metrics, 'ttl', { ttlMs: 1000, pollIntervalMs: 100 });
    await next.lock(5000);
    await next.unlock();

    const alive = new ClusterMutex(kv, metrics, 'kept', { ttlMs: 1000, refreshIntervalMs: 300 });
    await alive.lock();
    await new Promise((r) => setTimeout(r, 1800));
    await assert.rejects(new ClusterMutex(kv, metrics, 'kept', { pollIntervalMs: 50 }).lock(300), MutexTimeoutError, 'still held after twice the TTL');
    await alive.unlock();
  });

  it('the call lock runs one operation per channel at a time, in order, and different channels in parallel', async () => {
    const locks = new CallLocks(clusterMutexFactory(kv, new PluginMetrics()));
    const order: string[] = [];
    const op = (ch: string, name: string, ms: number) =>
      locks.run(ch, async () => {
        order.push(`${name}+`);
        await new Promise((r) => setTimeout(r, ms));
        order.push(`${name}-`);
      });
    await Promise.all([op('c1', 'a', 60), op('c1', 'b', 10), op('c2', 'x', 10)]);
    assert.deepEqual(order.filter((e) => e.startsWith('a') || e.startsWith('b')), ['a+', 'a-', 'b+', 'b-']);
    assert.ok(order.indexOf('x-') < order.indexOf('a-'), 'another channel does not wait');
    assert.equal(locks.busy, 0, 'nothing left queued');
    await assert.rejects(locks.run('c1', async () => Promise.reject(new Error('boom'))), /boom/);
    await locks.run('c1', async () => undefined);
  });
});
