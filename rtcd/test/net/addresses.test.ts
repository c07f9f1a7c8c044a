// What the host candidates advertise: host override (IP, hostname, EXT/INT NAT map), port override (single,
// per address), STUN discovery only when ICE servers are configured; TURN REST credentials.
import assert from 'node:assert/strict';
import dgram from 'node:dgram';
import { networkInterfaces } from 'node:os';
import { test } from 'node:test';
import { RTCPeerConnection } from 'werift';
import {
  genTurnConfigs,
  genTurnCredentials,
  NetConfigError,
  parseHostOverride,
  parsePortOverride,
  SharedUdpPort,
} from '../../src/rtc/net/index.js';
import { candidatesOf, startStunResponder, testPortConfig } from './helpers.js';

const base = testPortConfig();

const lanAddress = Object.values(networkInterfaces())
  .flat()
  .find((i) => i && i.family === 'IPv4' && !i.internal)?.address;

/** The host candidates a PC attached to `port` puts in its SDP, as "transport ip:port". */
async function advertised(port: SharedUdpPort): Promise<string[]> {
  const pc = new RTCPeerConnection({ bundlePolicy: 'max-bundle', ...port.peerConfig() });
  port.attach(pc);
  pc.createDataChannel('x');
  await pc.setLocalDescription(await pc.createOffer());
  const out = candidatesOf(pc.localDescription!.sdp).map((c) => {
    const f = c.split(' ');
    return `${f[2]} ${f[4]}:${f[5]}`;
  });
  await pc.close();
  return out.sort();
}

test('this machine has a non-loopback IPv4 address (the override and discovery cases need one)', () => {
  assert.ok(lanAddress, 'no non-loopback IPv4 interface');
});

test('single host override and port override: external candidates carry both, loopback keeps its own', async () => {
  const port = await SharedUdpPort.bind(
    { ...base, iceAddressUDP: ['127.0.0.1', lanAddress!], iceHostOverride: '198.51.100.9', iceHostPortOverride: '30000' },
    { tcp: false },
  );
  assert.deepEqual(await advertised(port), [`udp 127.0.0.1:${port.udpPort}`, 'udp 198.51.100.9:30000'].sort());
  await port.close();
});

test('a hostname override is resolved; a NAT map advertises only the mapped addresses', async () => {
  const byName = await SharedUdpPort.bind({ ...base, iceAddressUDP: [lanAddress!], iceHostOverride: 'localhost' }, { tcp: false });
  assert.deepEqual(await advertised(byName), [`udp 127.0.0.1:${byName.udpPort}`]);
  await byName.close();

  const nat = await SharedUdpPort.bind({ ...base, iceHostOverride: `203.0.113.5/${lanAddress}` });
  assert.deepEqual(await advertised(nat), [`tcp 203.0.113.5:${nat.udpPort}`, `udp 203.0.113.5:${nat.udpPort}`]);
  assert.deepEqual(nat.localSockets().map((s) => s.address), [lanAddress]);
  await nat.close();
});

test('per-address port override map', async () => {
  const port = await SharedUdpPort.bind(
    { ...base, iceAddressUDP: ['127.0.0.1', lanAddress!], iceHostPortOverride: `127.0.0.1/31000,${lanAddress}/31001` },
    { tcp: false },
  );
  assert.deepEqual(await advertised(port), ['udp 127.0.0.1:31000', `udp ${lanAddress}:31001`].sort());
  await port.close();
});

test('STUN discovery: from the shared port itself, to the configured server only, result advertised', async () => {
  const fakeNat = await startStunResponder({ address: '203.0.113.77' });
  const sources = new Set<number>();
  const seen = dgram.createSocket('udp4'); // second responder, never configured: must see nothing
  let seenCount = 0;
  seen.on('message', () => seenCount++);
  await new Promise<void>((r) => seen.bind(0, '127.0.0.1', () => r()));

  const port = await SharedUdpPort.bind(
    { ...base, iceAddressUDP: ['127.0.0.1', lanAddress!], iceServers: [{ urls: [`stun:127.0.0.1:${fakeNat.port}`] }] },
    { tcp: false, stunTimeoutMs: 3000 },
  );
  sources.add(port.udpPort);
  assert.equal(fakeNat.requests >= 1, true, 'the configured STUN server was asked');
  assert.deepEqual(await advertised(port), [`udp 127.0.0.1:${port.udpPort}`, `udp 203.0.113.77:${port.udpPort}`].sort());
  assert.equal(port.counters.droppedTotal, 0, 'the response was consumed by discovery, not counted as garbage');
  await port.close();

  // No ICE servers: no query at all, local addresses advertised.
  const before = fakeNat.requests;
  const plain = await SharedUdpPort.bind({ ...base, iceAddressUDP: [lanAddress!] }, { tcp: false });
  assert.deepEqual(await advertised(plain), [`udp ${lanAddress}:${plain.udpPort}`]);
  assert.equal(fakeNat.requests, before);
  assert.equal(seenCount, 0);
  await plain.close();
  seen.close();
  await fakeNat.close();
});

test('an unreachable STUN server only delays: local addresses are advertised after the deadline', async () => {
  const dead = dgram.createSocket('udp4');
  await new Promise<void>((r) => dead.bind(0, '127.0.0.1', () => r()));
  const port = await SharedUdpPort.bind(
    { ...base, iceAddressUDP: [lanAddress!], iceServers: [{ urls: [`stun:127.0.0.1:${dead.address().port}`] }] },
    { tcp: false, stunTimeoutMs: 300 },
  );
  assert.deepEqual(await advertised(port), [`udp ${lanAddress}:${port.udpPort}`]);
  await port.close();
  dead.close();
});

test('bad network config gets a clear NetConfigError', async () => {
  assert.throws(() => parsePortOverride('abc'), NetConfigError);
  assert.throws(() => parsePortOverride('70000'), /out of range/);
  assert.throws(() => parsePortOverride('127.0.0.1/3000,127.0.0.1/3001'), /duplicate/);
  assert.throws(() => parseHostOverride('1.2.3.4/not-an-ip'), /EXT\/INT/);
  assert.throws(() => parseHostOverride('1.2.3.4,5.6.7.8'), NetConfigError);
  assert.deepEqual(parseHostOverride(' '), { kind: 'none' });
  await assert.rejects(SharedUdpPort.bind({ ...base, iceAddressUDP: ['not-an-ip'] }), /not an IP address/);
  await assert.rejects(SharedUdpPort.bind({ ...base, iceHostOverride: '203.0.113.5/10.255.255.254' }), /none of its internal addresses/);
  await assert.rejects(
    SharedUdpPort.bind({ ...base, iceAddressUDP: [lanAddress!], iceHostOverride: 'no-such-host.invalid' }),
    /cannot resolve/,
  );
  // A port someone else holds is refused, not silently shared through SO_REUSEADDR.
  const holder = dgram.createSocket('udp4');
  await new Promise<void>((r) => holder.bind(0, '127.0.0.1', () => r()));
  await assert.rejects(
    SharedUdpPort.bind({ ...base, iceAddressUDP: ['127.0.0.1'], icePortUDP: holder.address().port }),
    (err: Error) => err instanceof NetConfigError && /cannot bind the ICE port/.test(err.message),
  );
  holder.close();
});

test('TURN REST credentials: <expiry>:<id> and base64 HMAC-SHA1 of the secret', () => {
  // Reference values computed with `openssl dgst -sha1 -hmac s3cret -binary | base64`.
  assert.deepEqual(genTurnCredentials('session1', 's3cret', 1700000000), {
    username: '1700000000:session1',
    credential: 'ul56z+A64/9qgesIS6GY3NCSu/U=',
  });
  const configs = genTurnConfigs(
    [
      { urls: ['turn:turn.example.com:3478', 'turns:turn.example.com:5349'] },
      { urls: ['turn:other.example.com'], username: 'static', credential: 'static' },
      { urls: ['stun:stun.example.com'] },
    ],
    'abc',
    's3cret',
    60,
    1700000000 * 1000,
  );
  assert.deepEqual(configs, [
    {
      urls: ['turn:turn.example.com:3478', 'turns:turn.example.com:5349'],
      username: '1700003600:abc',
      credential: 'Fe5EJwoqvfV1NLt6WgDwx7yTyxg=',
    },
  ]);
  assert.throws(() => genTurnCredentials('', 's', 1), /id/);
  assert.throws(() => genTurnCredentials('a', '', 1), /secret/);
});
