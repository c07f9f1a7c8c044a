// Faults in the middle of a call with the whole stack in rtcd mode: the real host, the Calls plugin process
// and a real rtcd daemon, driven by @mattermost/client users with werift peers.
// - rtcd crashes and comes back with an empty store: the plugin reconnects and re-registers, the sessions
//   rtcd lost leave the call (so nothing stays stuck), the clients rejoin and hear each other, new calls work;
// - the plugin process is killed while rtcd keeps the call: the host restarts it, the call is resumed (not
//   ended), media never stopped, and signaling (a screen share after the restart) reaches the participants.
// Needs the built plugin and rtcd: npx tsc -b rtcd plugin.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Channel } from '@mattermost/types/channels';
import { waitFor } from '../../../rtcd/test/helpers/wait.js';
import { connect, startWorld, type CallWorld } from '../helpers/call-suites.js';
import type { CallsClient } from '../helpers/calls-client.js';
import { metricValue, type TestUser } from '../helpers/harness.js';
import { daemons, rtcdMode } from './support/rtcd-mode.js';

const hears = (to: CallsClient, from: CallsClient, atLeast: number) =>
  waitFor(`${to.connID} hears ${from.originalConnID}`, () => to.peer!.received.packets(from.originalConnID, 'voice') >= atLeast, 30_000);

describe('faults mid-call with the host, the plugin and rtcd', () => {
  let w: CallWorld;
  let alice: TestUser, bob: TestUser, carol: TestUser;
  let channel: Channel;
  let a: CallsClient, b: CallsClient;

  before(async () => {
    w = await startWorld(rtcdMode);
    await w.host.user('calladmin');
    [alice, bob, carol] = [await w.host.user('alice'), await w.host.user('bob'), await w.host.user('carol')];
    channel = await w.host.channel(alice, [bob, carol]);
    [a, b] = [await connect(w, alice, channel), await connect(w, bob, channel)];
    await a.join();
    await b.join();
    await a.unmute();
    await hears(b, a, 25);
  });
  after(() => w?.close());

  it('rtcd crashes and restarts empty: the plugin re-registers, the lost sessions leave and the call ends instead of staying stuck', async () => {
    const rtcd = daemons.at(-1)!;
    await rtcd.restart({ freshStore: true });
    // As in the reference, sessions whose media ended leave the call (user_left), and the call ends with them.
    for (const x of [a, b]) await a.waitFor('user_left', (d) => d.session_id === x.originalConnID, 40_000);
    await w.host.callOver(channel.id);
    assert.equal(await rtcd.registrations(), 1, 'the plugin registered again with the new rtcd');
  });

  it('the clients of the interrupted call rejoin and hear each other', async () => {
    for (const x of [a, b]) await x.peer?.close();
    await a.join();
    await b.join();
    await a.unmute();
    await hears(b, a, 25);
    const start = a.received('call_start');
    assert.equal(start.length, 2, 'a new call was started');
  });

  it('a new call in another channel works on the restarted rtcd', async () => {
    const other = await w.host.channel(carol, [bob]);
    const c = await connect(w, carol, other);
    const b2 = await connect(w, bob, other);
    await c.join();
    await b2.join();
    await c.unmute();
    await hears(b2, c, 25);
    c.leave();
    b2.leave();
    await w.host.callOver(other.id);
  });

  it('the plugin process is killed: the host restarts it and the call on rtcd is resumed, media and signaling go on', async () => {
    const [pid] = w.host.pluginPids();
    assert.ok(pid);
    const before = b.peer!.received.packets(a.originalConnID, 'voice');
    const leftBefore = a.received('user_left').length;
    process.kill(pid, 'SIGKILL');
    await w.host.pluginRunning();
    assert.notEqual(w.host.pluginPids()[0], pid);
    const active = await waitFor('the call is still active', async () => {
      const res = await w.host.request(alice, 'GET', `/${channel.id}`);
      return res.body?.call?.sessions?.length === 2 ? res.body : undefined;
    }, 30_000);
    assert.equal(active.call.sessions.length, 2);
    await hears(b, a, before + 50);
    assert.equal(a.received('user_left').length, leftBefore, 'nobody left the call');

    // Signaling after the restart: the screen share's offers and answers travel through the new process.
    await b.startScreen();
    await waitFor('alice sees bob\'s screen', () => a.peer!.received.packets(b.originalConnID, 'screen') > 5, 30_000);
    const metrics = await w.host.scrape();
    assert.equal(metricValue(metrics, 'mattermost_plugin_calls_rtcd_hosts', { state: 'connected' }), 1);

    a.leave();
    b.leave();
    await w.host.callOver(channel.id);
  });
});
