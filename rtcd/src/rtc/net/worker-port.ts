// Worker-thread half of the shared port. The worker binds its own SO_REUSEADDR sockets to every address at
// the shared port number and sends from them directly (egress, the bulk of the traffic, never crosses
// threads); what the peers send arrives at the main thread's socket (bound last) and comes here in batches
// through the MessagePort. PCs of the worker attach exactly as in the main thread.
import dgram from 'node:dgram';
import { Duplex } from 'node:stream';
import type { MessagePort } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { RTCPeerConnection, RTCPeerConnectionConfig } from 'werift';
import type { PortBinding } from './addresses.js';
import type { PortBackend, PortOwner } from './backend.js';
import { ConnectedPath } from './connected-path.js';
import { readBatch } from './batch.js';
import { NetCounters } from './counters.js';
import { PeerPortAttachment } from './peer-attachment.js';
import { sharedPortPeerConfig } from './shared-udp-port.js';
import type { MainToWorker, WorkerToMain } from './worker-protocol.js';

const MAX_TCP = 10_000;

/** A relayed ICE-TCP connection: looks like a net.Socket to werift, bytes travel over the MessagePort. */
class RelayedTcpStream extends Duplex {
  constructor(
    private readonly conn: number,
    private readonly link: WorkerUdpPort,
    readonly remoteAddress: string,
    readonly remotePort: number,
  ) {
    super();
  }
  override _read(): void {}
  override _write(chunk: Buffer, _enc: BufferEncoding, cb: (err?: Error | null) => void): void {
    this.link.post({ t: 'tcp-send', conn: this.conn, data: chunk });
    cb();
  }
  override _destroy(err: Error | null, cb: (err?: Error | null) => void): void {
    this.link.tcpClosed(this.conn);
    cb(err);
  }
}

function bindSender(b: PortBinding, port: number, bufferBytes?: number): Promise<dgram.Socket> {
  return new Promise((resolve, reject) => {
    const s = dgram.createSocket({
      type: b.family === 4 ? 'udp4' : 'udp6',
      reuseAddr: true,
      sendBufferSize: bufferBytes,
    });
    s.once('error', reject);
    s.bind({ address: b.bindAddress, port }, () => {
      s.off('error', reject);
      resolve(s);
    });
  });
}

export interface WorkerUdpPortOptions {
  logger?: Logger;
  socketBufferBytes?: number;
}

export class WorkerUdpPort implements PortBackend {
  readonly counters = new NetCounters();
  private readonly owners = new Map<number, PortOwner>();
  private readonly tcp = new Map<number, RelayedTcpStream>();
  private sockets: dgram.Socket[] = [];
  private ownerIds = 0;
  private batches = 0;
  private ackScheduled = false;
  private closed = false;

  private constructor(
    private readonly port: MessagePort,
    readonly udpPort: number,
    readonly bindings: PortBinding[],
    readonly tcpEnabled: boolean,
    private readonly log?: Logger,
  ) {}

  /**
   * Runs the handshake with SharedUdpPort.addWorker on the other end of `port`: binds this worker's sending
   * sockets, waits until the main thread has re-bound its receiving ones. Resolves when PCs may attach.
   */
  static connect(port: MessagePort, opts: WorkerUdpPortOptions = {}): Promise<WorkerUdpPort> {
    return new Promise((resolve, reject) => {
      let self: WorkerUdpPort | null = null;
      const onMessage = (msg: MainToWorker) => {
        if (self) {
          if (msg.t === 'ready') {
            port.off('message', onMessage);
            port.on('message', (m: MainToWorker) => self!.onMessage(m));
            resolve(self);
          }
          return;
        }
        if (msg.t !== 'init') {
          reject(new Error(`worker port: expected "init", got "${msg.t}"`));
          return;
        }
        const w = new WorkerUdpPort(port, msg.udpPort, msg.bindings, msg.tcpEnabled, opts.logger);
        Promise.all(msg.bindings.map((b) => bindSender(b, msg.udpPort, opts.socketBufferBytes)))
          .then((sockets) => {
            w.sockets = sockets;
            for (const [i, s] of sockets.entries()) w.watchSocket(i, s);
            self = w;
            w.post({ t: 'bound' });
          })
          .catch(reject);
      };
      port.on('message', onMessage);
      port.once('close', () => reject(new Error('worker port: closed during the handshake')));
    });
  }

  private watchSocket(index: number, s: dgram.Socket): void {
    // Only around a re-bind of the main sockets can a datagram land here; send it back to be routed.
    s.on('message', (msg, rinfo) => {
      this.post({ t: 'stray', binding: index, host: rinfo.address, port: rinfo.port, data: msg });
    });
    s.on('error', (err) => {
      this.counters.udpSendErrors++;
      this.log?.debug({ err }, 'worker port socket error');
    });
  }

  post(msg: WorkerToMain): void {
    if (!this.closed) this.port.postMessage(msg);
  }

  private onMessage(msg: MainToWorker): void {
    switch (msg.t) {
      case 'b': {
        this.counters.udpReceived += readBatch(msg.buf, msg.len, (id, binding, host, port, data) => {
          const owner = this.owners.get(id);
          if (owner) {
            this.counters.udpRouted++;
            owner.receiveUdp(binding, data, host, port);
          } else this.counters.drop('unknown_address'); // unregistered while the batch was in flight
        });
        this.batches++;
        if (!this.ackScheduled) {
          this.ackScheduled = true;
          setImmediate(() => {
            this.ackScheduled = false;
            this.post({ t: 'ack', n: this.batches });
          });
        }
        return;
      }
      case 'tcp-open': {
        const owner = this.owners.get(msg.id);
        if (!owner || this.tcp.size >= MAX_TCP) {
          this.post({ t: 'tcp-close', conn: msg.conn });
          return;
        }
        const stream = new RelayedTcpStream(msg.conn, this, msg.host, msg.port);
        this.tcp.set(msg.conn, stream);
        if (msg.data.byteLength) stream.push(Buffer.from(msg.data.buffer, msg.data.byteOffset, msg.data.byteLength));
        owner.acceptTcp(msg.binding, stream, msg.host, msg.port);
        return;
      }
      case 'tcp-data': {
        this.tcp.get(msg.conn)?.push(Buffer.from(msg.data.buffer, msg.data.byteOffset, msg.data.byteLength));
        return;
      }
      case 'tcp-close': {
        const s = this.tcp.get(msg.conn);
        this.tcp.delete(msg.conn);
        s?.destroy();
        return;
      }
      default:
        this.log?.warn({ msg: (msg as { t?: unknown }).t }, 'worker port: unexpected message');
    }
  }

  tcpClosed(conn: number): void {
    if (this.tcp.delete(conn)) this.post({ t: 'tcp-close', conn });
  }

  // ---- PortBackend ----

  nextOwnerId(): number {
    return ++this.ownerIds;
  }

  register(owner: PortOwner, ufrag: string, pwd: string): void {
    this.owners.set(owner.id, owner);
    this.post({ t: 'reg', id: owner.id, ufrag, pwd });
  }

  unregister(owner: PortOwner): void {
    if (this.owners.delete(owner.id)) this.post({ t: 'unreg', id: owner.id });
  }

  learn(owner: PortOwner, host: string, port: number, transactionIdHex: string): void {
    this.post({ t: 'learn', id: owner.id, host, port, tx: transactionIdHex });
  }

  send(bindingIndex: number, data: Uint8Array, host: string, port: number): void {
    const s = this.sockets[bindingIndex];
    if (!s || this.closed) return;
    this.counters.udpSent++;
    s.send(data, port, host);
  }

  openPath(owner: PortOwner, bindingIndex: number, host: string, port: number): Promise<ConnectedPath> {
    if (this.closed) return Promise.reject(new Error('worker UDP port is closed'));
    return ConnectedPath.open(this.bindings[bindingIndex]!, this.udpPort, host, port, owner, this.counters, (b, d, h, p) =>
      this.post({ t: 'stray', binding: b, host: h, port: p, data: d }),
    );
  }

  peerConfig(opts?: { iceLite?: boolean }): Partial<RTCPeerConnectionConfig> {
    return sharedPortPeerConfig(opts);
  }

  /** Puts a PC of this worker on the shared port. Call right after `new RTCPeerConnection(...)`. */
  attach(pc: RTCPeerConnection): PeerPortAttachment {
    if (this.closed) throw new Error('worker UDP port is closed');
    return new PeerPortAttachment(this, pc);
  }

  localSockets(): Array<{ address: string; port: number }> {
    return this.sockets.map((s) => s.address());
  }

  async close(): Promise<void> {
    if (this.closed) return;
    for (const s of this.tcp.values()) s.destroy();
    this.closed = true;
    this.tcp.clear();
    this.port.close();
    await Promise.all(this.sockets.map((s) => new Promise<void>((r) => s.close(() => r()))));
  }
}
