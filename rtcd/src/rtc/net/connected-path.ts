// A socket on the shared port connect()ed to one peer, for the fast path. Sending on a connected UDP socket
// skips the per-call address handling, and Linux prefers a connected socket that matches a datagram's
// 4-tuple over the unconnected receiving one: the peer's packets then arrive here directly, in the thread
// that owns the session, without the main-thread hop.
import dgram from 'node:dgram';
import type { PortBinding } from './addresses.js';
import type { PortOwner } from './backend.js';
import type { NetCounters } from './counters.js';

/** Where a datagram that is not from the peer goes (the unconnected window between bind and connect). */
export type StrayHandler = (bindingIndex: number, data: Buffer, host: string, port: number) => void;

export class ConnectedPath {
  /** Datagrams from the peer received on this socket / sent on it. */
  received = 0;
  sent = 0;
  private closed = false;

  private constructor(
    private readonly socket: dgram.Socket,
    readonly bindingIndex: number,
    readonly host: string,
    readonly port: number,
    private readonly counters: NetCounters,
  ) {}

  static open(
    binding: PortBinding,
    udpPort: number,
    host: string,
    port: number,
    owner: PortOwner,
    counters: NetCounters,
    stray: StrayHandler,
  ): Promise<ConnectedPath> {
    return new Promise((resolve, reject) => {
      const socket = dgram.createSocket({ type: binding.family === 4 ? 'udp4' : 'udp6', reuseAddr: true });
      const path = new ConnectedPath(socket, binding.index, host, port, counters);
      socket.on('message', (msg, rinfo) => {
        if (rinfo.port === port && rinfo.address === host) {
          path.received++;
          counters.udpReceived++;
          counters.pathReceived++;
          if (owner.receiveUdp(binding.index, msg, host, port)) counters.udpRouted++;
        } else {
          // Bound but not yet connected, this socket was briefly the last bound one: hand back what it got.
          stray(binding.index, msg, rinfo.address, rinfo.port);
        }
      });
      socket.once('error', reject);
      socket.bind({ address: binding.bindAddress, port: udpPort }, () => {
        socket.connect(port, host, (err?: Error) => {
          if (err) {
            socket.close();
            reject(err);
            return;
          }
          socket.off('error', reject);
          socket.on('error', () => counters.udpSendErrors++);
          resolve(path);
        });
      });
    });
  }

  send(data: Uint8Array, offset = 0, length = data.length - offset): void {
    if (this.closed) return;
    this.sent++;
    this.counters.udpSent++;
    this.socket.send(data, offset, length);
  }

  /** Bytes handed to this socket that the kernel has not taken yet (libuv's send queue). */
  queuedBytes(): number {
    return this.closed ? 0 : this.socket.getSendQueueSize();
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.socket.close();
  }

  get isClosed(): boolean {
    return this.closed;
  }
}
