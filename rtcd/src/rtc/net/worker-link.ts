// Main-thread half of the worker transport: stands in the route table for every ICE Connection that lives
// in one media worker, packs the datagrams routed to them into per-turn batches, and relays ICE-TCP streams
// (sockets cannot move between threads).
import { EventEmitter } from 'node:events';
import type { Socket } from 'node:net';
import type { Duplex } from 'node:stream';
import type { MessagePort } from 'node:worker_threads';
import type { Logger } from 'pino';
import type { PortBinding } from './addresses.js';
import type { PortOwner } from './backend.js';
import { BatchWriter } from './batch.js';
import type { NetCounters } from './counters.js';
import type { RouteTable } from './routing.js';
import type { MainToWorker, WorkerToMain } from './worker-protocol.js';

/** Batches posted and not yet acknowledged before new datagrams for the worker are dropped (≤ 64 KiB each). */
const MAX_INFLIGHT_BATCHES = 256;
const MAX_OWNERS_PER_WORKER = 100_000;
const MAX_TCP_PER_WORKER = 10_000;
const HANDSHAKE_TIMEOUT_MS = 15_000;

/** What the link needs from the SharedUdpPort that created it. */
export interface LinkHost {
  readonly udpPort: number;
  readonly bindings: readonly PortBinding[];
  readonly tcpEnabled: boolean;
  readonly table: RouteTable;
  readonly counters: NetCounters;
  readonly log?: Logger;
  nextOwnerId(): number;
  /** Re-binds the receiving sockets so they are again the last bound (and so the ones Linux delivers to). */
  rebind(): Promise<void>;
  /** A datagram a worker socket received; route it as if the main socket had. */
  routeStray(bindingIndex: number, data: Buffer, host: string, port: number): void;
  linkClosed(link: WorkerLink): void;
}

class RemoteOwner implements PortOwner {
  constructor(
    readonly id: number,
    readonly remoteId: number,
    private readonly link: WorkerLink,
  ) {}

  receiveUdp(bindingIndex: number, data: Buffer, host: string, port: number): boolean {
    return this.link.enqueue(this.remoteId, bindingIndex, data, host, port);
  }

  acceptTcp(bindingIndex: number, stream: Duplex, host: string, port: number): void {
    this.link.relayTcp(this.remoteId, bindingIndex, stream, host, port);
  }
}

export interface WorkerLinkEvents {
  close: [];
}

export class WorkerLink extends EventEmitter<WorkerLinkEvents> {
  private readonly owners = new Map<number, RemoteOwner>();
  private readonly tcp = new Map<number, Duplex>();
  private writer = new BatchWriter();
  private flushScheduled = false;
  private posted = 0;
  private acked = 0;
  private nextConn = 1;
  private closed = false;

  constructor(
    private readonly port: MessagePort,
    private readonly host: LinkHost,
  ) {
    super();
  }

  /** Sessions of this worker currently registered on the port. */
  get ownerCount(): number {
    return this.owners.size;
  }

  /** Handshake: the worker binds its sending sockets, then the main sockets are bound again, last. */
  start(timeoutMs = HANDSHAKE_TIMEOUT_MS): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      const fail = (err: Error) => {
        clearTimeout(timer);
        reject(err);
        this.close();
      };
      const timer = setTimeout(() => fail(new Error('worker link: the worker did not connect (WorkerUdpPort.connect) in time')), timeoutMs);
      const onFirst = (msg: WorkerToMain) => {
        if (msg.t !== 'bound') {
          fail(new Error(`worker link: expected "bound", got "${msg.t}"`));
          return;
        }
        this.port.on('message', (m: WorkerToMain) => this.onMessage(m));
        this.host.rebind().then(() => {
          clearTimeout(timer);
          this.post({ t: 'ready' });
          resolve();
        }, fail);
      };
      this.port.once('message', onFirst);
      this.port.once('close', () => fail(new Error('worker link: port closed')));
      this.post({ t: 'init', udpPort: this.host.udpPort, bindings: [...this.host.bindings], tcpEnabled: this.host.tcpEnabled });
    });
  }

  private post(msg: MainToWorker, transfer?: ArrayBuffer[]): void {
    if (this.closed) return;
    this.port.postMessage(msg, transfer);
  }

  private onMessage(msg: WorkerToMain): void {
    const { table, log } = this.host;
    switch (msg.t) {
      case 'reg': {
        let owner = this.owners.get(msg.id);
        if (!owner) {
          if (this.owners.size >= MAX_OWNERS_PER_WORKER) {
            log?.warn({ id: msg.id }, 'worker link: too many sessions, registration refused');
            return;
          }
          owner = new RemoteOwner(this.host.nextOwnerId(), msg.id, this);
          this.owners.set(msg.id, owner);
        }
        table.registerUfrag(owner, msg.ufrag, msg.pwd);
        return;
      }
      case 'unreg': {
        const owner = this.owners.get(msg.id);
        if (owner) {
          table.unregister(owner);
          this.owners.delete(msg.id);
        }
        return;
      }
      case 'learn': {
        const owner = this.owners.get(msg.id);
        if (owner) {
          table.learn(owner, `${msg.host}:${msg.port}`);
          table.learnTransaction(owner, msg.tx);
        }
        return;
      }
      case 'ack':
        this.acked = msg.n;
        return;
      case 'stray':
        this.host.routeStray(msg.binding, Buffer.from(msg.data.buffer, msg.data.byteOffset, msg.data.byteLength), msg.host, msg.port);
        return;
      case 'tcp-send': {
        const s = this.tcp.get(msg.conn);
        if (s && !s.destroyed) s.write(msg.data);
        return;
      }
      case 'tcp-close': {
        const s = this.tcp.get(msg.conn);
        this.tcp.delete(msg.conn);
        s?.destroy();
        return;
      }
      default:
        log?.warn({ msg: (msg as { t?: unknown }).t }, 'worker link: unknown message');
    }
  }

  enqueue(remoteId: number, bindingIndex: number, data: Buffer, host: string, port: number): boolean {
    if (this.closed || this.posted - this.acked >= MAX_INFLIGHT_BATCHES) {
      this.host.counters.drop('queue_full');
      return false;
    }
    if (!this.writer.push(remoteId, bindingIndex, host, port, data)) {
      this.flush();
      this.writer.push(remoteId, bindingIndex, host, port, data);
    }
    if (!this.flushScheduled) {
      this.flushScheduled = true;
      // Everything libuv read in this poll phase goes in one message.
      setImmediate(() => {
        this.flushScheduled = false;
        this.flush();
      });
    }
    return true;
  }

  private flush(): void {
    if (this.writer.empty || this.closed) return;
    const { buffer, length } = this.writer.take();
    this.posted++;
    this.host.counters.workerBatches++;
    this.post({ t: 'b', buf: buffer, len: length }, [buffer]);
  }

  relayTcp(remoteId: number, bindingIndex: number, stream: Duplex, host: string, port: number): void {
    if (this.closed || this.tcp.size >= MAX_TCP_PER_WORKER) {
      stream.destroy();
      return;
    }
    const conn = this.nextConn++;
    this.tcp.set(conn, stream);
    // The listener unshifted the first frame: read it back synchronously to send it with the open message.
    const first = (stream as Socket).read() as Buffer | null;
    this.post({
      t: 'tcp-open',
      conn,
      id: remoteId,
      binding: bindingIndex,
      host,
      port,
      data: first ?? new Uint8Array(0),
    });
    stream.on('data', (data: Buffer) => this.post({ t: 'tcp-data', conn, data }));
    stream.on('error', () => stream.destroy());
    stream.on('close', () => {
      if (this.tcp.delete(conn)) this.post({ t: 'tcp-close', conn });
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const owner of this.owners.values()) this.host.table.unregister(owner);
    this.owners.clear();
    for (const s of this.tcp.values()) s.destroy();
    this.tcp.clear();
    this.port.close();
    this.host.linkClosed(this);
    this.emit('close');
  }
}
