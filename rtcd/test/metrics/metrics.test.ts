// /metrics: process/runtime/Go-compat series with the prefix, promtool-clean exposition, access control.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { Registry } from 'prom-client';
import { MetricsAccess, registerProcessMetrics, renderMetrics } from '@calls-ts/rtcd/metrics';
import { metricsText, registerClient, sample, startRtcd } from '../support/rtcd.js';

function promtool(text: string): string {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`.trim() + (r.status === 0 ? '' : ` (exit ${r.status})`);
}

// Every promtool finding fails the test (label names are snake_case, `_total` gauges are untyped).
function promtoolProblems(text: string): string[] {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  return `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.trim());
}

test('rtcd /metrics: prefixed process and Node series, the Go series the dashboard charts, promtool-clean', async () => {
  const rtcd = await startRtcd();
  try {
    await registerClient(rtcd.base, 'm1');
    await fetch(`${rtcd.base}/nope`);
    const text = await metricsText(rtcd.base);
    for (const name of [
      'rtcd_process_cpu_seconds_total',
      'rtcd_process_open_fds',
      'rtcd_process_max_fds',
      'rtcd_process_resident_memory_bytes',
      'rtcd_process_virtual_memory_bytes',
      'rtcd_process_start_time_seconds',
      'rtcd_nodejs_eventloop_lag_seconds',
      'rtcd_nodejs_heap_size_used_bytes',
      'go_memstats_heap_inuse_bytes',
      'go_memstats_stack_inuse_bytes',
      'go_goroutines',
    ]) {
      assert.match(text, new RegExp(`^${name} `, 'm'), name);
    }
    assert.ok(sample(text, 'rtcd_process_resident_memory_bytes') > 1e6);
    assert.ok(sample(text, 'go_memstats_heap_inuse_bytes') > 1e6);
    assert.ok(sample(text, 'go_goroutines') >= 1, 'the listening socket at least');
    assert.ok(Math.abs(sample(text, 'rtcd_process_start_time_seconds') - (Date.now() / 1000 - process.uptime())) < 5);
    assert.deepEqual(promtoolProblems(text), []);
  } finally {
    await rtcd.close();
  }
});

test('metrics access: token and allow-list refuse with 403 and count the refusal', async () => {
  const rtcd = await startRtcd((c) => {
    c.api.metrics.allowedIPs = ['127.0.0.0/8'];
    c.api.metrics.token = 'scrape-token';
  });
  try {
    const noToken = await fetch(`${rtcd.base}/metrics`);
    assert.equal(noToken.status, 403);
    const wrong = await fetch(`${rtcd.base}/metrics`, { headers: { authorization: 'Bearer nope' } });
    assert.equal(wrong.status, 403);
    const ok = await fetch(`${rtcd.base}/metrics`, { headers: { authorization: 'Bearer scrape-token' } });
    assert.equal(ok.status, 200);
    const text = await ok.text();
    assert.equal(sample(text, 'rtcd_metrics_requests_refused_total', { reason: 'token' }), 2);
    // A reason not refused yet is exposed at 0, so that increase() sees its first refusal.
    assert.match(text, /^rtcd_metrics_requests_refused_total\{reason="ip"\} 0$/m);
  } finally {
    await rtcd.close();
  }
  const far = await startRtcd((c) => {
    c.api.metrics.allowedIPs = ['10.0.0.0/8', '192.168.1.7'];
  });
  try {
    assert.equal((await fetch(`${far.base}/metrics`)).status, 403);
    assert.equal(sample(await far.service.registry.metrics(), 'rtcd_metrics_requests_refused_total', { reason: 'ip' }), 1);
  } finally {
    await far.close();
  }
});

test('MetricsAccess: CIDRs, single IPs, IPv4-mapped peers; open by default', () => {
  const registry = new Registry();
  const acc = new MetricsAccess({ prefix: 'p', registry, allowedIPs: ['10.1.0.0/16', '192.168.1.7', 'fd00::/8'], token: '' });
  assert.equal(acc.check('10.1.2.3', undefined), undefined);
  assert.equal(acc.check('::ffff:10.1.2.3', undefined), undefined);
  assert.equal(acc.check('192.168.1.7', undefined), undefined);
  assert.equal(acc.check('fd00::1', undefined), undefined);
  assert.equal(acc.check('10.2.0.1', undefined), 'ip');
  assert.equal(acc.check(undefined, undefined), 'ip');
  const open = new MetricsAccess({ prefix: 'q', registry, allowedIPs: [], token: '' });
  assert.equal(open.check('8.8.8.8', undefined), undefined);
});

test('the module is prefix-parametric (the Calls plugin uses mattermost_plugin_calls)', async () => {
  const registry = new Registry();
  registerProcessMetrics({ prefix: 'mattermost_plugin_calls', registry });
  const text = await renderMetrics(registry);
  assert.match(text, /^# TYPE mattermost_plugin_calls_nodejs_active_handles_total untyped$/m);
  assert.match(text, /^mattermost_plugin_calls_process_cpu_seconds_total /m);
  assert.match(text, /^mattermost_plugin_calls_nodejs_eventloop_lag_seconds /m);
  assert.match(text, /^go_goroutines /m);
  assert.doesNotMatch(text, /^rtcd_/m);
  assert.equal(promtool(text), '');
});
