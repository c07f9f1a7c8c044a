// The HTTP API against a real in-process rtcd: shapes, status codes and messages of the reference, the
// client store across restarts, auth failure and request metrics.
import { after, before, describe, test } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { ADMIN_SECRET, adminAuth, basic, metricsText, registerClient, sample, startRtcd, type TestRtcd } from '../support/rtcd.js';

const KEY = 'a'.repeat(40);

async function post(base: string, path: string, body: unknown, authorization?: string) {
  const res = await fetch(`${base}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...(authorization ? { authorization } : {}) },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  return { status: res.status, type: res.headers.get('content-type'), text: await res.text() };
}

describe('rtcd HTTP API (admin enabled, self-registration off)', () => {
  let rtcd: TestRtcd;
  before(async () => {
    rtcd = await startRtcd();
  });
  after(() => rtcd.close());

  test('/version: reference fields, a semver buildVersion that passes the plugin gates (>= v0.17.0, >= v1.0.0)', async () => {
    const res = await fetch(`${rtcd.base}/version`);
    assert.equal(res.status, 200);
    const v = (await res.json()) as Record<string, string>;
    for (const k of ['buildDate', 'buildVersion', 'buildHash', 'goVersion', 'goOS', 'goArch']) assert.equal(typeof v[k], 'string', k);
    const m = /^v(\d+)\.(\d+)\.(\d+)$/.exec(v.buildVersion!);
    assert.ok(m, v.buildVersion);
    assert.ok(Number(m[1]) >= 1);
    assert.equal(v.goOS, 'linux');
  });

  test('/system reports a positive cpu_load once sampled; /live and /ready', async () => {
    await new Promise((r) => setTimeout(r, 1200));
    const sys = (await (await fetch(`${rtcd.base}/system`)).json()) as { cpu_load: number };
    assert.equal(typeof sys.cpu_load, 'number');
    assert.ok(sys.cpu_load > 0);
    assert.deepEqual(await (await fetch(`${rtcd.base}/live`)).json(), { live: true });
    const ready = await fetch(`${rtcd.base}/ready`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { ready: true });
  });

  test('/register: needs auth without self-registration; envelope, validation and duplicate errors', async () => {
    const anon = await post(rtcd.base, '/register', { clientID: 'c1', authKey: KEY });
    assert.equal(anon.status, 401);
    assert.equal(anon.text, '{"code":"401","error":"authentication failed: invalid auth header"}\n');

    const ok = await post(rtcd.base, '/register', { clientID: 'c1', authKey: KEY }, adminAuth());
    assert.equal(ok.status, 201);
    assert.equal(ok.type, 'application/json');
    assert.equal(ok.text, '{"clientID":"c1","code":"201"}\n');

    const dup = await post(rtcd.base, '/register', { clientID: 'c1', authKey: KEY }, adminAuth());
    assert.deepEqual([dup.status, JSON.parse(dup.text)], [400, { code: '400', error: 'registration failed: already registered' }]);
    const short = await post(rtcd.base, '/register', { clientID: 'c2', authKey: 'short' }, adminAuth());
    assert.deepEqual(JSON.parse(short.text), { code: '400', error: 'registration failed: key not long enough' });
    const empty = await post(rtcd.base, '/register', { clientID: '', authKey: KEY }, adminAuth());
    assert.deepEqual(JSON.parse(empty.text), { code: '400', error: 'registration failed: error: empty key' });
    const badJson = await post(rtcd.base, '/register', '{nope', adminAuth());
    assert.equal(badJson.status, 400);
    const notStrings = await post(rtcd.base, '/register', { clientID: 5 }, adminAuth());
    assert.equal(notStrings.status, 400);
    const huge = await post(rtcd.base, '/register', { clientID: 'x', authKey: 'y'.repeat(100_000) }, adminAuth());
    assert.equal(huge.status, 413);

    // a registered client may register others (the reference accepts any authenticated caller)
    const byClient = await post(rtcd.base, '/register', { clientID: 'c3', authKey: KEY }, basic('c1', KEY));
    assert.equal(byClient.status, 201);
  });

  test('/login issues a bearer token that authenticates; bad keys fail and are counted', async () => {
    const before = await metricsText(rtcd.base);
    const bad = await post(rtcd.base, '/login', { clientID: 'c1', authKey: 'b'.repeat(40) });
    assert.deepEqual([bad.status, JSON.parse(bad.text)], [400, { code: '400', error: 'login failed: authentication failed' }]);
    const ok = await post(rtcd.base, '/login', { clientID: 'c1', authKey: KEY });
    assert.equal(ok.status, 200);
    const { bearerToken, code } = JSON.parse(ok.text) as { bearerToken: string; code: string };
    assert.equal(code, '200');
    assert.match(bearerToken, /^[A-Za-z0-9_-]{32}$/);

    const viaBearer = await fetch(`${rtcd.base}/calls/nocall/sessions`, { headers: { authorization: `Bearer ${bearerToken}` } });
    assert.equal(viaBearer.status, 404);
    assert.match(await viaBearer.text(), /^failed to get session configs: .+\n$/);
    const badBearer = await fetch(`${rtcd.base}/calls/nocall/sessions`, { headers: { authorization: 'Bearer nope' } });
    assert.deepEqual([badBearer.status, await badBearer.text()], [401, 'unauthorized\n']);
    const unknown = await fetch(`${rtcd.base}/calls/nocall/sessions/s1`, { headers: { authorization: basic('ghost', KEY) } });
    assert.equal(unknown.status, 401);
    // the admin has no client id, so it sees no sessions
    const admin = await fetch(`${rtcd.base}/calls/nocall/sessions`, { headers: { authorization: adminAuth() } });
    assert.equal(admin.status, 401);

    const after = await metricsText(rtcd.base);
    assert.equal(sample(after, 'rtcd_auth_failures_total', { reason: 'bad_key' }) - sample(before, 'rtcd_auth_failures_total', { reason: 'bad_key' }), 1);
    assert.equal(sample(after, 'rtcd_auth_failures_total', { reason: 'bad_token' }) - sample(before, 'rtcd_auth_failures_total', { reason: 'bad_token' }), 1);
    assert.equal(sample(after, 'rtcd_auth_failures_total', { reason: 'unknown_client' }) - sample(before, 'rtcd_auth_failures_total', { reason: 'unknown_client' }), 1);
    assert.ok(sample(after, 'rtcd_api_requests_total', { route: '/login', code: '200' }) >= 1);
    assert.ok(sample(after, 'rtcd_api_request_duration_seconds_count', { route: '/calls/:callID/sessions', code: '404' }) >= 1);
  });

  test('/unregister: only yourself unless admin; drops the bearer token', async () => {
    const other = await post(rtcd.base, '/unregister', { clientID: 'c3' }, basic('c1', KEY));
    assert.deepEqual([other.status, JSON.parse(other.text)], [403, { code: '403', error: 'client id not valid' }]);
    const empty = await post(rtcd.base, '/unregister', {}, basic('c3', KEY));
    assert.deepEqual(JSON.parse(empty.text), { code: '400', error: 'client id should not be empty' });
    const login = JSON.parse((await post(rtcd.base, '/login', { clientID: 'c3', authKey: KEY })).text) as { bearerToken: string };
    const self = await post(rtcd.base, '/unregister', { clientID: 'c3' }, `Bearer ${login.bearerToken}`);
    assert.equal(self.text, '{"code":"200"}\n');
    const afterToken = await fetch(`${rtcd.base}/calls/x/sessions`, { headers: { authorization: `Bearer ${login.bearerToken}` } });
    assert.equal(afterToken.status, 401);
    const afterKey = await post(rtcd.base, '/login', { clientID: 'c3', authKey: KEY });
    assert.equal(afterKey.status, 400);
    const byAdmin = await post(rtcd.base, '/unregister', { clientID: 'c1' }, basic('anyone', ADMIN_SECRET));
    assert.equal(byAdmin.status, 200);
    const again = await post(rtcd.base, '/unregister', { clientID: 'c1' }, adminAuth());
    assert.equal(again.status, 400);
  });

  test('unknown paths and wrong methods answer Go-style 404', async () => {
    const wrong = await fetch(`${rtcd.base}/register`);
    assert.deepEqual([wrong.status, await wrong.text()], [404, '404 page not found\n']);
    const unknown = await fetch(`${rtcd.base}/nope`);
    assert.equal(unknown.status, 404);
    assert.ok(sample(await metricsText(rtcd.base), 'rtcd_api_requests_total', { route: 'other', code: '404' }) >= 2);
  });
});

describe('client store', () => {
  test('registrations survive a restart; keys are stored bcrypt-hashed in a 0600 file in a 0700 directory', async () => {
    const first = await startRtcd();
    const dataDir = first.config.store.dataSource;
    await registerClient(first.base, 'persist', KEY);
    await first.close();
    const files = readdirSync(dataDir);
    assert.deepEqual(files, ['clients.json']);
    const text = readFileSync(join(dataDir, 'clients.json'), 'utf8');
    assert.ok(!text.includes(KEY));
    assert.match(text, /"persist":"\$2[aby]\$10\$/);
    assert.equal(statSync(join(dataDir, 'clients.json')).mode & 0o777, 0o600);
    assert.equal(statSync(dataDir).mode & 0o777, 0o700);

    const second = await startRtcd(() => {}, { dataDir });
    try {
      const login = await post(second.base, '/login', { clientID: 'persist', authKey: KEY });
      assert.equal(login.status, 200);
      assert.ok(sample(await metricsText(second.base), 'rtcd_store_ops_total', { type: 'Get' }) >= 1);
    } finally {
      await second.close();
    }
  });
});

describe('self-registration and unregister rules', () => {
  test('allow_self_registration lets anyone register; unregister is refused when admin and self-registration are off', async () => {
    const open = await startRtcd((c) => {
      c.api.security.enableAdmin = false;
      c.api.security.allowSelfRegistration = true;
    });
    try {
      assert.equal((await post(open.base, '/register', { clientID: 'self', authKey: KEY })).status, 201);
      assert.equal((await post(open.base, '/unregister', { clientID: 'self' }, basic('self', KEY))).status, 200);
    } finally {
      await open.close();
    }
    const closed = await startRtcd((c) => {
      c.api.security.enableAdmin = false;
    });
    try {
      const r = await post(closed.base, '/unregister', { clientID: 'x' });
      assert.deepEqual([r.status, JSON.parse(r.text)], [403, { code: '403', error: 'unregister not enabled' }]);
      const reg = await post(closed.base, '/register', { clientID: 'x', authKey: KEY }, basic('admin', 'whatever'));
      assert.equal(reg.status, 401);
    } finally {
      await closed.close();
    }
  });

  test('bcrypt work is rate limited: excess attempts fail at once and are counted', async () => {
    const rtcd = await startRtcd(() => {}, { authRate: { perSecond: 2, maxWaitMs: 600 } });
    try {
      await registerClient(rtcd.base, 'rl', KEY);
      const results = await Promise.all(
        Array.from({ length: 8 }, () => fetch(`${rtcd.base}/calls/c/sessions`, { headers: { authorization: basic('rl', KEY) } }).then((r) => r.status)),
      );
      assert.ok(results.includes(404), `some attempts pass: ${results}`);
      assert.ok(results.includes(401), `some attempts are refused: ${results}`);
      const refused = results.filter((s) => s === 401).length;
      assert.equal(sample(await metricsText(rtcd.base), 'rtcd_auth_failures_total', { reason: 'rate_limited' }), refused);
    } finally {
      await rtcd.close();
    }
  });
});

describe('TLS', () => {
  test('api.http.tls serves the API and /ws over TLS 1.2+', async () => {
    const { spawnSync } = await import('node:child_process');
    const { mkdtempSync } = await import('node:fs');
    const { tmpdir } = await import('node:os');
    const https = await import('node:https');
    const { WebSocket } = await import('ws');
    const dir = mkdtempSync(join(tmpdir(), 'rtcd-tls-'));
    const gen = spawnSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-days', '1', '-subj', '/CN=127.0.0.1', '-keyout', join(dir, 'key.pem'), '-out', join(dir, 'cert.pem')], { encoding: 'utf8' });
    assert.equal(gen.status, 0, gen.stderr);
    // a self-signed certificate: requests skip verification (fetch cannot)
    const request = (url: string, method: string, authorization?: string, body?: string) =>
      new Promise<{ status: number; text: string; protocol: string }>((resolve, reject) => {
        const req = https.request(url, { method, rejectUnauthorized: false, agent: false, headers: authorization ? { authorization } : {} }, (res) => {
          const protocol = (res.socket as import('node:tls').TLSSocket).getProtocol() ?? '';
          let text = '';
          res.on('data', (d) => (text += d));
          res.on('end', () => resolve({ status: res.statusCode!, text, protocol }));
        });
        req.on('error', reject);
        req.end(body);
      });
    const rtcd = await startRtcd((c) => {
      c.api.http.tls = { enable: true, certFile: join(dir, 'cert.pem'), certKey: join(dir, 'key.pem') };
    });
    try {
      const url = rtcd.base.replace('http:', 'https:');
      const version = await request(`${url}/version`, 'GET');
      assert.equal(version.status, 200);
      assert.match(version.text, /"buildVersion":"v\d+\.\d+\.\d+"/);
      assert.match(version.protocol, /^TLSv1\.[23]$/);
      const reg = await request(`${url}/register`, 'POST', adminAuth(), JSON.stringify({ clientID: 'tls-client', authKey: KEY }));
      assert.equal(reg.status, 201);
      const ws = new WebSocket(`${url.replace('https:', 'wss:')}/ws`, { headers: { authorization: basic('tls-client', KEY) }, rejectUnauthorized: false });
      const first = await new Promise<Buffer>((resolve, reject) => {
        ws.once('message', (d) => resolve(d as Buffer));
        ws.once('error', reject);
      });
      assert.ok(first.includes(Buffer.from('hello')));
      ws.close();
    } finally {
      await rtcd.close();
    }
  });
});
