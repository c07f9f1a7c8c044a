// Process and runtime series for a service, under a prefix (rtcd_, mattermost_plugin_calls_):
//   <prefix>_process_*  cpu_seconds_total, open_fds, max_fds, resident/virtual memory, start_time_seconds
//   <prefix>_nodejs_*   prom-client's default Node collectors (event-loop lag, heap spaces, GC, handles)
//   go_*                the three Go runtime series the official Calls dashboard charts, derived from Node
//                       figures (see rtcd/README.md "Metrics" for the mapping), left unprefixed like Go's.
import { readFileSync } from 'node:fs';
import { Gauge, collectDefaultMetrics, type Registry } from 'prom-client';

export interface ProcessMetricsOptions {
  /** Without the trailing underscore: `rtcd`, `mattermost_plugin_calls`. */
  prefix: string;
  registry: Registry;
  /** Also publish go_memstats_heap_inuse_bytes, go_memstats_stack_inuse_bytes and go_goroutines (default true). */
  goCompat?: boolean;
}

// RLIMIT_AS, as client_golang's process collector reports it (unlimited → 2^64-1).
function maxAddressSpace(): number | undefined {
  try {
    const line = readFileSync('/proc/self/limits', 'utf8')
      .split('\n')
      .find((l) => l.startsWith('Max address space'));
    const v = line?.slice('Max address space'.length).trim().split(/\s+/)[0];
    if (v === undefined) return undefined;
    return v === 'unlimited' ? 18446744073709551615 : Number(v);
  } catch {
    return undefined;
  }
}

export function registerProcessMetrics(opts: ProcessMetricsOptions): void {
  const { prefix, registry } = opts;
  collectDefaultMetrics({ register: registry, prefix: `${prefix}_` });

  const asMax = maxAddressSpace();
  if (asMax !== undefined) {
    new Gauge({
      name: `${prefix}_process_virtual_memory_max_bytes`,
      help: 'Maximum amount of virtual memory available in bytes.',
      registers: [registry],
      collect() {
        this.set(asMax);
      },
    });
  }

  if (opts.goCompat === false) return;
  new Gauge({
    name: 'go_memstats_heap_inuse_bytes',
    help: 'Number of heap bytes that are in use. (Node: V8 heapUsed.)',
    registers: [registry],
    collect() {
      this.set(process.memoryUsage().heapUsed);
    },
  });
  new Gauge({
    name: 'go_memstats_stack_inuse_bytes',
    help: 'Number of bytes in use by the stack allocator. (Node: no goroutine stacks; external memory: Buffers and ArrayBuffers outside the V8 heap.)',
    registers: [registry],
    collect() {
      this.set(process.memoryUsage().external);
    },
  });
  new Gauge({
    name: 'go_goroutines',
    help: 'Number of goroutines that currently exist. (Node: active libuv resources: sockets, timers, pending requests.)',
    registers: [registry],
    collect() {
      this.set(process.getActiveResourcesInfo().length);
    },
  });
}
