// The process's one ICE port: UDP sockets bound to every local address at `icePortUDP` (SO_REUSEADDR so
// media workers can send from the same port), ICE-TCP listeners on the same port number, the route table,
// STUN discovery, and the links to media workers.
import dgram from 'node:dgram';
import type { MessagePort } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { RTCPeerConnection, RTCPeerConnectionConfig } from 'werift';
import type { RtcServerConfig } from '../types.js';
import {
  NetConfigError,
  localAddresses,
  parseHostOverride,
  parsePortOverride,
  planBindings,
  type PortBinding,
} from './addresses.js';
import type { PortBackend, PortOwner } from './backend.js';
import { ConnectedPath } from './connected-path.js';
import { NetCounters } from './counters.js';
import { discoverPublicAddresses } from './discovery.js';
import { PeerPortAttachment } from './peer-attachment.js';
import { RouteTable } from './routing.js';
import { IceTcpListener } from './tcp-mux.js';
import { firstStunServer } from './turn.js';
import { WorkerLink, type LinkHost } from './worker-link.js';

/** The [rtc] keys the port uses. ICE-TCP listens on the same addresses as UDP (iceAddressTCP is not used). */
export type SharedPortConfig = Pick<
  RtcServerConfig,
  'iceAddressUDP' | 'icePortUDP' | 'icePortTCP' | 'enableIPv6' | 'iceHostOverride' | 'iceHostPortOverride' | 'iceServers'
>;

export interface SharedUdpPortOptions {
  logger?: Logger;
  /** ICE-TCP passive candidates and listeners on the same port number (default true). */
  tcp?: boolean;
  /** Deadline of public-address discovery per address (default 5 s, as the reference). */
  stunTimeoutMs?: number;
  /** SO_RCVBUF/SO_SNDBUF asked for each socket (default 4 MiB; the kernel caps it at net.core.[rw]mem_max). */
  socketBufferBytes?: number;
}

/**
 * What a PC needs in its config so that werift opens no socket of its own; merge it last.
 * Full ICE by default: the server then runs consent freshness (dead peers are noticed) and ICE restarts
 * work; werift 0.25.2 as ICE-lite does not recover from an ICE restart (the new pair never carries data,
 * with or without the shared port). Gathering stays local either way: with no address to gather, werift
 * sends no STUN query (not even to its built-in default server).
 */
export function sharedPortPeerConfig(opts: { iceLite?: boolean } = {}): Partial<RTCPeerConnectionConfig> {
  return {
    iceUseIpv4: false,
    iceUseIpv6: false,
    iceUseTcp: false,
    iceAdditionalHostAddresses: undefined,
    iceInterfaceAddresses: undefined,
    iceLite: opts.iceLite ?? false,
  };
}

const AUTO_PORT_ATTEMPTS = 20;
/** The one receiving socket absorbs every peer's bursts: ask for a large buffer (rtcd asks 16 MiB). */
const DEFAULT_SOCKET_BUFFER = 4 << 20;
const isLoopback = (ip: string) => ip.startsWith('127.') || ip === '::1';

function bindUdp(
  family: 4 | 6,
  address: string,
  port: number,
  reuseAddr: boolean,
  bufferBytes?: number,
): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const socket = dgram.createSocket({
      type: family === 4 ? 'udp4' : 'udp6',
      reuseAddr,
      recvBufferSize: bufferBytes,
      sendBufferSize: bufferBytes,
    });
    socket.once('error', (err) => {
      socket.close();
      reject(err);
    });
    socket.bind({ address, port }, () => {
      socket.removeAllListeners('error');
      resolve(socket);
    });
  });
}

export class SharedUdpPort implements PortBackend, LinkHost {
  readonly counters = new NetCounters();
  readonly table = new RouteTable(this.counters);
  private sockets: dgram.Socket[] = [];
  private readonly workers = new Set<WorkerLink>();
  private ownerIds = 0;
  private rebinding: Promise<void> = Promise.resolve();
  private tcpListener: IceTcpListener | null = null;
  private dropLog: NodeJS.Timeout | undefined;
  private closed = false;

  private constructor(
    readonly udpPort: number,
    readonly tcpPort: number,
    public bindings: PortBinding[],
    private readonly bufferBytes: number | undefined,
    readonly log?: Logger,
  ) {}

  get tcpEnabled(): boolean {
    return this.tcpListener !== null;
  }

  /**
   * Binds the port on every local address (or `iceAddressUDP`), the ICE-TCP listeners on the same port number
   * (or `icePortTCP`), then runs STUN discovery when configured. Port 0 picks a free port (tests).
   */
  static async bind(cfg: SharedPortConfig, opts: SharedUdpPortOptions = {}): Promise<SharedUdpPort> {
    const log = opts.logger;
    const hostOverride = parseHostOverride(cfg.iceHostOverride);
    const portOverride = parsePortOverride(cfg.iceHostPortOverride);
    let addresses = localAddresses(cfg.iceAddressUDP, cfg.enableIPv6);
    if (hostOverride.kind === 'map') {
      const internal = new Set(hostOverride.pairs.map((p) => p.internal));
      const unmapped = addresses.filter((a) => !internal.has(a));
      if (unmapped.length) log?.warn({ unmapped }, 'iceHostOverride maps no external address for these local addresses; not using them');
      addresses = addresses.filter((a) => internal.has(a));
      if (!addresses.length) throw new NetConfigError('iceHostOverride: none of its internal addresses is a local address');
    }
    if (cfg.icePortUDP < 0 || cfg.icePortUDP > 65535) throw new NetConfigError(`icePortUDP ${cfg.icePortUDP} is out of range`);
    const wantTcp = opts.tcp ?? true;

    for (let attempt = 0; ; attempt++) {
      const auto = cfg.icePortUDP === 0;
      const sockets: dgram.Socket[] = [];
      let tcp: IceTcpListener | null = null;
      try {
        // Exclusive probes first: a reuseAddr bind would silently share a port someone else already holds.
        let port = cfg.icePortUDP;
        const probes: dgram.Socket[] = [];
        try {
          for (const a of addresses) {
            const s = await bindUdp(a.includes(':') ? 6 : 4, a, port, false);
            probes.push(s);
            port = s.address().port;
          }
        } finally {
          for (const p of probes) p.close();
        }
        const tcpPort = cfg.icePortTCP || port;
        const plan = await planBindings({ addresses, udpPort: port, tcpPort, hostOverride, portOverride });
        const shared = new SharedUdpPort(port, tcpPort, plan, opts.socketBufferBytes ?? DEFAULT_SOCKET_BUFFER, log);
        for (const b of plan) sockets.push(await shared.openSocket(b));
        shared.sockets = sockets;
        if (wantTcp) {
          tcp = new IceTcpListener(shared.table, shared.counters, log);
          await tcp.listen(plan, tcpPort);
          shared.tcpListener = tcp;
        }
        await shared.discover(cfg, hostOverride.kind === 'none', portOverride, opts.stunTimeoutMs ?? 5000);
        log?.info({ udpPort: port, tcpPort: wantTcp ? tcpPort : null, bindings: shared.bindings }, 'rtc: shared ICE port bound');
        shared.startDropLog();
        return shared;
      } catch (err) {
        for (const s of sockets) s.close();
        await tcp?.close();
        const code = (err as NodeJS.ErrnoException).code;
        if (auto && code === 'EADDRINUSE' && attempt < AUTO_PORT_ATTEMPTS) continue;
        if (code === 'EADDRINUSE' || code === 'EADDRNOTAVAIL' || code === 'EACCES') {
          throw new NetConfigError(`cannot bind the ICE port ${cfg.icePortUDP}: ${(err as Error).message}`);
        }
        throw err;
      }
    }
  }

  private async discover(
    cfg: SharedPortConfig,
    allowed: boolean,
    portOverride: ReturnType<typeof parsePortOverride>,
    timeoutMs: number,
  ): Promise<void> {
    const server = firstStunServer(cfg.iceServers);
    if (!allowed || !server) return;
    const targets = this.bindings
      .filter((b) => b.family === 4 && !isLoopback(b.bindAddress))
      .map((b) => ({ bindAddress: b.bindAddress, send: (d: Buffer, h: string, p: number) => this.send(b.index, d, h, p) }));
    if (!targets.length) return;
    const discovered = await discoverPublicAddresses(targets, this.table, server, timeoutMs, this.log);
    if (!discovered.size) return;
    this.bindings = await planBindings({
      addresses: this.bindings.map((b) => b.bindAddress),
      udpPort: this.udpPort,
      tcpPort: this.tcpPort,
      hostOverride: { kind: 'none' },
      portOverride,
      discovered,
    });
  }

  /**
   * Garbage on the port is counted per datagram but logged once a minute at most (a log line per datagram
   * would let anyone flood the logs).
   */
  private startDropLog(): void {
    if (!this.log) return;
    let last = this.counters.snapshot();
    this.dropLog = setInterval(() => {
      const now = this.counters.snapshot();
      const delta: Partial<Record<string, number>> = {};
      for (const [reason, n] of Object.entries(now.dropped)) {
        const d = n - last.dropped[reason as keyof typeof now.dropped];
        if (d) delta[reason] = d;
      }
      const tcp = now.tcpRejected - last.tcpRejected;
      if (Object.keys(delta).length || tcp) this.log!.warn({ dropped: delta, tcpRejected: tcp }, 'rtc: datagrams dropped on the shared ICE port in the last minute');
      last = now;
    }, 60_000);
    this.dropLog.unref();
  }

  private async openSocket(b: PortBinding): Promise<dgram.Socket> {
    const s = await bindUdp(b.family, b.bindAddress, this.udpPort, true, this.bufferBytes);
    const counters = this.counters;
    const table = this.table;
    const index = b.index;
    s.on('message', (msg, rinfo) => {
      counters.udpReceived++;
      table.route(index, msg, rinfo.address, rinfo.port);
    });
    s.on('error', (err) => {
      counters.udpSendErrors++;
      this.log?.debug({ err }, 'shared port socket error');
    });
    return s;
  }

  // ---- PortBackend (sessions in this thread) ----

  nextOwnerId(): number {
    return ++this.ownerIds;
  }

  register(owner: PortOwner, ufrag: string, pwd: string): void {
    this.table.registerUfrag(owner, ufrag, pwd);
  }

  unregister(owner: PortOwner): void {
    this.table.unregister(owner);
  }

  learn(owner: PortOwner, host: string, port: number, transactionIdHex: string): void {
    this.table.learn(owner, `${host}:${port}`);
    this.table.learnTransaction(owner, transactionIdHex);
  }

  send(bindingIndex: number, data: Uint8Array, host: string, port: number): void {
    const s = this.sockets[bindingIndex];
    if (!s || this.closed) return;
    this.counters.udpSent++;
    s.send(data, port, host);
  }

  openPath(owner: PortOwner, bindingIndex: number, host: string, port: number): Promise<ConnectedPath> {
    if (this.closed) return Promise.reject(new Error('shared UDP port is closed'));
    return ConnectedPath.open(this.bindings[bindingIndex]!, this.udpPort, host, port, owner, this.counters, (b, d, h, p) =>
      this.routeStray(b, d, h, p),
    );
  }

  /** What to merge into each RTCPeerConnection config (see sharedPortPeerConfig). */
  peerConfig(opts?: { iceLite?: boolean }): Partial<RTCPeerConnectionConfig> {
    return sharedPortPeerConfig(opts);
  }

  /** Puts a PC of this thread on the port. Call right after `new RTCPeerConnection(...)`. */
  attach(pc: RTCPeerConnection): PeerPortAttachment {
    if (this.closed) throw new Error('shared UDP port is closed');
    return new PeerPortAttachment(this, pc);
  }

  // ---- workers ----

  /** Connects a media worker (the other end runs WorkerUdpPort.connect). Resolves once it can serve sessions. */
  async addWorker(port: MessagePort): Promise<WorkerLink> {
    if (this.closed) throw new Error('shared UDP port is closed');
    const link = new WorkerLink(port, this);
    this.workers.add(link);
    await link.start();
    return link;
  }

  rebind(): Promise<void> {
    this.rebinding = this.rebinding.then(async () => {
      if (this.closed) return;
      for (const b of this.bindings) {
        // Bind the new socket before closing the old one: Linux hands datagrams to the last bound socket,
        // so delivery moves over without a gap.
        const fresh = await this.openSocket(b);
        const old = this.sockets[b.index];
        this.sockets[b.index] = fresh;
        old?.close();
      }
    });
    return this.rebinding;
  }

  routeStray(bindingIndex: number, data: Buffer, host: string, port: number): void {
    this.counters.udpReceived++;
    this.table.route(bindingIndex, data, host, port);
  }

  linkClosed(link: WorkerLink): void {
    this.workers.delete(link);
  }

  get workerCount(): number {
    return this.workers.size;
  }

  /** Address:port of every UDP socket this thread holds (for logs and socket checks). */
  localSockets(): Array<{ address: string; port: number }> {
    return this.sockets.map((s) => s.address());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    clearInterval(this.dropLog);
    await this.rebinding.catch(() => {});
    for (const w of [...this.workers]) w.close();
    await this.tcpListener?.close();
    await Promise.all(this.sockets.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
}
