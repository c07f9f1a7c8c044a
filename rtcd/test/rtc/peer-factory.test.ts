// The peer connection factory: transport policy (max-bundle, full ICE on the shared port, no ICE server, so
// never werift's hidden Google STUN), explicit media capabilities, the port's candidates in the SDP, TURN REST
// credentials for clients; and the per-worker resources that reach the workers' factories.
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { MessageChannel } from 'node:worker_threads';
import { after, before, describe, it } from 'node:test';
import { pino } from 'pino';
import { Registry } from 'prom-client';
import { createRtcMetrics, PeerFactory, RtcServer, type RtcObserverEvents } from '@calls-ts/rtcd/rtc';
import { SharedUdpPort } from '../../src/rtc/net/index.js';
import { testRtcConfig } from '../helpers/server-link.js';

describe('PeerFactory', () => {
  let port: SharedUdpPort;
  before(async () => {
    port = await SharedUdpPort.bind(testRtcConfig());
  });
  after(async () => {
    await port.close();
  });

  it('creates max-bundle full-ICE peers on the shared port with the reference codecs and no ICE server', async () => {
    const f = new PeerFactory(testRtcConfig({ iceServers: [{ urls: ['stun:stun.example.org:3478'] }] }), { net: port });
    const { pc, attachment } = f.createPeer();
    try {
      const c = pc.config;
      assert.equal(c.bundlePolicy, 'max-bundle');
      assert.equal(c.iceLite, false, 'full ICE: consent freshness, and ICE restarts work');
      assert.deepEqual(c.iceServers, [], 'werift gathers nothing itself: no STUN query to anyone');
      assert.equal(c.iceUseIpv4, false);
      assert.equal(c.iceUseIpv6, false);
      const [opus] = c.codecs.audio!;
      assert.equal(opus!.mimeType, 'audio/opus');
      assert.equal(opus!.payloadType, 111);
      assert.equal(opus!.clockRate, 48000);
      assert.equal(opus!.channels, 2);
      assert.equal(opus!.parameters, 'minptime=10;useinbandfec=1');
      const [vp8] = c.codecs.video!;
      assert.equal(vp8!.mimeType, 'video/VP8');
      assert.equal(vp8!.payloadType, 96);
      assert.deepEqual(
        vp8!.rtcpFeedback.map((f) => `${f.type}${f.parameter ? ' ' + f.parameter : ''}`).sort(),
        ['ccm fir', 'goog-remb', 'nack', 'nack pli', 'transport-cc'],
      );
      assert.deepEqual(opus!.rtcpFeedback.map((f) => f.type), ['transport-cc']);
      assert.deepEqual(c.headerExtensions.audio!.map((e) => e.uri), [
        'urn:ietf:params:rtp-hdrext:ssrc-audio-level',
        'urn:ietf:params:rtp-hdrext:sdes:mid',
        'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
      ]);
      assert.deepEqual(c.headerExtensions.video!.map((e) => e.uri), [
        'urn:ietf:params:rtp-hdrext:sdes:mid',
        'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
        'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id',
        'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
      ]);
      // The SDP carries exactly the port's candidates: UDP and passive ICE-TCP on the same port number.
      pc.createDataChannel('x');
      await pc.setLocalDescription(await pc.createOffer());
      const sdp = pc.localDescription!.sdp;
      const cands = sdp.split('\r\n').filter((l) => l.startsWith('a=candidate:'));
      const triples = cands.map((l) => {
        const f = l.split(' ');
        return `${f[2]} ${f[4]}:${f[5]}`;
      });
      assert.deepEqual(triples.sort(), [`tcp 127.0.0.1:${port.tcpPort}`, `udp 127.0.0.1:${port.udpPort}`]);
      assert.doesNotMatch(sdp, /a=ice-lite/);
      assert.equal(attachment.connectionCount, 1);
    } finally {
      await pc.close();
    }
    assert.equal(port.table.ownerCount, 0, 'closing the PC takes it off the port');
  });

  it('gives clients TURN only with a static auth secret, with REST credentials', () => {
    const secret = 'shh';
    const withStun = new PeerFactory(
      testRtcConfig({
        iceServers: [{ urls: ['stun:stun.local:3478'] }, { urls: ['turn:turn.local:3478?transport=udp'] }],
        turn: { staticAuthSecret: secret, credentialsExpirationMinutes: 60 },
      }),
    );
    const servers = withStun.iceServersFor('session-1');
    assert.equal(servers.length, 2);
    assert.deepEqual(servers[0], { urls: ['stun:stun.local:3478'] });
    const turn = servers[1]!;
    const [expiry, id] = turn.username!.split(':');
    assert.equal(id, 'session-1');
    assert.ok(Number(expiry) > Date.now() / 1000 + 3500 && Number(expiry) <= Date.now() / 1000 + 3600);
    assert.equal(turn.credential, createHmac('sha1', secret).update(turn.username!).digest('base64'));
    const noSecret = new PeerFactory(testRtcConfig({ iceServers: [{ urls: ['turn:turn.local:3478'] }] }));
    assert.deepEqual(noSecret.iceServersFor('s3'), []);
  });

  it('refuses to create a peer without a shared port, with a clear error', () => {
    assert.throws(() => new PeerFactory(testRtcConfig()).createPeer(), /no shared ICE port/);
  });
});

describe('per-worker resources', () => {
  it('reach every media worker (e.g. a MessagePort for the shared UDP socket)', async () => {
    const channels: MessageChannel[] = [];
    const server = new RtcServer(testRtcConfig({ mediaWorkers: 2 }), {
      logger: pino({ level: 'silent' }),
      metrics: createRtcMetrics(new Registry(), 'rtcd'),
      workerResources: (index) => {
        const ch = new MessageChannel();
        channels.push(ch);
        return { data: { port: ch.port2, index }, transferList: [ch.port2] };
      },
    });
    const seen: RtcObserverEvents['newworker'][0][] = [];
    server.observer.on('newworker', (e) => seen.push(e));
    await server.start();
    try {
      assert.deepEqual(seen.map((e) => e.worker).sort(), [0, 1]);
      for (const e of seen) assert.deepEqual(e.resources.sort(), ['index', 'port']);
    } finally {
      await server.stop();
      for (const ch of channels) ch.port1.close();
    }
  });
});
