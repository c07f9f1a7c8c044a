// Entry point of a media worker thread: one RtcEngine, driven by messages from the RtcServer. Metrics are
// recorded locally and posted as deltas (every flush interval, before every event so that the main thread
// applies them first, and on request for scrapes). Logs are forwarded as pino JSON lines.
import { parentPort, workerData } from 'node:worker_threads';
import { pino } from 'pino';
import { RtcEngine } from '../engine/rtc-engine.js';
import { RtcError } from '../errors.js';
import { MetricsRecorder } from '../metrics/recorder.js';
import { NetDeltaTracker } from '../metrics/net-delta.js';
import { WorkerUdpPort } from '../net/worker-port.js';
import { PeerFactory } from '../peer-factory.js';
import type { FromWorker, ToWorker, WorkerInit } from './worker-protocol.js';

const init = workerData as WorkerInit;
const port = parentPort;
if (!port) throw new Error('worker-main must run in a worker thread');

function post(msg: FromWorker): void {
  port!.postMessage(msg);
}

const logger = pino(
  { level: init.logLevel, base: undefined, timestamp: false },
  { write: (line: string) => post({ t: 'log', line }) },
);
const recorder = new MetricsRecorder();
// This worker's side of the shared ICE port: it sends from the port itself; what peers send comes routed
// from the main thread, or straight to the sessions' connected sockets.
const net = init.netPort ? await WorkerUdpPort.connect(init.netPort, { logger }) : undefined;
if (net) recorder.trackNet(new NetDeltaTracker(net.counters, false));
const engine = new RtcEngine({
  logger,
  recorder,
  factory: new PeerFactory(init.config, { ...init.resources, net }),
  worker: init.index,
  timing: init.timing,
  mediaPath: init.mediaPath,
});

function flush(): void {
  const delta = recorder.takeDelta();
  if (delta) post({ t: 'metrics', delta });
}

engine.on('message', (msg) => post({ t: 'message', msg }));
engine.on('observer', (ev) => {
  flush();
  post({ t: 'observer', ev });
});
engine.on('sessionClosed', (cfg, reason) => {
  flush();
  post({ t: 'session-closed', cfg, reason });
});

// A stray rejection inside the media stack must not take down every call of this worker.
process.on('unhandledRejection', (reason) => {
  recorder.error('', 'internal');
  logger.error({ err: String(reason) }, 'unhandled rejection in media worker');
});

setInterval(flush, init.flushIntervalMs);

function reply(id: number, fn: () => boolean | void | Promise<boolean | void>): void {
  Promise.resolve()
    .then(fn)
    .then(
      (value) => {
        flush();
        post({ t: 'reply', id, ok: true, value: value === undefined ? undefined : value });
      },
      (err: unknown) => {
        flush();
        const e = err instanceof RtcError ? err : new RtcError('worker_unavailable', String(err));
        post({ t: 'reply', id, ok: false, error: e.toJSON() });
      },
    );
}

port.on('message', (msg: ToWorker) => {
  switch (msg.t) {
    case 'message':
      engine.handleMessage(msg.msg);
      return;
    case 'init-session':
      reply(msg.id, () => engine.initSession(msg.cfg));
      return;
    case 'close-session':
      reply(msg.id, () => engine.closeSession(msg.sessionID));
      return;
    case 'close-all':
      reply(msg.id, () => engine.closeAll(msg.reason));
      return;
    case 'flush':
      reply(msg.id, () => undefined);
      return;
    case 'crash':
      setImmediate(() => {
        throw new Error('media worker crash (injected)');
      });
      return;
  }
});

post({ t: 'ready', resources: Object.keys(init.resources) });
