// Test support: an in-process rtcd (real store, auth, HTTP, WebSocket and SFU) on free ports, and a
// protocol-speaking WebSocket client. Not a test file itself.
import { mkdtempSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { createSocket } from 'node:dgram';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import { defaultConfig, type RtcdConfig } from '../../src/config/index.js';
import { createLogger } from '../../src/logger/index.js';
import { createRtcSfu } from '../../src/service/rtc-sfu.js';
import { RtcdService } from '../../src/service/rtcd-service.js';
import { type ClientMessage, decodeClientMessage, encodeClientMessage } from '@calls-ts/rtcd/protocol';

async function tcpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '0.0.0.0', () => s.close(() => resolve(true)));
  });
}
async function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => resolve(false));
    s.bind(port, '0.0.0.0', () => s.close(() => resolve(true)));
  });
}

/** A port in rtcd's allowed ICE range [80, 49151] that is free for both UDP and TCP right now. */
export async function freeIcePort(): Promise<number> {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 29000);
    if ((await udpFree(port)) && (await tcpFree(port))) return port;
  }
}

export interface TestRtcd {
  service: RtcdService;
  config: RtcdConfig;
  base: string;
  wsURL: string;
  logFile: string;
  logLines(): Array<Record<string, unknown>>;
  close(): Promise<void>;
}

export const ADMIN_SECRET = 'admin-secret-for-tests';

export async function startRtcd(
  tweak: (c: RtcdConfig) => void = () => {},
  opts: { dataDir?: string; pingIntervalMs?: number; authRate?: { perSecond: number; maxWaitMs: number } } = {},
): Promise<TestRtcd> {
  const config = defaultConfig();
  const dir = mkdtempSync(join(tmpdir(), 'rtcd-test-'));
  config.api.http.listenAddress = '127.0.0.1:0';
  config.api.security.enableAdmin = true;
  config.api.security.adminSecretKey = ADMIN_SECRET;
  config.store.dataSource = opts.dataDir ?? join(dir, 'db');
  config.logger.enableConsole = false;
  config.logger.fileLocation = join(dir, 'rtcd.log');
  config.logger.fileLevel = 'debug';
  config.rtc.icePortUDP = await freeIcePort();
  config.rtc.icePortTCP = config.rtc.icePortUDP;
  config.rtc.iceAddressUDP = ['127.0.0.1'];
  config.rtc.iceAddressTCP = ['127.0.0.1'];
  config.rtc.mediaWorkers = 1;
  config.rtc.udpSocketsCount = 1;
  tweak(config);
  const { logger, flush } = createLogger(config.logger);
  const service = new RtcdService({
    config,
    logger,
    createSfu: (registry, log) => createRtcSfu(config, registry, log),
    ...(opts.pingIntervalMs ? { pingIntervalMs: opts.pingIntervalMs } : {}),
    ...(opts.authRate ? { authRate: opts.authRate } : {}),
  });
  const { port } = await service.start();
  const base = `http://127.0.0.1:${port}`;
  return {
    service,
    config,
    base,
    wsURL: `ws://127.0.0.1:${port}/ws`,
    logFile: config.logger.fileLocation,
    logLines() {
      flush();
      return readFileSync(config.logger.fileLocation, 'utf8')
        .split('\n')
        .filter(Boolean)
        .map((l) => JSON.parse(l) as Record<string, unknown>);
    },
    close: () => service.stop(),
  };
}

export const basic = (id: string, key: string) => `Basic ${Buffer.from(`${id}:${key}`).toString('base64')}`;
export const adminAuth = () => basic('admin', ADMIN_SECRET);

/** Registers a client as the admin; returns its Basic header. */
export async function registerClient(base: string, clientID: string, authKey = 'k'.repeat(32) + clientID): Promise<string> {
  const res = await fetch(`${base}/register`, {
    method: 'POST',
    headers: { authorization: adminAuth(), 'content-type': 'application/json' },
    body: JSON.stringify({ clientID, authKey }),
  });
  if (res.status !== 201) throw new Error(`register ${clientID}: ${res.status} ${await res.text()}`);
  return basic(clientID, authKey);
}

/** Reads one sample's value from the Prometheus text; 0 when the series is absent. */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return 0;
}

export async function metricsText(base: string): Promise<string> {
  const res = await fetch(`${base}/metrics`);
  return res.text();
}

/** A plugin-side link speaking the rtcd protocol. */
export class ProtocolClient {
  readonly received: ClientMessage[] = [];
  /** Frames sent, by message type (to compare with rtcd_ws_messages_total). */
  readonly sentByType = new Map<string, number>();
  /** Called for every decoded message, as it arrives. */
  onMessage: ((msg: ClientMessage) => void) | undefined;
  private waiters: Array<() => void> = [];
  closed = false;
  closeCode: number | undefined;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      if (!isBinary) return;
      const msg = decodeClientMessage(data as Buffer);
      this.received.push(msg);
      this.onMessage?.(msg);
      this.wake();
    });
    ws.on('close', (code) => {
      this.closed = true;
      this.closeCode = code;
      this.wake();
    });
    ws.on('error', () => {});
  }

  private wake() {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  static async connect(url: string, authorization: string, opts: { autoPong?: boolean } = {}): Promise<ProtocolClient> {
    const ws = new WebSocket(url, { headers: { authorization }, autoPong: opts.autoPong ?? true });
    const client = new ProtocolClient(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('unexpected-response', (_req, res) => reject(new Error(`handshake refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
    return client;
  }

  send(msg: ClientMessage): void {
    this.sentByType.set(msg.type, (this.sentByType.get(msg.type) ?? 0) + 1);
    this.ws.send(encodeClientMessage(msg));
  }

  receivedOf(type: ClientMessage['type']): number {
    return this.received.filter((m) => m.type === type).length;
  }

  sendRaw(data: Uint8Array | string): void {
    this.ws.send(data);
  }

  /** Waits (bounded) until a received message matches; returns it. */
  async waitFor<T extends ClientMessage['type']>(
    type: T,
    pred: (m: Extract<ClientMessage, { type: T }>) => boolean = () => true,
    timeoutMs = 15000,
  ): Promise<Extract<ClientMessage, { type: T }>> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.received.find((m): m is Extract<ClientMessage, { type: T }> => m.type === type && pred(m as Extract<ClientMessage, { type: T }>));
      if (found) return found;
      if (this.closed) throw new Error(`connection closed while waiting for ${type}`);
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`timed out waiting for ${type}`);
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
  }

  async waitClosed(timeoutMs = 15000): Promise<number | undefined> {
    const deadline = Date.now() + timeoutMs;
    while (!this.closed) {
      if (Date.now() > deadline) throw new Error('timed out waiting for close');
      await new Promise<void>((resolve) => {
        const t = setTimeout(resolve, 100);
        this.waiters.push(() => {
          clearTimeout(t);
          resolve();
        });
      });
    }
    return this.closeCode;
  }

  close(): void {
    this.ws.close();
  }
}

/** Polls until `fn` returns true (bounded); for values that settle asynchronously. */
export async function eventually(fn: () => boolean | Promise<boolean>, what: string, timeoutMs = 15000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await fn())) {
    if (Date.now() > deadline) throw new Error(`timed out: ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}
