// The unmodified @mattermost/client (Client4 + WebSocketClient) against a running host.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Post } from '@mattermost/types/posts';
import { startTestHost, signUp, client, eventually, wsClient, type TestHost } from '../helpers/host.js';

describe('Client4 and WebSocketClient against the host', () => {
  let host: TestHost;
  before(async () => (host = await startTestHost()));
  after(async () => host.stop());

  it('sign-up: the first user is system admin, the next is not; both land in the default team channels', async () => {
    const admin = await signUp(host.url, 'firstadmin');
    const bob = await signUp(host.url, 'bob');
    assert.match(admin.user.roles, /system_admin/);
    assert.doesNotMatch(bob.user.roles, /system_admin/);
    assert.ok(bob.token, 'login returns the Token header, which Client4 keeps');
    const me = await bob.client.getMe();
    assert.equal(me.id, bob.user.id);
    assert.equal((me as { password?: string }).password, undefined, 'no password field in user JSON');
    const teams = await bob.client.getMyTeams();
    assert.deepEqual(teams.map((t) => t.name), ['calls']);
    const channels = await bob.client.getMyChannels(teams[0]!.id);
    assert.deepEqual(channels.map((c) => c.name).sort(), ['off-topic', 'town-square']);
  });

  it('login by email, bad password refused with the Mattermost error id, logout ends the session', async () => {
    const carol = await signUp(host.url, 'carol');
    const c = client(host.url);
    await assert.rejects(c.login('carol@example.com', 'wrong-password'), (err: { server_error_id?: string; status_code?: number }) => {
      assert.equal(err.status_code, 401);
      assert.equal(err.server_error_id, 'api.user.login.invalid_credentials_email_username');
      return true;
    });
    const u = await c.login('carol@example.com', carol.password);
    assert.equal(u.id, carol.user.id);
    const token = c.getToken();
    await c.logout();
    const loggedOut = client(host.url);
    loggedOut.setToken(token);
    await assert.rejects(loggedOut.getMe(), (err: { status_code?: number }) => err.status_code === 401);
    assert.equal((await carol.client.getMe()).id, carol.user.id, 'the other session of the same user lives on');
  });

  it('teams and channels: create team, join it, public and private channels, members, DM and GM', async () => {
    const dave = await signUp(host.url, 'dave');
    const erin = await signUp(host.url, 'erin');
    const frank = await signUp(host.url, 'frank');
    const team = await dave.client.createTeam({ name: 'design', display_name: 'Design', type: 'O' } as never);
    await erin.client.addToTeam(team.id, erin.user.id);
    const myTeams = await erin.client.getMyTeams();
    assert.ok(myTeams.some((t) => t.id === team.id));

    const pub = await dave.client.createChannel({ team_id: team.id, name: 'ideas', display_name: 'Ideas', type: 'O' } as never);
    const priv = await dave.client.createChannel({ team_id: team.id, name: 'secret', display_name: 'Secret', type: 'P' } as never);
    assert.equal(priv.type, 'P');
    await erin.client.addToChannel(erin.user.id, pub.id);
    await assert.rejects(erin.client.addToChannel(erin.user.id, priv.id), (e: { status_code?: number }) => e.status_code === 403);
    await dave.client.addToChannel(erin.user.id, priv.id);
    const members = await dave.client.getChannelMembers(priv.id);
    assert.deepEqual(members.map((m) => m.user_id).sort(), [dave.user.id, erin.user.id].sort());
    const erinChannels = await erin.client.getMyChannels(team.id);
    assert.ok(erinChannels.some((c) => c.id === priv.id));
    await dave.client.removeFromChannel(erin.user.id, priv.id);
    await assert.rejects(erin.client.getPosts(priv.id), (e: { status_code?: number }) => e.status_code === 403);

    const dm = await dave.client.createDirectChannel([dave.user.id, erin.user.id]);
    assert.equal(dm.type, 'D');
    const again = await erin.client.createDirectChannel([erin.user.id, dave.user.id]);
    assert.equal(again.id, dm.id, 'a DM between two users is one channel');
    const gm = await dave.client.createGroupChannel([erin.user.id, frank.user.id]);
    assert.equal(gm.type, 'G');
    assert.equal(gm.display_name, 'dave, erin, frank');
    assert.ok((await frank.client.getMyChannels(myTeams[0]!.id)).some((c) => c.id === gm.id), 'GMs appear in every team listing');
  });

  it('posts: create, list paged, update; props and type survive; non-members can neither read nor post', async () => {
    const gina = await signUp(host.url, 'gina');
    const hank = await signUp(host.url, 'hank');
    const outsider = await signUp(host.url, 'ivan');
    const dm = await gina.client.createDirectChannel([gina.user.id, hank.user.id]);
    for (let i = 0; i < 5; i++) await gina.client.createPost({ channel_id: dm.id, message: `msg ${i}`, props: { i } } as never);
    const page0 = await hank.client.getPosts(dm.id, 0, 3);
    assert.deepEqual(page0.order.map((id) => page0.posts[id]!.message), ['msg 4', 'msg 3', 'msg 2']);
    const page1 = await hank.client.getPosts(dm.id, 1, 3);
    assert.deepEqual(page1.order.map((id) => page1.posts[id]!.message), ['msg 1', 'msg 0']);
    assert.deepEqual(page1.posts[page1.order[0]!]!.props, { i: 1 });
    const first = page0.posts[page0.order[0]!]!;
    const edited = await gina.client.patchPost({ id: first.id, message: 'msg 4 (edited)' } as never);
    assert.equal(edited.message, 'msg 4 (edited)');
    assert.ok(edited.edit_at > 0);
    await assert.rejects(hank.client.patchPost({ id: first.id, message: 'not mine' } as never), (e: { status_code?: number }) => e.status_code === 403);
    await assert.rejects(outsider.client.getPosts(dm.id), (e: { status_code?: number }) => e.status_code === 403);
    await assert.rejects(outsider.client.createPost({ channel_id: dm.id, message: 'hi' } as never), (e: { status_code?: number }) => e.status_code === 403);
  });

  it('WebSocket: hello with connection_id, `posted` for channel members only, ping answered', async () => {
    const jane = await signUp(host.url, 'jane');
    const kim = await signUp(host.url, 'kim');
    const lee = await signUp(host.url, 'lee');
    const kimWs = wsClient(host.url, kim.token);
    const leeWs = wsClient(host.url, lee.token);
    try {
      const hello = await kimWs.hello();
      assert.match(String(hello.data.connection_id), /^[a-z0-9]{26}$/);
      assert.ok(hello.data.server_version);
      assert.equal(hello.seq, 0);
      await leeWs.hello();
      const dm = await jane.client.createDirectChannel([jane.user.id, kim.user.id]);
      await jane.client.createPost({ channel_id: dm.id, message: 'hello kim' } as never);
      const posted = await kimWs.posted('hello kim');
      assert.equal(posted.broadcast.channel_id, dm.id);
      assert.equal(posted.data.channel_type, 'D');
      assert.equal(posted.data.sender_name, '@jane');
      const town = (await jane.client.getMyChannels((await jane.client.getMyTeams())[0]!.id)).find((c) => c.name === 'town-square')!;
      await jane.client.createPost({ channel_id: town.id, message: 'hello everyone' } as never);
      await leeWs.posted('hello everyone');
      assert.ok(!leeWs.messages.some((m) => m.event === 'posted' && String(m.data.post).includes('hello kim')), 'a DM is not broadcast to others');
      const pong = await new Promise<{ data?: { text?: string } }>((resolve) => kimWs.ws.ping((m: unknown) => resolve(m as { data?: { text?: string } })));
      assert.equal(pong.data?.text, 'pong');
    } finally {
      kimWs.ws.close();
      leeWs.ws.close();
    }
  });

  it('WebSocket reconnect resumes the same connection id and replays the events missed meanwhile', async () => {
    const mia = await signUp(host.url, 'mia');
    const ned = await signUp(host.url, 'ned');
    const dm = await mia.client.createDirectChannel([mia.user.id, ned.user.id]);
    const nedWs = wsClient(host.url, ned.token);
    try {
      const hello = await nedWs.hello();
      const connId = String(hello.data.connection_id);
      await mia.client.createPost({ channel_id: dm.id, message: 'before the drop' } as never);
      await nedWs.posted('before the drop');
      const before = (await host.metrics.wsReconnects.get()).values.find((v) => v.labels.type === 'success')?.value ?? 0;

      // The network drops: the server sees the socket die and keeps the connection for a resume.
      const conn = host.hub.get(connId)!;
      conn.socket!.terminate();
      await eventually(() => (conn.active ? undefined : true), 'the server to notice the drop');
      await mia.client.createPost({ channel_id: dm.id, message: 'missed 1' } as never);
      await mia.client.createPost({ channel_id: dm.id, message: 'missed 2' } as never);
      assert.equal(conn.active, false, 'both posts were published while the client was away');

      await nedWs.posted('missed 2');
      await nedWs.posted('missed 1');
      assert.equal(nedWs.reconnects(), 1);
      assert.equal(nedWs.missed(), 0, 'no resync needed: nothing was lost');
      assert.equal(host.hub.get(connId)?.active, true, 'same connection id after the reconnect');
      const order = nedWs.messages.filter((m) => m.event === 'posted').map((m) => (JSON.parse(m.data.post as string) as Post).message);
      assert.deepEqual(order.slice(-3), ['before the drop', 'missed 1', 'missed 2']);
      const seqs = nedWs.messages.map((m) => m.seq);
      assert.deepEqual(seqs, seqs.map((_, i) => i), 'event sequence numbers are contiguous from 0');
      const after = (await host.metrics.wsReconnects.get()).values.find((v) => v.labels.type === 'success')?.value ?? 0;
      assert.equal(after, before + 1);
    } finally {
      nedWs.ws.close();
    }
  });

  it('ephemeral posts reach only their user, over the WebSocket', async () => {
    const admin = client(host.url);
    await admin.login('firstadmin', 'correct-horse-battery');
    const olga = await signUp(host.url, 'olga');
    const olgaWs = wsClient(host.url, olga.token);
    try {
      await olgaWs.hello();
      const town = (await olga.client.getMyChannels((await olga.client.getMyTeams())[0]!.id)).find((c) => c.name === 'town-square')!;
      await admin.createPostEphemeral(olga.user.id, { channel_id: town.id, message: 'only for olga' } as never);
      const evt = await eventually(() => olgaWs.messages.find((m) => m.event === 'ephemeral_message'), 'ephemeral_message');
      const post = JSON.parse(evt.data.post as string) as Post;
      assert.equal(post.message, 'only for olga');
      assert.equal(post.type, 'system_ephemeral');
      assert.equal(evt.broadcast.user_id, olga.user.id);
      const posts = await olga.client.getPosts(town.id);
      assert.ok(!Object.values(posts.posts).some((p) => p.message === 'only for olga'), 'ephemeral posts are not stored');
    } finally {
      olgaWs.ws.close();
    }
  });

  it('personal access tokens authenticate Client4 and can be revoked', async () => {
    const pat = await signUp(host.url, 'patty');
    const token = await pat.client.createUserAccessToken(pat.user.id, 'ci bot');
    const c = client(host.url);
    c.setToken(token.token!);
    assert.equal((await c.getMe()).id, pat.user.id);
    await pat.client.revokeUserAccessToken(token.id);
    await assert.rejects(c.getMe(), (e: { status_code?: number }) => e.status_code === 401);
  });
});
