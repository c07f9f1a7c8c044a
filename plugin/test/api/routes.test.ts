// The plugin's HTTP routes, channel rules and the /call command against a real host and plugin process:
// /version, /config (user and admin views), /env, test mode (DefaultEnabled) with per-channel enable/disable,
// DMs, GMs and private channels, dismiss-notification, /turn-credentials, /stats, /channels, the slash
// command, and a user removed from the channel mid-call.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import type { Channel } from '@mattermost/types/channels';
import { waitFor } from '../../../rtcd/test/helpers/wait.js';
import { connect, startWorld, type CallWorld } from '../helpers/call-suites.js';
import type { TestUser } from '../helpers/harness.js';
import { embeddedMode } from '../helpers/media-modes.js';

const CLIENT_CONFIG_KEYS = [
  'AllowEnableCalls', 'AllowScreenSharing', 'DefaultEnabled', 'EnableAV1', 'EnableDCSignaling', 'EnableLiveCaptions', 'EnableRecordings',
  'EnableRinging', 'EnableSimulcast', 'EnableTranscriptions', 'EnableVideo', 'GroupCallsAllowed', 'HostControlsAllowed', 'ICEServers',
  'ICEServersConfigs', 'MaxCallParticipants', 'MaxRecordingDuration', 'NeedsTURNCredentials', 'sku_short_name',
];

describe('routes and channel rules (calls enabled everywhere)', () => {
  let w: CallWorld;
  let admin: TestUser, alice: TestUser, bob: TestUser, carol: TestUser;
  let teamId: string;

  before(async () => {
    w = await startWorld(embeddedMode);
    admin = await w.host.user('calladmin');
    [alice, bob, carol] = [await w.host.user('alice'), await w.host.user('bob'), await w.host.user('carol')];
    teamId = await w.host.defaultTeamId(alice);
  });
  after(() => w?.close());

  it('GET /version is public and reports the manifest version', async () => {
    const r = await w.host.request(undefined, 'GET', '/version');
    assert.equal(r.status, 200);
    assert.deepEqual(r.body, { version: '1.12.2', build: '' });
  });

  it('GET /config: the client view for users, everything for admins; GET /env for admins only', async () => {
    const user = (await w.host.request(alice, 'GET', '/config')).body;
    assert.deepEqual(Object.keys(user).sort(), [...CLIENT_CONFIG_KEYS].sort());
    assert.equal(user.DefaultEnabled, true);
    assert.equal(user.HostControlsAllowed, true);
    assert.equal(user.AllowEnableCalls, true);
    assert.equal(user.ICEServersConfigs.length, 1);
    const full = (await w.host.request(admin, 'GET', '/config')).body;
    for (const k of [...CLIENT_CONFIG_KEYS, 'UDPServerPort', 'TCPServerPort', 'RTCDServiceURL', 'TURNStaticAuthSecret', 'ICEHostOverride']) assert.ok(k in full, k);
    assert.equal((await w.host.request(alice, 'GET', '/env')).status, 403);
    const env = (await w.host.request(admin, 'GET', '/env')).body;
    assert.equal(env.DefaultEnabled, 'true');
    assert.equal(env.UDPServerAddress, '127.0.0.1');
    assert.equal(env.UDPServerPort, String(full.UDPServerPort));
  });

  it('calls work in DMs, GMs and private channels, for members only', async () => {
    const dm = await alice.client.createDirectChannel([alice.user.id, bob.user.id]);
    const gm = await alice.client.createGroupChannel([bob.user.id, carol.user.id]);
    const priv = await w.host.channel(alice, [bob], 'P');
    for (const ch of [dm, gm, priv]) {
      const a = await connect(w, alice, ch);
      const b = await connect(w, bob, ch);
      await a.join({ peer: false });
      await b.join({ peer: false });
      const start = await b.waitFor('call_start');
      assert.equal(start.data.channelID, ch.id);
      assert.equal(start.broadcast.channel_id, ch.id);
      await a.waitFor('user_joined', (d) => d.user_id === bob.user.id);
      a.leave();
      b.leave();
      await w.host.callOver(ch.id);
    }
    const outsider = await connect(w, carol, priv);
    await assert.rejects(outsider.join({ peer: false }), /join refused: forbidden/);
  });

  it('dismiss-notification: stored for that user, told to that user only', async () => {
    const ch = await w.host.channel(alice, [bob]);
    const a = await connect(w, alice, ch);
    const b = await connect(w, bob, ch);
    await a.join({ peer: false });
    const callID = (await a.waitFor('call_start')).data.id;
    assert.deepEqual((await w.host.request(bob, 'POST', `/calls/${ch.id}/dismiss-notification`)).body, { message: 'success', status_code: 200 });
    assert.deepEqual((await b.waitFor('user_dismissed_notification')).data, { userID: bob.user.id, callID });
    assert.deepEqual((await w.host.request(bob, 'GET', `/${ch.id}`)).body.call.dismissed_notification, { [bob.user.id]: true });
    assert.equal((await w.host.request(alice, 'GET', `/${ch.id}`)).body.call.dismissed_notification, undefined);
    a.leave();
  });

  it('a user removed from the channel mid-call leaves the call and is told', async () => {
    const ch = await w.host.channel(alice, [bob]);
    const a = await connect(w, alice, ch);
    const b = await connect(w, bob, ch);
    await a.join({ peer: false });
    await b.join({ peer: false });
    await alice.client.removeFromChannel(bob.user.id, ch.id);
    const told = await b.waitFor('user_left', (d) => d.session_id === b.sessionID);
    assert.deepEqual(told.data, { user_id: bob.user.id, session_id: b.sessionID, channelID: ch.id });
    await a.waitFor('user_left', (d) => d.session_id === b.sessionID);
    const state = (await w.host.request(alice, 'GET', `/${ch.id}`)).body.call;
    assert.deepEqual(state.sessions.map((s: { user_id: string }) => s.user_id), [alice.user.id]);
    a.leave();
  });

  it('the /call command: start refused while a call runs, link, stats, host, end', async () => {
    const ch = await w.host.channel(alice, [bob]);
    const a = await connect(w, alice, ch);
    const b = await connect(w, bob, ch);
    await a.join({ peer: false });
    await b.join({ peer: false });
    const run = (u: TestUser, command: string) => u.client.executeCommand(command, { channel_id: ch.id, team_id: teamId } as never);
    assert.equal((await run(alice, '/call start Standup')).text, 'A call is already ongoing in the channel.');
    const link = await run(bob, '/call link');
    assert.equal(link.text, `Call link: ${w.host.url}/calls/channels/${ch.id}?join_call=true`);
    const stats = await run(bob, `/call stats ${Buffer.from(JSON.stringify({ rtt: 0.02, jitter: 1 })).toString('base64')}`);
    assert.equal(stats.text, '```json\n{\n "rtt": 0.02,\n "jitter": 1\n}\n```');
    assert.equal((await run(bob, '/call stats e30=')).text, 'Error: empty stats object');
    assert.match((await run(bob, '/call end')).text ?? '', /^Error: no permissions/);
    assert.equal((await run(bob, '/call teleport')).text, 'Invalid subcommand: teleport');
    await run(alice, '/call host @bob');
    assert.deepEqual((await a.waitFor('call_host_changed')).data, { hostID: bob.user.id, call_id: (await a.waitFor('call_start')).data.id });
    await run(bob, '/call end');
    await a.waitFor('call_end');
    await w.host.callOver(ch.id);
  });

  it('/stats (admin only) and /channels summarise the calls', async () => {
    assert.equal((await w.host.request(alice, 'GET', '/stats')).status, 403);
    const stats = (await w.host.request(admin, 'GET', '/stats')).body;
    assert.equal(stats.total_active_calls, 0);
    assert.equal(stats.total_calls, 6);
    assert.deepEqual(stats.calls_by_channel_type, { D: 1, G: 1, O: 3, P: 1 });
    const today = new Date().toISOString().slice(0, 10);
    assert.deepEqual(stats.calls_by_day, { [today]: 6 });
    assert.deepEqual(stats.calls_by_month, { [today.slice(0, 7)]: 6 });
    assert.equal(stats.avg_participants, 2);
    for (const k of ['avg_duration', 'avg_video_duration', 'total_video_duration', 'total_video_calls', 'total_screen_share_calls', 'recording_jobs_by_day', 'recording_jobs_by_month']) {
      assert.ok(k in stats, k);
    }
    const ch = await w.host.channel(alice, [bob]);
    const a = await connect(w, alice, ch);
    await a.join({ peer: false });
    const channels = (await w.host.request(bob, 'GET', '/channels')).body as { channel_id: string; call?: { id: string } }[];
    const entry = channels.find((c) => c.channel_id === ch.id);
    assert.ok(entry?.call, 'the active call is listed');
    assert.equal((await w.host.request(carol, 'GET', '/channels')).body.some((c: { channel_id: string }) => c.channel_id === ch.id), false, 'not for non-members');
    a.leave();
  });
});

describe('test mode (DefaultEnabled=false), per-channel switches and TURN credentials', () => {
  let w: CallWorld;
  let admin: TestUser, alice: TestUser, bob: TestUser;
  let channel: Channel;

  before(async () => {
    w = await startWorld(embeddedMode, {
      MM_CALLS_DEFAULT_ENABLED: 'false',
      MM_CALLS_TURN_STATIC_AUTH_SECRET: 'turn-secret',
      MM_CALLS_ICE_SERVERS_CONFIGS: JSON.stringify([{ urls: ['turn:127.0.0.1:3478?transport=udp'] }, { urls: ['turn:turn.example.com:3478'], username: 'u', credential: 'p' }]),
    });
    admin = await w.host.user('calladmin');
    [alice, bob] = [await w.host.user('alice'), await w.host.user('bob')];
    channel = await w.host.channel(alice, [bob, admin]);
  });
  after(() => w?.close());

  it('only system admins start calls; they get a hint', async () => {
    const a = await connect(w, alice, channel);
    await assert.rejects(a.join({ peer: false }), /join refused: insufficient permissions/);
    const root = await connect(w, admin, channel);
    await root.join({ peer: false });
    const hint = await new Promise<string>((resolve) => {
      const seen = root.events.find((e) => e.event === 'ephemeral_message');
      if (seen) return resolve(JSON.parse(seen.data.post).message);
      root.on('event', (e) => e.event === 'ephemeral_message' && resolve(JSON.parse(e.data.post).message));
    });
    assert.match(hint, /not enabled for non-admin users/);
    await a.join({ peer: false });
    root.leave();
    a.leave();
    await w.host.callOver(channel.id);
  });

  it('an admin enables a channel: everyone may start there; disabled: nobody', async () => {
    assert.equal((await w.host.request(alice, 'POST', `/${channel.id}`, { enabled: true })).status, 403, 'channel admins cannot in test mode');
    const watcher = await connect(w, bob, channel);
    const r = await w.host.request(admin, 'POST', `/${channel.id}`, { enabled: true });
    assert.deepEqual(r.body, { channel_id: channel.id, enabled: true, props: null });
    await watcher.waitFor('channel_enable_voice');
    assert.deepEqual((await w.host.request(bob, 'GET', `/${channel.id}`)).body, { channel_id: channel.id, enabled: true, props: null });
    const a = await connect(w, alice, channel);
    await a.join({ peer: false });
    a.leave();
    await w.host.callOver(channel.id);

    await w.host.request(admin, 'POST', `/${channel.id}`, { enabled: false });
    await watcher.waitFor('channel_disable_voice');
    const root = await connect(w, admin, channel);
    await assert.rejects(root.join({ peer: false }), /join refused: calls are disabled in the channel/);
  });

  it('TURN: clients are told to fetch credentials; /turn-credentials signs them (TURN REST)', async () => {
    const cfg = (await w.host.request(alice, 'GET', '/config')).body;
    assert.equal(cfg.NeedsTURNCredentials, true);
    assert.deepEqual(cfg.ICEServersConfigs, [{ urls: ['turn:turn.example.com:3478'], username: 'u', credential: 'p' }]);
    const creds = (await w.host.request(alice, 'GET', '/turn-credentials')).body;
    assert.equal(creds.length, 1);
    assert.deepEqual(creds[0].urls, ['turn:127.0.0.1:3478?transport=udp']);
    const [expiry, name] = creds[0].username.split(':');
    assert.equal(name, 'alice');
    assert.ok(Number(expiry) > Date.now() / 1000 + 239 * 60);
    assert.equal(creds[0].credential, createHmac('sha1', 'turn-secret').update(creds[0].username).digest('base64'));
  });
});
