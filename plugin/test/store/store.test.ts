// The plugin store on SQLite and PostgreSQL, next to the host's own tables (as in production): migrations,
// calls / sessions / channel settings, one active call per channel, the statistics, and the op metrics.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { DBSettings } from '@calls-ts/host/plugin-rpc';
import { newId } from '@calls-ts/rtcd/rtc';
import { openStore as openHostStore, type ChannelRecord } from '../../../host/src/store/index.js';
import { createPgSchema } from '../../../host/test/helpers/pg.js';
import { PluginMetrics } from '../../src/metrics/metrics.js';
import { openStore, type Store, type Call, type CallSession } from '../../src/store/index.js';
import { emptyStats } from '../../src/store/types.js';

const DAY = 86_400_000;

function call(channelID: string, startAt: number, endAt: number, participants: string[] = [], stats = emptyStats()): Call {
  return {
    id: newId(), channel_id: channelID, start_at: startAt, end_at: endAt, create_at: startAt, delete_at: 0, title: 'T', post_id: newId(),
    thread_id: '', owner_id: participants[0] ?? newId(), participants, stats, props: { hosts: participants.slice(0, 1), participants: {} },
  };
}

function session(callID: string, userID: string, joinAt: number): CallSession {
  return { id: newId(), call_id: callID, user_id: userID, join_at: joinAt, unmuted: false, raised_hand: 0, video: false };
}

function channelRecord(type: ChannelRecord['type']): ChannelRecord {
  const now = Date.now();
  return {
    id: newId(), create_at: now, update_at: now, delete_at: 0, team_id: type === 'D' || type === 'G' ? '' : newId(), type, display_name: 'c',
    name: `c${newId().slice(0, 8)}`, header: '', purpose: '', last_post_at: 0, last_root_post_at: 0, total_msg_count: 0, creator_id: '',
  };
}

function suite(name: string, prepare: () => Promise<{ settings: DBSettings; cleanup: () => Promise<void> }>) {
  describe(`plugin store on ${name}`, () => {
    let settings: DBSettings;
    let cleanup: () => Promise<void>;
    let store: Store;
    let metrics: PluginMetrics;
    const channels: Record<string, ChannelRecord> = {};

    before(async () => {
      ({ settings, cleanup } = await prepare());
      const host = await openHostStore(settings);
      for (const t of ['O', 'P', 'D', 'G'] as const) {
        channels[t] = channelRecord(t);
        await host.channels.create(channels[t]!);
      }
      await host.close();
      metrics = new PluginMetrics();
      store = await openStore(settings, metrics);
    });
    after(async () => {
      await store?.close();
      await cleanup?.();
    });

    it('migrations are idempotent and run again safely from a second process', async () => {
      const again = await openStore(settings, new PluginMetrics());
      await again.close();
      const rows = await store.db.all<{ version: number }>('SELECT version FROM calls_migrations ORDER BY version');
      assert.deepEqual(rows.map((r) => Number(r.version)), [1, 2, 3, 4]);
    });

    it('calls round-trip with their JSON documents; one active call per channel', async () => {
      const c = call(channels.O!.id, Date.now(), 0, []);
      c.props.rtcd_host = '10.0.0.7';
      c.props.screen_sharing_session_id = 's1';
      await store.calls.createCall(c);
      assert.deepEqual(await store.calls.getActiveCallByChannelID(channels.O!.id), c);
      assert.equal(await store.calls.getCallActive(channels.O!.id), true);
      assert.equal(await store.calls.getRTCDHostForCall(c.id), '10.0.0.7');
      await assert.rejects(store.calls.createCall(call(channels.O!.id, Date.now(), 0)), 'a second active call in the channel');
      c.end_at = c.start_at + 60_000;
      c.participants = ['u1', 'u2', 'u3'];
      c.stats.has_used_screen_share = true;
      await store.calls.updateCall(c);
      assert.equal(await store.calls.getActiveCallByChannelID(channels.O!.id), undefined);
      assert.deepEqual((await store.calls.getCall(c.id))?.participants, ['u1', 'u2', 'u3']);
      assert.equal(await metricsValue(metrics, 'CreateCall'), 2);
    });

    it('sessions: create, update, list in join order, count, delete', async () => {
      const c = call(channels.P!.id, Date.now(), 0);
      await store.calls.createCall(c);
      const s1 = session(c.id, 'userA', 2000);
      const s2 = session(c.id, 'userB', 1000);
      await store.calls.createCallSession(s1);
      await store.calls.createCallSession(s2);
      s1.unmuted = true;
      s1.raised_hand = 1234;
      await store.calls.updateCallSession(s1);
      const all = await store.calls.getCallSessions(c.id);
      assert.deepEqual([...all.keys()], [s2.id, s1.id]);
      assert.deepEqual(all.get(s1.id), s1);
      assert.equal(await store.calls.getCallSessionsCount(c.id), 2);
      assert.equal(await store.calls.isUserInCall('userB', c.id), true);
      await store.calls.deleteCallSession(s2.id);
      assert.equal(await store.calls.getCallSession(s2.id), undefined);
      await store.calls.deleteCallsSessions(c.id);
      assert.equal(await store.calls.getCallSessionsCount(c.id), 0);
      assert.equal(await store.stats.getTotalActiveSessions(), 0);
      c.end_at = c.start_at + 30_000;
      c.participants = ['userA', 'userB'];
      await store.calls.updateCall(c);
    });

    it('per-channel settings', async () => {
      await store.calls.createCallsChannel({ channel_id: channels.G!.id, enabled: true, props: null });
      assert.deepEqual(await store.calls.getCallsChannel(channels.G!.id), { channel_id: channels.G!.id, enabled: true, props: null });
      await store.calls.updateCallsChannel({ channel_id: channels.G!.id, enabled: false, props: { a: 1 } });
      assert.deepEqual(await store.calls.getAllCallsChannels(), [{ channel_id: channels.G!.id, enabled: false, props: { a: 1 } }]);
      assert.equal(await store.calls.getCallsChannel(newId()), undefined);
    });

    it('statistics over ended calls, by day, month and channel type', async () => {
      const now = new Date();
      const video = { ...emptyStats(), has_used_video: true, video_duration: 90 };
      await store.calls.createCall(call(channels.D!.id, now.getTime() - 2 * DAY, now.getTime() - 2 * DAY + 120_000, ['a', 'b'], video));
      await store.calls.createCall(call(channels.G!.id, now.getTime() - 40 * DAY, now.getTime() - 40 * DAY + 30_000, ['a', 'b', 'c', 'd']));
      await store.calls.createCall(call(channels.D!.id, now.getTime() - 400 * DAY, now.getTime() - 400 * DAY + 10_000, ['a', 'b']));
      const active = call(channels.G!.id, now.getTime(), 0);
      await store.calls.createCall(active);
      await store.calls.createCallSession(session(active.id, 'x', now.getTime()));
      const s = await store.stats.getCallsStats(now);
      assert.equal(s.total_calls, 5);
      assert.equal(s.total_active_calls, 1);
      assert.equal(s.total_active_sessions, 1);
      assert.deepEqual(s.calls_by_channel_type, { O: 1, P: 1, D: 2, G: 1 });
      assert.equal(s.avg_participants, Math.round((3 + 2 + 2 + 4 + 2) / 5));
      assert.equal(s.avg_duration, Math.round((60 + 30 + 120 + 30 + 10) / 5));
      assert.equal(s.total_video_calls, 1);
      assert.equal(s.total_video_duration, 90);
      assert.equal(s.avg_video_duration, 90);
      assert.equal(s.total_screen_share_calls, 1);
      const day = (ms: number) => new Date(ms).toISOString().slice(0, 10);
      assert.equal(s.calls_by_day[day(now.getTime())], 2);
      assert.equal(s.calls_by_day[day(now.getTime() - 2 * DAY)], 1);
      assert.equal(Object.keys(s.calls_by_day).length, 2, '40 and 400 days ago are outside the 30 days');
      assert.equal(Object.values(s.calls_by_month).reduce((a, b) => a + b, 0), 4, 'the call 400 days ago is outside the 12 months');
      assert.deepEqual(s.recording_jobs_by_day, {});
      assert.equal(await metricsValue(metrics, 'GetCallsStats'), 1);
      assert.equal(await metricsValue(metrics, 'GetCallsByDay'), 1);
    });
  });
}

async function metricsValue(metrics: PluginMetrics, type: string): Promise<number> {
  const { values } = await metrics.storeOps.get();
  return values.find((v) => v.labels.type === type)?.value ?? 0;
}

suite('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'calls-store-'));
  return { settings: { driver: 'sqlite', dataSource: join(dir, 'db.sqlite') }, cleanup: async () => rmSync(dir, { recursive: true, force: true }) };
});

suite('PostgreSQL', async () => {
  const pg = await createPgSchema('calls_plugin_test');
  return { settings: { driver: 'postgres', dataSource: pg.dsn }, cleanup: pg.drop };
});
