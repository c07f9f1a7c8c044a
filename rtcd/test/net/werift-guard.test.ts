// The shared port reaches into werift internals (see src/rtc/net/werift-ice.ts). If a werift upgrade moves
// any of them, this file fails first and says what moved.
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { Connection, RTCPeerConnection, StunProtocol, TcpPassiveProtocol } from 'werift';
import { PINNED_WERIFT_VERSION, SharedUdpPort, weriftInternalsProblems } from '../../src/rtc/net/index.js';
import { installedWeriftVersion } from '../../src/rtc/net/werift-ice.js';
import { clientPeer, processSockets, startStunResponder } from './helpers.js';

test('werift is the pinned version and every internal the hook uses is where it expects', () => {
  assert.equal(installedWeriftVersion(), PINNED_WERIFT_VERSION);
  assert.deepEqual(weriftInternalsProblems(), []);
});

test('an attached PC gathers only the shared port: werift opens no socket and keeps its own protocol classes', async () => {
  const port = await SharedUdpPort.bind(
    { iceAddressUDP: ['127.0.0.1'], icePortUDP: 0, icePortTCP: 0, enableIPv6: false, iceHostOverride: '', iceHostPortOverride: '', iceServers: [] },
    { tcp: true },
  );
  const before = new Set(processSockets('udp'));
  const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', ...port.peerConfig() });
  port.attach(pc);
  pc.addTransceiver('audio', { direction: 'sendrecv' });
  pc.createDataChannel('x');
  await pc.setLocalDescription(await pc.createOffer());
  const after = processSockets('udp').filter((s) => !before.has(s));
  assert.deepEqual(after, [], 'werift opened UDP sockets of its own');

  const conn = pc.iceTransports[0]!.connection;
  assert.ok(conn instanceof Connection);
  // `protocols` is private in werift's typings.
  const protocols = (conn as unknown as { protocols: unknown[] }).protocols;
  assert.equal(protocols.length, 2);
  assert.ok(protocols[0] instanceof StunProtocol, 'UDP goes through werift StunProtocol');
  assert.ok(protocols[1] instanceof TcpPassiveProtocol, 'ICE-TCP goes through werift TcpPassiveProtocol');
  const candidates = conn.localCandidates.map((c) => `${c.transport} ${c.host} ${c.port} ${c.tcptype ?? ''}`.trim());
  assert.deepEqual(candidates, [`udp 127.0.0.1 ${port.udpPort}`, `tcp 127.0.0.1 ${port.tcpPort} passive`]);
  assert.equal(port.table.ufragCount, 1, 'the ufrag is registered before the SDP leaves');
  await pc.close();
  assert.equal(port.table.ownerCount, 0);
  await port.close();
});

test('remote mDNS (.local) candidates are dropped instead of opening a multicast-dns socket', async () => {
  const stun = await startStunResponder();
  const port = await SharedUdpPort.bind(
    { iceAddressUDP: ['127.0.0.1'], icePortUDP: 0, icePortTCP: 0, enableIPv6: false, iceHostOverride: '', iceHostPortOverride: '', iceServers: [] },
    { tcp: false },
  );
  const server = new RTCPeerConnection({ bundlePolicy: 'max-bundle', ...port.peerConfig() });
  const attachment = port.attach(server);
  const client = clientPeer(stun.port);
  client.createDataChannel('x');
  await client.setLocalDescription(await client.createOffer());
  // Trickle: no end-of-candidates yet, so werift takes further candidates.
  const offer = client.localDescription!;
  await server.setRemoteDescription({ type: 'offer', sdp: offer.sdp.replace(/a=end-of-candidates\r\n/g, '') });
  const before = processSockets('udp');
  await server.addIceCandidate({
    candidate: 'candidate:1 1 udp 2113937151 4c0f2a1e-3b1d-4c55-9f0e-2a7c9b1d7e11.local 54321 typ host generation 0',
    sdpMid: '0',
    sdpMLineIndex: 0,
  });
  assert.equal(attachment.mdnsCandidatesIgnored, 1);
  assert.deepEqual(processSockets('udp').filter((s) => !before.includes(s)), []);
  await client.close();
  await server.close();
  await port.close();
  await stun.close();
});
