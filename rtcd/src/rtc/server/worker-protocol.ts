// Messages between the RtcServer (main thread) and its media workers. Plain structured-clone data.
import type { MetricsDelta } from '../metrics/recorder.js';
import type { ObserverEvent } from '../observer.js';
import type { TimingOptions } from '../engine/session.js';
import type { RtcErrorCode } from '../errors.js';
import type { MediaPath, RtcMessage, RtcServerConfig, SessionCloseReason, SessionConfig } from '../types.js';

export type ToWorker =
  | { t: 'init-session'; id: number; cfg: SessionConfig }
  | { t: 'close-session'; id: number; sessionID: string }
  | { t: 'close-all'; id: number; reason: SessionCloseReason }
  | { t: 'flush'; id: number }
  | { t: 'message'; msg: RtcMessage }
  /** Fault injection for tests: the worker throws an uncaught exception. */
  | { t: 'crash' };

export type FromWorker =
  | { t: 'ready'; resources: string[] }
  | { t: 'reply'; id: number; ok: true; value?: boolean }
  | { t: 'reply'; id: number; ok: false; error: { code: RtcErrorCode; message: string } }
  | { t: 'message'; msg: RtcMessage }
  | { t: 'session-closed'; cfg: SessionConfig; reason: SessionCloseReason }
  | { t: 'observer'; ev: ObserverEvent }
  | { t: 'metrics'; delta: MetricsDelta }
  | { t: 'log'; line: string };

/** What a worker gets at start (workerData). `resources` is the per-worker extra (e.g. a MessagePort). */
export interface WorkerInit {
  index: number;
  config: RtcServerConfig;
  logLevel: string;
  flushIntervalMs: number;
  timing?: TimingOptions;
  resources: Record<string, unknown>;
  /** The worker's end of its link to the shared ICE port (WorkerUdpPort.connect). */
  netPort?: import('node:worker_threads').MessagePort;
  mediaPath: MediaPath;
}

/** Per-worker resources for the peer factory, and what must be transferred (not copied) to the worker. */
export interface WorkerResources {
  data: Record<string, unknown>;
  transferList?: readonly (ArrayBuffer | import('node:worker_threads').MessagePort)[];
}
