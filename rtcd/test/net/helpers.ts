// Real peers and servers for the shared-port tests: werift client PCs (full ICE, their own sockets), a
// minimal STUN responder (so clients never reach for werift's built-in Google STUN), `ss` socket listings.
import { execFileSync } from 'node:child_process';
import dgram from 'node:dgram';
import { classes, Message, parseMessage, RTCPeerConnection, type RTCDataChannel } from 'werift';
import type { SharedPortConfig } from '../../src/rtc/net/index.js';

/** Answers STUN Binding requests with the sender's address (or a fixed one, to fake a NAT). */
export async function startStunResponder(mapped?: { address: string; port?: number }) {
  const socket = dgram.createSocket('udp4');
  let requests = 0;
  socket.on('message', (data, rinfo) => {
    let req: Message | undefined;
    try {
      req = parseMessage(data);
    } catch {
      return;
    }
    if (!req || req.messageClass !== classes.REQUEST) return;
    requests++;
    const res = new Message(req.messageMethod, classes.RESPONSE, req.transactionId);
    res.setAttribute('XOR-MAPPED-ADDRESS', [mapped?.address ?? rinfo.address, mapped?.port ?? rinfo.port]);
    socket.send(res.bytes, rinfo.port, rinfo.address);
  });
  await new Promise<void>((r) => socket.bind(0, '127.0.0.1', () => r()));
  return {
    port: socket.address().port,
    get requests() {
      return requests;
    },
    close: () => new Promise<void>((r) => socket.close(() => r())),
  };
}

/** A werift client PC as a browser would be: full ICE, its own sockets, STUN pointed at a local responder. */
export function clientPeer(stunPort: number, extra: ConstructorParameters<typeof RTCPeerConnection>[0] = {}) {
  return new RTCPeerConnection({
    iceServers: [{ urls: `stun:127.0.0.1:${stunPort}` }],
    iceUseIpv6: false,
    iceStunGatherTimeout: 1,
    bundlePolicy: 'max-bundle',
    ...extra,
  });
}

/** Client offers (with a data channel), server answers; resolves when the channel is open on both ends. */
export async function connectWithDataChannel(client: RTCPeerConnection, server: RTCPeerConnection) {
  const dc = client.createDataChannel('test');
  const serverDc = new Promise<RTCDataChannel>((resolve) => server.onDataChannel.subscribe((ch) => resolve(ch)));
  await client.setLocalDescription(await client.createOffer());
  await server.setRemoteDescription(client.localDescription!);
  await server.setLocalDescription(await server.createAnswer());
  await client.setRemoteDescription(server.localDescription!);
  const [remote] = await Promise.all([
    serverDc,
    dc.readyState === 'open' ? Promise.resolve() : new Promise<void>((r) => dc.stateChanged.subscribe((s) => s === 'open' && r())),
  ]);
  return { dc, remote };
}

/** One round trip over an open data channel pair. */
export async function echo(dc: RTCDataChannel, remote: RTCDataChannel, text: string): Promise<string> {
  const got = new Promise<string>((resolve) => {
    const sub = dc.onMessage.subscribe((m) => {
      sub.unSubscribe();
      resolve(String(m));
    });
  });
  const back = remote.onMessage.subscribe((m) => {
    back.unSubscribe();
    remote.send(`echo:${String(m)}`);
  });
  dc.send(text);
  return got;
}

/** `a=candidate` lines of an SDP. */
export function candidatesOf(sdp: string): string[] {
  return sdp
    .split(/\r?\n/)
    .filter((l) => l.startsWith('a=candidate:'))
    .map((l) => l.slice('a='.length));
}

/** Local "addr:port" of every UDP (or TCP listening) socket this process holds, from `ss`. */
export function processSockets(proto: 'udp' | 'tcp', pid = process.pid): string[] {
  const out = execFileSync('ss', [proto === 'udp' ? '-uanp' : '-tlnp'], { encoding: 'utf8' });
  return out
    .split('\n')
    .filter((l) => l.includes(`pid=${pid},`))
    .map((l) => l.trim().split(/\s+/)[proto === 'udp' ? 3 : 3]!)
    .filter(Boolean);
}

export async function waitFor(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const start = Date.now();
  while (!check()) {
    if (Date.now() - start > timeoutMs) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** A shared-port config for tests: ephemeral ports, every local address, no overrides, no STUN servers. */
export function testPortConfig(overrides: Partial<SharedPortConfig> = {}): SharedPortConfig {
  return {
    iceAddressUDP: [],
    icePortUDP: 0,
    icePortTCP: 0,
    enableIPv6: false,
    iceHostOverride: '',
    iceHostPortOverride: '',
    iceServers: [],
    ...overrides,
  };
}
