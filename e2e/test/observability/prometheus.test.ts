// The monitoring set-up of docs/monitoring.md, for real: Debian's prometheus and prometheus-node-exporter
// scrape a running chat host with the Calls plugin (embedded SFU) and an rtcd process, configured from
// assets/prometheus/prometheus.yml (targets, token files and intervals changed, as an operator would) and
// assets/prometheus/alerts.yml (only the `for:` durations shortened to FOR_SECONDS, and a 1 s evaluation
// interval, so that alerts fire within the test; expressions are unchanged). Calls are in progress on both
// SFUs, with werift peers: the plugin tests' Calls client over the host's WebSocket for the plugin, and the
// plugin's side of rtcd's /ws protocol for rtcd. Build first: `npm run build` (the services run from dist/).
import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import mm from '@mattermost/client';
import { MessageType } from '@calls-ts/rtcd/protocol';
import type { CallsTestClient } from '../../../rtcd/test/helpers/calls-client.js';
import { LEVELS } from '../../../rtcd/test/helpers/media-sources.js';
import { StunResponder } from '../../../rtcd/test/helpers/stun-responder.js';
import { waitFor } from '../../../rtcd/test/helpers/wait.js';
import { PluginLink } from '../../../rtcd/test/support/plugin-link.js';
import { registerClient, sample } from '../../../rtcd/test/support/rtcd.js';
import { CallsClient } from '../../../plugin/test/helpers/calls-client.js';
import { embeddedEnv } from '../../../plugin/test/helpers/harness.js';
import { NodeExporter, PrometheusServer, type PromAlert } from '../helpers/prometheus.js';
import { describeEmpty, documentedNames, type EmptyQuery, emptyDashboardQueries, families, getFrom, isDocumented, promtoolFindings } from './support/checks.js';
import { HostProcess, ROOT, RtcdDaemon, alertsWithShortFor, probeIcePort, prometheusConfig } from './support/stack.js';

const FOR_SECONDS = 2;
const PLUGIN = 'com.mattermost.calls';
const OURS = join(ROOT, 'assets', 'grafana', 'dashboards', 'calls-ts.json');
const OFFICIAL = join(ROOT, '..', 'shared', 'fixtures', 'mattermost-calls-dashboard.json');

// Official dashboard queries we cannot answer yet, and why (everything else must return data).
const OFFICIAL_WITHOUT_DATA: Array<[RegExp, string]> = [
  [/go_sql_/, 'DB connection-pool panels: go_sql_* is Go database/sql\'s collector; the plugin\'s store (better-sqlite3 / node-postgres) has no such pool stats'],
  [/cluster_mutex_local_grab_time/, 'not defined by the reference plugin either: the panel is empty against Mattermost too'],
  [/jobs_live_captions/, 'live captions (calls-offloader transcriber) are not implemented yet'],
  [/\$offloader/, 'the offloader (recording and transcription jobs) is not implemented yet'],
  // Not a missing feature but a missing event: the counter has no series before the first retry.
  [/cluster_mutex_lock_retries_total/, 'lock retries happen only when hosts in HA contend for a call\'s lock; a single host never retries'],
];

describe('Prometheus scrapes the host, the Calls plugin and rtcd with calls in progress', () => {
  const hostToken = randomBytes(16).toString('hex');
  const rtcdToken = randomBytes(16).toString('hex');
  let stun: StunResponder;
  let node: NodeExporter;
  let rtcd: RtcdDaemon;
  let host: HostProcess;
  let prom: PrometheusServer;
  let link: PluginLink;
  let pluginCall: CallsClient[] = [];
  let rtcdCall: CallsTestClient[] = [];
  let channelID = '';
  let latecomerToken = '';
  let pluginIcePort = 0;
  const timers: NodeJS.Timeout[] = [];

  const endpoints = () => ({
    host: `http://${host.metricsAddress}/metrics`,
    plugin: `http://${host.metricsAddress}/plugins/${PLUGIN}/metrics`,
    rtcd: `${rtcd.base}/metrics`,
  });
  const scrape = async (url: string, token: string) => {
    const res = await fetch(url, { headers: { authorization: `Bearer ${token}` } });
    assert.equal(res.status, 200, `GET ${url}`);
    return res.text();
  };
  /** The single value of an instant query (0 when it returns nothing). */
  const value = async (expr: string) => {
    const r = await prom.query(expr);
    return r.length ? Number(r[0]!.value[1]) : 0;
  };
  const firing = async (): Promise<PromAlert[]> => (await prom.alerts()).filter((a) => a.state === 'firing');
  const waitFiring = (alertname: string, labels: Record<string, string> = {}) =>
    waitFor(`alert ${alertname} ${JSON.stringify(labels)} firing`, async () =>
      (await firing()).find((a) => a.labels.alertname === alertname && Object.entries(labels).every(([k, v]) => a.labels[k] === v)), 45_000, 500);

  /**
   * Someone joins each call, unmutes, reads the API and leaves: the rate-based panels (connection,
   * data-channel and lock times, HTTP latency) show the last 2 minutes, and a test run does not wait for
   * traffic to come by itself. Each figure is seen by Prometheus before and after it grows, so that rate()
   * has an increase to show even for series that did not exist before.
   */
  async function latecomers(): Promise<void> {
    const api = new mm.Client4();
    api.setUrl(host.url);
    api.setToken(latecomerToken);
    const counts = () => Promise.all([
      'sum(mattermost_plugin_calls_rtc_connection_time_count) + sum(rtcd_rtc_connection_time_count)',
      'sum(mattermost_plugin_calls_rtc_signaling_lock_locked_time_count) + sum(rtcd_rtc_signaling_lock_locked_time_count)',
      'sum(mattermost_http_request_duration_seconds_count)',
    ].map(value));
    const [joins, locks, requests] = await counts();
    await api.getMe();
    const p = await joinPluginCall(latecomerToken);
    const r = await link.join('obs-call');
    await waitFor('the latecomers connected', () => [p.peer!, r].every((c) => c.connectionState === 'connected' && c.dcOpen), 30_000);
    await p.unmute(LEVELS.speech);
    await r.unmute(LEVELS.speech);
    await waitFor('Prometheus saw them join, renegotiate and read the API', async () => {
      const [j, l, q] = await counts();
      return j! >= joins! + 2 && l! >= locks! + 2 && q! > requests!;
    }, 30_000, 250);
    await api.getMe();
    p.leave();
    await p.close();
    await link.leave(r);
    // Two scrapes later every rate window holds the increase.
    await new Promise((res) => setTimeout(res, 2500));
  }

  /** A participant of the plugin's call: the Calls client of the plugin's tests (browser protocol, werift peer). */
  async function joinPluginCall(token: string): Promise<CallsClient> {
    const c = await CallsClient.connect({ url: host.url, token, channelID, stunUrl: stun.url });
    await c.join();
    return c;
  }

  before(async () => {
    stun = await StunResponder.start();
    node = await NodeExporter.start();
    rtcd = await RtcdDaemon.start({ token: rtcdToken, allowedIPs: '127.0.0.1' });
    const pluginEnv = await embeddedEnv(stun.url);
    pluginIcePort = Number(pluginEnv.MM_CALLS_UDP_SERVER_PORT);
    host = await HostProcess.start({ token: hostToken, allowedIPs: '127.0.0.1' }, pluginEnv);
    prom = await PrometheusServer.start(
      (self) => prometheusConfig({ prometheus: self, host: host.metricsAddress, rtcd: rtcd.address, node: node.address }, 'alerts.yml'),
      { 'alerts.yml': alertsWithShortFor(FOR_SECONDS), 'host.token': hostToken, 'rtcd.token': rtcdToken },
    );
  });

  after(async () => {
    for (const t of timers) clearInterval(t);
    await Promise.all(pluginCall.map((p) => p.close()));
    await Promise.all(rtcdCall.map((c) => c.close()));
    link?.link.close();
    await prom?.stop();
    await host?.stop();
    await rtcd?.stop();
    await node?.stop();
    await stun?.close();
  });

  it('reports every target up, with the guide\'s job names and service_name labels', async () => {
    const targets = await waitFor('every target up', async () => {
      const t = await prom.targets();
      return t.length === 5 && t.every((x) => x.health === 'up') ? t : undefined;
    }, 60_000, 250).catch(async (err: Error) => {
      throw new Error(`${err.message}\n${JSON.stringify((await prom.targets()).map((t) => [t.scrapePool, t.health, t.lastError]))}`);
    });
    const byJob = Object.fromEntries(targets.map((t) => [t.labels.job, t]));
    assert.deepEqual(Object.keys(byJob).sort(), ['calls', 'mattermost', 'node', 'prometheus', 'rtcd']);
    assert.deepEqual(
      Object.fromEntries(targets.map((t) => [t.labels.job, t.labels.service_name])),
      { prometheus: 'prometheus', mattermost: 'mattermost', calls: 'calls-plugin', rtcd: 'rtcd', node: 'node-exporter' },
    );
    assert.equal(new URL(byJob.calls!.scrapeUrl).pathname, `/plugins/${PLUGIN}/metrics`);
    assert.equal(byJob.calls!.labels.instance, host.metricsAddress);
    assert.equal(byJob.rtcd!.labels.instance, rtcd.address);
  });

  it('the host restarts a crashed plugin process; Prometheus counts the restart and the failed hook', async () => {
    const pid = host.pluginPid();
    assert.ok(pid, 'the plugin process runs');
    const route = `${host.url}/plugins/${PLUGIN}/version`;
    assert.equal((await fetch(route)).status, 200);
    // A request the plugin cannot answer (its process is frozen), then the crash: the waiting hook call
    // fails (a hook failure the host counts), the client gets 503, and the host restarts the plugin.
    process.kill(pid, 'SIGSTOP');
    const inflight = fetch(route);
    await new Promise((r) => setTimeout(r, 1000));
    process.kill(pid, 'SIGKILL');
    assert.equal((await inflight).status, 503);
    await waitFor('a new plugin process', () => {
      const now = host.pluginPid();
      return now !== undefined && now !== pid;
    });
    await waitFor('Prometheus sees the restart', async () => (await value(`mattermost_plugin_restarts_total{plugin_id="${PLUGIN}"}`)) === 1, 30_000, 250);
    await waitFor('and the failed hook', async () => (await value(`sum(mattermost_plugin_hook_failures_total{plugin_id="${PLUGIN}", hook="ServeHTTP", reason="not_running"})`)) === 1, 30_000, 250);
    await waitFor('the calls target up again', async () => (await value('up{job="calls"}')) === 1, 30_000, 250);
  });

  it('sees the calls in progress: sessions and tracks equal the participants, packets flow', async () => {
    // Plugin (embedded SFU): three users of one channel join together, one talks, one shares a screen.
    const client = new mm.Client4();
    client.setUrl(host.url);
    const users = [];
    for (const name of ['alice', 'bob', 'carol', 'dave']) {
      await client.createUser({ username: name, email: `${name}@example.com`, password: 'calls-obs-password' } as never, '', '');
      const c = new mm.Client4();
      c.setUrl(host.url);
      const user = await c.login(name, 'calls-obs-password');
      users.push({ user, token: c.getToken(), c });
    }
    const owner = users[0]!.c;
    const team = (await owner.getMyTeams())[0]!;
    const channel = await owner.createChannel({ team_id: team.id, name: 'obs-call', display_name: 'obs call', type: 'O' } as never);
    for (const u of users.slice(1)) await owner.addToChannel(u.user.id, channel.id);
    channelID = channel.id;
    latecomerToken = users.pop()!.token;
    pluginCall = await Promise.all(users.map((u) => joinPluginCall(u.token)));
    // rtcd: the plugin's side of the protocol over /ws, three sessions in one call.
    link = await PluginLink.connect(rtcd.wsURL, await registerClient(rtcd.base, 'obs-test'), stun.url);
    rtcdCall = [await link.join('obs-call'), await link.join('obs-call'), await link.join('obs-call')];
    const everyone = [...pluginCall.map((p) => p.peer!), ...rtcdCall];
    await waitFor('every peer connected with its data channel open', () => everyone.every((c) => c.connectionState === 'connected' && c.dcOpen), 30_000);
    await pluginCall[0]!.unmute(LEVELS.speech);
    await pluginCall[1]!.startScreen();
    await rtcdCall[0]!.unmute(LEVELS.speech);
    await rtcdCall[1]!.startScreen();
    // What browsers report: connected candidate pairs (plugin), and quality every few seconds over the data
    // channel, good on the plugin's call and bad on rtcd's (for the quality alerts below).
    for (const p of pluginCall) p.reportCandidatePair();
    // Well-formed JSON whose candidate the SFU cannot parse (a browser bug, a hostile client): an `ice` error.
    pluginCall[2]!.send('ice', { data: JSON.stringify({ candidate: 'candidate:garbage', sdpMid: '0', sdpMLineIndex: 0 }) });
    timers.push(setInterval(() => {
      for (const p of pluginCall) p.peer!.sendReports({ rtt: 0.03, jitter: 0.004, lossRate: 0 });
      for (const c of rtcdCall) c.sendReports({ rtt: 0.9, jitter: 0.2, lossRate: 0.3 });
    }, 500));
    // Bad input a plugin could relay to rtcd: ICE messages that are not JSON (rtcd_rtc_errors_total{type="ice"}).
    timers.push(setInterval(() => {
      for (let i = 0; i < 5; i++) {
        link.link.send({ type: 'rtc', data: { groupID: '', userID: '', callID: '', sessionID: rtcdCall[2]!.sessionID, type: MessageType.ICE, data: Buffer.from('not json') } });
      }
    }, 250));

    const expect: Record<string, number> = {
      'sum(mattermost_plugin_calls_rtc_sessions_total)': 3,
      'sum(rtcd_rtc_sessions_total)': 3,
      'sum(mattermost_plugin_calls_rtc_calls_total)': 1,
      'sum(rtcd_rtc_calls_total)': 1,
      'sum(rtcd_ws_connections_total)': 1,
      'sum(mattermost_plugin_calls_websocket_connections_total)': 3,
    };
    for (const sfu of ['mattermost_plugin_calls', 'rtcd']) {
      for (const type of ['audio/opus', 'video/VP8']) {
        expect[`sum(${sfu}_rtc_rtp_tracks_total{direction="in", type="${type}"})`] = 1;
        expect[`sum(${sfu}_rtc_rtp_tracks_total{direction="out", type="${type}"})`] = 2;
      }
    }
    await waitFor('Prometheus sees what the clients see', async () => {
      for (const [expr, want] of Object.entries(expect)) if ((await value(expr)) !== want) return false;
      return true;
    }, 60_000, 500).catch(async (err: Error) => {
      const got = await Promise.all(Object.keys(expect).map(async (e) => `${e} = ${await value(e)} (want ${expect[e]})`));
      throw new Error(`${err.message}\n${got.join('\n')}`);
    });
    for (const sfu of ['mattermost_plugin_calls', 'rtcd']) {
      for (const [direction, type] of [['in', 'voice'], ['out', 'voice'], ['in', 'screen'], ['out', 'screen']]) {
        await waitFor(`${sfu} ${direction} ${type} packets`, async () => (await value(`sum(rate(${sfu}_rtc_rtp_packets_total{direction="${direction}", type="${type}"}[10s]))`)) > 0, 30_000, 500);
      }
    }
  });

  it('a port scanner\'s datagram and TCP connection on the ICE ports are dropped and counted', async () => {
    for (const [sfu, port] of [['mattermost_plugin_calls', pluginIcePort], ['rtcd', rtcd.icePort]] as const) {
      await probeIcePort(port);
      await waitFor(`${sfu} counts the probe`, async () =>
        (await value(`sum(${sfu}_rtc_udp_dropped_total{reason="not_webrtc"})`)) >= 1 &&
        (await value(`sum(${sfu}_rtc_ice_tcp_connections_total{result="rejected"})`)) >= 1, 20_000, 250);
    }
    assert.equal(await value('sum(up{job=~"calls|rtcd"})'), 2, 'both services go on');
  });

  it('`promtool check metrics` is clean for the three endpoints', async () => {
    const e = endpoints();
    const findings: Record<string, string[]> = {};
    for (const [name, url, token] of [['host', e.host, hostToken], ['plugin', e.plugin, hostToken], ['rtcd', e.rtcd, rtcdToken]] as const) {
      findings[name] = [...new Set(promtoolFindings(await scrape(url, token)))];
    }
    assert.deepEqual(findings, { host: [], plugin: [], rtcd: [] });
  });

  it('metrics access: outside the allow-list or without the bearer token → 403, counted', async () => {
    const e = endpoints();
    const refused = async () => {
      const h = await scrape(e.host, hostToken);
      const r = await scrape(e.rtcd, rtcdToken);
      return {
        hostToken: sample(h, 'mattermost_metrics_requests_refused_total', { reason: 'bad_token' }),
        hostIp: sample(h, 'mattermost_metrics_requests_refused_total', { reason: 'ip_not_allowed' }),
        rtcdToken: sample(r, 'rtcd_metrics_requests_refused_total', { reason: 'token' }),
        rtcdIp: sample(r, 'rtcd_metrics_requests_refused_total', { reason: 'ip' }),
      };
    };
    const before = await refused();
    for (const [url, token] of [[e.host, hostToken], [e.plugin, hostToken], [e.rtcd, rtcdToken]] as const) {
      assert.equal((await fetch(url)).status, 403, `${url} without a token`);
      assert.equal((await fetch(url, { headers: { authorization: 'Bearer wrong-token' } })).status, 403, `${url} with a wrong token`);
      // 127.0.0.2 is this machine too, but not on the allow-list (127.0.0.1).
      assert.equal((await getFrom(url, '127.0.0.2', { authorization: `Bearer ${token}` })).status, 403, `${url} from 127.0.0.2`);
      assert.equal((await getFrom(url, '127.0.0.1', { authorization: `Bearer ${token}` })).status, 200, `${url} allowed`);
    }
    const now = await refused();
    assert.deepEqual(
      { hostToken: now.hostToken - before.hostToken, hostIp: now.hostIp - before.hostIp, rtcdToken: now.rtcdToken - before.rtcdToken, rtcdIp: now.rtcdIp - before.rtcdIp },
      { hostToken: 4, hostIp: 2, rtcdToken: 2, rtcdIp: 1 },
    );
  });

  it('every metric family the three services export is explained in docs/monitoring.md', async () => {
    const e = endpoints();
    const names = documentedNames(readFileSync(join(ROOT, 'docs', 'monitoring.md'), 'utf8'));
    const missing: string[] = [];
    for (const [url, token] of [[e.host, hostToken], [e.plugin, hostToken], [e.rtcd, rtcdToken]] as const) {
      for (const f of families(await scrape(url, token))) if (!isDocumented(f, names)) missing.push(f);
    }
    assert.deepEqual([...new Set(missing)], []);
  });

  it('the troubleshooting check of the guide finds the services\' metric names', async () => {
    const names = await prom.metricNames();
    for (const prefix of ['rtcd_', 'mattermost_plugin_calls_', 'mattermost_http_', 'node_']) {
      assert.ok(names.some((n) => n.startsWith(prefix)), `${prefix}* in /api/v1/label/__name__/values`);
    }
  });

  it('every query of our dashboard returns data', async () => {
    await latecomers();
    const ports = { calls_metrics_port: host.metricsAddress.split(':')[1]!, rtcd_metrics_port: rtcd.address.split(':')[1]! };
    const values = { calls: '127.0.0.1', rtcd: '127.0.0.1', node_exporter_port: '9100', ...ports };
    let empty: EmptyQuery[] = [];
    await waitFor('every query of our dashboard to return data', async () => (empty = await emptyDashboardQueries(prom, OURS, values)).length === 0, 20_000, 1000)
      .catch(() => assert.fail(`queries without data:\n${describeEmpty(empty)}`));
  });

  it('every query of the official dashboard (23225) returns data, but for features we do not have yet', async () => {
    await latecomers();
    const ports = { calls_metrics_port: host.metricsAddress.split(':')[1]!, rtcd_metrics_port: rtcd.address.split(':')[1]! };
    const values = { calls: '127.0.0.1', rtcd: '127.0.0.1', offloader: 'no-offloader', __rate_interval: '1m', ...ports };
    const skip = (q: { expr: string }) => OFFICIAL_WITHOUT_DATA.find(([re]) => re.test(q.expr))?.[1];
    let empty: EmptyQuery[] = [];
    await waitFor('every official query to return data', async () => (empty = await emptyDashboardQueries(prom, OFFICIAL, values, skip)).length === 0, 20_000, 1000)
      .catch(() => assert.fail(`queries without data:\n${describeEmpty(empty)}`));
  });

  it('alerts fire: RTC errors, client RTT / jitter / loss, low call quality, refused metrics requests, the plugin restart', async () => {
    const rtcdLabels = { job: 'rtcd', instance: rtcd.address };
    await waitFiring('CallsRTCErrors', { ...rtcdLabels, type: 'ice' });
    for (const name of ['CallsClientRTTHigh', 'CallsClientJitterHigh', 'CallsClientLossHigh', 'CallsQualityLow']) await waitFiring(name, rtcdLabels);
    await waitFiring('MetricsRequestsRefused', { job: 'rtcd', reason: 'token' });
    await waitFiring('MetricsRequestsRefused', { job: 'mattermost', reason: 'bad_token' });
    await waitFiring('CallsPluginRestarting', { plugin_id: PLUGIN, instance: host.metricsAddress });
    // The plugin's participants report good figures: no quality alert for it.
    const quality = ['CallsClientRTTHigh', 'CallsClientJitterHigh', 'CallsClientLossHigh', 'CallsQualityLow'];
    assert.deepEqual((await prom.alerts()).filter((a) => quality.includes(a.labels.alertname!) && a.labels.job === 'calls').map((a) => a.labels.alertname), []);
    const alert = (await firing()).find((a) => a.labels.alertname === 'CallsClientRTTHigh')!;
    assert.match(alert.annotations.summary!, new RegExp(`Client round-trip time p90 \\S+ in rtcd on ${rtcd.address}`));
    assert.ok(alert.annotations.runbook!.length > 50, 'the runbook travels with the alert');
  });

  it('alerts fire: rtcd sessions without a plugin link, then rtcd down', async () => {
    for (const t of timers.splice(0)) clearInterval(t);
    // The plugin's link drops and does not come back; the sessions (and their media) stay on rtcd.
    link.link.close();
    await waitFiring('RtcdNoPluginConnection', { instance: rtcd.address });
    await rtcd.stop();
    await waitFiring('RtcdDown', { job: 'rtcd', instance: rtcd.address, service_name: 'rtcd' });
    assert.equal(await value('up{job="rtcd"}'), 0);
    assert.equal(await value('up{job="calls"}'), 1, 'the plugin, on its embedded SFU, is not affected');
  });
});
