// Child processes for the observability tests: free ports, a spawned binary whose output is kept for the
// failure message, and its orderly stop. Every process is started by the test and stopped by its pid.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/** A TCP port that was free a moment ago on 127.0.0.1 (for binaries that take a port, not port 0). */
export function freeTcpPort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = createServer();
    s.once('error', reject);
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address() as { port: number };
      s.close(() => resolve(port));
    });
  });
}

/** Output lines kept per process, so a failure can show the last ones. */
const MAX_LINES = 400;

// Children still running and temporary directories not removed yet. If the test process ends abruptly (the
// runner's timeout sends SIGTERM), the children are killed with it instead of outliving it and holding
// ports and CPU that other suites need, and the directories go too.
const live = new Set<ChildProcess>();
const dirs = new Set<string>();
function killAll(): void {
  for (const c of live) c.kill('SIGKILL');
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
}

/** A new temporary directory, removed by `removeTempDir` or when the process exits. */
export function tempDir(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.add(d);
  return d;
}

export function removeTempDir(dir: string): void {
  dirs.delete(dir);
  rmSync(dir, { recursive: true, force: true });
}
process.once('exit', killAll);
for (const sig of ['SIGTERM', 'SIGINT'] as const) {
  process.once(sig, () => {
    killAll();
    process.exit(128 + (sig === 'SIGTERM' ? 15 : 2));
  });
}

export class ChildProc {
  readonly lines: string[] = [];
  readonly exited: Promise<number | null>;
  private readonly child: ChildProcess;
  private lineListeners = new Set<(line: string) => void>();

  constructor(
    readonly name: string,
    command: string,
    args: string[],
    opts: SpawnOptions = {},
  ) {
    this.child = spawn(command, args, { ...opts, stdio: ['ignore', 'pipe', 'pipe'] });
    live.add(this.child);
    this.exited = new Promise((resolve) =>
      this.child.once('exit', (code) => {
        live.delete(this.child);
        resolve(code);
      }),
    );
    this.child.once('error', (err) => this.push(`spawn error: ${err.message}`));
    for (const stream of [this.child.stdout!, this.child.stderr!]) {
      let buf = '';
      stream.on('data', (d: Buffer) => {
        buf += d.toString();
        const parts = buf.split('\n');
        buf = parts.pop()!;
        for (const l of parts) this.push(l);
      });
    }
  }

  get pid(): number | undefined {
    return this.child.pid;
  }

  get running(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  private push(line: string): void {
    this.lines.push(line);
    if (this.lines.length > MAX_LINES) this.lines.shift();
    for (const f of this.lineListeners) f(line);
  }

  /** Resolves with the first output line (past or future) for which `pick` returns a value. */
  waitForLine<T>(what: string, pick: (line: string) => T | undefined, timeoutMs = 30_000): Promise<T> {
    for (const l of this.lines) {
      const v = pick(l);
      if (v !== undefined) return Promise.resolve(v);
    }
    return new Promise((resolve, reject) => {
      const done = (err?: Error, v?: T) => {
        clearTimeout(timer);
        this.lineListeners.delete(onLine);
        if (err) reject(err);
        else resolve(v as T);
      };
      const onLine = (l: string) => {
        const v = pick(l);
        if (v !== undefined) done(undefined, v);
      };
      const timer = setTimeout(() => done(new Error(`${this.name}: timed out waiting for ${what}\n${this.tail()}`)), timeoutMs);
      this.lineListeners.add(onLine);
      void this.exited.then((code) => done(new Error(`${this.name} exited (${code}) before ${what}\n${this.tail()}`)));
    });
  }

  tail(n = 30): string {
    return this.lines.slice(-n).join('\n');
  }

  /** SIGTERM, then SIGKILL after `graceMs`; resolves once the process has exited. */
  async stop(graceMs = 10_000): Promise<void> {
    if (!this.running) return;
    this.child.kill('SIGTERM');
    const timer = setTimeout(() => this.child.kill('SIGKILL'), graceMs);
    await this.exited;
    clearTimeout(timer);
  }
}
