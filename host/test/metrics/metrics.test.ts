// The metrics listener: host families with the mattermost_ prefix, true values, promtool-clean output,
// allow-list and bearer token with 403s that are counted.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { startTestHost, signUp, wsClient, eventually, type TestHost } from '../helpers/host.js';

const gauge = (text: string, name: string, labels = '') => {
  const m = new RegExp(`^${name}${labels ? `\\{${labels}\\}` : ''} (\\S+)$`, 'm').exec(text);
  return m ? Number(m[1]) : undefined;
};

describe('metrics listener', () => {
  const hosts: TestHost[] = [];
  after(async () => Promise.all(hosts.map((h) => h.stop())));

  it('publishes process, runtime, HTTP and WebSocket metrics with true values; promtool finds nothing to fix', async () => {
    const host = await startTestHost();
    hosts.push(host);
    const u = await signUp(host.url, 'metered');
    const ws = wsClient(host.url, u.token);
    try {
      await ws.hello();
      for (let i = 0; i < 3; i++) await u.client.getMe();
      const res = await fetch(`${host.metricsUrl}/metrics`);
      assert.equal(res.status, 200);
      const text = await res.text();
      assert.ok(gauge(text, 'mattermost_process_cpu_user_seconds_total')! >= 0);
      assert.ok(gauge(text, 'mattermost_process_resident_memory_bytes')! > 0);
      assert.ok(text.includes('mattermost_nodejs_eventloop_lag_seconds'));
      assert.equal(gauge(text, 'mattermost_websocket_connections'), 1, 'one open socket');
      assert.equal(gauge(text, 'mattermost_http_requests_total', 'method="GET",route="/api/v4/users/:user_id",status_code="200"'), 3);
      assert.equal(gauge(text, 'mattermost_http_requests_total', 'method="POST",route="/api/v4/users/login",status_code="200"'), 1);
      ws.ws.close();
      await eventually(async () => (gauge(await (await fetch(`${host.metricsUrl}/metrics`)).text(), 'mattermost_websocket_connections') === 0 ? true : undefined), 'the gauge to drop');
      const check = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
      assert.equal(check.error, undefined, 'promtool must be installed');
      assert.equal(`${check.stdout}${check.stderr}`.trim(), '', 'promtool check metrics reports nothing');
      assert.equal(check.status, 0);
      assert.equal((await fetch(`${host.metricsUrl}/elsewhere`)).status, 404);
    } finally {
      ws.ws.close();
    }
  });

  it('refuses addresses outside the allow-list with a 403, counted', async () => {
    const host = await startTestHost({ metrics: { allowedIps: ['10.0.0.0/8', '192.168.1.7'] } });
    hosts.push(host);
    const res = await fetch(`${host.metricsUrl}/metrics`);
    assert.equal(res.status, 403);
    assert.equal(((await res.json()) as { id: string }).id, 'api.metrics.forbidden_ip');
    const refused = (await host.metrics.metricsRefused.get()).values.find((v) => v.labels.reason === 'ip_not_allowed')?.value;
    assert.equal(refused, 1);
    const open = await startTestHost({ metrics: { allowedIps: ['127.0.0.0/8', '::1'] } });
    hosts.push(open);
    assert.equal((await fetch(`${open.metricsUrl}/metrics`)).status, 200, 'loopback allowed by CIDR');
  });

  it('with a bearer token, requests without it (or with another) get a 403, counted', async () => {
    const host = await startTestHost({ metrics: { bearerToken: 's3cret-token' } });
    hosts.push(host);
    assert.equal((await fetch(`${host.metricsUrl}/metrics`)).status, 403);
    assert.equal((await fetch(`${host.metricsUrl}/metrics`, { headers: { Authorization: 'Bearer wrong' } })).status, 403);
    const ok = await fetch(`${host.metricsUrl}/metrics`, { headers: { Authorization: 'Bearer s3cret-token' } });
    assert.equal(ok.status, 200);
    const text = await ok.text();
    assert.equal(gauge(text, 'mattermost_metrics_requests_refused_total', 'reason="bad_token"'), 2);
  });

  it('an invalid allow-list entry fails the start with a clear message', async () => {
    await assert.rejects(startTestHost({ metrics: { allowedIps: ['10.0.0.0/99'] } }), /invalid prefix length/);
    await assert.rejects(startTestHost({ metrics: { allowedIps: ['not-an-ip'] } }), /not an IP address or CIDR/);
  });
});
