// Test support for the rtcd media backend: a real host (SQLite) whose KV store backs a real PluginAPI, the
// plugin's own cluster mutex and metrics, an RtcdMedia on top, and werift Calls clients whose signaling
// goes through the backend the way the plugin's call logic relays it. Not a test file itself.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import { pino, type Logger } from 'pino';
import { PluginAPI, type PluginToHost } from '@calls-ts/host/plugin-rpc';
import { type HostHandle, startHost } from '@calls-ts/host/server';
import { type MessageType, newId, type SessionConfig } from '@calls-ts/rtcd/rtc';
import { CallsTestClient } from '../../../../rtcd/test/helpers/calls-client.js';
import { StunResponder } from '../../../../rtcd/test/helpers/stun-responder.js';
import { clusterMutexFactory } from '../../../src/cluster/index.js';
import { PluginMetrics } from '../../../src/metrics/metrics.js';
import { RtcdMedia, type RtcdMediaOptions } from '../../../src/rtcd/index.js';

export const PLUGIN_ID = 'com.mattermost.calls';

/** A running host used for its KV store (the table every plugin node of an installation shares). */
export class KVHost {
  private constructor(readonly host: HostHandle) {}

  static async start(): Promise<KVHost> {
    const dir = mkdtempSync(join(tmpdir(), 'plugin-rtcd-kv-'));
    const host = await startHost({
      listenAddress: '127.0.0.1:0',
      sql: { driver: 'sqlite', dataSource: join(dir, 'host.sqlite') },
      metrics: { enable: false },
      pluginDirs: [],
      logLevel: 'silent',
    });
    return new KVHost(host);
  }

  /**
   * A PluginAPI as the plugin process has it, its messages served in this process by the host's KV store
   * instead of crossing the IPC channel (only the KV methods are wired).
   */
  api(): PluginAPI {
    const kv = this.host.store.kv;
    const now = () => Date.now();
    const api: PluginAPI = new PluginAPI(PLUGIN_ID, (msg: PluginToHost) => {
      if (msg.type !== 'api') return;
      const a = msg.args as unknown[];
      const run = async (): Promise<unknown> => {
        switch (msg.method) {
          case 'kvGet':
            return kv.get(PLUGIN_ID, a[0] as string, now());
          case 'kvSet':
            return kv.set(PLUGIN_ID, a[0] as string, a[1] as Uint8Array, 0);
          case 'kvSetWithOptions': {
            const o = a[2] as { atomic?: boolean; oldValue?: Uint8Array | null; expireInSeconds?: number };
            return kv.setWithOptions(PLUGIN_ID, a[0] as string, a[1] as Uint8Array | null, { atomic: !!o.atomic, oldValue: o.oldValue ?? null, expireInSeconds: o.expireInSeconds ?? 0 }, now());
          }
          case 'kvDelete':
            return kv.delete(PLUGIN_ID, a[0] as string);
          default:
            throw new Error(`${msg.method} is not wired in this test`);
        }
      };
      run().then(
        (result) => api.settle({ type: 'api_result', id: msg.id, ok: true, result }),
        (err: unknown) => api.settle({ type: 'api_result', id: msg.id, ok: false, error: { message: (err as Error).message } }),
      );
    });
    return api;
  }

  async storedConfig(): Promise<Record<string, unknown> | null> {
    const v = await this.host.store.kv.get(PLUGIN_ID, 'rtcd_config', Date.now());
    return v ? (JSON.parse(Buffer.from(v).toString('utf8')) as Record<string, unknown>) : null;
  }

  close(): Promise<void> {
    return this.host.close();
  }
}

/** Log records kept in memory, for assertions on what an operator would read. */
export class LogCapture {
  readonly records: Array<Record<string, unknown>> = [];
  readonly logger: Logger;

  constructor() {
    const records = this.records;
    const stream = new Writable({
      write(chunk: Buffer, _enc, cb) {
        for (const line of chunk.toString().split('\n')) if (line) records.push(JSON.parse(line) as Record<string, unknown>);
        cb();
      },
    });
    this.logger = pino({ level: 'debug' }, stream);
  }

  find(msg: string | RegExp): Array<Record<string, unknown>> {
    return this.records.filter((r) => (typeof msg === 'string' ? r.msg === msg : msg.test(String(r.msg))));
  }
}

export interface MediaSetup {
  media: RtcdMedia;
  metrics: PluginMetrics;
  logs: LogCapture;
  sessionsClosed: string[];
  hostsGone: string[];
}

/** An RtcdMedia with the plugin's metrics and cluster mutex on the given KV; test-friendly timings. */
export function createMedia(kv: KVHost, url: string, opts: Partial<RtcdMediaOptions> = {}): MediaSetup {
  const metrics = new PluginMetrics();
  const logs = new LogCapture();
  const api = kv.api();
  const media = new RtcdMedia({
    config: { RTCDServiceURL: url },
    api,
    log: logs.logger,
    registry: metrics.registry,
    lock: clusterMutexFactory(api, metrics),
    env: {},
    reconnectIntervalMs: 200,
    newHostJitterMs: 0,
    ...opts,
  });
  const setup: MediaSetup = { media, metrics, logs, sessionsClosed: [], hostsGone: [] };
  media.on('sessionClosed', (id) => setup.sessionsClosed.push(id));
  media.on('hostGone', (h) => setup.hostsGone.push(h));
  return setup;
}

/** The plugin's call logic in miniature: sessions of werift clients relayed through the backend. */
export class CallDriver {
  readonly clients = new Map<string, CallsTestClient>();
  private users = 0;

  private constructor(
    readonly media: RtcdMedia,
    private readonly stun: StunResponder,
  ) {
    media.on('message', (msg) => this.clients.get(msg.sessionID)?.receive(msg.type, msg.data));
    media.on('sessionClosed', (id) => {
      const c = this.clients.get(id);
      this.clients.delete(id);
      void c?.close();
    });
  }

  static async create(media: RtcdMedia): Promise<CallDriver> {
    return new CallDriver(media, await StunResponder.start());
  }

  /** Starts a session of a new user in `callID` on `host` and waits for its first offer to be answered. */
  async join(callID: string, host: string, opts: { dcSignaling?: boolean } = {}): Promise<CallsTestClient> {
    const client: CallsTestClient = new CallsTestClient({
      sessionID: newId(),
      stunUrl: this.stun.url,
      dcSignaling: opts.dcSignaling,
      send: (type: MessageType, data?: Uint8Array) =>
        this.media.send({ groupID: '', userID: '', callID: '', sessionID: client.sessionID, type, ...(data ? { data } : {}) }, host),
    });
    this.clients.set(client.sessionID, client);
    const cfg: SessionConfig = {
      groupID: '',
      callID,
      userID: `user${++this.users}`,
      sessionID: client.sessionID,
      props: { channelID: `channel-${callID}`, dcSignaling: opts.dcSignaling ?? false },
    };
    await this.media.initSession(cfg, host);
    await client.start();
    return client;
  }

  async leave(client: CallsTestClient, host: string): Promise<void> {
    await this.media.closeSession(client.sessionID, host);
    this.clients.delete(client.sessionID);
    await client.close();
  }

  async close(): Promise<void> {
    for (const c of this.clients.values()) await c.close();
    this.clients.clear();
    await this.stun.close();
  }
}

/** Polls until `fn` is truthy (bounded; nothing asserts how long it took). */
export async function eventually(fn: () => unknown, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      if (await fn()) return;
    } catch (err) {
      last = err;
    }
    if (Date.now() > deadline) throw new Error(`timed out: ${what}${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The plugin registry's exposition, as its /metrics serves it. */
export function pluginMetricsText(m: PluginMetrics): Promise<string> {
  return m.render();
}
