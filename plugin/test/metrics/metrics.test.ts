// The plugin's metrics endpoint during a real call: every family of the contract present, values true to the
// call (sessions, tracks, packets, websocket links and events, store ops, client ICE pairs), `_total` gauges
// untyped, promtool clean, on both the host's metrics listener (ServeMetrics) and the public route.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import type { Channel } from '@mattermost/types/channels';
import { waitFor } from '../../../rtcd/test/helpers/wait.js';
import { connect, startWorld, type CallWorld } from '../helpers/call-suites.js';
import type { CallsClient } from '../helpers/calls-client.js';
import { metricValue, type TestUser } from '../helpers/harness.js';
import { embeddedMode } from '../helpers/media-modes.js';

const P = 'mattermost_plugin_calls';

const FAMILIES = [
  'process_cpu_seconds_total', 'process_open_fds', 'process_max_fds', 'process_resident_memory_bytes', 'process_virtual_memory_bytes',
  'process_start_time_seconds', 'nodejs_eventloop_lag_seconds', 'rtc_sessions_total', 'rtc_conn_states_total', 'rtc_errors_total',
  'rtc_rtp_tracks_total', 'rtc_rtp_tracks_writes_time', 'rtc_connection_time', 'rtc_dc_open_time', 'rtc_client_rtt', 'rtc_client_jitter',
  'rtc_client_loss_rate', 'rtc_rtp_packets_total', 'rtc_rtp_bytes_total', 'websocket_connections_total', 'websocket_events_total',
  'websocket_messages_dropped_total', 'cluster_mutex_grab_time', 'cluster_mutex_locked_time', 'cluster_mutex_lock_retries_total',
  'app_handlers_time', 'store_ops_total', 'store_methods_time', 'client_ice_candidate_pairs_total', 'daily_calls_total',
  'monthly_calls_total', 'calls_by_channel_type', 'aggregate_stats', 'api_requests_total',
].map((f) => `${P}_${f}`);

function promtool(text: string): string {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`.trim();
}

describe('metrics during a call (embedded media)', () => {
  let w: CallWorld;
  let alice: TestUser, bob: TestUser;
  let channel: Channel;
  let a: CallsClient, b: CallsClient;

  before(async () => {
    w = await startWorld(embeddedMode);
    await w.host.user('calladmin');
    [alice, bob] = [await w.host.user('alice'), await w.host.user('bob')];
    channel = await w.host.channel(alice, [bob]);
    [a, b] = [await connect(w, alice, channel), await connect(w, bob, channel)];
    await a.join();
    await b.join();
    await a.unmute();
    await b.startScreen();
    a.reportCandidatePair();
    b.reportCandidatePair({ state: 'succeeded', local: { type: 'srflx', protocol: 'udp' }, remote: { type: 'host', protocol: 'tcp' } });
    await waitFor('media both ways', () => b.peer!.received.packets(a.sessionID, 'voice') > 20 && a.peer!.received.packets(b.sessionID, 'screen') > 5);
  });
  after(() => w?.close());

  it('every family is served; values match the call; promtool finds nothing', async () => {
    const text = await waitFor('both candidate pairs counted', async () => {
      const t = await w.host.scrape();
      return metricValue(t, `${P}_client_ice_candidate_pairs_total`) === 2 ? t : undefined;
    });
    for (const f of FAMILIES) assert.match(text, new RegExp(`^# TYPE ${f} `, 'm'), f);
    assert.equal(promtool(text), '');
    for (const f of ['websocket_connections_total', 'rtc_sessions_total', 'rtc_rtp_tracks_total', 'daily_calls_total']) {
      assert.match(text, new RegExp(`^# TYPE ${P}_${f} untyped$`, 'm'));
    }
    assert.equal(metricValue(text, `${P}_rtc_sessions_total`, { group_id: 'default' }), 2);
    assert.equal(metricValue(text, `${P}_websocket_connections_total`), 2);
    assert.equal(metricValue(text, `${P}_rtc_rtp_tracks_total`, { direction: 'in', type: 'audio/opus' }), 1);
    assert.equal(metricValue(text, `${P}_rtc_rtp_tracks_total`, { direction: 'in', type: 'video/VP8' }), 1);
    assert.equal(metricValue(text, `${P}_rtc_rtp_tracks_total`, { direction: 'out', type: 'audio/opus' }), 1);
    assert.equal(metricValue(text, `${P}_rtc_rtp_tracks_total`, { direction: 'out', type: 'video/VP8' }), 1);
    assert.ok(metricValue(text, `${P}_rtc_rtp_packets_total`, { direction: 'out', type: 'voice' }) >= 20);
    assert.ok(metricValue(text, `${P}_rtc_conn_states_total`, { state: 'connected' }) >= 2);
    assert.equal(metricValue(text, `${P}_client_ice_candidate_pairs_total`, {
      state: 'succeeded', local_type: 'srflx', local_protocol: 'udp', remote_type: 'host', remote_protocol: 'tcp',
    }), 1);
    assert.equal(metricValue(text, `${P}_websocket_events_total`, { direction: 'in', type: 'metric' }), 2);
    assert.equal(metricValue(text, `${P}_websocket_events_total`, { direction: 'in', type: 'screen_on' }), 1);
    assert.equal(metricValue(text, `${P}_websocket_events_total`, { direction: 'out', type: 'user_screen_on' }), 1);
    assert.ok(metricValue(text, `${P}_websocket_events_total`, { direction: 'out', type: 'signal' }) >= 4);
    assert.ok(metricValue(text, `${P}_websocket_events_total`, { direction: 'in', type: 'sdp' }) >= 4);
    assert.equal(metricValue(text, `${P}_store_ops_total`, { type: 'CreateCall' }), 1);
    assert.equal(metricValue(text, `${P}_store_ops_total`, { type: 'CreateCallSession' }), 2);
    assert.equal(metricValue(text, `${P}_store_methods_time_count`, { method: 'CreateCallSession' }), 2);
    assert.equal(metricValue(text, `${P}_aggregate_stats`, { stat: 'total_active_calls' }), 1);
    assert.equal(metricValue(text, `${P}_aggregate_stats`, { stat: 'total_active_sessions' }), 2);
    assert.ok(metricValue(text, `${P}_process_resident_memory_bytes`) > 0);
  });

  it('the public route serves the same registry', async () => {
    const r = await fetch(`${w.host.pluginUrl}/metrics`);
    assert.equal(r.status, 200);
    const text = await r.text();
    assert.equal(promtool(text), '');
    assert.equal(metricValue(text, `${P}_rtc_sessions_total`, { group_id: 'default' }), 2);
  });

  it('the process series are the plugin process’s own', async () => {
    const text = await w.host.scrape();
    const [pid] = w.host.pluginPids();
    const stat = await import('node:fs').then((fs) => fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
    const fds = await import('node:fs').then((fs) => fs.readdirSync(`/proc/${pid}/fd`).length);
    const openFds = metricValue(text, `${P}_process_open_fds`);
    assert.ok(Math.abs(openFds - fds) <= 5, `open fds ${openFds} vs /proc/${pid}/fd ${fds}`);
    assert.match(stat, /VmRSS/);
  });
});
