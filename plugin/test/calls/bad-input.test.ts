// Bad input at every boundary of the plugin: WebSocket actions (unknown, malformed, oversized or non-zlib SDP,
// without a session, floods, refused state changes), HTTP routes (auth, JSON, types, ids, permissions, rate
// limit, body cap), settings. Each gets a clear error and a counter, and the call of the others goes on.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { deflateSync } from 'node:zlib';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import type { Channel } from '@mattermost/types/channels';
import { waitFor, sleep } from '../../../rtcd/test/helpers/wait.js';
import { connect, startWorld, type CallWorld } from '../helpers/call-suites.js';
import type { CallsClient } from '../helpers/calls-client.js';
import { metricValue, type TestUser } from '../helpers/harness.js';
import { embeddedMode } from '../helpers/media-modes.js';

const DROPPED = 'mattermost_plugin_calls_websocket_messages_dropped_total';

describe('bad input', () => {
  let w: CallWorld;
  let admin: TestUser, alice: TestUser, bob: TestUser, eve: TestUser;
  let channel: Channel;
  let a: CallsClient, b: CallsClient;

  const dropped = async (reason: string) => metricValue(await w.host.scrape(), DROPPED, { reason });
  const errorAfter = (c: CallsClient, from: number) => c.waitFor('error', (d, ev) => c.events.indexOf(ev) >= from && d.connID === c.connID);

  before(async () => {
    w = await startWorld(embeddedMode);
    admin = await w.host.user('calladmin');
    [alice, bob, eve] = [await w.host.user('alice'), await w.host.user('bob'), await w.host.user('eve')];
    channel = await w.host.channel(alice, [bob]);
    [a, b] = [await connect(w, alice, channel), await connect(w, bob, channel)];
    await a.join();
    await b.join();
  });
  after(() => w?.close());

  describe('WebSocket', () => {
    it('unknown actions are dropped and counted; the connection goes on', async () => {
      const before = await dropped('unknown_action');
      a.send('teleport', { where: 'mars' });
      a.send('video_of');
      await waitFor('two unknown actions counted', async () => (await dropped('unknown_action')) === before + 2);
      a.raiseHand();
      await b.waitFor('user_raise_hand', (d) => d.session_id === a.sessionID);
    });

    it('join with a malformed channel id, a channel the user cannot read, an archived channel: error events', async () => {
      const e = await connect(w, eve, channel);
      let from = e.events.length;
      e.send('join', { channelID: 'not-an-id' });
      assert.match((await errorAfter(e, from)).data.data, /invalid join: channelID/);

      from = e.events.length;
      e.send('join', { channelID: channel.id });
      assert.deepEqual((await errorAfter(e, from)).data, { data: 'forbidden', connID: e.connID });

      const archived = await w.host.channel(eve, []);
      const db = new Database(join(w.host.dir, 'calls.sqlite'));
      try {
        db.prepare('UPDATE channels SET delete_at = ? WHERE id = ?').run(Date.now(), archived.id);
      } finally {
        db.close();
      }
      const e2 = await connect(w, eve, archived);
      from = e2.events.length;
      e2.send('join', { channelID: archived.id });
      assert.equal((await errorAfter(e2, from)).data.data, 'cannot join call in archived channel');
      assert.equal(a.received('user_joined', (d) => d.user_id === eve.user.id).length, 0);
    });

    it('SDP that is not binary, not zlib, or over 64 KB once inflated: error event, counted', async () => {
      const before = await dropped('invalid');
      const cases: [unknown, boolean, RegExp][] = [
        ['{"type":"offer","sdp":"v=0"}', false, /sdp data must be binary/],
        [Buffer.from('definitely not zlib'), true, /not zlib-compressed/],
        [deflateSync(Buffer.alloc(100 * 1024, 'a')), true, /exceeds 65536 bytes/],
        [deflateSync(Buffer.from('{"type":"rollback"}')), true, /invalid sdp: sdp: type/],
      ];
      for (const [data, binary, expected] of cases) {
        const c = await connect(w, bob, channel);
        await c.join({ peer: false });
        const from = c.events.length;
        c.send('sdp', { data }, binary);
        assert.match((await errorAfter(c, from)).data.data, expected);
        c.leave();
      }
      assert.equal((await dropped('invalid')) - before, cases.length);
      assert.equal(a.peer?.connectionState, 'connected', 'the others are not affected');
    });

    it('in-call actions without a call session are dropped and counted', async () => {
      const before = await dropped('no_session');
      const outsider = await connect(w, bob, channel);
      outsider.send('mute');
      outsider.send('raise_hand');
      outsider.send('ice', { data: '{"candidate":"candidate:1 1 udp 1 127.0.0.1 9 typ host"}' });
      await waitFor('three messages without session counted', async () => (await dropped('no_session')) === before + 3);
      assert.equal(a.received('user_muted', (d) => d.userID === bob.user.id).length, 0);
    });

    it('screen_on while someone else shares is refused; the share goes on', async () => {
      await a.startScreen();
      await b.waitFor('user_screen_on', (d) => d.session_id === a.sessionID);
      const before = await dropped('refused');
      b.send('screen_on', { data: JSON.stringify({ screenStreamID: 'stolen' }) });
      await waitFor('the refusal counted', async () => (await dropped('refused')) === before + 1);
      assert.equal(a.received('user_screen_on', (d) => d.session_id === b.sessionID).length, 0);
      const state = (await w.host.request(bob, 'GET', `/${channel.id}`)).body.call;
      assert.equal(state.screen_sharing_session_id, a.sessionID);
      await a.stopScreen();
      await b.waitFor('user_screen_off', (d) => d.session_id === a.sessionID);
    });

    it('a flood is rate limited per session (10/s, burst 100); the others are unaffected', async () => {
      const flooder = await connect(w, bob, channel);
      await flooder.join({ peer: false });
      const before = await dropped('rate_limited');
      // 190 stays under the host's own per-connection limit (burst 200): the plugin's limiter is what drops.
      for (let i = 0; i < 190; i++) flooder.send(i % 2 === 0 ? 'raise_hand' : 'unraise_hand');
      const limited = await waitFor('floods counted', async () => {
        const n = (await dropped('rate_limited')) - before;
        return n >= 85 ? n : undefined;
      });
      assert.ok(limited <= 90, `190 - burst (100) - what refilled meanwhile: ${limited}`);
      const mark = b.events.length;
      a.raiseHand();
      a.lowerHand();
      await b.waitFor('user_unraise_hand', (d, ev) => b.events.indexOf(ev) >= mark && d.session_id === a.sessionID);
      flooder.leave();
    });

    it('malformed payloads of in-call actions are dropped and counted', async () => {
      const before = await dropped('invalid');
      a.send('react', { data: 'not json' });
      a.send('react', { data: JSON.stringify({ name: 'x'.repeat(500), unified: '1' }) });
      a.send('screen_on', { data: JSON.stringify({ nope: 1 }) });
      a.send('metric', { metric_name: 'client_ice_candidate_pair', data: JSON.stringify({ state: 'weird' }) });
      await waitFor('four invalid messages counted', async () => (await dropped('invalid')) === before + 4);
      assert.equal(b.received('user_reacted', (d) => d.session_id === a.sessionID).length, 0);
    });
  });

  describe('HTTP', () => {
    it('no session: 401 JSON (except /version and /metrics)', async () => {
      const r = await w.host.request(undefined, 'GET', '/config');
      assert.equal(r.status, 401);
      assert.deepEqual(r.body, { message: 'Unauthorized', status_code: 401 });
      assert.equal((await w.host.request(undefined, 'GET', '/version')).status, 200);
      assert.equal((await w.host.request(undefined, 'GET', '/metrics')).status, 200);
    });

    it('bad JSON, wrong types, missing ids: 400 naming the problem', async () => {
      let r = await w.host.request(alice, 'POST', `/calls/${channel.id}/host/mute`, '{not json');
      assert.equal(r.status, 400);
      assert.deepEqual(r.body, { message: 'invalid request body: not JSON', status_code: 400 });
      r = await w.host.request(alice, 'POST', `/calls/${channel.id}/host/mute`, { session_id: 42 });
      assert.equal(r.status, 400);
      assert.match(r.body.message, /session_id/);
      r = await w.host.request(alice, 'POST', `/calls/${channel.id}/host/remove`, {});
      assert.equal(r.status, 400);
      r = await w.host.request(alice, 'POST', `/calls/${channel.id}/host/mute`, { session_id: 'abcdefghijklmnopqrstuvwxyz' });
      assert.equal(r.status, 400);
      assert.equal(r.body.message, 'requested session or user is not in the call');
      r = await w.host.request(bob, 'POST', `/${channel.id}`, { enabled: 'yes' });
      assert.equal(r.status, 403, 'permission is checked first: bob is neither admin nor channel admin');
    });

    it('channels the user cannot read: 403; unknown routes: 404 JSON', async () => {
      for (const path of [`/${channel.id}`, `/calls/${channel.id}/active`]) {
        const r = await w.host.request(eve, 'GET', path);
        assert.equal(r.status, 403);
        assert.equal(r.body.status_code, 403);
      }
      const r = await w.host.request(eve, 'POST', `/calls/${channel.id}/host/end`);
      assert.equal(r.status, 403);
      const nf = await w.host.request(eve, 'GET', '/nothing/here');
      assert.deepEqual(nf.body, { message: 'not found', status_code: 404 });
    });

    it('host actions by non-hosts: 403; no call: 400', async () => {
      const r = await w.host.request(bob, 'POST', `/calls/${channel.id}/host/end`);
      assert.equal(r.status, 403);
      const quiet = await w.host.channel(bob, []);
      const r2 = await w.host.request(bob, 'POST', `/calls/${quiet.id}/host/mute-others`);
      assert.deepEqual(r2.body, { message: 'no call ongoing', status_code: 400 });
    });

    it('bodies over 1 MB: 413', async () => {
      const r = await w.host.request(alice, 'POST', `/calls/${channel.id}/host/mute`, JSON.stringify({ session_id: 'x'.repeat(1024 * 1024) }));
      assert.equal(r.status, 413);
      assert.equal(r.body.status_code, 413);
    });

    it('more than 10 requests at once from one user: 429 JSON, counted', async () => {
      const u = await w.host.user();
      const results = await Promise.all(Array.from({ length: 15 }, () => w.host.request(u, 'GET', '/version')));
      const limited = results.filter((r) => r.status === 429);
      assert.ok(limited.length >= 4, `${limited.length} limited`);
      assert.deepEqual(limited[0]!.body, { message: 'too many requests', status_code: 429 });
      assert.ok(results.filter((r) => r.status === 200).length >= 10);
      const m = await w.host.scrape();
      assert.ok(metricValue(m, 'mattermost_plugin_calls_api_requests_total', { route: '/version', code: '429' }) >= limited.length);
      await sleep(1100);
      assert.equal((await w.host.request(u, 'GET', '/version')).status, 200, 'the bucket refills');
    });
  });

  describe('settings', () => {
    it('an invalid setting is refused with a message naming it, and the previous value stays', async () => {
      const put = (patch: Record<string, unknown>) =>
        fetch(`${w.host.url}/api/v4/plugins/com.mattermost.calls/config`, {
          method: 'PUT',
          headers: { Authorization: `Bearer ${admin.token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(patch),
        }).then(async (r) => ({ status: r.status, body: (await r.json()) as { message: string } }));
      let r = await put({ ICEHostPortOverride: 70 });
      assert.equal(r.status, 400);
      assert.match(r.body.message, /ICEHostPortOverride is not valid: 70 is not in allowed range \[80, 49151\]/);
      r = await put({ MaxCallParticipants: -1 });
      assert.equal(r.status, 400);
      assert.match(r.body.message, /MaxCallParticipants is not valid/);
      r = await put({ RTCDServiceURL: 'http://rtcd.example.com' });
      assert.equal(r.status, 400);
      assert.match(r.body.message, /RTCDServiceURL: the URL must include a port/);
      const cfg = (await w.host.request(admin, 'GET', '/config')).body;
      assert.equal(cfg.RTCDServiceURL, '');
      assert.equal(cfg.MaxCallParticipants, 0);
      assert.equal(cfg.ICEHostPortOverride, null);
      // Environment overrides win over stored settings (the reference's rule), so a bad stored port is moot.
      assert.equal((await put({ UDPServerPort: 70 })).status, 200);
      assert.ok((await w.host.request(admin, 'GET', '/config')).body.UDPServerPort >= 20000);
      assert.equal((await put({ UDPServerPort: null })).status, 200);
    });

    it('MaxCallParticipants: a join over the limit is refused with an error event', async () => {
      const put = (patch: Record<string, unknown>) =>
        fetch(`${w.host.url}/api/v4/plugins/com.mattermost.calls/config`, {
          method: 'PUT',
          headers: { Authorization: `Bearer ${admin.token}`, 'Content-Type': 'application/json' },
          body: JSON.stringify(patch),
        });
      const inCall = (await w.host.request(alice, 'GET', `/${channel.id}`)).body.call.sessions.length as number;
      assert.equal((await put({ MaxCallParticipants: inCall })).status, 200);
      try {
        const third = await connect(w, alice, channel);
        await assert.rejects(third.join(), /join refused: user cannot join because of limits/);
      } finally {
        assert.equal((await put({ MaxCallParticipants: 0 })).status, 200);
      }
    });
  });
});
