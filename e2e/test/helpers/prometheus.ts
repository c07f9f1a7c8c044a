// The real Prometheus (Debian's `prometheus` binary) and node_exporter for tests: each started on a free
// port with its own temporary config and data directory, queried through the HTTP API.
import { writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { ChildProc, freeTcpPort, removeTempDir, tempDir } from './processes.js';

export interface PromSample {
  metric: Record<string, string>;
  value: [number, string];
}

export interface PromTarget {
  labels: Record<string, string>;
  scrapePool: string;
  scrapeUrl: string;
  health: 'up' | 'down' | 'unknown';
  lastError: string;
}

export interface PromAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
  value: string;
}

interface ApiAnswer<T> {
  status: 'success' | 'error';
  data: T;
  errorType?: string;
  error?: string;
}

export class PrometheusServer {
  private constructor(
    readonly url: string,
    readonly dir: string,
    private readonly proc: ChildProc,
  ) {}

  /**
   * Starts Prometheus with the configuration `config(ownAddress)` returns (a prometheus.yml as an object,
   * written as JSON, which YAML reads) and extra files placed next to it (rule files, token files),
   * referenced by name from the config.
   */
  static async start(config: (ownAddress: string) => object, files: Record<string, string> = {}): Promise<PrometheusServer> {
    const dir = tempDir('obs-prometheus-');
    for (const [name, content] of Object.entries(files)) writeFileSync(join(dir, name), content, { mode: 0o600 });
    const port = await freeTcpPort();
    writeFileSync(join(dir, 'prometheus.yml'), JSON.stringify(config(`127.0.0.1:${port}`), null, 2));
    const proc = new ChildProc('prometheus', 'prometheus', [
      `--config.file=${join(dir, 'prometheus.yml')}`,
      `--storage.tsdb.path=${join(dir, 'data')}`,
      `--web.listen-address=127.0.0.1:${port}`,
      '--log.level=warn',
      '--storage.tsdb.retention.time=1h',
    ], { cwd: dir });
    const server = new PrometheusServer(`http://127.0.0.1:${port}`, dir, proc);
    const deadline = Date.now() + 30_000;
    for (;;) {
      const ready = await fetch(`${server.url}/-/ready`).then((r) => r.ok, () => false);
      if (ready) return server;
      if (!proc.running || Date.now() > deadline) {
        await proc.stop();
        throw new Error(`prometheus did not become ready\n${proc.tail()}`);
      }
      await new Promise((r) => setTimeout(r, 200));
    }
  }

  private async api<T>(path: string, params: Record<string, string> = {}): Promise<T> {
    const res = await fetch(`${this.url}/api/v1/${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(params).toString(),
    });
    const body = (await res.json()) as ApiAnswer<T>;
    if (body.status !== 'success') throw new Error(`prometheus ${path} ${JSON.stringify(params)}: ${body.errorType}: ${body.error}`);
    return body.data;
  }

  /** Instant query; rejects on a PromQL error (a bad expression fails the test loudly). */
  async query(expr: string): Promise<PromSample[]> {
    const data = await this.api<{ resultType: string; result: PromSample[] }>('query', { query: expr });
    if (data.resultType !== 'vector') throw new Error(`expected a vector from ${expr}, got ${data.resultType}`);
    return data.result;
  }

  async targets(): Promise<PromTarget[]> {
    const res = await fetch(`${this.url}/api/v1/targets?state=active`);
    const body = (await res.json()) as ApiAnswer<{ activeTargets: PromTarget[] }>;
    return body.data.activeTargets;
  }

  async alerts(): Promise<PromAlert[]> {
    const res = await fetch(`${this.url}/api/v1/alerts`);
    const body = (await res.json()) as ApiAnswer<{ alerts: PromAlert[] }>;
    return body.data.alerts;
  }

  /** Metric names Prometheus holds: the troubleshooting check of docs/monitoring.md. */
  async metricNames(): Promise<string[]> {
    const res = await fetch(`${this.url}/api/v1/label/__name__/values`);
    const body = (await res.json()) as ApiAnswer<string[]>;
    return body.data;
  }

  tail(): string {
    return this.proc.tail();
  }

  async stop(): Promise<void> {
    await this.proc.stop();
    removeTempDir(this.dir);
  }
}

/** Debian's prometheus-node-exporter with the collectors the dashboards read (machine CPU, memory, UDP/TCP, network). */
export class NodeExporter {
  private constructor(
    readonly address: string,
    private readonly proc: ChildProc,
  ) {}

  static async start(): Promise<NodeExporter> {
    const port = await freeTcpPort();
    const collectors = ['cpu', 'meminfo', 'netstat', 'sockstat', 'netdev'].map((c) => `--collector.${c}`);
    const proc = new ChildProc('node_exporter', 'prometheus-node-exporter', [
      `--web.listen-address=127.0.0.1:${port}`,
      '--collector.disable-defaults',
      ...collectors,
    ]);
    const exporter = new NodeExporter(`127.0.0.1:${port}`, proc);
    const deadline = Date.now() + 20_000;
    for (;;) {
      const ok = await fetch(`http://${exporter.address}/metrics`).then((r) => r.ok, () => false);
      if (ok) return exporter;
      if (!proc.running || Date.now() > deadline) {
        await proc.stop();
        throw new Error(`node_exporter did not start\n${proc.tail()}`);
      }
      await new Promise((r) => setTimeout(r, 100));
    }
  }

  stop(): Promise<void> {
    return this.proc.stop();
  }
}
