// Where the RtcServer's engines run: in worker threads (WorkerPool) or in the calling thread (InlineHost,
// for debugging and profiling). The facade only talks to this interface.
import type { EventEmitter } from 'node:events';
import type { SharedUdpPort } from '../net/shared-udp-port.js';
import type { ObserverEvent } from '../observer.js';
import type { RtcMessage, SessionCloseReason, SessionConfig } from '../types.js';

export interface HostEvents {
  message: [RtcMessage];
  sessionClosed: [SessionConfig, SessionCloseReason, number];
  observer: [ObserverEvent];
  /** A worker died (its sessions are gone; the facade reports them closed). */
  workerCrashed: [number, string];
}

export interface MediaHost extends EventEmitter<HostEvents> {
  readonly workerCount: number;
  isAvailable(worker: number): boolean;
  /** Starts the engines; their sessions are served on `net` (the process's shared ICE port). */
  start(net?: SharedUdpPort): Promise<void>;
  initSession(cfg: SessionConfig, worker: number): Promise<void>;
  closeSession(sessionID: string, worker: number): Promise<boolean>;
  send(msg: RtcMessage, worker: number): boolean;
  flushMetrics(): Promise<void>;
  closeAll(reason: SessionCloseReason): Promise<void>;
  crashWorker(worker: number): void;
  shutdown(): Promise<void>;
}
