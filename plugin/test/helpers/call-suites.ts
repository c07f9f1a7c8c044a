// The call scenarios of issue 4's "Must show", written once and run per media mode (embedded here, rtcd by
// plugin/test/rtcd): a real host and plugin process, @mattermost/client users, werift peers speaking the
// browser's protocol. Each `it` is one step of the story; they run in order and share the call.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import type { Channel } from '@mattermost/types/channels';
import { StunResponder } from '../../../rtcd/test/helpers/stun-responder.js';
import { waitFor, sleep } from '../../../rtcd/test/helpers/wait.js';
import { CallsClient, type WsEvent } from './calls-client.js';
import { CallsHost, metricValue, type TestUser } from './harness.js';
import type { MediaMode, MediaModeRun } from './media-modes.js';

const keys = (o: object) => Object.keys(o).sort();
const P = 'mattermost_plugin_calls';

/** The plugin environment every suite uses on top of the mode's. */
export function baseEnv(stunUrl: string): Record<string, string> {
  return {
    MM_CALLS_DEFAULT_ENABLED: 'true',
    MM_CALLS_ICE_SERVERS_CONFIGS: JSON.stringify([{ urls: [stunUrl] }]),
    MM_CALLS_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
  };
}

export interface CallWorld {
  stun: StunResponder;
  run: MediaModeRun;
  host: CallsHost;
  clients: CallsClient[];
  close(): Promise<void>;
}

export async function startWorld(mode: MediaMode, extraEnv: Record<string, string> = {}): Promise<CallWorld> {
  const stun = await StunResponder.start();
  const run = await mode.start(stun.url);
  const host = await CallsHost.start({ env: { ...baseEnv(stun.url), ...run.env, ...extraEnv } }).catch(async (err: unknown) => {
    await run.stop();
    await stun.close();
    throw err;
  });
  const clients: CallsClient[] = [];
  return {
    stun, run, host, clients,
    async close() {
      await Promise.all(clients.map((c) => c.close()));
      await host.stop();
      await run.stop();
      await stun.close();
    },
  };
}

export async function connect(w: CallWorld, u: TestUser, channel: Channel, title?: string): Promise<CallsClient> {
  const c = await CallsClient.connect({ url: w.host.url, token: u.token, channelID: channel.id, stunUrl: w.stun.url, title });
  w.clients.push(c);
  return c;
}

function assertUserSession(ev: WsEvent, userID: string, sessionID: string): void {
  assert.deepEqual(keys(ev.data), ['session_id', 'userID']);
  assert.equal(ev.data.userID, userID);
  assert.equal(ev.data.session_id, sessionID);
}

/** The whole call lifecycle, one step per test. */
export function lifecycleSuite(mode: MediaMode): void {
  describe(`call lifecycle (${mode.name} media)`, () => {
    let w: CallWorld;
    let alice: TestUser, bob: TestUser, carol: TestUser;
    let channel: Channel;
    let a: CallsClient, b: CallsClient, c: CallsClient;
    let callID = '';
    let postID = '';
    let startAt = 0;

    before(async () => {
      w = await startWorld(mode);
      await w.host.user('calladmin');
      [alice, bob, carol] = [await w.host.user('alice'), await w.host.user('bob'), await w.host.user('carol')];
      channel = await w.host.channel(alice, [bob, carol]);
      [a, b, c] = [await connect(w, alice, channel, 'Weekly sync'), await connect(w, bob, channel), await connect(w, carol, channel)];
    });
    after(() => w?.close());

    it('the first join starts the call: join, call_start, user_joined, call_state and the call post', async () => {
      await a.join();
      for (const x of [a, b, c]) {
        const start = await x.waitFor('call_start');
        assert.deepEqual(keys(start.data), ['channelID', 'host_id', 'id', 'owner_id', 'post_id', 'start_at', 'thread_id']);
        assert.equal(start.data.channelID, channel.id);
        assert.equal(start.data.owner_id, alice.user.id);
        assert.equal(start.data.host_id, alice.user.id);
        assert.equal(start.broadcast.channel_id, channel.id);
        const joined = await x.waitFor('user_joined');
        assert.deepEqual(joined.data, { user_id: alice.user.id, session_id: a.sessionID });
      }
      const start = a.received('call_start')[0]!.data;
      callID = start.id;
      postID = start.post_id;
      startAt = start.start_at;
      assert.match(callID, /^[a-z0-9]{26}$/);
      assert.equal(start.thread_id, postID, 'a new call post is its own thread');
      assert.deepEqual(a.received('join')[0]!.data, { connID: a.connID });
      const stateEv = await a.waitFor('call_state');
      assert.deepEqual(keys(stateEv.data), ['call', 'channel_id']);
      const state = JSON.parse(stateEv.data.call);
      assert.equal(state.id, callID);
      assert.equal(state.host_id, alice.user.id);
      assert.deepEqual(state.sessions, [{ session_id: a.sessionID, user_id: alice.user.id, unmuted: false, raised_hand: 0, video: false }]);
      assert.equal(state.screen_sharing_session_id, '');
      assert.equal(b.received('call_state').length, 0, 'call_state goes to the joining user only');

      const post = await alice.client.getPost(postID);
      assert.equal(post.type, 'custom_calls');
      assert.equal(post.message, 'alice started a call');
      assert.equal(post.props.title, 'Weekly sync');
      assert.equal(post.props.start_at, startAt);
      assert.deepEqual(await w.host.request(bob, 'GET', `/calls/${channel.id}/active`).then((r) => r.body), { active: true });
    });

    it('two more users join; everyone sees them, each gets the full call state', async () => {
      await b.join();
      await c.join();
      for (const x of [a, b, c]) {
        await x.waitFor('user_joined', (d) => d.session_id === b.sessionID);
        await x.waitFor('user_joined', (d) => d.session_id === c.sessionID);
      }
      const state = JSON.parse((await c.waitFor('call_state')).data.call);
      assert.deepEqual(state.sessions.map((s: { user_id: string }) => s.user_id).sort(), [alice.user.id, bob.user.id, carol.user.id].sort());
      assert.equal(a.received('call_start').length, 1, 'one call per channel: no second call_start');
      assert.equal(a.peer?.connectionState, 'connected');
      const metrics = await w.host.scrape();
      assert.equal(metricValue(metrics, `${P}_websocket_connections_total`), 3);
      assert.equal(metricValue(metrics, `${P}_websocket_events_total`, { direction: 'in', type: 'join' }), 3);
      assert.equal(metricValue(metrics, `${P}_websocket_events_total`, { direction: 'out', type: 'user_joined' }), 3);
      assert.equal(metricValue(metrics, `${P}_store_ops_total`, { type: 'CreateCall' }), 1);
      assert.equal(metricValue(metrics, `${P}_store_ops_total`, { type: 'CreateCallSession' }), 3);
      if (mode.sfuInPlugin) assert.equal(metricValue(metrics, `${P}_rtc_sessions_total`, { group_id: 'default' }), 3);
    });

    it("one unmuted user's audio reaches the others; voice activity on and off; mute", async () => {
      await a.unmute();
      for (const x of [a, b, c]) assertUserSession(await x.waitFor('user_unmuted'), alice.user.id, a.sessionID);
      await waitFor('audio from alice at bob and carol', () => b.peer!.received.packets(a.sessionID, 'voice') > 25 && c.peer!.received.packets(a.sessionID, 'voice') > 25);
      assert.equal(a.peer!.received.packets(a.sessionID, 'voice'), 0, 'nobody hears themselves');
      for (const x of [b, c]) assertUserSession(await x.waitFor('user_voice_on'), alice.user.id, a.sessionID);
      a.setTalking(false);
      for (const x of [b, c]) assertUserSession(await x.waitFor('user_voice_off'), alice.user.id, a.sessionID);
      if (mode.sfuInPlugin) {
        const metrics = await w.host.scrape();
        assert.equal(metricValue(metrics, `${P}_rtc_rtp_tracks_total`, { direction: 'in', type: 'audio/opus' }), 1);
        assert.equal(metricValue(metrics, `${P}_rtc_rtp_tracks_total`, { direction: 'out', type: 'audio/opus' }), 2);
      }
      a.mute();
      for (const x of [a, b, c]) assertUserSession(await x.waitFor('user_muted'), alice.user.id, a.sessionID);
    });

    it('a screen share is seen by the others', async () => {
      await b.startScreen();
      for (const x of [a, b, c]) assertUserSession(await x.waitFor('user_screen_on'), bob.user.id, b.sessionID);
      await waitFor('screen from bob at alice and carol', () => a.peer!.received.packets(b.sessionID, 'screen') > 5 && c.peer!.received.packets(b.sessionID, 'screen') > 5);
      const view = (await w.host.request(carol, 'GET', `/${channel.id}`)).body;
      assert.equal(view.call.screen_sharing_session_id, b.sessionID);
      await b.stopScreen();
      for (const x of [a, b, c]) assertUserSession(await x.waitFor('user_screen_off'), bob.user.id, b.sessionID);
    });

    it('raise and lower a hand; react', async () => {
      c.raiseHand();
      for (const x of [a, b, c]) {
        const ev = await x.waitFor('user_raise_hand');
        assert.deepEqual(keys(ev.data), ['raised_hand', 'session_id', 'userID']);
        assert.equal(ev.data.session_id, c.sessionID);
        assert.ok(ev.data.raised_hand >= startAt);
      }
      c.lowerHand();
      for (const x of [a, b, c]) assert.equal((await x.waitFor('user_unraise_hand')).data.raised_hand, 0);
      c.react({ name: '+1', unified: '1f44d' });
      for (const x of [a, b, c]) {
        const ev = await x.waitFor('user_reacted');
        assert.deepEqual(keys(ev.data), ['emoji', 'session_id', 'timestamp', 'user_id']);
        assert.deepEqual(ev.data.emoji, { name: '+1', unified: '1f44d', skin: '', literal: '' });
        assert.equal(ev.data.user_id, carol.user.id);
      }
    });

    it('host controls: mute, lower hand, stop screen, mute others; refused for non-hosts', async () => {
      await b.unmute();
      await a.waitFor('user_unmuted', (d) => d.session_id === b.sessionID);
      const denied = await w.host.request(carol, 'POST', `/calls/${channel.id}/host/mute`, { session_id: b.sessionID });
      assert.equal(denied.status, 403);
      assert.equal(denied.body.status_code, 403);
      assert.equal((await w.host.request(alice, 'POST', `/calls/${channel.id}/host/mute`, { session_id: b.sessionID })).status, 200);
      assert.deepEqual((await b.waitFor('host_mute')).data, { channel_id: channel.id, session_id: b.sessionID });

      c.raiseHand();
      await a.next('user_raise_hand');
      assert.equal((await w.host.request(alice, 'POST', `/calls/${channel.id}/host/lower-hand`, { session_id: c.sessionID })).status, 200);
      assert.deepEqual((await c.waitFor('host_lower_hand')).data, { call_id: callID, channel_id: channel.id, session_id: c.sessionID, host_id: alice.user.id });

      await b.startScreen();
      await a.next('user_screen_on');
      assert.equal((await w.host.request(alice, 'POST', `/calls/${channel.id}/host/screen-off`, { session_id: b.sessionID })).status, 200);
      assert.deepEqual((await b.waitFor('host_screen_off')).data, { channel_id: channel.id, session_id: b.sessionID });
      await b.stopScreen();

      const before = b.received('host_mute').length;
      assert.equal((await w.host.request(alice, 'POST', `/calls/${channel.id}/host/mute-others`)).status, 200);
      await waitFor('a second host_mute for bob', () => b.received('host_mute').length > before);
      assert.equal(a.received('host_mute').length + c.received('host_mute').length, 0, 'host_mute goes to the target only');
    });

    it('when the host leaves, the earliest remaining joiner becomes host', async () => {
      a.leave();
      for (const x of [b, c]) {
        assert.deepEqual((await x.waitFor('user_left', (d) => d.session_id === a.sessionID)).data, { user_id: alice.user.id, session_id: a.sessionID });
        assert.deepEqual((await x.waitFor('call_host_changed')).data, { hostID: bob.user.id, call_id: callID });
      }
    });

    it('make host, then the host removes a participant (media closed after 3 s)', async () => {
      assert.equal((await w.host.request(bob, 'POST', `/calls/${channel.id}/host/make`, { new_host_id: carol.user.id })).status, 200);
      for (const x of [b, c]) await x.waitFor('call_host_changed', (d) => d.hostID === carol.user.id);
      const a2 = await connect(w, alice, channel);
      await a2.join();
      await c.waitFor('user_joined', (d) => d.session_id === a2.sessionID);
      assert.equal((await w.host.request(carol, 'POST', `/calls/${channel.id}/host/remove`, { session_id: a2.sessionID })).status, 200);
      for (const x of [a2, b, c]) {
        assert.deepEqual((await x.waitFor('host_removed')).data, { call_id: callID, channel_id: channel.id, session_id: a2.sessionID, user_id: alice.user.id });
      }
      // The removed client ignores the notice: the server ends its session.
      await c.waitFor('user_left', (d) => d.session_id === a2.sessionID);
      const state = (await w.host.request(carol, 'GET', `/${channel.id}`)).body.call;
      assert.deepEqual(state.sessions.map((s: { session_id: string }) => s.session_id).sort(), [b.sessionID, c.sessionID].sort());
      assert.equal(state.host_id, carol.user.id, 'the locked host stays host');
    });

    it('the host ends the call: call_end, clean-up after 5 s, the call post shows it ended', async () => {
      assert.equal((await w.host.request(carol, 'POST', `/calls/${channel.id}/host/end`)).status, 200);
      for (const x of [a, b, c]) {
        const ev = await x.waitFor('call_end');
        assert.equal(ev.broadcast.channel_id, channel.id);
      }
      await w.host.callOver(channel.id);
      const post = await alice.client.getPost(postID);
      assert.equal(post.message, 'Call ended');
      assert.ok((post.props.end_at as number) >= startAt);
      assert.deepEqual([...(post.props.participants as string[])].sort(), [alice.user.id, bob.user.id, carol.user.id].sort());
      assert.equal(post.props.title, 'Weekly sync');
    });

    it('metrics return to zero and count what happened', async () => {
      const metrics = await waitFor('sessions and links back to zero', async () => {
        const m = await w.host.scrape();
        const zero = metricValue(m, `${P}_websocket_connections_total`) === 0 && (!mode.sfuInPlugin || metricValue(m, `${P}_rtc_sessions_total`) === 0);
        return zero ? m : undefined;
      });
      if (mode.sfuInPlugin) {
        assert.equal(metricValue(metrics, `${P}_rtc_rtp_tracks_total`), 0);
        assert.ok(metricValue(metrics, `${P}_rtc_rtp_packets_total`, { direction: 'in', type: 'voice' }) > 0);
      }
      assert.equal(metricValue(metrics, `${P}_store_ops_total`, { type: 'CreateCallSession' }), 4);
      assert.equal(metricValue(metrics, `${P}_websocket_events_total`, { direction: 'out', type: 'call_end' }), 1);
      assert.equal(metricValue(metrics, `${P}_websocket_events_total`, { direction: 'out', type: 'host_removed' }), 1);
      assert.equal(metricValue(metrics, `${P}_aggregate_stats`, { stat: 'total_calls' }), 1);
      assert.equal(metricValue(metrics, `${P}_aggregate_stats`, { stat: 'avg_participants' }), 3);
      assert.equal(metricValue(metrics, `${P}_aggregate_stats`, { stat: 'total_screen_share_calls' }), 1);
      assert.equal(metricValue(metrics, `${P}_calls_by_channel_type`, { type: 'public' }), 1);
      assert.ok(metricValue(metrics, `${P}_cluster_mutex_grab_time_count`, { group: 'mutex_call' }) > 0);
      assert.ok(metricValue(metrics, `${P}_app_handlers_time_count`, { handler: 'addUserSession' }) >= 4);
    });
  });
}

/** Losing and regaining the WebSocket: within 10 s the session (and call) go on; past it, the session ends. */
export function reconnectSuite(mode: MediaMode): void {
  describe(`WebSocket reconnect (${mode.name} media)`, () => {
    let w: CallWorld;
    let alice: TestUser, bob: TestUser;
    let channel: Channel;
    let a: CallsClient, b: CallsClient;

    before(async () => {
      w = await startWorld(mode);
      await w.host.user('calladmin');
      [alice, bob] = [await w.host.user('alice'), await w.host.user('bob')];
      channel = await w.host.channel(alice, [bob]);
      [a, b] = [await connect(w, alice, channel), await connect(w, bob, channel)];
      await a.join();
      await b.join();
    });
    after(() => w?.close());

    it('a reconnect within 10 s keeps the session (originalConnID) and its signaling', async () => {
      const original = a.sessionID;
      a.dropSocket();
      await sleep(1500);
      await a.reconnect({ newConnection: true });
      assert.notEqual(a.connID, original, 'a new WebSocket connection id');
      assert.equal(a.originalConnID, original);
      a.raiseHand();
      const ev = await b.waitFor('user_raise_hand');
      assert.equal(ev.data.session_id, original, 'events keep the original session id');
      await a.startScreen();
      await waitFor('screen from alice after the reconnect', () => b.peer!.received.packets(original, 'screen') > 5);
      await sleep(10_000);
      assert.equal(b.received('user_left').length, 0, 'nobody left');
      const state = (await w.host.request(bob, 'GET', `/${channel.id}`)).body.call;
      assert.equal(state.sessions.length, 2);
    });

    it('a client that does not come back within 10 s leaves the call', async () => {
      b.dropSocket();
      const left = await a.waitFor('user_left', (d) => d.user_id === bob.user.id, 25_000);
      assert.equal(left.data.session_id, b.sessionID);
    });

    it('the last one leaving ends the call and updates the post', async () => {
      const postID = a.received('call_start')[0]!.data.post_id as string;
      a.leave();
      await w.host.callOver(channel.id);
      const post = await alice.client.getPost(postID);
      assert.equal(post.message, 'Call ended');
    });
  });
}
