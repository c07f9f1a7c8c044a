// The per-PC half of the shared port: every ICE Connection werift creates for the PC gets one StunProtocol
// per bound address (and one passive TCP protocol per address when ICE-TCP is on) whose transport is the
// shared port, registered under the Connection's ufrag. Works the same in the thread that owns the sockets
// and in a media worker; only the PortBackend differs.
import type { Duplex } from 'node:stream';
import type { Connection, RTCPeerConnection, StunProtocol, TcpPassiveProtocol } from 'werift';
import type { PortBinding } from './addresses.js';
import type { PortBackend, PortOwner } from './backend.js';
import type { ConnectedPath } from './connected-path.js';
import {
  acceptTcpStream,
  addProtocol,
  assertWeriftInternals,
  beforeGather,
  createTcpProtocol,
  createUdpProtocol,
  iceCredentials,
  ignoreMdnsCandidates,
  interceptIceConnections,
  type VirtualUdpTransport,
  type WeriftAddress,
} from './werift-ice.js';

/**
 * Sees each received RTP/RTCP datagram (first byte 128..191) of the PC before werift; returning true means
 * the packet was consumed (the fast forward path decrypts and forwards it itself).
 */
export type MediaInterceptor = (data: Buffer, host: string, port: number) => boolean;

/** The nominated UDP path of a PC: where the fast path sends already-protected packets. */
export interface SelectedPath {
  bindingIndex: number;
  host: string;
  port: number;
  send(data: Uint8Array): void;
}

const noop = () => {};

class PortTransport implements VirtualUdpTransport {
  readonly type = 'udp' as const;
  closed = false;
  onData: (data: Buffer, addr: WeriftAddress) => void = noop;

  constructor(
    private readonly owner: ConnectionPort,
    readonly binding: PortBinding,
  ) {}

  send = async (data: Buffer, addr?: WeriftAddress): Promise<void> => {
    if (this.closed || !addr) return;
    this.owner.sendFrom(this.binding.index, data, addr[0], addr[1]);
  };

  close = async (): Promise<void> => {
    if (this.closed) return;
    this.closed = true;
    this.owner.detach();
  };

  get address() {
    return {
      address: this.binding.advertisedAddress,
      port: this.binding.advertisedUdpPort,
      family: this.binding.family === 4 ? 'IPv4' : 'IPv6',
    };
  }

  get addressFamily() {
    return this.binding.family;
  }
}

/** One werift ICE Connection on the shared port. */
export class ConnectionPort implements PortOwner {
  readonly id: number;
  private readonly transports: PortTransport[] = [];
  readonly udpProtocols: StunProtocol[] = [];
  private readonly tcpProtocols: TcpPassiveProtocol[] = [];
  private readonly paths = new Set<ConnectedPath>();
  private registeredUfrag = '';
  private detached = false;

  constructor(
    private readonly backend: PortBackend,
    readonly connection: Connection,
    private readonly attachment: PeerPortAttachment,
  ) {
    this.id = backend.nextOwnerId();
    const { ufrag } = iceCredentials(connection);
    for (const b of backend.bindings) {
      const t = new PortTransport(this, b);
      const p = createUdpProtocol(t, b.bindAddress, b.advertisedAddress, b.advertisedUdpPort, connection.generation, ufrag);
      this.transports.push(t);
      this.udpProtocols.push(p);
      addProtocol(connection, p);
    }
    if (backend.tcpEnabled) {
      for (const b of backend.bindings) {
        const p = createTcpProtocol(b.bindAddress, b.advertisedAddress, b.advertisedTcpPort, connection.generation, ufrag);
        this.tcpProtocols.push(p);
        addProtocol(connection, p);
      }
    }
    ignoreMdnsCandidates(connection, () => attachment.mdnsCandidatesIgnored++);
    this.register();
    // werift may replace the credentials after creating the Connection (inherited on a new transport) and
    // does on ICE restart; both are followed by a gathering pass, so re-register there.
    beforeGather(connection, () => this.register());
    connection.stateChanged.subscribe((state) => {
      if (state === 'closed') this.detach();
    });
  }

  private register(): void {
    if (this.detached) return;
    const { ufrag, pwd } = iceCredentials(this.connection);
    if (ufrag === this.registeredUfrag) return;
    this.registeredUfrag = ufrag;
    this.backend.register(this, ufrag, pwd);
  }

  receiveUdp(bindingIndex: number, data: Buffer, host: string, port: number): boolean {
    const t = this.transports[bindingIndex];
    // A Connection closing in the same turn: werift would drop it too; it did reach its owner.
    if (!t || t.closed) return true;
    const b0 = data[0];
    const intercept = this.attachment.mediaInterceptor;
    if (intercept && b0 >= 128 && b0 < 192 && intercept(data, host, port)) return true;
    t.onData(data, [host, port]);
    return true;
  }

  acceptTcp(bindingIndex: number, stream: Duplex, host: string, port: number): void {
    const p = this.tcpProtocols[bindingIndex];
    if (!p || this.detached) {
      stream.destroy();
      return;
    }
    acceptTcpStream(p, stream, [host, port]);
  }

  sendFrom(bindingIndex: number, data: Buffer, host: string, port: number): void {
    // Full ICE: our own checks and consent requests go to addresses that may not have written to us yet;
    // tell the router (address and transaction id) so their responses find this Connection.
    if (data[0] === 0 && (data[1] & 0x10) === 0 && data.length >= 20) {
      this.backend.learn(this, host, port, data.toString('hex', 8, 20));
    }
    this.backend.send(bindingIndex, data, host, port);
  }

  selectedPath(): SelectedPath | null {
    const pair = this.connection.nominated;
    if (!pair) return null;
    const bindingIndex = this.udpProtocols.indexOf(pair.protocol as StunProtocol);
    if (bindingIndex < 0) return null;
    const [host, port] = pair.remoteAddr;
    return { bindingIndex, host, port, send: (data) => this.backend.send(bindingIndex, data, host, port) };
  }

  /** A connect()ed socket to the nominated UDP pair's remote address (see ConnectedPath). */
  async connectSelectedPath(): Promise<ConnectedPath | null> {
    const path = this.selectedPath();
    if (!path || this.detached) return null;
    const connected = await this.backend.openPath(this, path.bindingIndex, path.host, path.port);
    if (this.detached) {
      connected.close();
      return null;
    }
    this.paths.add(connected);
    return connected;
  }

  detach(): void {
    if (this.detached) return;
    this.detached = true;
    for (const p of this.paths) p.close();
    this.paths.clear();
    this.backend.unregister(this);
    this.attachment.forget(this);
  }
}

/** The shared port as one RTCPeerConnection uses it. Create it right after the PC, before any offer/answer. */
export class PeerPortAttachment {
  private readonly ports = new Set<ConnectionPort>();
  private readonly restore: () => void;
  private closed = false;
  mediaInterceptor: MediaInterceptor | null = null;
  /** Remote `.local` candidates dropped (see ignoreMdnsCandidates). */
  mdnsCandidatesIgnored = 0;

  constructor(
    private readonly backend: PortBackend,
    readonly pc: RTCPeerConnection,
  ) {
    assertWeriftInternals();
    this.restore = interceptIceConnections(pc, (conn) => {
      if (this.closed) return;
      this.ports.add(new ConnectionPort(backend, conn, this));
    });
    pc.connectionStateChange.subscribe((state) => {
      if (state === 'closed') this.close();
    });
  }

  /** Let the fast path see received RTP/RTCP first (null to stop). */
  setMediaInterceptor(fn: MediaInterceptor | null): void {
    this.mediaInterceptor = fn;
  }

  /** The nominated UDP path, once ICE has selected one (null before, or when the pair is ICE-TCP). */
  selectedPath(): SelectedPath | null {
    for (const p of this.ports) {
      const path = p.selectedPath();
      if (path) return path;
    }
    return null;
  }

  /**
   * A socket connect()ed to the nominated pair's remote address, on the shared port: sends skip address
   * handling, and the peer's datagrams arrive on it directly (Linux prefers the connected socket), in this
   * thread. Closed with the PC; open a new one if ICE selects another pair. Null before a UDP pair is selected.
   */
  async connectSelectedPath(): Promise<ConnectedPath | null> {
    for (const p of this.ports) {
      if (p.selectedPath()) return p.connectSelectedPath();
    }
    return null;
  }

  /** Live ICE Connections on the port (one with max-bundle). */
  get connectionCount(): number {
    return this.ports.size;
  }

  forget(port: ConnectionPort): void {
    this.ports.delete(port);
  }

  /** Unregisters every Connection of the PC from the port. The PC's own close() does this too. */
  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.restore();
    for (const p of [...this.ports]) p.detach();
  }
}
