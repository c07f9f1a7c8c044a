// ICE-TCP passive fallback on the same port number as UDP (RFC 6544, RFC 4571 framing: 16-bit length then
// the packet). One listener per bound address; a connection is handed to the session named by the USERNAME
// of its first frame, which must be a STUN Binding request with valid MESSAGE-INTEGRITY.
import { createServer, type Server, type Socket } from 'node:net';
import type { Logger } from 'pino';
import type { PortBinding } from './addresses.js';
import type { NetCounters } from './counters.js';
import type { RouteTable } from './routing.js';

const FIRST_FRAME_TIMEOUT_MS = 10_000;
const MAX_FIRST_FRAME = 1500;
const MAX_PENDING = 256;

export class IceTcpListener {
  private readonly servers: Server[] = [];
  private readonly pending = new Set<Socket>();
  /** Handed-over connections, destroyed on close() so the listeners can stop. */
  private readonly accepted = new Set<Socket>();

  constructor(
    private readonly table: RouteTable,
    private readonly counters: NetCounters,
    private readonly log?: Logger,
  ) {}

  /** Listens on every binding's address at `port`; rejects if any of them is taken. */
  async listen(bindings: readonly PortBinding[], port: number): Promise<void> {
    try {
      for (const b of bindings) {
        const server = createServer((socket) => this.onConnection(b.index, socket));
        server.on('error', (err) => this.log?.warn({ err, address: b.bindAddress }, 'ice-tcp listener error'));
        await new Promise<void>((resolve, reject) => {
          server.once('error', reject);
          server.listen({ host: b.bindAddress, port, exclusive: true }, () => {
            server.off('error', reject);
            resolve();
          });
        });
        this.servers.push(server);
      }
    } catch (err) {
      await this.close();
      throw err;
    }
  }

  private reject(socket: Socket): void {
    this.counters.tcpRejected++;
    this.pending.delete(socket);
    socket.destroy();
  }

  private onConnection(bindingIndex: number, socket: Socket): void {
    if (this.pending.size >= MAX_PENDING) {
      this.reject(socket);
      return;
    }
    this.pending.add(socket);
    socket.setNoDelay(true);
    socket.setTimeout(FIRST_FRAME_TIMEOUT_MS, () => this.reject(socket));
    socket.on('error', () => this.reject(socket));
    let buffered: Buffer = Buffer.alloc(0);
    const onData = (chunk: Buffer) => {
      buffered = buffered.length ? Buffer.concat([buffered, chunk]) : chunk;
      if (buffered.length < 2) return;
      const len = buffered.readUInt16BE(0);
      if (len < 20 || len > MAX_FIRST_FRAME) {
        this.counters.drop('stun_malformed');
        this.reject(socket);
        return;
      }
      if (buffered.length < 2 + len) return;
      const owner = this.table.ownerOfRequest(buffered.subarray(2, 2 + len));
      const host = socket.remoteAddress;
      const port = socket.remotePort;
      if (!owner || !host || !port) {
        this.reject(socket);
        return;
      }
      socket.off('data', onData);
      socket.removeAllListeners('error');
      socket.removeAllListeners('timeout');
      socket.setTimeout(0);
      this.pending.delete(socket);
      this.counters.tcpAccepted++;
      this.accepted.add(socket);
      socket.once('close', () => this.accepted.delete(socket));
      // The new reader gets the stream from its first byte again.
      socket.pause();
      socket.unshift(buffered);
      owner.acceptTcp(bindingIndex, socket, host, port);
      socket.resume();
    };
    socket.on('data', onData);
  }

  async close(): Promise<void> {
    for (const s of this.pending) s.destroy();
    this.pending.clear();
    for (const s of this.accepted) s.destroy();
    this.accepted.clear();
    await Promise.all(this.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve()))));
    this.servers.length = 0;
  }
}
