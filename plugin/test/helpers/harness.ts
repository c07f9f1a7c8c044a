// Test support: a real host (SQLite by default) running the real Calls plugin process from plugin/dist (build
// first: `npx tsc -b plugin`), users and channels made through @mattermost/client, and small utilities (free
// ports, plugin process lookup, metrics scrapes). Not a test file itself.
import { execFileSync } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import Database from 'better-sqlite3';
import { WebSocket } from 'ws';
import mm from '@mattermost/client';
import type { Channel } from '@mattermost/types/channels';
import type { UserProfile } from '@mattermost/types/users';
import { startHost, type HostHandle, type HostOptions } from '@calls-ts/host/server';

// Node 20 has no global WebSocket; @mattermost/client's WebSocketClient uses the global one.
(globalThis as { WebSocket?: unknown }).WebSocket ??= WebSocket;

export const { Client4 } = mm;
export type Client = InstanceType<typeof Client4>;

export const PLUGIN_ID = 'com.mattermost.calls';
export const REPO_ROOT = fileURLToPath(new URL('../../../', import.meta.url));
export const PLUGIN_MAIN = join(REPO_ROOT, 'plugin', 'dist', 'main.js');

function tcpFree(ip: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, ip, () => s.close(() => resolve(true)));
  });
}

function udpFree(ip: string, port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => resolve(false));
    s.bind(port, ip, () => s.close(() => resolve(true)));
  });
}

/** A port (in the 80..49151 range the Calls settings and rtcd accept) free for TCP, and UDP when asked, on every given address. */
export async function freePort(ips: string[], udp = false): Promise<number> {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 29000);
    let ok = true;
    for (const ip of ips) {
      if (!(await tcpFree(ip, port)) || (udp && !(await udpFree(ip, port)))) {
        ok = false;
        break;
      }
    }
    if (ok) return port;
  }
}

/** A port free for UDP and TCP on `ip`: the Calls media port. */
export function freeRtcPort(ip = '127.0.0.1'): Promise<number> {
  return freePort([ip], true);
}

export interface TestUser {
  user: UserProfile;
  client: Client;
  token: string;
}

export interface CallsHostOptions {
  /** MM_CALLS_* (or other) environment of the plugin process. */
  env?: Record<string, string>;
  sql?: HostOptions['sql'];
  restartBackoff?: { initialMs: number; maxMs: number };
}

/** The default plugin environment of tests: embedded SFU on loopback with a free port, calls enabled everywhere. */
export async function embeddedEnv(stunUrl?: string): Promise<Record<string, string>> {
  const port = await freeRtcPort();
  return {
    MM_CALLS_UDP_SERVER_ADDRESS: '127.0.0.1',
    MM_CALLS_TCP_SERVER_ADDRESS: '127.0.0.1',
    MM_CALLS_UDP_SERVER_PORT: String(port),
    MM_CALLS_TCP_SERVER_PORT: String(port),
    MM_CALLS_DEFAULT_ENABLED: 'true',
    MM_CALLS_ICE_SERVERS_CONFIGS: stunUrl ? JSON.stringify([{ urls: [stunUrl] }]) : '[]',
    MM_CALLS_MEDIA_WORKERS: '1',
    MM_CALLS_LOG_LEVEL: process.env.TEST_LOG_LEVEL ?? 'warn',
  };
}

/** A host with the Calls plugin running, on free ports with a fresh database. */
export class CallsHost {
  private userCount = 0;

  private constructor(
    readonly host: HostHandle,
    readonly dir: string,
  ) {}

  static async start(opts: CallsHostOptions = {}): Promise<CallsHost> {
    if (!existsSync(PLUGIN_MAIN)) throw new Error(`${PLUGIN_MAIN} is missing: build the plugin first (npx tsc -b plugin)`);
    const dir = mkdtempSync(join(tmpdir(), 'calls-plugin-test-'));
    const host = await startHost({
      listenAddress: '127.0.0.1:0',
      sql: opts.sql ?? { driver: 'sqlite', dataSource: join(dir, 'calls.sqlite') },
      metrics: { listenAddress: '127.0.0.1:0' },
      pluginDirs: [REPO_ROOT],
      logLevel: (process.env.TEST_HOST_LOG_LEVEL as HostOptions['logLevel']) ?? 'silent',
      passwordHashCost: 4,
      plugin: {
        env: opts.env ?? {},
        restartBackoff: opts.restartBackoff ?? { initialMs: 300, maxMs: 2000 },
        forwardOutput: !!process.env.TEST_LOG_LEVEL,
      },
    }).catch((err: unknown) => {
      rmSync(dir, { recursive: true, force: true });
      throw err;
    });
    const state = host.plugins.get(PLUGIN_ID)?.process?.state;
    if (state !== 'running') {
      await host.close();
      rmSync(dir, { recursive: true, force: true });
      throw new Error(`the Calls plugin did not start (state ${state ?? 'not loaded'}); run with TEST_LOG_LEVEL=debug to see its output`);
    }
    return new CallsHost(host, dir);
  }

  get url(): string {
    return this.host.url;
  }

  get pluginUrl(): string {
    return `${this.host.url}/plugins/${PLUGIN_ID}`;
  }

  /** Signs a user up and logs in (the first user of a host is its system admin). */
  async user(name?: string): Promise<TestUser> {
    const username = name ?? `u${++this.userCount}x${Math.floor(Math.random() * 1e6)}`;
    const client = new Client4();
    client.setUrl(this.url);
    await client.createUser({ username, email: `${username}@example.com`, password: 'calls-test-password' } as never, '', '');
    const user = await client.login(username, 'calls-test-password');
    return { user, client, token: client.getToken() };
  }

  async defaultTeamId(u: TestUser): Promise<string> {
    return (await u.client.getMyTeams())[0]!.id;
  }

  /** A channel of `type` created by `owner` with `members` added. */
  async channel(owner: TestUser, members: TestUser[], type: 'O' | 'P' = 'O'): Promise<Channel> {
    const teamId = await this.defaultTeamId(owner);
    const name = `c${Math.floor(Math.random() * 1e9)}`;
    const ch = await owner.client.createChannel({ team_id: teamId, name, display_name: name, type } as never);
    for (const m of members) await owner.client.addToChannel(m.user.id, ch.id);
    return ch;
  }

  /** GET/POST on the plugin's routes as a user (raw fetch: status and JSON body). */
  async request(u: TestUser | undefined, method: string, path: string, body?: unknown): Promise<{ status: number; body: any; text: string }> {
    const res = await fetch(`${this.pluginUrl}${path}`, {
      method,
      headers: { ...(u ? { Authorization: `Bearer ${u.token}` } : {}), ...(body !== undefined ? { 'Content-Type': 'application/json' } : {}) },
      body: body === undefined ? undefined : typeof body === 'string' ? body : JSON.stringify(body),
    });
    const text = await res.text();
    let parsed: unknown;
    try {
      parsed = JSON.parse(text);
    } catch {
      parsed = undefined;
    }
    return { status: res.status, body: parsed, text };
  }

  /**
   * Whether the channel has an active call, read from the plugin's table in the host's SQLite file (polling
   * the HTTP route instead would run into the per-user rate limit).
   */
  isCallActive(channelID: string): boolean {
    const db = new Database(join(this.dir, 'calls.sqlite'), { readonly: true });
    try {
      const row = db.prepare('SELECT COUNT(*) AS n FROM calls WHERE channelid = ? AND endat = 0').get(channelID) as { n: number };
      return row.n > 0;
    } finally {
      db.close();
    }
  }

  /** Resolves once the channel's call has ended. */
  async callOver(channelID: string, timeoutMs = 20_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.isCallActive(channelID)) {
      if (Date.now() > deadline) throw new Error(`the call in ${channelID} did not end`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** The plugin's metrics as the host's metrics listener serves them. */
  async scrape(): Promise<string> {
    const res = await fetch(`${this.host.metricsUrl}/plugins/${PLUGIN_ID}/metrics`);
    if (res.status !== 200) throw new Error(`metrics scrape: HTTP ${res.status}`);
    return res.text();
  }

  /** Resolves once the plugin process is activated (after a restart). */
  async pluginRunning(timeoutMs = 30_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    while (this.host.plugins.get(PLUGIN_ID)?.process?.state !== 'running') {
      if (Date.now() > deadline) throw new Error('the Calls plugin is not running');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** PIDs of this test process's children running the Calls plugin (the host forked them). */
  pluginPids(): number[] {
    const out = execFileSync('ps', ['-o', 'pid=,args=', '--ppid', String(process.pid)], { encoding: 'utf8' });
    return out
      .split('\n')
      .filter((l) => l.includes(PLUGIN_MAIN))
      .map((l) => Number(l.trim().split(/\s+/)[0]))
      .filter((n) => n > 0);
  }

  async stop(): Promise<void> {
    await this.host.close();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/** Sum of the samples of `name` in a Prometheus text exposition whose labels include `labels`. */
export function metricValue(text: string, name: string, labels: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const m = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(\{([^}]*)\})? (\S+)/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[3] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    // The SFU library's group label is `groupID` (reference) or `group_id` (house rule): either matches.
    if (have.group_id !== undefined) have.groupID ??= have.group_id;
    if (have.groupID !== undefined) have.group_id ??= have.groupID;
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) sum += Number(m[4]);
  }
  return sum;
}
