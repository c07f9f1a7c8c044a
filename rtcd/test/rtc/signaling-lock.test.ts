// The per-session signaling lock and the PLI limiter (units).
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { SignalingLock } from '../../src/rtc/signaling/signaling-lock.js';
import { PliLimiter } from '../../src/rtc/forward/pli-limiter.js';
import { sleep, waitFor } from '../helpers/wait.js';

describe('SignalingLock', () => {
  it('gives the lock to one holder; the client only tries, the server waits', async () => {
    const lock = new SignalingLock();
    assert.equal(lock.tryAcquire('client'), true);
    assert.equal(lock.tryAcquire('client'), false);
    assert.equal(lock.owner, 'client');
    const server = lock.acquire('server', 5000);
    assert.equal(lock.release('server'), undefined, 'the server cannot release the client lock');
    assert.ok((lock.release('client') ?? -1) >= 0);
    assert.equal(await server, true);
    assert.equal(lock.owner, 'server');
    assert.equal(lock.tryAcquire('client'), false);
    lock.release('server');
    assert.equal(lock.owner, undefined);
  });

  it('times out a waiting server and resolves waiters on close', async () => {
    const lock = new SignalingLock();
    lock.tryAcquire('client');
    assert.equal(await lock.acquire('server', 30), false);
    const pending = lock.acquire('server', 5000);
    lock.close();
    assert.equal(await pending, false);
    assert.equal(lock.tryAcquire('client'), false, 'a closed lock is never granted');
  });
});

describe('PliLimiter', () => {
  it('sends at most one PLI per SSRC per interval and one trailing request', async () => {
    const sent: number[] = [];
    const limiter = new PliLimiter((ssrc) => sent.push(ssrc), 100);
    assert.equal(limiter.request(1), true);
    assert.equal(limiter.request(1), false);
    assert.equal(limiter.request(1), false);
    assert.equal(limiter.request(2), true, 'other SSRCs are independent');
    assert.deepEqual(sent, [1, 2]);
    await waitFor('the trailing PLI', () => sent.length === 3);
    await sleep(250);
    assert.deepEqual(sent, [1, 2, 1], 'the deferred requests collapse into one trailing PLI');
    limiter.close();
  });

  it('forget() drops a pending request', async () => {
    const sent: number[] = [];
    const limiter = new PliLimiter((ssrc) => sent.push(ssrc), 50);
    limiter.request(5);
    limiter.request(5);
    limiter.forget(5);
    await sleep(200);
    assert.deepEqual(sent, [5]);
    limiter.close();
  });
});
