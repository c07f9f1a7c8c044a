// The fast path taking over a live werift PC on the shared port: the negotiated SRTP keys come out of werift
// after DTLS, ingest SRTP is read before werift sees it and decrypted by our context, and egress RTP
// protected by our context and sent on the selected path plays in the werift client's track.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MediaStreamTrack, RTCPeerConnection, RtpHeader, RtpPacket, type RTCRtpTransceiver } from 'werift';
import { SharedUdpPort } from '../../src/rtc/net/index.js';
import { PROFILE_AEAD_AES_128_GCM, createSrtpContext, srtpKeysOf } from '../../src/rtc/srtp/index.js';
import { clientPeer, startStunResponder, waitFor, testPortConfig } from '../net/helpers.js';

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

test('keys extracted from werift drive our SRTP both ways on a live call', async () => {
  const server = new RTCPeerConnection({ bundlePolicy: 'max-bundle', ...port.peerConfig() });
  const attachment = port.attach(server);
  const client = clientPeer(stun.port);
  const clientTrack = new MediaStreamTrack({ kind: 'audio' });
  client.addTransceiver(clientTrack, { direction: 'sendrecv' });
  let serverTransceiver: RTCRtpTransceiver | undefined;
  server.onRemoteTransceiverAdded.subscribe((t) => {
    serverTransceiver = t;
    t.setDirection('sendrecv');
  });
  const received: Buffer[] = [];
  client.onTrack.subscribe((track) => track.onReceiveRtp.subscribe((rtp) => received.push(Buffer.from(rtp.payload))));

  await client.setLocalDescription(await client.createOffer());
  await server.setRemoteDescription(client.localDescription!);
  await server.setLocalDescription(await server.createAnswer());
  await client.setRemoteDescription(server.localDescription!);

  const [serverKeys, clientKeys] = await Promise.all([srtpKeysOf(server), srtpKeysOf(client)]);
  assert.equal(serverKeys.profile, PROFILE_AEAD_AES_128_GCM, 'werift negotiates GCM first');
  assert.deepEqual(serverKeys.localMasterKey, clientKeys.remoteMasterKey);
  assert.deepEqual(serverKeys.remoteMasterSalt, clientKeys.localMasterSalt);

  // Ingest: the interceptor sees the client's SRTP before werift; our context opens it.
  const ingest = createSrtpContext(serverKeys.profile, serverKeys.remoteMasterKey, serverKeys.remoteMasterSalt);
  const opened: string[] = [];
  let authFailures = 0;
  attachment.setMediaInterceptor((data) => {
    const pt = data[1] & 0x7f;
    if (pt >= 72 && pt <= 79) return false; // RTCP (SR/RR/...) stays werift's
    const buf = Buffer.from(data);
    const n = ingest.unprotectRtp(buf);
    if (n < 0) authFailures++;
    else opened.push(buf.subarray(12, n).toString());
    return true;
  });
  await waitFor(() => client.connectionState === 'connected' && !!serverTransceiver, 'connected');
  const payloadType = serverTransceiver!.codecs[0]!.payloadType;
  for (let i = 0; i < 20; i++) {
    clientTrack.writeRtp(
      new RtpPacket(new RtpHeader({ payloadType, sequenceNumber: 1000 + i, timestamp: i * 960 }), Buffer.from(`voice-${i}`)),
    );
  }
  await waitFor(() => opened.length >= 20, 'ingest packets decrypted by the fast path');
  assert.deepEqual(opened.slice(0, 20), Array.from({ length: 20 }, (_, i) => `voice-${i}`));
  assert.equal(authFailures, 0);

  // Egress: our context protects, the selected path sends, werift's client track plays it.
  const egress = createSrtpContext(serverKeys.profile, serverKeys.localMasterKey, serverKeys.localMasterSalt);
  const path = attachment.selectedPath();
  assert.ok(path, 'a nominated UDP path');
  const ssrc = serverTransceiver!.sender.ssrc;
  const out = Buffer.alloc(1500);
  for (let i = 0; i < 20; i++) {
    const raw = new RtpPacket(new RtpHeader({ payloadType, sequenceNumber: 5000 + i, timestamp: i * 960, ssrc }), Buffer.from(`fwd-${i}`)).serialize();
    const n = egress.protectRtp(raw, raw.length, out);
    assert.ok(n > 0);
    path.send(Buffer.from(out.subarray(0, n)));
  }
  await waitFor(() => received.length >= 20, 'egress packets played by the client');
  assert.deepEqual(
    received.slice(0, 20).map((b) => b.toString()),
    Array.from({ length: 20 }, (_, i) => `fwd-${i}`),
  );

  // A socket connect()ed to the client on the shared port: the client's datagrams now arrive on it (not on
  // the port's receiving socket), and our sends go out on it.
  const connected = await attachment.connectSelectedPath();
  assert.ok(connected);
  const mainReceived = port.counters.udpReceived;
  for (let i = 20; i < 40; i++) {
    clientTrack.writeRtp(
      new RtpPacket(new RtpHeader({ payloadType, sequenceNumber: 1000 + i, timestamp: i * 960 }), Buffer.from(`voice-${i}`)),
    );
    const raw = new RtpPacket(new RtpHeader({ payloadType, sequenceNumber: 5000 + i, timestamp: i * 960, ssrc }), Buffer.from(`fwd-${i}`)).serialize();
    const n = egress.protectRtp(raw, raw.length, out);
    connected.send(Buffer.from(out.subarray(0, n)));
  }
  await waitFor(() => opened.length >= 40 && received.length >= 40, 'both directions over the connected socket');
  assert.deepEqual(opened.slice(20, 40), Array.from({ length: 20 }, (_, i) => `voice-${20 + i}`));
  assert.deepEqual(received.slice(20, 40).map((b) => b.toString()), Array.from({ length: 20 }, (_, i) => `fwd-${20 + i}`));
  assert.ok(connected.received >= 20, 'ingest arrived on the connected socket');
  assert.equal(port.counters.udpReceived - mainReceived, connected.received, 'nothing came through the receiving socket');
  assert.equal(connected.sent, 20);

  await client.close();
  await server.close();
  assert.equal(connected.isClosed, true, 'the connected socket closes with the PC');
  ingest.close();
  egress.close();
});
