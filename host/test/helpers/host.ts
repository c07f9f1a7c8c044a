import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { WebSocket } from 'ws';
import mm from '@mattermost/client';
import { startHost, type HostHandle, type HostOptions } from '../../src/server.js';

// Node 20 has no global WebSocket; the unmodified WebSocketClient uses the global one.
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

export const { Client4, WebSocketClient, ClientError } = mm;
export type Client = InstanceType<typeof Client4>;

export interface TestHost extends HostHandle {
  dir: string;
  stop(): Promise<void>;
}

/** A host on free ports with a fresh SQLite file, no plugins unless given, silent logs, fast hashing. */
export async function startTestHost(options: HostOptions = {}): Promise<TestHost> {
  const dir = mkdtempSync(join(tmpdir(), 'host-test-'));
  const host = await startHost({
    listenAddress: '127.0.0.1:0',
    sql: { driver: 'sqlite', dataSource: join(dir, 'calls.sqlite') },
    logLevel: 'silent',
    passwordHashCost: 4,
    pluginDirs: [],
    ...options,
    metrics: { listenAddress: '127.0.0.1:0', ...options.metrics },
  }).catch((err: unknown) => {
    rmSync(dir, { recursive: true, force: true });
    throw err;
  });
  return {
    ...host,
    dir,
    stop: async () => {
      await host.close();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function client(url: string): Client {
  const c = new Client4();
  c.setUrl(url);
  return c;
}

let counter = 0;
/** Signs a new user up through the API and logs them in; returns the logged-in client and the user. */
export async function signUp(url: string, name?: string) {
  const username = name ?? `user${process.pid % 1000}x${++counter}`;
  const c = client(url);
  const password = 'correct-horse-battery';
  await c.createUser({ username, email: `${username}@example.com`, password } as never, '', '');
  const user = await c.login(username, password);
  return { client: c, user, password, token: c.getToken() };
}

/** Resolves with the first value `poll` returns that is not undefined; fails after `ms`. */
export async function eventually<T>(poll: () => T | undefined | Promise<T | undefined>, what: string, ms = 10_000): Promise<T> {
  const deadline = Date.now() + ms;
  for (;;) {
    const v = await poll();
    if (v !== undefined) return v;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

export interface WsMessage {
  event: string;
  data: Record<string, unknown>;
  broadcast: { user_id: string; channel_id: string; team_id: string; omit_users: Record<string, boolean> | null; connection_id?: string };
  seq: number;
}

/** The unmodified WebSocketClient with its messages collected; reconnects after ~1 s. */
export function wsClient(url: string, token: string) {
  const ws = new WebSocketClient({ minWebSocketRetryTime: 1000, reconnectJitterRange: 1, clientPingInterval: 60_000 });
  const messages: WsMessage[] = [];
  let missed = 0;
  let reconnects = 0;
  ws.addMessageListener((m) => messages.push(m as unknown as WsMessage));
  ws.addMissedMessageListener(() => missed++);
  ws.addReconnectListener(() => reconnects++);
  ws.initialize(`${url.replace(/^http/, 'ws')}/api/v4/websocket`, token);
  const find = (event: string, pred: (m: WsMessage) => boolean = () => true) =>
    eventually(() => messages.find((m) => m.event === event && pred(m)), `event ${event}`);
  return {
    ws,
    messages,
    missed: () => missed,
    reconnects: () => reconnects,
    find,
    hello: () => find('hello'),
    posted: (message: string) => find('posted', (m) => (JSON.parse(m.data.post as string) as { message: string }).message === message),
  };
}
