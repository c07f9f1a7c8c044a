// Several rtcd nodes behind one hostname: two real daemons on 127.0.0.1 and 127.0.0.2 (same API port, as
// DNS-advertised nodes are), an injected resolver standing in for the DNS records. New calls go to the node
// with the lowest `/system` cpu_load (a node that does not answer is passed over); a call stays on its node;
// a node that leaves DNS takes no new calls, keeps its call, and is given up once that call is over; a node
// that comes back is used again.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CallsTestClient } from '../../../rtcd/test/helpers/calls-client.js';
import { LEVELS } from '../../../rtcd/test/helpers/media-sources.js';
import { CallDriver, createMedia, eventually, KVHost, pluginMetricsText, type MediaSetup } from './support/harness.js';
import { freePort } from '../helpers/harness.js';
import { RtcdProcess, sample } from './support/rtcd-process.js';

const P = 'mattermost_plugin_calls';
const A = '127.0.0.1';
const B = '127.0.0.2';

describe('two rtcd nodes behind one hostname', () => {
  let kv: KVHost;
  const nodes = new Map<string, RtcdProcess>();
  let dns: string[] = [A, B];
  const lookups: string[] = [];
  let setup: MediaSetup;
  let driver: CallDriver;
  let pinned: string;
  let other: string;
  const call: CallsTestClient[] = [];

  const hostStates = async () => {
    const text = await pluginMetricsText(setup.metrics);
    return { connected: sample(text, `${P}_rtcd_hosts`, { state: 'connected' }), flagged: sample(text, `${P}_rtcd_hosts`, { state: 'flagged' }) };
  };

  before(async () => {
    kv = await KVHost.start();
    const port = await freePort([A, B]);
    for (const ip of [A, B]) nodes.set(ip, await RtcdProcess.start({ ip, apiPort: port }));
    setup = createMedia(kv, `http://rtcd.calls.test:${port}`, {
      resolve: async (hostname) => {
        lookups.push(hostname);
        return [...dns];
      },
      dnsIntervalMs: 200,
      loadQueryTimeoutMs: 1000,
    });
    await setup.media.start();
    driver = await CallDriver.create(setup.media);
  });

  after(async () => {
    await driver?.close();
    await setup?.media.stop();
    for (const n of nodes.values()) await n.stop();
    await kv?.close();
  });

  it('one link per address, each node registered once, the hostname kept for the requests', async () => {
    assert.deepEqual(setup.media.hostsInfo().map((h) => [h.ip, h.state, h.flagged]).sort(), [[A, 'connected', false], [B, 'connected', false]]);
    assert.ok(lookups.every((h) => h === 'rtcd.calls.test'));
    const clientID = String((await kv.storedConfig())?.ClientID);
    for (const n of nodes.values()) {
      assert.equal(await n.registrations(), 1);
      assert.equal(sample(await n.metrics(), 'rtcd_ws_connections_total', { client_id: clientID }), 1);
    }
    assert.deepEqual(Object.keys(setup.media.info().rtcdVersions ?? {}).sort(), [A, B]);
    assert.deepEqual(await hostStates(), { connected: 2, flagged: 0 });
  });

  it('a new call goes to the node that reports the lowest cpu_load', async () => {
    for (let i = 0; i < 4; i++) {
      const picked = await setup.media.pickHostForNewCall();
      const rec = setup.logs.find('rtcd host picked for a new call').at(-1)!;
      const loads = rec.loads as Record<string, number | null>;
      assert.deepEqual(Object.keys(loads).sort(), [A, B]);
      assert.ok(loads[A] !== null && loads[B] !== null, 'both nodes answered /system');
      const lowest = Math.min(loads[A]!, loads[B]!);
      assert.equal(loads[picked!], lowest, `picked ${picked} with loads ${JSON.stringify(loads)}`);
      await new Promise((r) => setTimeout(r, 300));
    }
  });

  it('a node that does not answer /system gets no new call while the other answers', async () => {
    for (const [quiet, busy] of [[B, A], [A, B]] as const) {
      nodes.get(quiet)!.pause();
      try {
        assert.equal(await setup.media.pickHostForNewCall(), busy);
      } finally {
        nodes.get(quiet)!.resume();
      }
    }
    const text = await pluginMetricsText(setup.metrics);
    assert.equal(sample(text, `${P}_rtcd_errors_total`, { type: 'http' }), 2);
  });

  it('a call stays on the node it was placed on: its sessions and media are there and only there', async () => {
    pinned = (await setup.media.pickHostForNewCall())!;
    other = pinned === A ? B : A;
    call.push(await driver.join('pinned-call', pinned), await driver.join('pinned-call', pinned));
    await call[0]!.unmute(LEVELS.speech);
    await eventually(() => call[1]!.received.packets(call[0]!.sessionID, 'voice') >= 25, 'the second participant hears the first');
    assert.equal((await setup.media.callSessions('pinned-call', pinned))?.length, 2);
    assert.deepEqual(await setup.media.callSessions('pinned-call', other), []);
    const clientID = String((await kv.storedConfig())?.ClientID);
    assert.equal(sample(await nodes.get(pinned)!.metrics(), 'rtcd_rtc_sessions_total', { group_id: clientID }), 2);
    assert.equal(sample(await nodes.get(other)!.metrics(), 'rtcd_rtc_sessions_total', { group_id: clientID }), 0);
  });

  it('the call\'s node leaves DNS: no new calls go there, its call goes on, and it is given up when the call ends', async () => {
    dns = [other];
    await eventually(async () => (await hostStates()).flagged === 1, 'node flagged');
    for (let i = 0; i < 3; i++) assert.equal(await setup.media.pickHostForNewCall(), other);

    // still pinned: a third participant joins the call on the flagged node and hears the first
    const late = await driver.join('pinned-call', pinned);
    call.push(late);
    await eventually(() => late.received.packets(call[0]!.sessionID, 'voice') >= 25, 'the late joiner hears the first participant');
    assert.equal((await setup.media.callSessions('pinned-call', pinned))?.length, 3);

    for (const c of call) await driver.leave(c, pinned);
    await eventually(() => setup.hostsGone.includes(pinned), 'hostGone for the flagged node');
    assert.ok(call.every((c) => setup.sessionsClosed.includes(c.sessionID)), 'rtcd\'s close answers arrived before the link went');
    assert.deepEqual(setup.media.hostsInfo().map((h) => h.ip), [other]);
    assert.deepEqual(await hostStates(), { connected: 1, flagged: 0 });
    const clientID = String((await kv.storedConfig())?.ClientID);
    await eventually(async () => sample(await nodes.get(pinned)!.metrics(), 'rtcd_ws_connections_total', { client_id: clientID }) === 0, 'link to the old node closed');
  });

  it('the address comes back in DNS: a link is made again and the node takes new calls', async () => {
    dns = [A, B];
    await eventually(() => setup.media.hostsInfo().length === 2 && setup.media.hostsInfo().every((h) => h.state === 'connected' && !h.flagged), 'both nodes connected again');
    const seen = new Set<string>();
    for (let i = 0; i < 3; i++) {
      nodes.get(other)!.pause();
      try {
        seen.add((await setup.media.pickHostForNewCall())!);
      } finally {
        nodes.get(other)!.resume();
      }
    }
    assert.deepEqual([...seen], [pinned]);
  });
});
