// The rtcd backend's identity against real rtcd daemons (rtcd/dist/main.js; build with `npx tsc -b rtcd`)
// and a real KV store: first use registers a generated key under the cluster mutex and stores it; later
// starts reuse it; an rtcd that lost its store gets the same key registered again; configured credentials
// (env, URL) win; a key rtcd does not accept, a too old rtcd, a closed registration or an unreachable
// address fail start() with a message that says what to fix, and are counted.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { createMedia, KVHost, pluginMetricsText, type MediaSetup } from './support/harness.js';
import { freePort } from '../helpers/harness.js';
import { RtcdProcess, sample } from './support/rtcd-process.js';

const P = 'mattermost_plugin_calls';

describe('rtcd registration and credentials', () => {
  let kv: KVHost;
  let rtcd: RtcdProcess;
  const started: MediaSetup[] = [];
  const url = () => `http://127.0.0.1:${rtcd.apiPort}`;

  async function start(setup: MediaSetup): Promise<MediaSetup> {
    started.push(setup);
    await setup.media.start();
    return setup;
  }

  before(async () => {
    kv = await KVHost.start();
    rtcd = await RtcdProcess.start();
  });

  after(async () => {
    for (const s of started) await s.media.stop();
    await rtcd?.stop();
    await kv?.close();
  });

  it('first start: generates a key, registers under the cluster mutex, stores the credentials and connects', async () => {
    const s = await start(createMedia(kv, url()));
    const stored = await kv.storedConfig();
    assert.ok(stored, 'rtcd_config stored in KV');
    assert.match(String(stored.ClientID), /^[a-z0-9]{26}$/);
    assert.equal(String(stored.AuthKey).length, 32);
    assert.equal(stored.URL, url());
    assert.equal(await rtcd.registrations(), 1);

    const text = await pluginMetricsText(s.metrics);
    assert.equal(sample(text, `${P}_ws_connections_total`, { client_id: String(stored.ClientID) }), 1);
    assert.equal(sample(text, `${P}_store_ops_total`, { type: 'KVSet' }), 1);
    assert.ok(sample(text, `${P}_store_ops_total`, { type: 'KVGet' }) >= 1);
    assert.ok(sample(text, `${P}_cluster_mutex_grab_time_count`, { group: 'mutex_rtcd_registration' }) >= 1);
    assert.equal(sample(text, `${P}_rtcd_hosts`, { state: 'connected' }), 1);
    assert.equal(sample(text, `${P}_rtcd_errors_total`, { type: 'unauthorized' }), 1, 'the first connect was refused, then registration');
    assert.equal(sample(await rtcd.metrics(), 'rtcd_ws_connections_total', { client_id: String(stored.ClientID) }), 1);

    const info = s.media.info();
    assert.equal(info.kind, 'rtcd');
    assert.match(info.rtcdVersions?.['127.0.0.1']?.buildVersion ?? '', /^v\d+\.\d+\.\d+$/);
    assert.equal(await s.media.pickHostForNewCall(), '127.0.0.1');

    await s.media.stop();
    await eventually0(async () => sample(await rtcd.metrics(), 'rtcd_ws_connections_total', { client_id: String(stored.ClientID) }) === 0);
  });

  it('a second start (plugin restart, another node) reuses the stored key without registering again', async () => {
    const before = await kv.storedConfig();
    const s = await start(createMedia(kv, url()));
    assert.equal(await rtcd.registrations(), 1, 'no new registration');
    assert.deepEqual(await kv.storedConfig(), before);
    const text = await pluginMetricsText(s.metrics);
    assert.equal(sample(text, `${P}_rtcd_errors_total`, { type: 'unauthorized' }), 0);
    assert.equal(sample(text, `${P}_store_ops_total`, { type: 'KVSet' }), 0);
    await s.media.stop();
  });

  it('rtcd lost its store (restarted as a new node): the stored key is registered again', async () => {
    const before = await kv.storedConfig();
    await rtcd.restart({ freshStore: true });
    const s = await start(createMedia(kv, url()));
    assert.equal(await rtcd.registrations(), 1);
    assert.equal((await kv.storedConfig())?.AuthKey, before?.AuthKey, 'same key');
    assert.equal(sample(await rtcd.metrics(), 'rtcd_ws_connections_total', { client_id: String(before?.ClientID) }), 1);
    await s.media.stop();
  });

  it('two plugin nodes starting at once with no stored key end up with one registration and one key', async () => {
    await rtcd.restart({ freshStore: true });
    const kv2 = await KVHost.start();
    try {
      // The same client id on both nodes (as MM_CALLS_RTCD_CLIENT_ID would give), keys generated per node.
      const env = { MM_CALLS_RTCD_CLIENT_ID: 'ha-cluster' };
      const [a, b] = [createMedia(kv2, url(), { env }), createMedia(kv2, url(), { env })];
      await Promise.all([start(a), start(b)]);
      assert.equal(await rtcd.registrations(), 1);
      assert.equal(sample(await rtcd.metrics(), 'rtcd_ws_connections_total', { client_id: 'ha-cluster' }), 2);
      const stored = await kv2.storedConfig();
      assert.equal(stored?.ClientID, 'ha-cluster');
      await a.media.stop();
      await b.media.stop();
    } finally {
      await kv2.close();
    }
  });

  it('configured credentials win: MM_CLOUD_INSTALLATION_ID over MM_CALLS_RTCD_CLIENT_ID, env over the URL', async () => {
    const key = 'e'.repeat(40);
    const s = await start(
      createMedia(kv, `http://urlclient:${'u'.repeat(40)}@127.0.0.1:${rtcd.apiPort}`, {
        env: { MM_CLOUD_INSTALLATION_ID: 'installation1', MM_CALLS_RTCD_CLIENT_ID: 'ignored', MM_CALLS_RTCD_AUTH_KEY: key },
      }),
    );
    const m = await rtcd.metrics();
    assert.equal(sample(m, 'rtcd_ws_connections_total', { client_id: 'installation1' }), 1);
    assert.equal(sample(m, 'rtcd_ws_connections_total', { client_id: 'urlclient' }), 0);
    await s.media.stop();

    const u = await start(createMedia(kv, `http://urlclient:${'u'.repeat(40)}@127.0.0.1:${rtcd.apiPort}`));
    assert.equal(sample(await rtcd.metrics(), 'rtcd_ws_connections_total', { client_id: 'urlclient' }), 1);
    assert.equal(u.media.info().kind, 'rtcd');
    await u.media.stop();
  });

  it('a key rtcd does not accept: start fails saying what to fix, counted, and the stored key is left alone', async () => {
    const before = await kv.storedConfig();
    const s = createMedia(kv, url(), { env: { MM_CALLS_RTCD_CLIENT_ID: 'urlclient', MM_CALLS_RTCD_AUTH_KEY: 'w'.repeat(40) } });
    started.push(s);
    await assert.rejects(s.media.start(), /already registered.*another auth key.*MM_CALLS_RTCD_AUTH_KEY/);
    const text = await pluginMetricsText(s.metrics);
    assert.equal(sample(text, `${P}_rtcd_errors_total`, { type: 'unauthorized' }), 1);
    assert.equal(sample(text, `${P}_rtcd_errors_total`, { type: 'register' }), 1);
    assert.equal(sample(text, `${P}_rtcd_hosts`, { state: 'connected' }), 0);
    assert.ok(s.logs.find(/rtcd does not accept our credentials/).length >= 1);
    assert.deepEqual(await kv.storedConfig(), before);
  });

  it('an rtcd older than min_rtcd_version is refused', async () => {
    const s = createMedia(kv, url(), { minRtcdVersion: 'v99.0.0' });
    started.push(s);
    await assert.rejects(s.media.start(), /rtcd version v\d+\.\d+\.\d+ is older than the minimum supported v99\.0\.0/);
  });

  it('an rtcd without self-registration: start fails saying so', async () => {
    const closed = await RtcdProcess.start({ selfRegistration: false });
    try {
      const s = createMedia(kv, `http://127.0.0.1:${closed.apiPort}`, { env: { MM_CALLS_RTCD_CLIENT_ID: 'newclient' } });
      started.push(s);
      await assert.rejects(s.media.start(), /does not allow self-registration/);
    } finally {
      await closed.stop();
    }
  });

  it('nothing listening at the URL, or a URL without a port: clear errors', async () => {
    const port = await freePort(['127.0.0.1']);
    const s = createMedia(kv, `http://127.0.0.1:${port}`);
    started.push(s);
    await assert.rejects(s.media.start(), /cannot use rtcd \(127\.0\.0\.1: cannot reach rtcd at 127\.0\.0\.1/);
    assert.equal(sample(await pluginMetricsText(s.metrics), `${P}_rtcd_errors_total`, { type: 'connect' }), 1);
    const noPort = createMedia(kv, 'http://127.0.0.1');
    started.push(noPort);
    await assert.rejects(noPort.media.start(), /must include a port/);
  });
});

async function eventually0(fn: () => Promise<boolean>): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error('timed out');
    await new Promise((r) => setTimeout(r, 50));
  }
}
