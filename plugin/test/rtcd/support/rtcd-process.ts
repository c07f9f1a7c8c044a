// Test support: real rtcd daemons (`node rtcd/dist/main.js`, build with `npx tsc -b rtcd`) on a chosen
// loopback address, with free ports, a temp store, and stop/kill/restart on the same address and port
// (what the plugin's URL points at). Not a test file itself.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { freePort } from '../../helpers/harness.js';

const MAIN = fileURLToPath(new URL('../../../../rtcd/dist/main.js', import.meta.url));

export interface RtcdProcessOptions {
  ip?: string;
  apiPort?: number;
  selfRegistration?: boolean;
  env?: Record<string, string>;
}

export class RtcdProcess {
  readonly ip: string;
  readonly apiPort: number;
  readonly icePort: number;
  dataDir: string;
  readonly lines: Array<Record<string, unknown>> = [];
  private child: ChildProcess | undefined;
  private exited: Promise<void> = Promise.resolve();

  private constructor(
    private readonly opts: RtcdProcessOptions,
    apiPort: number,
    icePort: number,
  ) {
    this.ip = opts.ip ?? '127.0.0.1';
    this.apiPort = apiPort;
    this.icePort = icePort;
    this.dataDir = mkdtempSync(join(tmpdir(), 'plugin-rtcd-'));
  }

  static async start(opts: RtcdProcessOptions = {}): Promise<RtcdProcess> {
    const ip = opts.ip ?? '127.0.0.1';
    const p = new RtcdProcess(opts, opts.apiPort ?? (await freePort([ip])), await freePort([ip], true));
    await p.launch();
    return p;
  }

  get base(): string {
    return `http://${this.ip}:${this.apiPort}`;
  }

  get running(): boolean {
    return !!this.child && this.child.exitCode === null && this.child.signalCode === null;
  }

  private async launch(): Promise<void> {
    const child = spawn(process.execPath, [MAIN], {
      cwd: this.dataDir,
      env: {
        PATH: process.env.PATH,
        RTCD_API_HTTP_LISTENADDRESS: `${this.ip}:${this.apiPort}`,
        RTCD_API_SECURITY_ALLOWSELFREGISTRATION: String(this.opts.selfRegistration ?? true),
        RTCD_STORE_DATASOURCE: join(this.dataDir, 'db'),
        RTCD_LOGGER_ENABLEFILE: 'false',
        RTCD_LOGGER_CONSOLEJSON: 'true',
        RTCD_LOGGER_CONSOLELEVEL: 'debug',
        RTCD_RTC_ICEPORTUDP: String(this.icePort),
        RTCD_RTC_ICEPORTTCP: String(this.icePort),
        RTCD_RTC_ICEADDRESSUDP: this.ip,
        RTCD_RTC_ICEADDRESSTCP: this.ip,
        RTCD_RTC_MEDIAWORKERS: '1',
        RTCD_RTC_UDPSOCKETSCOUNT: '1',
        ...this.opts.env,
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    this.child = child;
    this.exited = new Promise((resolve) => child.once('exit', () => resolve()));
    const stderr: string[] = [];
    child.stderr!.on('data', (d: Buffer) => stderr.push(d.toString()));
    let buf = '';
    let listening = false;
    child.stdout!.on('data', (d: Buffer) => {
      buf += d.toString();
      const parts = buf.split('\n');
      buf = parts.pop()!;
      for (const line of parts) {
        try {
          const rec = JSON.parse(line) as Record<string, unknown>;
          this.lines.push(rec);
          if (rec.msg === 'api server listening') listening = true;
        } catch {
          // not JSON: ignore
        }
      }
    });
    const deadline = Date.now() + 30_000;
    while (!listening) {
      if (child.exitCode !== null) throw new Error(`rtcd exited (${child.exitCode}): ${stderr.join('')}`);
      if (Date.now() > deadline) throw new Error('rtcd did not start listening within 30 s');
      await new Promise((r) => setTimeout(r, 50));
    }
  }

  /** Log records whose msg matches. */
  logged(msg: string | RegExp): Array<Record<string, unknown>> {
    return this.lines.filter((l) => (typeof msg === 'string' ? l.msg === msg : msg.test(String(l.msg))));
  }

  /** SIGKILL: the daemon dies without draining (a crash). */
  async kill(): Promise<void> {
    if (!this.running) return;
    this.child!.kill('SIGKILL');
    await this.exited;
  }

  /** Starts again on the same address and ports; `freshStore` loses the registered clients, as a new node. */
  async restart(opts: { freshStore?: boolean } = {}): Promise<void> {
    await this.kill();
    if (opts.freshStore) this.dataDir = mkdtempSync(join(tmpdir(), 'plugin-rtcd-'));
    this.lines.length = 0;
    await this.launch();
  }

  pause(): void {
    this.child?.kill('SIGSTOP');
  }

  resume(): void {
    this.child?.kill('SIGCONT');
  }

  async stop(): Promise<void> {
    if (!this.running) return;
    // RTCD_TEST_LOG_DIR=<dir>: keep the daemon's log of this run (debugging a failed test).
    const dir = process.env.RTCD_TEST_LOG_DIR;
    if (dir) writeFileSync(join(dir, `rtcd-${this.apiPort}-${Date.now()}.jsonl`), this.lines.map((l) => JSON.stringify(l)).join('\n'));
    this.child!.kill('SIGCONT');
    this.child!.kill('SIGKILL');
    await this.exited;
  }

  async metrics(): Promise<string> {
    return (await fetch(`${this.base}/metrics`)).text();
  }

  /** rtcd's own count of successful registrations since it started. */
  async registrations(): Promise<number> {
    return sample(await this.metrics(), 'rtcd_api_requests_total', { route: '/register', code: '201' });
  }
}

/** One sample of the Prometheus text (0 when absent). */
export function sample(text: string, name: string, labels: Record<string, string> = {}): number {
  for (const line of text.split('\n')) {
    const m = /^([a-zA-Z_:][\w:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!m || m[1] !== name) continue;
    const have = Object.fromEntries([...(m[2] ?? '').matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)].map((x) => [x[1], x[2]]));
    if (Object.entries(labels).every(([k, v]) => have[k] === v)) return Number(m[3]);
  }
  return 0;
}
