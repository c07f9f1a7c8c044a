// Bad input over HTTP: every refusal is Mattermost's `{id, message, status_code}` JSON, counted, and the
// host keeps serving everyone else.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { request } from 'node:http';
import { startTestHost, signUp, type TestHost } from '../helpers/host.js';

interface ErrorBody {
  id: string;
  message: string;
  status_code: number;
}

describe('bad input over HTTP', () => {
  let host: TestHost;
  let user: Awaited<ReturnType<typeof signUp>>;
  const api = (path: string, init: RequestInit = {}) =>
    fetch(`${host.url}/api/v4${path}`, { ...init, headers: { Authorization: `Bearer ${user.token}`, ...init.headers } });
  const expectError = async (res: Response, status: number, id?: string | RegExp) => {
    assert.equal(res.status, status);
    assert.equal(res.headers.get('content-type'), 'application/json');
    const body = (await res.json()) as ErrorBody;
    assert.equal(body.status_code, status);
    assert.ok(body.message.length > 0);
    if (typeof id === 'string') assert.equal(body.id, id);
    else if (id) assert.match(body.id, id);
    return body;
  };
  const errorCount = async (status: number) =>
    (await host.metrics.httpErrors.get()).values.filter((v) => v.labels.status_code === String(status)).reduce((a, v) => a + v.value, 0);

  before(async () => {
    host = await startTestHost({ maxApiBodyBytes: 4096 });
    await signUp(host.url, 'theadmin');
    user = await signUp(host.url, 'victim');
  });
  after(async () => host.stop());

  it('malformed JSON is a 400 naming the problem', async () => {
    const before = await errorCount(400);
    const body = await expectError(await api('/posts', { method: 'POST', body: '{"channel_id": ' }), 400, 'api.context.invalid_body_param.app_error');
    assert.match(body.message, /Malformed JSON/);
    assert.equal(await errorCount(400), before + 1);
  });

  it('schema violations name the field', async () => {
    const body = await expectError(await api('/posts', { method: 'POST', body: JSON.stringify({ channel_id: 'short', message: 'x' }) }), 400);
    assert.match(body.message, /channel_id/);
    await expectError(await api('/users/ids', { method: 'POST', body: JSON.stringify('not an array') }), 400);
    await expectError(await fetch(`${host.url}/api/v4/users`, { method: 'POST', body: JSON.stringify({ username: 'Bad Name!', email: 'a@b.c', password: 'long-enough-pw' }) }), 400, 'model.user.is_valid.username.app_error');
    await expectError(await fetch(`${host.url}/api/v4/users`, { method: 'POST', body: JSON.stringify({ username: 'shortpw', email: 'a@b.c', password: 'x' }) }), 400, 'model.user.is_valid.pwd.app_error');
    await expectError(await fetch(`${host.url}/api/v4/users`, { method: 'POST', body: JSON.stringify({ username: 'victim', email: 'other@b.c', password: 'long-enough-pw' }) }), 400, 'app.user.save.username_exists.app_error');
  });

  it('oversized bodies are refused with 413, declared or streamed', async () => {
    const big = JSON.stringify({ channel_id: 'a'.repeat(26), message: 'x'.repeat(10_000) });
    await expectError(await api('/posts', { method: 'POST', body: big }), 413, 'api.context.request_body_too_large.app_error');
    // Without a Content-Length (chunked), the cap applies while reading.
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${host.url}/api/v4/posts`, { method: 'POST', headers: { Authorization: `Bearer ${user.token}`, 'Transfer-Encoding': 'chunked' } }, (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      for (let i = 0; i < 10; i++) req.write('x'.repeat(1000));
      req.end();
    });
    assert.equal(status, 413);
  });

  it('unknown routes are a JSON 404, wrong methods a JSON 405', async () => {
    await expectError(await api('/no/such/route'), 404, 'api.context.404.app_error');
    await expectError(await api('/users/me', { method: 'PATCH' }), 405, 'api.context.method_not_allowed.app_error');
  });

  it('bad ids in the URL are a 400 naming the parameter', async () => {
    const body = await expectError(await api('/channels/not-an-id'), 400, 'api.context.invalid_url_param.app_error');
    assert.match(body.message, /channel_id/);
    await expectError(await api('/users/ZZZ'), 400);
    await expectError(await api(`/channels/${'a'.repeat(26)}/posts?page=-1`), 400);
  });

  it('missing or bad credentials are a 401; missing permissions a 403', async () => {
    await expectError(await fetch(`${host.url}/api/v4/users/me`), 401, 'api.context.session_expired.app_error');
    await expectError(await fetch(`${host.url}/api/v4/users/me`, { headers: { Authorization: 'Bearer nope' } }), 401);
    await expectError(await fetch(`${host.url}/api/v4/users/me`, { headers: { Authorization: 'Bearer ' + 'x'.repeat(5000) } }), 401);
    await expectError(await api('/config'), 403);
    // A cookie session without the CSRF header cannot change anything.
    await expectError(await fetch(`${host.url}/api/v4/posts`, { method: 'POST', headers: { Cookie: `MMAUTHTOKEN=${user.token}` }, body: '{}' }), 401, 'api.context.csrf_token.app_error');
  });

  it('users cannot forge typed posts or post where they are not members', async () => {
    const town = (await user.client.getMyChannels((await user.client.getMyTeams())[0]!.id)).find((c) => c.name === 'town-square')!;
    await expectError(await api('/posts', { method: 'POST', body: JSON.stringify({ channel_id: town.id, message: 'x', type: 'custom_calls' }) }), 400);
    await expectError(await api('/posts', { method: 'POST', body: JSON.stringify({ channel_id: 'a'.repeat(26), message: 'x' }) }), 403);
  });

  it('after all that, the host still serves normally', async () => {
    const me = await user.client.getMe();
    assert.equal(me.username, 'victim');
    const ping = await fetch(`${host.url}/api/v4/system/ping`);
    assert.deepEqual(((await ping.json()) as { status: string }).status, 'OK');
  });
});
