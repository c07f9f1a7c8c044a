// Every use of werift internals by the shared port lives in this file, pinned to werift 0.25.2.
//
// werift gives each ICE transport its own UDP socket (Connection.getCandidatePromises → StunProtocol →
// UdpTransport). The hook used here is the smallest found:
//   1. the PC is created with iceUseIpv4/iceUseIpv6 false, so werift gathers no address and opens no socket;
//   2. `pc.secureManager.createTransport` (the only place werift builds an RTCIceGatherer/Connection) is
//      wrapped per PC, so each new ICE Connection is handed to us before it gathers;
//   3. into that Connection we put werift's own StunProtocol (and TcpPassiveProtocol) objects whose
//      transport is ours, with `Connection.ensureProtocol` + `Connection.protocols.push` — exactly what
//      werift does for the sockets it opens. `gatherCandidates` then advertises their host candidates itself
//      (it re-announces every protocol already present, with the current ufrag and generation);
//   4. datagrams enter through `StunProtocol.datagramReceived`, TCP streams through
//      `TcpPassiveProtocol.registerSocket`, so STUN transactions, consent, checks and DTLS stay werift's.
// `weriftInternalsProblems()` checks each of these facts; the guard test fails loudly if an upgrade moves them.
import { existsSync, readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { dirname, join } from 'node:path';
import type { Duplex } from 'node:stream';
import {
  Candidate,
  Connection,
  RTCPeerConnection,
  StunProtocol,
  TcpPassiveProtocol,
  candidateFoundation,
  candidatePriority,
  type RTCDtlsTransport,
} from 'werift';

export const PINNED_WERIFT_VERSION = '0.25.2';

/** werift's Address tuple. */
export type WeriftAddress = Readonly<[string, number]>;

/** What StunProtocol expects of its `transport` (werift's UdpTransport surface that StunProtocol touches). */
export interface VirtualUdpTransport {
  readonly type: 'udp';
  closed: boolean;
  onData: (data: Buffer, addr: WeriftAddress) => void;
  send(data: Buffer, addr?: WeriftAddress): Promise<void>;
  close(): Promise<void>;
  readonly address: { address: string; port: number; family: string };
  readonly addressFamily: 4 | 6;
}

interface ConnectionInternals {
  protocols: unknown[];
  ensureProtocol(protocol: unknown): void;
  gatherCandidates(): Promise<void>;
  localUsername: string;
  localPassword: string;
}
interface StunProtocolInternals {
  transport: unknown;
  datagramReceived(data: Buffer, addr: WeriftAddress): void;
}
interface TcpPassiveInternals {
  registerSocket(socket: Duplex, remoteAddr?: WeriftAddress): unknown;
}
interface PeerInternals {
  secureManager?: { createTransport?: (opts?: unknown) => RTCDtlsTransport };
}

export type IceConnection = Connection;

/** werift's package.json is not in its `exports`: walk up from the resolved entry point. */
export function installedWeriftVersion(): string {
  let dir = dirname(createRequire(import.meta.url).resolve('werift'));
  for (;;) {
    const file = join(dir, 'package.json');
    if (existsSync(file)) {
      const pkg = JSON.parse(readFileSync(file, 'utf8')) as { name?: string; version?: string };
      if (pkg.name === 'werift') return pkg.version ?? 'unknown';
    }
    const up = dirname(dir);
    if (up === dir) return 'unknown';
    dir = up;
  }
}

/** Lists every assumption about werift's internals that no longer holds (empty = all good). */
export function weriftInternalsProblems(): string[] {
  const problems: string[] = [];
  const version = installedWeriftVersion();
  if (version !== PINNED_WERIFT_VERSION) problems.push(`werift is ${version}, the shared-port hook is written for ${PINNED_WERIFT_VERSION}`);

  const connProto = Connection.prototype as unknown as Record<string, unknown>;
  for (const m of ['ensureProtocol', 'gatherCandidates', 'close', 'restart', 'addRemoteCandidate']) {
    if (typeof connProto[m] !== 'function') problems.push(`Connection.prototype.${m} is not a function`);
  }
  const gatherSrc = String(connProto.gatherCandidates);
  if (!/for \(const protocol of this\.protocols\)/.test(gatherSrc) || !gatherSrc.includes('appendLocalCandidate')) {
    problems.push('Connection.gatherCandidates no longer re-advertises the protocols already present');
  }
  if (!gatherSrc.includes('useIpv4') || !String(connProto.getCandidatePromises).includes('localIp')) {
    problems.push('Connection gathering no longer follows useIpv4/useIpv6 and protocol.localIp');
  }
  const conn = new Connection(false, { useIpv4: false, useIpv6: false, iceLite: true }) as unknown as ConnectionInternals;
  if (!Array.isArray(conn.protocols)) problems.push('Connection.protocols is not an array');
  if (typeof conn.localUsername !== 'string' || typeof conn.localPassword !== 'string') {
    problems.push('Connection.localUsername/localPassword are not strings');
  }

  const stunProto = StunProtocol.prototype as unknown as Record<string, unknown>;
  if (typeof stunProto.datagramReceived !== 'function') problems.push('StunProtocol.prototype.datagramReceived is gone');
  else if (!String(stunProto.datagramReceived).includes('onDataReceived')) {
    problems.push('StunProtocol.datagramReceived no longer feeds onDataReceived');
  }
  const sp = new StunProtocol() as unknown as Record<string, unknown>;
  for (const f of ['sendStun', 'sendData', 'request', 'close']) {
    if (typeof sp[f] !== 'function') problems.push(`StunProtocol.${f} is not a function`);
  }
  for (const f of ['sendStun', 'sendData', 'request']) {
    if (!String(sp[f]).includes('this.transport')) problems.push(`StunProtocol.${f} no longer goes through this.transport`);
  }

  if (typeof (TcpPassiveProtocol.prototype as unknown as Record<string, unknown>).registerSocket !== 'function') {
    problems.push('TcpPassiveProtocol.registerSocket is gone');
  }

  const pc = new RTCPeerConnection({}) as unknown as PeerInternals;
  if (typeof pc.secureManager?.createTransport !== 'function') problems.push('RTCPeerConnection.secureManager.createTransport is gone');
  void (pc as unknown as RTCPeerConnection).close();
  return problems;
}

let checked = false;
/** Throws once, with every broken assumption, if werift's internals moved. Cheap after the first call. */
export function assertWeriftInternals(): void {
  if (checked) return;
  const problems = weriftInternalsProblems();
  if (problems.length) {
    throw new Error(`shared UDP port: werift internals changed, the hook needs updating:\n - ${problems.join('\n - ')}`);
  }
  checked = true;
}

/**
 * Calls `onConnection` with every ICE Connection the PC creates, right after creation and before it gathers.
 * Returns the function that restores the original method.
 */
export function interceptIceConnections(pc: RTCPeerConnection, onConnection: (conn: Connection) => void): () => void {
  const manager = (pc as unknown as PeerInternals).secureManager!;
  const original = manager.createTransport!;
  manager.createTransport = function (this: unknown, opts?: unknown) {
    const dtls = original.call(this, opts);
    onConnection(dtls.iceTransport.connection as Connection);
    return dtls;
  };
  return () => {
    manager.createTransport = original;
  };
}

/** Runs `before` each time the Connection starts gathering (new ufrag after an ICE restart, inherited creds). */
export function beforeGather(conn: Connection, before: () => void): void {
  const c = conn as unknown as ConnectionInternals;
  const original = c.gatherCandidates;
  c.gatherCandidates = function (this: ConnectionInternals) {
    before();
    return original.call(this);
  };
}

/**
 * Drops remote `*.local` (mDNS) host candidates, as the reference does (pion with mDNS off): werift would open
 * a multicast-dns socket per Connection to resolve them. Browsers behind them are still reached: their checks
 * arrive on the shared port and become peer-reflexive candidates.
 */
export function ignoreMdnsCandidates(conn: Connection, onDropped: () => void): void {
  const original = conn.addRemoteCandidate;
  conn.addRemoteCandidate = function (this: Connection, candidate) {
    if (candidate && candidate.host.toLowerCase().endsWith('.local')) {
      onDropped();
      return Promise.resolve();
    }
    return original.call(this, candidate);
  };
}

export function iceCredentials(conn: Connection): { ufrag: string; pwd: string } {
  return { ufrag: conn.localUsername, pwd: conn.localPassword };
}

/** Adds a protocol to the Connection as werift does for its own sockets. */
export function addProtocol(conn: Connection, protocol: StunProtocol | TcpPassiveProtocol): void {
  const c = conn as unknown as ConnectionInternals;
  c.ensureProtocol(protocol);
  c.protocols.push(protocol);
}

/** A StunProtocol on one of our transports, with its host candidate. */
export function createUdpProtocol(
  transport: VirtualUdpTransport,
  bindAddress: string,
  advertisedAddress: string,
  advertisedPort: number,
  generation: number,
  ufrag: string,
): StunProtocol {
  const protocol = new StunProtocol();
  (protocol as unknown as StunProtocolInternals).transport = transport;
  protocol.localIp = bindAddress;
  protocol.localCandidate = new Candidate(
    candidateFoundation('host', 'udp', advertisedAddress),
    1,
    'udp',
    candidatePriority('host', { transport: 'udp' }),
    advertisedAddress,
    advertisedPort,
    'host',
    undefined,
    undefined,
    undefined,
    generation,
    ufrag,
  );
  const p = protocol as unknown as StunProtocolInternals;
  transport.onData = (data, addr) => p.datagramReceived(data, addr);
  return protocol;
}

/** A passive ICE-TCP protocol that never listens itself: connections accepted by the shared port are handed in. */
export function createTcpProtocol(
  bindAddress: string,
  advertisedAddress: string,
  advertisedPort: number,
  generation: number,
  ufrag: string,
): TcpPassiveProtocol {
  const protocol = new TcpPassiveProtocol();
  protocol.localIp = bindAddress;
  protocol.localCandidate = new Candidate(
    candidateFoundation('host', 'tcp', advertisedAddress),
    1,
    'tcp',
    candidatePriority('host', { transport: 'tcp', tcptype: 'passive' }),
    advertisedAddress,
    advertisedPort,
    'host',
    undefined,
    undefined,
    'passive',
    generation,
    ufrag,
  );
  return protocol;
}

/** Hands an accepted (or relayed) ICE-TCP stream to the protocol; RFC 4571 framing is werift's from here. */
export function acceptTcpStream(protocol: TcpPassiveProtocol, stream: Duplex, remote: WeriftAddress): void {
  (protocol as unknown as TcpPassiveInternals).registerSocket(stream, remote);
}
