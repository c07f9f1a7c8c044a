// The rtcd backend's small parts: the service URL, the version gate, generated keys, and the link's
// behaviour with a peer that misbehaves (real sockets: a WebSocket server that sends bad frames, one that
// never answers pings) and with a flood of outbound messages.
import assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import { after, describe, it } from 'node:test';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { WebSocketServer, type WebSocket } from 'ws';
import { encodeClientMessage } from '@calls-ts/rtcd/protocol';
import { newSecureString } from '../../src/rtcd/credentials.js';
import { RtcdMetrics } from '../../src/rtcd/metrics.js';
import { RtcdLink, RtcdLinkError } from '../../src/rtcd/rtcd-link.js';
import { RtcdConfigError, parseServiceURL, redact } from '../../src/rtcd/service-url.js';
import { readManifest } from '../../src/manifest.js';
import { DEFAULT_MIN_RTCD_VERSION, checkMinVersion, minRtcdVersionOf } from '../../src/rtcd/version.js';
import { sample } from './support/rtcd-process.js';

describe('RTCDServiceURL', () => {
  it('keeps scheme, host and port; takes the credentials out', () => {
    const u = parseServiceURL('http://client%401:s3cr%2Ft@rtcd.example.com:8045/some/path/');
    assert.deepEqual(u, {
      httpURL: 'http://rtcd.example.com:8045',
      wsURL: 'ws://rtcd.example.com:8045/ws',
      hostname: 'rtcd.example.com',
      port: 8045,
      secure: false,
      clientID: 'client@1',
      authKey: 's3cr/t',
    });
    const s = parseServiceURL(' https://10.0.0.5:443 ');
    assert.equal(s.wsURL, 'wss://10.0.0.5:443/ws');
    assert.equal(s.secure, true);
    assert.equal(s.clientID, '');
  });

  it('refuses what the reference cannot use, with the reason', () => {
    assert.throws(() => parseServiceURL(''), RtcdConfigError);
    assert.throws(() => parseServiceURL('http://rtcd'), /must include a port/);
    assert.throws(() => parseServiceURL('https://rtcd/'), /must include a port/);
    assert.throws(() => parseServiceURL('ftp://rtcd:21'), /scheme must be http or https/);
    assert.throws(() => parseServiceURL('not a url'), /is not a valid URL/);
  });

  it('never shows the auth key in messages', () => {
    assert.equal(redact('http://id:secretkey@rtcd:8045'), 'http://id:***@rtcd:8045');
    assert.doesNotMatch(String(catchMessage(() => parseServiceURL('http://id:secretkey@rtcd'))), /secretkey/);
  });
});

describe('min_rtcd_version', () => {
  it('compares semver, with pre-releases below their release', () => {
    checkMinVersion('v0.17.0', 'v1.1.0');
    checkMinVersion('v0.17.0', 'v0.17.0');
    checkMinVersion('v1.0.0', '1.0.1');
    assert.throws(() => checkMinVersion('v0.17.0', 'v0.16.9'), /rtcd version v0\.16\.9 is older than the minimum supported v0\.17\.0/);
    assert.throws(() => checkMinVersion('v1.0.0', 'v1.0.0-rc.2'), /older/);
    checkMinVersion('v1.0.0-rc.2', 'v1.0.0-rc.10');
  });

  it('development builds pass; a version that is not semver is an error', () => {
    for (const v of ['', 'master', 'dev', 'dev-4f2a9c1']) checkMinVersion('v9.0.0', v);
    assert.throws(() => checkMinVersion('v0.17.0', 'latest'), /unparsable version "latest"/);
  });

  it('comes from plugin.json props, with the reference value when absent', () => {
    assert.match(minRtcdVersionOf(readManifest()), /^v\d+\.\d+\.\d+$/);
    assert.equal(minRtcdVersionOf({ props: { min_rtcd_version: 'v1.2.0' } }), 'v1.2.0');
    assert.equal(minRtcdVersionOf({}), DEFAULT_MIN_RTCD_VERSION);
    assert.equal(minRtcdVersionOf(undefined), DEFAULT_MIN_RTCD_VERSION);
  });
});

describe('generated auth keys', () => {
  it('are 32 url-safe characters and differ', () => {
    const keys = new Set(Array.from({ length: 50 }, () => newSecureString(32)));
    assert.equal(keys.size, 50);
    for (const k of keys) assert.match(k, /^[A-Za-z0-9_-]{32}$/);
  });
});

describe('the link with a misbehaving peer', () => {
  const servers: WebSocketServer[] = [];
  after(() => {
    for (const s of servers) s.close();
  });

  async function server(opts: { autoPong?: boolean }, onConnection: (ws: WebSocket) => void): Promise<string> {
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, autoPong: opts.autoPong ?? true });
    servers.push(wss);
    wss.on('connection', onConnection);
    await new Promise<void>((r) => wss.once('listening', () => r()));
    return `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/ws`;
  }

  function parts() {
    const registry = new Registry();
    const metrics = new RtcdMetrics(registry, () => ({ connecting: 0, connected: 0, reconnecting: 0, flagged: 0 }));
    return { registry, metrics, log: pino({ level: 'silent' }) };
  }

  const hello = encodeClientMessage({ type: 'hello', data: { clientID: 'c', connID: 'x'.repeat(26) } });

  it('bad frames are counted and skipped; the link and the next good message go on', async () => {
    const wsURL = await server({}, (ws) => {
      ws.send(hello);
      ws.send('text frame');
      ws.send(Buffer.from([0xc1, 0xff, 0x00]));
      ws.send(encodeClientMessage({ type: 'join', data: { callID: 'c', userID: 'u', sessionID: 's' } }));
      ws.send(encodeClientMessage({ type: 'close', data: { sessionID: 'still-fine' } }));
    });
    const { registry, metrics, log } = parts();
    const link = await RtcdLink.open({ wsURL, ip: '127.0.0.1', authorization: 'Basic x', clientID: 'c', metrics, log });
    const got = new Promise((resolve) => link.once('message', resolve));
    link.resume();
    assert.deepEqual(await got, { type: 'close', data: { sessionID: 'still-fine' } });
    assert.equal(link.connID, 'x'.repeat(26));
    assert.equal(link.isOpen, true);
    const text = await registry.metrics();
    assert.equal(sample(text, 'mattermost_plugin_calls_rtcd_errors_total', { type: 'malformed' }), 2);
    assert.equal(sample(text, 'mattermost_plugin_calls_rtcd_errors_total', { type: 'unexpected_type' }), 1);
    assert.equal(sample(text, 'mattermost_plugin_calls_ws_connections_total', { client_id: 'c' }), 1);
    link.close();
    assert.equal(sample(await registry.metrics(), 'mattermost_plugin_calls_ws_connections_total', { client_id: 'c' }), 0);
  });

  it('a refused upgrade is "unauthorized"; a peer that never says hello is "unreachable"', async () => {
    const { metrics, log } = parts();
    const silent = await server({}, () => {});
    await assert.rejects(
      RtcdLink.open({ wsURL: silent, ip: '127.0.0.1', authorization: 'Basic x', clientID: 'c', metrics, log, connectTimeoutMs: 300 }),
      (err: unknown) => err instanceof RtcdLinkError && err.kind === 'unreachable' && /no hello/.test(err.message),
    );
    const wss = new WebSocketServer({ host: '127.0.0.1', port: 0, verifyClient: (_info, cb) => cb(false, 401) });
    servers.push(wss);
    await new Promise<void>((r) => wss.once('listening', () => r()));
    await assert.rejects(
      RtcdLink.open({ wsURL: `ws://127.0.0.1:${(wss.address() as AddressInfo).port}/ws`, ip: '127.0.0.1', authorization: 'Basic x', clientID: 'c', metrics, log }),
      (err: unknown) => err instanceof RtcdLinkError && err.kind === 'unauthorized',
    );
  });

  it('a peer that stops answering pings is dropped and counted', async () => {
    const wsURL = await server({ autoPong: false }, (ws) => ws.send(hello));
    const { registry, metrics, log } = parts();
    const link = await RtcdLink.open({ wsURL, ip: '127.0.0.1', authorization: 'Basic x', clientID: 'c', metrics, log, pingIntervalMs: 100 });
    const [, byUs] = await new Promise<[string, boolean]>((resolve) => link.once('close', (...a) => resolve(a)));
    assert.equal(byUs, false);
    assert.equal(sample(await registry.metrics(), 'mattermost_plugin_calls_rtcd_errors_total', { type: 'keepalive' }), 1);
  });

  it('the send queue is bounded: beyond it messages are dropped and counted, not buffered', async () => {
    let received = 0;
    const wsURL = await server({}, (ws) => {
      ws.send(hello);
      ws.on('message', () => received++);
    });
    const { registry, metrics, log } = parts();
    const link = await RtcdLink.open({ wsURL, ip: '127.0.0.1', authorization: 'Basic x', clientID: 'c', metrics, log, maxQueuedFrames: 10 });
    let accepted = 0;
    for (let i = 0; i < 50; i++) if (link.send({ type: 'leave', data: { sessionID: `s${i}` } })) accepted++;
    assert.equal(accepted, 10);
    const text = await registry.metrics();
    assert.equal(sample(text, 'mattermost_plugin_calls_rtcd_errors_total', { type: 'send_dropped' }), 40);
    assert.equal(sample(text, 'mattermost_plugin_calls_ws_messages_total', { client_id: 'c', type: 'leave', direction: 'out' }), 10);
    const deadline = Date.now() + 10_000;
    while (received < 10 && Date.now() < deadline) await new Promise((r) => setTimeout(r, 20));
    assert.equal(received, 10);
    assert.equal(link.send({ type: 'leave', data: { sessionID: 'after' } }), true, 'room again once written');
    link.close();
  });
});

function catchMessage(fn: () => unknown): string {
  try {
    fn();
    return '';
  } catch (err) {
    return (err as Error).message;
  }
}
