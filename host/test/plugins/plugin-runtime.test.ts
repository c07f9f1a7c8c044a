// The plugin runtime with a real fixture plugin process: activation, every hook, every API call, the
// HTTP proxy and its Mattermost-User-Id rule, WebSocket routing (JSON and msgpack), commands, settings.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { encode } from '@msgpack/msgpack';
import type { Post } from '@mattermost/types/posts';
import { startTestHost, signUp, client, eventually, wsClient, type TestHost } from '../helpers/host.js';

const ID = 'com.example.testplugin';
const FIXTURE = join(import.meta.dirname, '..', 'fixtures', 'test-plugin');
type Rec = { hook: string; [k: string]: unknown };

describe('plugin runtime with the fixture plugin', () => {
  let host: TestHost;
  let admin: Awaited<ReturnType<typeof signUp>>;
  let bob: Awaited<ReturnType<typeof signUp>>;
  let townSquare: string;

  const pluginFetch = (path: string, init: RequestInit = {}) => fetch(`${host.url}/plugins/${ID}${path}`, init);
  const recorded = async (): Promise<{ recorded: Rec[]; configs: Record<string, unknown>[]; activations: number; pid: number }> =>
    (await pluginFetch('/recorded')).json() as never;
  const apiCall = async (method: string, ...args: unknown[]): Promise<{ result?: unknown; error?: string; statusCode?: number }> => {
    const res = await pluginFetch('/api-call', { method: 'POST', body: JSON.stringify({ method, args }) });
    assert.equal(res.status, 200);
    return res.json() as never;
  };
  const ok = async (method: string, ...args: unknown[]) => {
    const r = await apiCall(method, ...args);
    assert.equal(r.error, undefined, `${method} failed: ${r.error}`);
    return r.result;
  };

  before(async () => {
    host = await startTestHost({ pluginDirs: [FIXTURE], plugin: { hookTimeoutMs: 3000, forwardOutput: false } });
    admin = await signUp(host.url, 'boss');
    bob = await signUp(host.url, 'bob');
    const team = (await bob.client.getMyTeams())[0]!;
    townSquare = (await bob.client.getMyChannels(team.id)).find((c) => c.name === 'town-square')!.id;
  });
  after(async () => host.stop());

  it('activates: OnConfigurationChange (with defaults) before OnActivate; status running; webapp bundle served', async () => {
    const r = await recorded();
    assert.deepEqual(r.recorded.slice(0, 2).map((x) => x.hook), ['OnConfigurationChange', 'OnActivate']);
    assert.deepEqual(r.configs[0], { Greeting: 'hello', Enabled: true, MaxUsers: 10, Mode: 'fast', RejectMe: false });
    const statuses = await admin.client.getPluginStatuses();
    assert.equal(statuses.find((s) => s.plugin_id === ID)?.state, 2);
    const webapp = await bob.client.getWebappPlugins();
    assert.deepEqual(webapp.map((p) => [p.id, p.webapp.bundle_path]), [[ID, `/static/plugins/${ID}/main.js`]]);
    const bundle = await fetch(`${host.url}/static/plugins/${ID}/main.js`);
    assert.equal(bundle.status, 200);
    assert.match(bundle.headers.get('content-type') ?? '', /javascript/);
    assert.match(await bundle.text(), /registerPlugin\('com\.example\.testplugin'/);
    assert.equal((await fetch(`${host.url}/static/plugins/${ID}/..%2F..%2Fserver.ts`)).status, 404, 'no escaping the bundle directory');
  });

  it('proxy: Mattermost-User-Id only for a valid session; a client-sent one is dropped', async () => {
    const who = async (headers: Record<string, string>, method = 'GET') =>
      (await (await pluginFetch('/whoami', { method, headers })).json()) as { userId: string; header: string | null };
    assert.deepEqual(await who({}), { userId: '', header: null });
    assert.deepEqual(await who({ 'Mattermost-User-Id': bob.user.id }), { userId: '', header: null }, 'spoofed header stripped');
    assert.deepEqual(await who({ Authorization: 'Bearer not-a-real-token', 'Mattermost-User-Id': bob.user.id }), { userId: '', header: null });
    assert.deepEqual(await who({ Authorization: `Bearer ${bob.token}`, 'Mattermost-User-Id': admin.user.id }), { userId: bob.user.id, header: bob.user.id });
    assert.deepEqual(await who({ Cookie: `MMAUTHTOKEN=${bob.token}` }), { userId: bob.user.id, header: bob.user.id });
  });

  it('proxy: cookie sessions on unsafe methods need a CSRF header to carry the user id', async () => {
    const login = await fetch(`${host.url}/api/v4/users/login`, { method: 'POST', body: JSON.stringify({ login_id: 'bob', password: bob.password }) });
    const cookies = login.headers.getSetCookie();
    const cookie = cookies.map((c) => c.split(';')[0]).join('; ');
    const csrf = /MMCSRF=([^;]+)/.exec(cookies.join(';'))![1]!;
    assert.ok(cookies.some((c) => c.startsWith('MMAUTHTOKEN=') && /httponly/i.test(c)), 'the session cookie is HttpOnly');
    const who = async (headers: Record<string, string>) =>
      ((await (await pluginFetch('/whoami', { method: 'POST', headers: { Cookie: cookie, ...headers } })).json()) as { userId: string }).userId;
    assert.equal(await who({}), '', 'a cross-site form post carries no identity');
    assert.equal(await who({ 'X-CSRF-Token': 'wrong' }), '');
    assert.equal(await who({ 'X-CSRF-Token': csrf }), bob.user.id);
    assert.equal(await who({ 'X-Requested-With': 'XMLHttpRequest' }), bob.user.id);
  });

  it('proxy: method, query, binary body and response status/headers pass through', async () => {
    const body = new Uint8Array([0, 1, 2, 255, 254, 10]);
    const res = await pluginFetch('/echo?a=1&b=two', { method: 'POST', body });
    assert.equal(res.status, 201);
    assert.equal(res.headers.get('x-echo-method'), 'POST');
    assert.equal(res.headers.get('x-echo-query'), 'a=1&b=two');
    assert.deepEqual(new Uint8Array(await res.arrayBuffer()), body);
    const missing = await pluginFetch('/nope');
    assert.equal(missing.status, 404);
    const thrown = await pluginFetch('/throw');
    assert.equal(thrown.status, 500);
    assert.match(((await thrown.json()) as { message: string }).message, /deliberate failure/);
  });

  it('API: KV get/set/list/delete, expiry, atomic compare-and-set and compare-and-delete', async () => {
    await ok('kvSet', 'k1', { $b: 'v1' });
    assert.deepEqual(await ok('kvGet', 'k1'), { $b: 'v1' });
    assert.equal(await ok('kvGet', 'absent'), null);
    await ok('kvSetWithExpiry', 'temp', { $b: 'soon gone' }, 1);
    assert.deepEqual(await ok('kvGet', 'temp'), { $b: 'soon gone' });
    assert.ok(((await ok('kvList', 0, 100)) as string[]).includes('k1'));
    assert.equal(await ok('kvCompareAndSet', 'lock', null, 'a'), true, 'create when absent');
    assert.equal(await ok('kvCompareAndSet', 'lock', null, 'b'), false, 'already exists');
    assert.equal(await ok('kvCompareAndSet', 'lock', 'x', 'b'), false, 'wrong old value');
    assert.equal(await ok('kvCompareAndSet', 'lock', 'a', 'b'), true);
    assert.equal(await ok('kvCompareAndDelete', 'lock', 'a'), false);
    assert.equal(await ok('kvCompareAndDelete', 'lock', 'b'), true);
    assert.equal(await ok('kvGet', 'lock'), null);
    assert.equal(await ok('kvSetWithOptions', 'ttl', 'x', { atomic: true, oldValue: null, expireInSeconds: 1 }), true);
    await eventually(async () => ((await ok('kvGet', 'ttl')) === null ? true : undefined), 'the key to expire', 5000);
    assert.equal(await ok('kvSetWithOptions', 'ttl', 'y', { atomic: true, oldValue: null }), true, 'an expired key counts as absent');
    assert.equal(await ok('kvGet', 'temp'), null);
    await ok('kvDelete', 'k1');
    assert.equal(await ok('kvGet', 'k1'), null);
    await ok('kvDeleteAll');
    assert.ok(!((await ok('kvList', 0, 100)) as string[]).includes('ttl'));
    const bad = await apiCall('kvSetWithOptions', 'k', 'v', { atomic: false, oldValue: 'x' });
    assert.equal(bad.statusCode, 400);
  });

  it('API: users, channels, teams, members, permissions, bots, DMs, config, DB settings, log', async () => {
    assert.equal(((await ok('getUser', bob.user.id)) as { username: string }).username, 'bob');
    assert.equal(((await ok('getUserByUsername', 'boss')) as { id: string }).id, admin.user.id);
    assert.equal(((await ok('getUsersByIds', [bob.user.id, admin.user.id])) as unknown[]).length, 2);
    const admins = (await ok('getUsers', { page: 0, perPage: 10, role: 'system_admin' })) as { id: string }[];
    assert.deepEqual(admins.map((u) => u.id), [admin.user.id]);
    const inTown = (await ok('getUsers', { page: 0, perPage: 100, inChannel: townSquare })) as { id: string }[];
    assert.ok(inTown.some((u) => u.id === bob.user.id));
    const memberships = (await ok('getChannelMembersForUser', bob.user.id, 0, 200)) as { channel_id: string }[];
    assert.ok(memberships.some((m) => m.channel_id === townSquare));
    const channel = (await ok('getChannel', townSquare)) as { name: string; team_id: string };
    assert.equal(channel.name, 'town-square');
    assert.equal(((await ok('getTeam', channel.team_id)) as { name: string }).name, 'calls');
    assert.equal(((await ok('getChannelMember', townSquare, bob.user.id)) as { user_id: string }).user_id, bob.user.id);
    assert.ok(((await ok('getChannelMembers', townSquare, 0, 100)) as unknown[]).length >= 2);
    assert.equal(await ok('hasPermissionTo', admin.user.id, 'manage_system'), true);
    assert.equal(await ok('hasPermissionTo', bob.user.id, 'manage_system'), false);
    assert.equal(await ok('hasPermissionToChannel', bob.user.id, townSquare, 'create_post'), true);
    assert.equal(await ok('hasPermissionToTeam', bob.user.id, channel.team_id, 'manage_team'), false);
    const botId = (await ok('ensureBotUser', { username: 'testbot', display_name: 'Test Bot', description: 'fixture bot' })) as string;
    assert.equal(await ok('ensureBotUser', { username: 'testbot', display_name: 'Test Bot', description: 'fixture bot' }), botId, 'idempotent');
    assert.equal(((await ok('getUser', botId)) as { is_bot: boolean }).is_bot, true);
    const dm = (await ok('getDirectChannel', botId, bob.user.id)) as { id: string; type: string };
    assert.equal(dm.type, 'D');
    assert.deepEqual(await ok('getConfig'), { Greeting: 'hello', Enabled: true, MaxUsers: 10, Mode: 'fast', RejectMe: false });
    const server = (await ok('getServerConfig')) as { ServiceSettings: { SiteURL: string } };
    assert.equal(server.ServiceSettings.SiteURL, host.url);
    assert.deepEqual(await ok('getDBSettings'), { driver: 'sqlite', dataSource: join(host.dir, 'calls.sqlite') });
    await ok('log', 'info', 'hello from the test', { n: 1 });
    const missing = await apiCall('getUser', 'a'.repeat(26));
    assert.equal(missing.statusCode, 404);
    const invalid = await apiCall('getUser', 'not-an-id');
    assert.equal(invalid.statusCode, 400);
    assert.match(invalid.error!, /getUser: invalid arguments/);
  });

  it('API: posts created and updated by the plugin (type, props) reach clients; ephemeral posts go to one user', async () => {
    const bobWs = wsClient(host.url, bob.token);
    try {
      await bobWs.hello();
      const post = (await ok('createPost', { user_id: admin.user.id, channel_id: townSquare, message: '', type: 'custom_calls', props: { start_at: 1, title: 'Daily' } })) as Post;
      const posted = await bobWs.find('posted', (m) => (JSON.parse(m.data.post as string) as Post).id === post.id);
      assert.equal((JSON.parse(posted.data.post as string) as Post).type, 'custom_calls');
      const updated = (await ok('updatePost', { id: post.id, props: { start_at: 1, title: 'Daily', end_at: 2 } })) as Post;
      assert.deepEqual(updated.props, { start_at: 1, title: 'Daily', end_at: 2 });
      await bobWs.find('post_edited', (m) => (JSON.parse(m.data.post as string) as Post).id === post.id);
      assert.equal(((await ok('getPost', post.id)) as Post).type, 'custom_calls');
      const fromApi = await bob.client.getPost(post.id);
      assert.deepEqual(fromApi.props, updated.props);
      await assert.rejects(bob.client.patchPost({ id: post.id, message: 'hijack' } as never), (e: { status_code?: number }) => e.status_code === 403);
      await ok('sendEphemeralPost', bob.user.id, { channel_id: townSquare, message: 'psst' });
      const eph = await bobWs.find('ephemeral_message');
      assert.equal((JSON.parse(eph.data.post as string) as Post).message, 'psst');
      await ok('deletePost', post.id);
      await bobWs.find('post_deleted', (m) => (JSON.parse(m.data.post as string) as Post).id === post.id);
    } finally {
      bobWs.ws.close();
    }
  });

  it('API: publishWebSocketEvent honours channel, user, connection and omit-users targets', async () => {
    const carol = await signUp(host.url, 'carol');
    const dm = await admin.client.createDirectChannel([admin.user.id, bob.user.id]);
    const bobWs = wsClient(host.url, bob.token);
    const carolWs = wsClient(host.url, carol.token);
    try {
      const bobConn = String((await bobWs.hello()).data.connection_id);
      await carolWs.hello();
      const ev = `custom_${ID}_`;
      await ok('publishWebSocketEvent', 'to_channel', { n: 1 }, { channelId: dm.id });
      await ok('publishWebSocketEvent', 'to_user', { n: 2 }, { userId: carol.user.id });
      await ok('publishWebSocketEvent', 'to_conn', { n: 3 }, { connectionId: bobConn });
      await ok('publishWebSocketEvent', 'to_all_but_bob', { n: 4 }, { omitUsers: [bob.user.id] });
      await ok('publishWebSocketEvent', 'marker', {}, {});
      await bobWs.find(`${ev}marker`);
      await carolWs.find(`${ev}marker`);
      const names = (msgs: { event: string }[]) => msgs.map((m) => m.event).filter((e) => e.startsWith(ev)).map((e) => e.slice(ev.length));
      assert.deepEqual(names(bobWs.messages), ['to_channel', 'to_conn', 'marker']);
      assert.deepEqual(names(carolWs.messages), ['to_user', 'to_all_but_bob', 'marker']);
      const toChannel = bobWs.messages.find((m) => m.event === `${ev}to_channel`)!;
      assert.deepEqual(toChannel.data, { n: 1 });
      assert.equal(toChannel.broadcast.channel_id, dm.id);
      const badTarget = await apiCall('publishWebSocketEvent', 'x', {}, { channelId: 'bad' });
      assert.equal(badTarget.statusCode, 400);
    } finally {
      bobWs.ws.close();
      carolWs.ws.close();
    }
  });

  it('WebSocket: custom actions (JSON and msgpack binary) reach the plugin with connection and user ids; connect/disconnect hooks fire', async () => {
    const ws = new WebSocket(`${host.url.replace('http', 'ws')}/api/v4/websocket`, { headers: { Authorization: `Bearer ${bob.token}` } });
    const events: { event?: string; data?: Record<string, unknown> }[] = [];
    ws.on('message', (d) => events.push(JSON.parse(d.toString())));
    await new Promise((r) => ws.once('open', r));
    const hello = await eventually(() => events.find((e) => e.event === 'hello'), 'hello');
    const connId = String(hello.data!.connection_id);
    ws.send(JSON.stringify({ action: `custom_${ID}_join`, seq: 1, data: { channelID: townSquare } }));
    const sdp = new Uint8Array([120, 156, 1, 2, 3, 0, 255]);
    ws.send(encode({ action: `custom_${ID}_echo`, seq: 2, data: { data: sdp } }));
    const echo = await eventually(() => events.find((e) => e.event === `custom_${ID}_echo`), 'echo event');
    assert.deepEqual((echo.data!.got as { data: unknown }).data, { binary: Array.from(sdp) }, 'binary payload intact to the plugin');
    ws.close();
    const r = await eventually(async () => {
      const rec = await recorded();
      return rec.recorded.some((x) => x.hook === 'OnWebSocketDisconnect' && x.webConnID === connId) ? rec : undefined;
    }, 'OnWebSocketDisconnect');
    const mine = r.recorded.filter((x) => x.webConnID === connId);
    assert.deepEqual(mine.map((x) => x.hook), ['OnWebSocketConnect', 'WebSocketMessageHasBeenPosted', 'WebSocketMessageHasBeenPosted', 'OnWebSocketDisconnect']);
    const join = mine[1]!;
    assert.equal(join.userID, bob.user.id);
    assert.equal(join.action, `custom_${ID}_join`);
    assert.equal((join.data as Record<string, unknown>).channelID, townSquare);
    assert.ok('remote_address' in (join.data as object), 'the host adds remote_address like Mattermost');
  });

  it('slash commands: ephemeral and in-channel responses; unknown trigger is a 404', async () => {
    const bobWs = wsClient(host.url, bob.token);
    try {
      await bobWs.hello();
      const res = await bob.client.executeCommand('/testcmd echo hi there', { channel_id: townSquare } as never);
      assert.equal(res.text, 'echo: hi there');
      const eph = await bobWs.find('ephemeral_message');
      assert.equal((JSON.parse(eph.data.post as string) as Post).message, 'echo: hi there');
      await bob.client.executeCommand('/testcmd public shout', { channel_id: townSquare } as never);
      await bobWs.posted('shout');
      await assert.rejects(bob.client.executeCommand('/nosuch thing', { channel_id: townSquare } as never), (e: { status_code?: number }) => e.status_code === 404);
      const r = await recorded();
      const exec = r.recorded.find((x) => x.hook === 'ExecuteCommand')!;
      assert.equal((exec.args as { user_id: string }).user_id, bob.user.id);
      assert.equal((exec.args as { channel_id: string }).channel_id, townSquare);
    } finally {
      bobWs.ws.close();
    }
  });

  it('UserHasLeftChannel fires when a member leaves or is removed', async () => {
    const team = (await bob.client.getMyTeams())[0]!;
    const offTopic = (await bob.client.getMyChannels(team.id)).find((c) => c.name === 'off-topic')!;
    await admin.client.removeFromChannel(bob.user.id, offTopic.id);
    const rec = await eventually(async () => (await recorded()).recorded.find((x) => x.hook === 'UserHasLeftChannel'), 'UserHasLeftChannel');
    assert.deepEqual(rec, { hook: 'UserHasLeftChannel', channelId: offTopic.id, userId: bob.user.id, actorId: admin.user.id });
  });

  it('settings: admins read and change them, the plugin gets OnConfigurationChange; bad values and non-admins are refused', async () => {
    const base = `${host.url}/api/v4/plugins/${ID}/config`;
    const put = (token: string, body: unknown) =>
      fetch(base, { method: 'PUT', headers: { Authorization: `Bearer ${token}`, 'Content-Type': 'application/json' }, body: JSON.stringify(body) });
    const got = (await (await fetch(base, { headers: { Authorization: `Bearer ${admin.token}` } })).json()) as { config: Record<string, unknown> };
    assert.equal(got.config.Greeting, 'hello');
    assert.equal((await put(bob.token, { Greeting: 'x' })).status, 403);
    const res = await put(admin.token, { greeting: 'hi all', MaxUsers: '25', Mode: 'slow' });
    assert.equal(res.status, 200);
    assert.deepEqual(((await res.json()) as { config: unknown }).config, { Greeting: 'hi all', Enabled: true, MaxUsers: 25, Mode: 'slow', RejectMe: false });
    const rec = await recorded();
    assert.equal(rec.configs.at(-1)?.Greeting, 'hi all', 'delivered with OnConfigurationChange');
    for (const bad of [{ Mode: 'medium' }, { Enabled: 'maybe' }, { MaxUsers: 'many' }, { Unknown: 1 }]) {
      const r = await put(admin.token, bad);
      assert.equal(r.status, 400, JSON.stringify(bad));
      assert.match(((await r.json()) as { message: string }).message, /Setting|Unknown setting/);
    }
    const rejected = await put(admin.token, { RejectMe: true, Greeting: 'never' });
    assert.equal(rejected.status, 400);
    assert.match(((await rejected.json()) as { message: string }).message, /RejectMe is set/);
    assert.equal((await ok('getConfig') as Record<string, unknown>).Greeting, 'hi all', 'the refused change was rolled back');

    const cfg = await admin.client.getConfig();
    const plugins = (cfg.PluginSettings as unknown as { Plugins: Record<string, Record<string, unknown>> }).Plugins;
    assert.equal(plugins[ID]!.Greeting, 'hi all');
    plugins[ID]!.Greeting = 'via config api';
    const updated = await admin.client.updateConfig(cfg);
    assert.equal((updated.PluginSettings as unknown as { Plugins: Record<string, Record<string, unknown>> }).Plugins[ID]!.Greeting, 'via config api');
    assert.equal((await recorded()).configs.at(-1)?.Greeting, 'via config api');
    await assert.rejects(admin.client.updateConfig({ ...cfg, ServiceSettings: { ...cfg.ServiceSettings, SiteURL: 'http://elsewhere' } }), (e: { status_code?: number }) => e.status_code === 400);
    await assert.rejects(bob.client.getConfig(), (e: { status_code?: number }) => e.status_code === 403);
  });

  it('metrics listener: /plugins/<id>/metrics is answered by ServeMetrics', async () => {
    const res = await fetch(`${host.metricsUrl}/plugins/${ID}/metrics`);
    assert.equal(res.status, 200);
    assert.match(await res.text(), /^testplugin_up 1$/m);
    assert.equal((await fetch(`${host.metricsUrl}/plugins/no.such.plugin/metrics`)).status, 404);
  });

  it('an unauthenticated client of a plugin route still gets the plugin, and an API client gets 401 elsewhere', async () => {
    const anon = client(host.url);
    await assert.rejects(anon.getMe(), (e: { status_code?: number }) => e.status_code === 401);
    assert.equal((await pluginFetch('/whoami')).status, 200);
  });
});
