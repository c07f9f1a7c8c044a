// The plugin process is killed in the middle of a call: the host restarts it, and activation reconciles the
// call state (embedded media died with the process: the call is ended, clients told, the post updated) so
// that nothing stays stuck and a new call can start.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Channel } from '@mattermost/types/channels';
import { waitFor } from '../../../rtcd/test/helpers/wait.js';
import { connect, startWorld, type CallWorld } from '../helpers/call-suites.js';
import type { CallsClient } from '../helpers/calls-client.js';
import { metricValue, type TestUser } from '../helpers/harness.js';
import { embeddedMode } from '../helpers/media-modes.js';

describe('plugin process killed mid-call (embedded media)', () => {
  let w: CallWorld;
  let admin: TestUser, alice: TestUser, bob: TestUser;
  let channel: Channel;
  let a: CallsClient, b: CallsClient;

  before(async () => {
    w = await startWorld(embeddedMode);
    admin = await w.host.user('calladmin');
    [alice, bob] = [await w.host.user('alice'), await w.host.user('bob')];
    channel = await w.host.channel(alice, [bob]);
    [a, b] = [await connect(w, alice, channel), await connect(w, bob, channel)];
    await a.join();
    await b.join();
    await a.unmute();
  });
  after(() => w?.close());

  it('the host restarts the plugin and the orphaned call is ended: call_end, post updated, not active', async () => {
    const postID = a.received('call_start')[0]!.data.post_id as string;
    const [pid] = w.host.pluginPids();
    assert.ok(pid, 'the plugin runs as a child process');
    process.kill(pid, 'SIGKILL');

    for (const x of [a, b]) {
      const ev = await x.waitFor('call_end', () => true, 30_000);
      assert.equal(ev.broadcast.channel_id, channel.id);
    }
    await w.host.pluginRunning();
    const [newPid] = w.host.pluginPids();
    assert.ok(newPid && newPid !== pid, 'a new plugin process');
    assert.deepEqual((await w.host.request(alice, 'GET', `/calls/${channel.id}/active`)).body, { active: false });
    const post = await alice.client.getPost(postID);
    assert.equal(post.message, 'Call ended');
    assert.deepEqual([...(post.props.participants as string[])].sort(), [alice.user.id, bob.user.id].sort());
    const stats = (await w.host.request(admin, 'GET', '/stats')).body;
    assert.equal(stats.total_active_calls, 0);
    assert.equal(stats.total_active_sessions, 0);
    assert.equal(stats.total_calls, 1);
  });

  it('a new call starts in the same channel after the restart', async () => {
    const a2 = await connect(w, alice, channel);
    await a2.join();
    const start = await a2.waitFor('call_start');
    assert.notEqual(start.data.id, a.received('call_start')[0]!.data.id);
    const metrics = await waitFor('the new process counts one live session', async () => {
      const m = await w.host.scrape();
      return metricValue(m, 'mattermost_plugin_calls_rtc_sessions_total', { group_id: 'default' }) === 1 ? m : undefined;
    });
    assert.equal(metricValue(metrics, 'mattermost_plugin_calls_websocket_connections_total'), 1);
    const restarts = await fetch(`${w.host.host.metricsUrl}/metrics`).then((r) => r.text());
    assert.equal(metricValue(restarts, 'mattermost_plugin_restarts_total', { plugin_id: 'com.mattermost.calls' }), 1);
    a2.leave();
    await w.host.callOver(channel.id);
  });
});

