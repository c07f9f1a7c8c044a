// rtcd failures in the middle of calls, with a real daemon and werift clients:
// - rtcd killed and restarted with an empty store: the backend reconnects and re-registers, the sessions
//   rtcd lost are reported closed (so their users can rejoin), new calls work, the old call's users rejoin;
// - the link drops while rtcd keeps running (rtcd frozen past the keepalive): nothing is reported closed,
//   the sessions are re-claimed on the new link, and server-initiated signaling reaches them again;
// - rtcd gone for good: after the reference's attempts the node is given up (sessions closed, hostGone),
//   and when it is back the next DNS check connects it again.
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { CallsTestClient } from '../../../rtcd/test/helpers/calls-client.js';
import { LEVELS } from '../../../rtcd/test/helpers/media-sources.js';
import { CallDriver, createMedia, eventually, KVHost, pluginMetricsText, type MediaSetup } from './support/harness.js';
import { RtcdProcess, sample } from './support/rtcd-process.js';

const P = 'mattermost_plugin_calls';

describe('rtcd restarted, frozen or gone in the middle of calls', () => {
  let kv: KVHost;
  let rtcd: RtcdProcess;
  let setup: MediaSetup;
  let driver: CallDriver;
  let host: string;
  let a: CallsTestClient;
  let b: CallsTestClient;
  let c: CallsTestClient;
  let d: CallsTestClient;

  const metric = async (name: string, labels: Record<string, string> = {}) => sample(await pluginMetricsText(setup.metrics), `${P}_${name}`, labels);
  const hears = (to: CallsTestClient, from: CallsTestClient, n = 25) =>
    eventually(() => to.received.packets(from.sessionID, 'voice') >= n, `${to.sessionID} hears ${from.sessionID}`);

  before(async () => {
    kv = await KVHost.start();
    rtcd = await RtcdProcess.start();
    setup = createMedia(kv, `http://127.0.0.1:${rtcd.apiPort}`, { dnsIntervalMs: 200, reconnectIntervalMs: 400, link: { pingIntervalMs: 1000 } });
    await setup.media.start();
    driver = await CallDriver.create(setup.media);
  });

  after(async () => {
    await driver?.close();
    await setup?.media.stop();
    await rtcd?.stop();
    await kv?.close();
  });

  it('a call is running', async () => {
    host = (await setup.media.pickHostForNewCall())!;
    a = await driver.join('call1', host);
    b = await driver.join('call1', host);
    await a.unmute(LEVELS.speech);
    await hears(b, a);
  });

  it('rtcd restarts with an empty store: the backend re-registers and reports the lost sessions closed', async () => {
    const key = (await kv.storedConfig())?.AuthKey;
    await rtcd.restart({ freshStore: true });
    await eventually(() => setup.sessionsClosed.includes(a.sessionID) && setup.sessionsClosed.includes(b.sessionID), 'the interrupted sessions reported closed');
    assert.equal(await rtcd.registrations(), 1, 're-registered on the new rtcd');
    assert.equal((await kv.storedConfig())?.AuthKey, key, 'with the same key');
    assert.ok((await metric('rtcd_reconnect_attempts_total', { result: 'success' })) >= 1);
    assert.deepEqual(setup.media.hostsInfo(), [{ ip: host, state: 'connected', flagged: false, sessions: 0 }]);
    assert.deepEqual(setup.hostsGone, []);
    assert.ok(setup.logs.find('rtcd lost the session while the link was down, reporting it closed').length >= 2);
  });

  it('new calls work after the restart', async () => {
    assert.equal(await setup.media.pickHostForNewCall(), host);
    c = await driver.join('call2', host);
    d = await driver.join('call2', host);
    await c.unmute(LEVELS.speech);
    await hears(d, c);
  });

  it('the users of the interrupted call rejoin it and hear each other again', async () => {
    const a2 = await driver.join('call1', host);
    const b2 = await driver.join('call1', host);
    await a2.unmute(LEVELS.speech);
    await hears(b2, a2);
    assert.equal((await setup.media.callSessions('call1', host))?.length, 2);
    await driver.leave(a2, host);
    await driver.leave(b2, host);
    await eventually(() => setup.sessionsClosed.includes(a2.sessionID) && setup.sessionsClosed.includes(b2.sessionID), 'rtcd answered the leaves');
  });

  it('the link drops while rtcd keeps its sessions: they are re-claimed and their signaling comes back', async () => {
    const closedBefore = setup.sessionsClosed.length;
    const attempts = await metric('rtcd_reconnect_attempts_total', { result: 'success' });
    // Frozen rtcd: the plugin stops hearing pongs and drops the link; rtcd keeps every session.
    rtcd.pause();
    try {
      await eventually(async () => (await metric('rtcd_errors_total', { type: 'keepalive' })) >= 1, 'keepalive dropped the link');
    } finally {
      rtcd.resume();
    }
    await eventually(async () => (await metric('rtcd_reconnect_attempts_total', { result: 'success' })) > attempts, 'reconnected');
    await eventually(() => setup.media.hostsInfo()[0]?.state === 'connected', 'host connected');
    assert.equal(setup.sessionsClosed.length, closedBefore, 'no session reported closed');
    assert.ok(!setup.sessionsClosed.includes(c.sessionID) && !setup.sessionsClosed.includes(d.sessionID));
    const clientID = String((await kv.storedConfig())?.ClientID);
    await eventually(async () => sample(await rtcd.metrics(), 'rtcd_ws_messages_total', { client_id: clientID, type: 'reconnect', direction: 'in' }) === 2, 'both sessions re-claimed');
    assert.equal(await rtcd.registrations(), 1, 'rtcd kept its store: no new registration');

    // A new participant who speaks makes rtcd renegotiate with C and D: its offers reach them on the new link.
    const e = await driver.join('call2', host);
    await e.unmute(LEVELS.speech);
    await hears(d, e);
    await hears(c, e);
  });

  it('rtcd gone for good: the node is given up after the reconnection attempts, then used again once back', async () => {
    const live = [...driver.clients.keys()];
    assert.equal(live.length, 3);
    await rtcd.kill();
    await eventually(() => setup.hostsGone.includes(host), 'hostGone', 30_000);
    assert.ok(live.every((id) => setup.sessionsClosed.includes(id)), 'every session on the node reported closed');
    assert.equal(await metric('rtcd_reconnect_attempts_total', { result: 'gave_up' }), 1);
    assert.ok((await metric('rtcd_reconnect_attempts_total', { result: 'failure' })) >= 1);
    await assert.rejects(setup.media.pickHostForNewCall(), /no rtcd host available/);

    await rtcd.restart();
    await eventually(() => setup.media.hostsInfo()[0]?.state === 'connected', 'the DNS check connects the node again');
    const f = await driver.join('call3', host);
    const g = await driver.join('call3', host);
    await f.unmute(LEVELS.speech);
    await hears(g, f);
  });
});
