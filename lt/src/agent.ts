// The load-test agent's own load over the measured window: its CPU and its event-loop delay. Senders and
// receivers share lt's event loop, so a stalled loop shows up as one-way delay, jitter and skipped voice
// packets that the media server did not cause; the results say so instead of blaming the server.
import { monitorEventLoopDelay, type IntervalHistogram } from 'node:perf_hooks';

export interface AgentLoad {
  /** CPU time of the lt process over the window, as a share of one core (%). */
  cpuPercent: number;
  eventLoopDelayP99Ms: number;
  eventLoopDelayMaxMs: number;
}

/** Above this the agent's own stalls are a visible part of the delay figures. */
export const AGENT_LAG_WARN_MS = 50;

export class AgentMonitor {
  private readonly loop: IntervalHistogram = monitorEventLoopDelay({ resolution: 10 });
  private readonly cpu0 = process.cpuUsage();
  private readonly t0 = performance.now();

  constructor() {
    this.loop.enable();
  }

  stop(): AgentLoad {
    this.loop.disable();
    const cpu = process.cpuUsage(this.cpu0);
    const wallMs = performance.now() - this.t0;
    return {
      cpuPercent: wallMs > 0 ? Math.round(((cpu.user + cpu.system) / 1000 / wallMs) * 1000) / 10 : 0,
      // The histogram is in ns and includes the sampling resolution.
      eventLoopDelayP99Ms: Math.round(this.loop.percentile(99) / 1e5) / 10,
      eventLoopDelayMaxMs: Math.round(this.loop.max / 1e5) / 10,
    };
  }
}
