// Messages on the MessagePort between the thread that owns the shared port (SharedUdpPort → WorkerLink) and
// a media worker (WorkerUdpPort). Datagram batches travel as bare transferred ArrayBuffers (see batch.ts);
// everything else is one of these small objects.
import type { PortBinding } from './addresses.js';

export type MainToWorker =
  /** First message: what to bind and advertise. */
  | { t: 'init'; udpPort: number; bindings: PortBinding[]; tcpEnabled: boolean }
  /** The main thread re-bound its receiving sockets after this worker's: the worker may serve sessions. */
  | { t: 'ready' }
  /** Datagram batch (ArrayBuffer transferred) with its used length. */
  | { t: 'b'; buf: ArrayBuffer; len: number }
  /** An ICE-TCP connection for owner `id`, with the bytes already read from it. */
  | { t: 'tcp-open'; conn: number; id: number; binding: number; host: string; port: number; data: Uint8Array }
  | { t: 'tcp-data'; conn: number; data: Uint8Array }
  | { t: 'tcp-close'; conn: number };

export type WorkerToMain =
  /** The worker's sending sockets are bound to every binding's address and port. */
  | { t: 'bound' }
  | { t: 'reg'; id: number; ufrag: string; pwd: string }
  | { t: 'unreg'; id: number }
  | { t: 'learn'; id: number; host: string; port: number; tx: string }
  /** Batches processed so far (cumulative); lets the main thread bound what is in flight. */
  | { t: 'ack'; n: number }
  /** A datagram that reached a worker socket instead of the main one (only around a re-bind). */
  | { t: 'stray'; binding: number; host: string; port: number; data: Uint8Array }
  | { t: 'tcp-send'; conn: number; data: Uint8Array }
  | { t: 'tcp-close'; conn: number };
