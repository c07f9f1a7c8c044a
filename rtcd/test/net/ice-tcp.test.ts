// ICE-TCP passive fallback on the shared port number: a client that may only use TCP connects and carries
// data; connections whose first frame is not a valid check for a live session are refused and counted.
import assert from 'node:assert/strict';
import { connect } from 'node:net';
import { after, before, test } from 'node:test';
import { Message, RTCPeerConnection, type Protocol } from 'werift';
import { SharedUdpPort } from '../../src/rtc/net/index.js';
import { clientPeer, connectWithDataChannel, echo, startStunResponder, waitFor, testPortConfig } from './helpers.js';

let stun: Awaited<ReturnType<typeof startStunResponder>>;
let port: SharedUdpPort;

before(async () => {
  stun = await startStunResponder();
  port = await SharedUdpPort.bind(testPortConfig({ iceAddressUDP: ['127.0.0.1'] }));
});
after(async () => {
  await port.close();
  await stun.close();
});

/** A client whose UDP is "blocked": it neither pairs nor answers over UDP. */
function tcpOnlyClient() {
  return clientPeer(stun.port, {
    iceUseTcp: true,
    iceFilterCandidatePair: (pair) => pair.protocol.type === 'tcp',
    iceFilterStunResponse: (_msg, _addr, protocol: Protocol) => protocol.type === 'tcp',
  });
}

test('a TCP-only client reaches the session through the passive candidate on the same port number', async () => {
  assert.equal(port.tcpPort, port.udpPort);
  const server = new RTCPeerConnection({ bundlePolicy: 'max-bundle', ...port.peerConfig() });
  port.attach(server);
  const client = tcpOnlyClient();
  const { dc, remote } = await connectWithDataChannel(client, server);
  const nominated = server.iceTransports[0]!.connection.nominated!;
  assert.equal(nominated.protocol.type, 'tcp');
  assert.equal(nominated.localCandidate.port, port.udpPort);
  assert.equal(await echo(dc, remote, 'over tcp'), 'echo:over tcp');
  assert.ok(port.counters.tcpAccepted >= 1);
  await client.close();
  await server.close();
  assert.equal(port.table.ownerCount, 0);
});

function rawTcp(payload: Buffer): Promise<'closed'> {
  return new Promise((resolve) => {
    const s = connect(port.tcpPort, '127.0.0.1', () => s.write(payload));
    s.on('error', () => {});
    s.on('close', () => resolve('closed'));
  });
}

test('bad first frames are refused: garbage, oversized, unknown ufrag, wrong password', async () => {
  const server = new RTCPeerConnection({ bundlePolicy: 'max-bundle', ...port.peerConfig() });
  port.attach(server);
  server.createDataChannel('x');
  await server.setLocalDescription(await server.createOffer());
  const ufrag = /a=ice-ufrag:(\S+)/.exec(server.localDescription!.sdp)![1]!;
  const rejected0 = port.counters.tcpRejected;
  const frame = (b: Buffer) => Buffer.concat([Buffer.from([b.length >> 8, b.length & 0xff]), b]);
  const check = (username: string, key: string) =>
    new Message(0x001, 0x000).setAttribute('USERNAME', username).addMessageIntegrity(Buffer.from(key)).addFingerprint()
      .bytes;
  await rawTcp(frame(Buffer.alloc(40, 0x17)));
  await rawTcp(Buffer.from([0xff, 0xff, 1, 2, 3]));
  await rawTcp(frame(check('nobody:x', 'pw')));
  await rawTcp(frame(check(`${ufrag}:x`, 'wrong password')));
  await waitFor(() => port.counters.tcpRejected - rejected0 >= 4, 'four refusals');
  assert.equal(port.counters.tcpAccepted, 1, 'only the real client of the previous test was ever accepted');
  assert.ok(port.counters.dropped.stun_unknown_ufrag >= 1);
  assert.ok(port.counters.dropped.stun_bad_integrity >= 1);
  await server.close();
});
