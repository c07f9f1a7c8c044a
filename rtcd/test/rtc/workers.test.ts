// Media workers: calls spread over the worker threads (each call pinned to one), and a worker crash that
// closes only that worker's sessions, is counted, undoes its gauges, and is replaced, while the other
// worker's calls go on.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SessionCloseReason } from '@calls-ts/rtcd/rtc';
import type { CallsTestClient } from '../helpers/calls-client.js';
import { LEVELS } from '../helpers/media-sources.js';
import { metricValue } from '../helpers/metrics-reader.js';
import { startTestSfu, type TestSfu } from '../helpers/server-link.js';
import { waitFor } from '../helpers/wait.js';

const G = { group_id: 'default' };

describe('media workers', () => {
  let sfu: TestSfu;
  const callWorker = new Map<string, number>();
  const sessionWorker = new Map<string, number>();
  const closed = new Map<string, SessionCloseReason>();
  const workerEvents: { event: string; worker: number; crashed?: boolean }[] = [];
  const calls = new Map<string, [CallsTestClient, CallsTestClient]>();
  const m = (name: string, labels: Record<string, string> = {}): Promise<number> => metricValue(sfu.registry, name, labels);

  /** A call of two: the first talks, the second listens. */
  async function startCall(callID: string): Promise<[CallsTestClient, CallsTestClient]> {
    const talker = await sfu.link.join({ callID });
    const listener = await sfu.link.join({ callID });
    await waitFor(`${callID} connected`, () => talker.dcOpen && listener.dcOpen);
    await talker.unmute(LEVELS.speech);
    await waitFor(`${callID} media flows`, () => listener.received.packets(talker.sessionID, 'voice') >= 10);
    calls.set(callID, [talker, listener]);
    return [talker, listener];
  }

  before(async () => {
    sfu = await startTestSfu({ config: { mediaWorkers: 2 } });
    const o = sfu.server.observer;
    o.on('newcall', (e) => callWorker.set(e.callID, e.worker));
    o.on('newsession', (e) => sessionWorker.set(e.cfg.sessionID, e.worker));
    o.on('newworker', (e) => workerEvents.push({ event: 'newworker', worker: e.worker }));
    o.on('workerclose', (e) => workerEvents.push({ event: 'workerclose', worker: e.worker, crashed: e.crashed }));
    sfu.server.on('sessionClosed', (cfg, reason) => closed.set(cfg.sessionID, reason));
  });

  after(async () => {
    await sfu?.close();
  });

  it('pins each call to one worker and spreads calls over both', async () => {
    assert.equal(sfu.server.workerCount, 2);
    for (const id of ['c1', 'c2', 'c3', 'c4']) await startCall(id);
    const used = new Set(callWorker.values());
    assert.deepEqual([...used].sort(), [0, 1], 'both workers host calls');
    for (const [callID, [x, y]] of calls) {
      assert.equal(sessionWorker.get(x.sessionID), callWorker.get(callID));
      assert.equal(sessionWorker.get(y.sessionID), callWorker.get(callID));
    }
    assert.deepEqual(sfu.server.workerLoad, [4, 4]);
    assert.equal(await m('rtcd_rtc_sessions_total', G), 8);
    assert.equal(await m('rtcd_rtc_calls_total', G), 4);
    assert.equal(await m('rtcd_rtc_rtp_tracks_total', { ...G, direction: 'in' }), 4);
  });

  it('a worker crash closes only its sessions, is counted, and the other worker carries on', async () => {
    const victim = callWorker.get('c1')!;
    const lostCalls = [...callWorker].filter(([, w]) => w === victim).map(([id]) => id);
    const keptCalls = [...callWorker].filter(([, w]) => w !== victim).map(([id]) => id);
    const lost = lostCalls.flatMap((id) => calls.get(id)!);
    const kept = keptCalls.flatMap((id) => calls.get(id)!);

    sfu.server.debugCrashWorker(victim);
    await waitFor('the crashed worker sessions are closed', () => lost.every((c) => closed.get(c.sessionID) === 'worker_crash'));
    assert.ok(kept.every((c) => !closed.has(c.sessionID)), 'sessions on the other worker stay');
    assert.equal(await m('rtcd_rtc_errors_total', { ...G, type: 'worker_crash' }), lost.length);
    assert.equal(await m('rtcd_rtc_sessions_total', G), kept.length);
    assert.equal(await m('rtcd_rtc_calls_total', G), keptCalls.length);
    assert.equal(await m('rtcd_rtc_rtp_tracks_total', { ...G, direction: 'in' }), keptCalls.length);
    assert.equal(await m('rtcd_rtc_rtp_tracks_total', { ...G, direction: 'out' }), keptCalls.length);
    assert.equal(sfu.server.sessionCount, kept.length);
    assert.ok(workerEvents.some((e) => e.event === 'workerclose' && e.worker === victim && e.crashed));

    for (const id of keptCalls) {
      const [talker, listener] = calls.get(id)!;
      const n = listener.received.packets(talker.sessionID, 'voice');
      await waitFor(`${id} still flows`, () => listener.received.packets(talker.sessionID, 'voice') >= n + 10);
    }
    for (const c of lost) await sfu.link.leave(c);
  });

  it('the crashed worker is replaced and takes new calls', async () => {
    const victim = callWorker.get('c1')!;
    const crashAt = workerEvents.findIndex((e) => e.event === 'workerclose' && e.worker === victim);
    await waitFor('replacement worker', () => workerEvents.slice(crashAt).some((e) => e.event === 'newworker' && e.worker === victim));
    await startCall('c5');
    assert.equal(callWorker.get('c5'), victim, 'the least loaded (new) worker gets the new call');
    assert.equal(await m('rtcd_rtc_calls_total', G), 3);
  });

  it('closing everything brings the gauges back to zero', async () => {
    for (const [x, y] of calls.values()) {
      await sfu.link.leave(x);
      await sfu.link.leave(y);
    }
    await waitFor('no sessions', () => sfu.server.sessionCount === 0);
    assert.equal(await m('rtcd_rtc_sessions_total', G), 0);
    assert.equal(await m('rtcd_rtc_calls_total', G), 0);
    assert.equal(await m('rtcd_rtc_rtp_tracks_total', G), 0);
    assert.deepEqual(sfu.server.workerLoad, [0, 0]);
  });
});
