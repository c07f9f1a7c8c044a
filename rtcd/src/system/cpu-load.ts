// `cpu_load` of GET /system, computed as the reference does: every second, read the idle time of all CPUs
// from /proc/stat and report 1 / (idle CPU-seconds per wall second). An idle 2-core box reads 0.5, a busy
// one grows without bound; the plugin only compares nodes and picks the lowest.
import { readFileSync } from 'node:fs';

const USER_HZ = 100; // /proc/stat ticks; fixed at 100 on Linux for userspace
const MAX_LOAD = 1000; // when no idle time was seen at all: a large finite value (JSON has no Infinity)

function readIdleSeconds(): number | undefined {
  try {
    const first = readFileSync('/proc/stat', 'utf8').split('\n', 1)[0] ?? '';
    const fields = first.trim().split(/\s+/);
    if (fields[0] !== 'cpu') return undefined;
    const idle = Number(fields[4]);
    return Number.isFinite(idle) ? idle / USER_HZ : undefined;
  } catch {
    return undefined;
  }
}

export class CpuLoadMonitor {
  private prev: { idle: number; at: number } | undefined;
  private current = 0;
  private timer: NodeJS.Timeout | undefined;

  constructor(private readonly intervalMs = 1000) {}

  start(): void {
    this.sample();
    this.timer = setInterval(() => this.sample(), this.intervalMs);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** The last computed load (0 until the first interval has passed or when /proc is unavailable). */
  get load(): number {
    return this.current;
  }

  private sample(): void {
    const idle = readIdleSeconds();
    const at = performance.now() / 1000;
    if (idle === undefined) return;
    if (this.prev) {
      const wall = at - this.prev.at;
      const idleRate = (idle - this.prev.idle) / wall;
      if (wall > 0) this.current = idleRate > 1 / MAX_LOAD ? 1 / idleRate : MAX_LOAD;
    }
    this.prev = { idle, at };
  }
}
