// The product as the load test sees it, for one benchmark case: an rtcd daemon (`rtcd/dist/main.js`, N media
// workers) and a host (`host/dist/main.js`) running the Calls plugin with media on that rtcd, each a process
// of its own on loopback with free ports and a temp database, quiet logs (warn). The runner builds first.
import { spawn, type ChildProcess } from 'node:child_process';
import { createSocket } from 'node:dgram';
import { mkdtempSync, readFileSync, readdirSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO = fileURLToPath(new URL('../../', import.meta.url));
const RTCD_MAIN = join(REPO, 'rtcd', 'dist', 'main.js');
const HOST_MAIN = join(REPO, 'host', 'dist', 'main.js');
export const ADMIN = { username: 'benchadmin', password: 'Bench-admin-1' };

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function tcpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createServer();
    s.once('error', () => resolve(false));
    s.listen(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

function udpFree(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const s = createSocket('udp4');
    s.once('error', () => resolve(false));
    s.bind(port, '127.0.0.1', () => s.close(() => resolve(true)));
  });
}

/** A port free for TCP and UDP on loopback, in the range the configs accept (80..49151). */
export async function freePort(): Promise<number> {
  for (;;) {
    const port = 20000 + Math.floor(Math.random() * 29000);
    if ((await tcpFree(port)) && (await udpFree(port))) return port;
  }
}

/** A child process with the tail of its output kept for error messages. */
export class Managed {
  private readonly tail: string[] = [];
  readonly exited: Promise<number | null>;

  constructor(
    readonly name: string,
    readonly child: ChildProcess,
  ) {
    const keep = (d: Buffer) => {
      this.tail.push(...d.toString().split('\n').filter(Boolean));
      if (this.tail.length > 40) this.tail.splice(0, this.tail.length - 40);
    };
    child.stdout?.on('data', keep);
    child.stderr?.on('data', keep);
    this.exited = new Promise((r) => child.once('exit', (code) => r(code)));
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  output(): string {
    return this.tail.join('\n');
  }

  async until(what: string, check: () => Promise<boolean>, timeoutMs = 60_000): Promise<void> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      if (!this.running) throw new Error(`${this.name} exited while waiting for ${what}:\n${this.output()}`);
      if (await check().catch(() => false)) return;
      if (Date.now() > deadline) throw new Error(`${this.name}: timed out waiting for ${what}:\n${this.output()}`);
      await sleep(200);
    }
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const killed = setTimeout(() => this.child.kill('SIGKILL'), 10_000);
    await this.exited;
    clearTimeout(killed);
  }
}

async function ok(url: string, accept = [200]): Promise<boolean> {
  const res = await fetch(url, { signal: AbortSignal.timeout(5000) });
  await res.arrayBuffer();
  return accept.includes(res.status);
}

/** CPU seconds (user + system) of each thread of a process, from /proc (Linux). */
export function threadCpuSeconds(pid: number): Map<string, number> {
  const out = new Map<string, number>();
  let tids: string[];
  try {
    tids = readdirSync(`/proc/${pid}/task`);
  } catch {
    return out;
  }
  for (const tid of tids) {
    try {
      const stat = readFileSync(`/proc/${pid}/task/${tid}/stat`, 'utf8');
      // Fields after the command name (which may contain spaces): utime is the 14th field, stime the 15th.
      const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
      out.set(tid, (Number(f[11]) + Number(f[12])) / 100);
    } catch {
      // the thread ended
    }
  }
  return out;
}

export interface ProductStack {
  siteUrl: string;
  rtcdMetricsUrl: string;
  rtcd: Managed;
  host: Managed;
  stop(): Promise<void>;
}

export async function startProductStack(opts: { workers: number; rtcdExecArgv?: string[] }): Promise<ProductStack> {
  const dir = mkdtempSync(join(tmpdir(), 'calls-bench-'));
  const [apiPort, icePort, hostPort, metricsPort, embeddedPort] = [await freePort(), await freePort(), await freePort(), await freePort(), await freePort()];
  const base = { PATH: process.env.PATH ?? '', HOME: process.env.HOME ?? '' };
  const rtcd = new Managed(
    'rtcd',
    spawn(process.execPath, [...(opts.rtcdExecArgv ?? []), RTCD_MAIN], {
      cwd: dir,
      env: {
        ...base,
        RTCD_API_HTTP_LISTENADDRESS: `127.0.0.1:${apiPort}`,
        RTCD_API_SECURITY_ALLOWSELFREGISTRATION: 'true',
        RTCD_STORE_DATASOURCE: join(dir, 'rtcd-db'),
        RTCD_LOGGER_ENABLEFILE: 'false',
        RTCD_LOGGER_CONSOLEJSON: 'true',
        RTCD_LOGGER_CONSOLELEVEL: 'warn',
        RTCD_RTC_ICEPORTUDP: String(icePort),
        RTCD_RTC_ICEPORTTCP: String(icePort),
        RTCD_RTC_ICEADDRESSUDP: '127.0.0.1',
        RTCD_RTC_ICEADDRESSTCP: '127.0.0.1',
        RTCD_RTC_MEDIAWORKERS: String(opts.workers),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    }),
  );
  const rtcdUrl = `http://127.0.0.1:${apiPort}`;
  let host: Managed | undefined;
  try {
    await rtcd.until('its API', () => ok(`${rtcdUrl}/version`));
    host = new Managed(
      'host',
      spawn(process.execPath, [HOST_MAIN], {
        cwd: dir,
        env: {
          ...base,
          MM_SERVICESETTINGS_LISTENADDRESS: `127.0.0.1:${hostPort}`,
          MM_SERVICESETTINGS_SITEURL: `http://127.0.0.1:${hostPort}`,
          MM_SERVICESETTINGS_ENABLEOPENSERVER: 'true',
          MM_METRICSSETTINGS_LISTENADDRESS: `127.0.0.1:${metricsPort}`,
          MM_SQLSETTINGS_DRIVERNAME: 'sqlite',
          MM_SQLSETTINGS_DATASOURCE: join(dir, 'calls.sqlite'),
          MM_PLUGINSETTINGS_DIRECTORIES: REPO,
          MM_LOGSETTINGS_CONSOLELEVEL: 'warn',
          MM_CALLS_RTCD_SERVICE_URL: rtcdUrl,
          MM_CALLS_DEFAULT_ENABLED: 'true',
          MM_CALLS_ICE_SERVERS_CONFIGS: '[]',
          MM_CALLS_UDP_SERVER_ADDRESS: '127.0.0.1',
          MM_CALLS_TCP_SERVER_ADDRESS: '127.0.0.1',
          MM_CALLS_UDP_SERVER_PORT: String(embeddedPort),
          MM_CALLS_TCP_SERVER_PORT: String(embeddedPort),
          MM_CALLS_LOG_LEVEL: 'warn',
        },
        stdio: ['ignore', 'pipe', 'pipe'],
      }),
    );
    const siteUrl = `http://127.0.0.1:${hostPort}`;
    await host.until('the API', () => ok(`${siteUrl}/api/v4/system/ping`));
    await host.until('the Calls plugin', () => ok(`${siteUrl}/plugins/com.mattermost.calls/version`, [200, 401]));
    // The first account of a host is its system admin (lt -setup logs in as it).
    const res = await fetch(`${siteUrl}/api/v4/users`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({ ...ADMIN, email: 'benchadmin@example.com' }),
    });
    if (res.status !== 201) throw new Error(`creating the admin: HTTP ${res.status} ${await res.text()}`);
    // The plugin has registered with rtcd and holds its WebSocket.
    await rtcd.until('the plugin to connect', async () => {
      const text = await (await fetch(`${rtcdUrl}/metrics`)).text();
      return /^rtcd_ws_connections_total(\{[^}]*\})? [1-9]/m.test(text);
    });
    const h = host;
    return {
      siteUrl,
      rtcdMetricsUrl: `${rtcdUrl}/metrics`,
      rtcd,
      host: h,
      async stop() {
        await h.stop();
        await rtcd.stop();
        rmSync(dir, { recursive: true, force: true });
      },
    };
  } catch (err) {
    await host?.stop();
    await rtcd.stop();
    rmSync(dir, { recursive: true, force: true });
    throw err;
  }
}
