// Plugins that hang, block, crash or are missing: clients get clear errors, the plugin comes back, the
// host keeps serving everyone else.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { openStore } from '../../src/store/index.js';
import { startTestHost, signUp, eventually, type TestHost } from '../helpers/host.js';

const ID = 'com.example.testplugin';
const FIXTURES = join(import.meta.dirname, '..', 'fixtures');

describe('plugin faults', () => {
  let host: TestHost;
  let user: Awaited<ReturnType<typeof signUp>>;
  let channelId: string;

  const pluginFetch = (path: string, init: RequestInit = {}) => fetch(`${host.url}/plugins/${ID}${path}`, init);
  const restarts = async () => (await host.metrics.pluginRestarts.get()).values.find((v) => v.labels.plugin_id === ID)?.value ?? 0;
  const failures = async (hook: string, reason: string) =>
    (await host.metrics.pluginHookFailures.get()).values.find((v) => v.labels.hook === hook && v.labels.reason === reason)?.value ?? 0;
  const pluginUp = () =>
    eventually(async () => {
      const r = await pluginFetch('/recorded').catch(() => undefined);
      return r?.status === 200 ? ((await r.json()) as { pid: number; activations: number }) : undefined;
    }, 'the plugin to be back', 20_000);

  before(async () => {
    host = await startTestHost({
      pluginDirs: [join(FIXTURES, 'test-plugin'), join(FIXTURES, 'broken-manifest'), join(FIXTURES, 'unbuilt-plugin'), join(FIXTURES, 'does-not-exist')],
      plugin: { hookTimeoutMs: 1500, restartBackoff: { initialMs: 100, maxMs: 1000 }, healthCheckIntervalMs: 1000, forwardOutput: false },
    });
    user = await signUp(host.url, 'faulty');
    const team = (await user.client.getMyTeams())[0]!;
    channelId = (await user.client.getMyChannels(team.id)).find((c) => c.name === 'town-square')!.id;
  });
  after(async () => host.stop());

  it('broken and unbuilt plugins only produce warnings; the good one runs', async () => {
    const ids = host.plugins.list().map((p) => p.id).sort();
    assert.deepEqual(ids, [ID, 'com.example.unbuilt']);
    const statuses = Object.fromEntries(host.plugins.statuses().map((s) => [s.plugin_id, s.state]));
    assert.deepEqual(statuses, { [ID]: 2, 'com.example.unbuilt': 0 });
    const res = await fetch(`${host.url}/plugins/com.example.unbuilt/anything`);
    assert.equal(res.status, 503);
    assert.deepEqual(Object.keys((await res.json()) as object).sort(), ['detailed_error', 'id', 'message', 'request_id', 'status_code']);
    assert.equal((await user.client.getWebappPlugins()).length, 1, 'an unbuilt bundle is not offered to browsers');
    // The restart counter of a plugin with a server exists at 0 before any restart (increase() sees the first).
    const text = await (await fetch(`${host.metricsUrl}/metrics`)).text();
    assert.match(text, new RegExp(`^mattermost_plugin_restarts_total\\{plugin_id="${ID.replace(/\./g, '\\.')}"\\} 0$`, 'm'));
  });

  it('a hook that never answers gives a 503 after the timeout, counted, while other requests are served', async () => {
    const before = await failures('ServeHTTP', 'timeout');
    const hung = pluginFetch('/hang');
    const meantime = await pluginFetch('/whoami');
    assert.equal(meantime.status, 200, 'the plugin still serves other requests');
    assert.equal((await user.client.getMe()).id, user.user.id, 'and so does the host');
    const res = await hung;
    assert.equal(res.status, 503);
    assert.equal(((await res.json()) as { id: string }).id, 'app.plugin.hook_timeout');
    assert.equal(await failures('ServeHTTP', 'timeout'), before + 1);
  });

  it('a slash command that hangs gives a 503', async () => {
    await assert.rejects(user.client.executeCommand('/testcmd hang', { channel_id: channelId } as never), (e: { status_code?: number }) => e.status_code === 503);
  });

  it('a plugin stuck in a busy loop is killed by the health check and restarted', async () => {
    const first = await pluginUp();
    const before = await restarts();
    const res = await pluginFetch('/block');
    assert.equal(res.status, 503);
    const back = await eventually(async () => {
      const p = await pluginUp();
      return p.pid !== first.pid ? p : undefined;
    }, 'a new plugin process', 20_000);
    assert.ok(back.activations >= 1);
    assert.equal(await restarts(), before + 1);
  });

  it('a plugin that exits is restarted with back-off, re-activated, and counted in mattermost_plugin_restarts_total', async () => {
    const first = await pluginUp();
    const before = await restarts();
    const res = await pluginFetch('/exit', { method: 'POST' });
    assert.equal(res.status, 503, 'the request in flight fails cleanly');
    const back = await eventually(async () => {
      const p = await pluginUp();
      return p.pid !== first.pid ? p : undefined;
    }, 'a new plugin process', 20_000);
    assert.ok(back.pid > 0);
    assert.equal(await restarts(), before + 1);
    // The new process ran OnActivate again: its command is registered again.
    const out = await user.client.executeCommand('/testcmd echo again', { channel_id: channelId } as never);
    assert.equal(out.text, 'echo: again');
    const text = await (await fetch(`${host.metricsUrl}/metrics`)).text();
    assert.match(text, new RegExp(`^mattermost_plugin_restarts_total\\{plugin_id="${ID.replace(/\./g, '\\.')}"\\} ${before + 1}$`, 'm'));
  });

  it('shutting the host down calls OnDeactivate before stopping the process', async () => {
    const { pid } = await pluginUp();
    await host.close();
    const store = await openStore({ driver: 'sqlite', dataSource: join(host.dir, 'calls.sqlite') });
    try {
      const v = await store.kv.get(ID, 'deactivated', Date.now());
      assert.equal(new TextDecoder().decode(v!), String(pid));
    } finally {
      await store.close();
    }
  });
});
