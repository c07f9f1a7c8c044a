// The contract between the per-PC side (PeerPortAttachment, ConnectionPort) and whatever owns the sockets:
// SharedUdpPort in the thread that binds the port, or WorkerUdpPort in a media worker.
import type { Duplex } from 'node:stream';
import type { PortBinding } from './addresses.js';
import type { ConnectedPath } from './connected-path.js';

/** One werift ICE Connection as the routers see it. */
export interface PortOwner {
  readonly id: number;
  /**
   * A datagram for this Connection arrived on binding `bindingIndex` from host:port. False when the owner
   * had to drop it (and counted why).
   */
  receiveUdp(bindingIndex: number, data: Buffer, host: string, port: number): boolean;
  /** An ICE-TCP stream whose first frame named this owner; `stream` yields that frame again. */
  acceptTcp(bindingIndex: number, stream: Duplex, host: string, port: number): void;
}

export interface PortBackend {
  readonly bindings: readonly PortBinding[];
  /** ICE-TCP passive candidates are advertised (the TCP listener runs in the thread that owns the port). */
  readonly tcpEnabled: boolean;
  nextOwnerId(): number;
  /** `ufrag` (with its ICE password, to verify MESSAGE-INTEGRITY) now names this owner. */
  register(owner: PortOwner, ufrag: string, pwd: string): void;
  unregister(owner: PortOwner): void;
  /**
   * The owner sent a STUN request (full ICE check, consent) to host:port with this transaction id (hex):
   * datagrams from there, and the response to that id, are its own.
   */
  learn(owner: PortOwner, host: string, port: number, transactionIdHex: string): void;
  send(bindingIndex: number, data: Uint8Array, host: string, port: number): void;
  /** A socket on the shared port connect()ed to host:port, whose received datagrams go to `owner`. */
  openPath(owner: PortOwner, bindingIndex: number, host: string, port: number): Promise<ConnectedPath>;
}
