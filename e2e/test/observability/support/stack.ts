// The services an operator monitors, started the way an operator runs them (the built `dist/` entry points
// with MM_* / RTCD_* environment variables), on free ports, with metrics protected by an allow-list and a
// bearer token; and the Prometheus configuration derived from assets/prometheus/*.yml for them.
import { createSocket } from 'node:dgram';
import { readFileSync, readdirSync } from 'node:fs';
import { connect } from 'node:net';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse, stringify } from 'yaml';
import { ChildProc, removeTempDir, tempDir } from '../../helpers/processes.js';
import { ADMIN_SECRET, freeIcePort } from '../../../../rtcd/test/support/rtcd.js';

export const ROOT = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..', '..');

/** A running rtcd (rtcd/dist/main.js). */
export class RtcdDaemon {
  private constructor(
    readonly proc: ChildProc,
    readonly base: string,
    readonly address: string,
    /** The ICE port (UDP and TCP) on 127.0.0.1. */
    readonly icePort: number,
    private readonly dir: string,
  ) {}

  get wsURL(): string {
    return `ws://${this.address}/ws`;
  }

  static async start(metrics: { token: string; allowedIPs: string }): Promise<RtcdDaemon> {
    const dir = tempDir('obs-rtcd-');
    const icePort = await freeIcePort();
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      RTCD_API_HTTP_LISTENADDRESS: '127.0.0.1:0',
      RTCD_API_SECURITY_ENABLEADMIN: 'true',
      RTCD_API_SECURITY_ADMINSECRETKEY: ADMIN_SECRET,
      RTCD_API_METRICS_TOKEN: metrics.token,
      RTCD_API_METRICS_ALLOWEDIPS: metrics.allowedIPs,
      RTCD_STORE_DATASOURCE: join(dir, 'db'),
      RTCD_LOGGER_ENABLEFILE: 'false',
      RTCD_LOGGER_CONSOLEJSON: 'true',
      RTCD_LOGGER_CONSOLELEVEL: 'info',
      RTCD_RTC_ICEPORTUDP: String(icePort),
      RTCD_RTC_ICEPORTTCP: String(icePort),
      RTCD_RTC_ICEADDRESSUDP: '127.0.0.1',
      RTCD_RTC_ICEADDRESSTCP: '127.0.0.1',
      RTCD_RTC_MEDIAWORKERS: '1',
      RTCD_RTC_UDPSOCKETSCOUNT: '1',
      // Stopping rtcd is one of the alerts the test fires: do not wait for calls to end.
      RTCD_RTC_DRAINTIMEOUTSECONDS: '1',
    };
    const proc = new ChildProc('rtcd', process.execPath, [join(ROOT, 'rtcd', 'dist', 'main.js')], { env, cwd: dir });
    const address = await proc.waitForLine('rtcd listening', (l) => {
      const rec = jsonLine(l);
      return rec?.msg === 'api server listening' ? String(rec.address) : undefined;
    });
    return new RtcdDaemon(proc, `http://${address}`, address, icePort, dir);
  }

  async stop(): Promise<void> {
    await this.proc.stop();
    removeTempDir(this.dir);
  }
}

/** The chat host with the Calls plugin (host/dist/main.js, the plugin from the repository root). */
export class HostProcess {
  private constructor(
    readonly proc: ChildProc,
    readonly url: string,
    /** host:port of the metrics listener. */
    readonly metricsAddress: string,
    private readonly dir: string,
  ) {}

  static async start(metrics: { token: string; allowedIPs: string }, pluginEnv: Record<string, string>): Promise<HostProcess> {
    const dir = tempDir('obs-host-');
    const env: NodeJS.ProcessEnv = {
      PATH: process.env.PATH,
      MM_SERVICESETTINGS_LISTENADDRESS: '127.0.0.1:0',
      MM_SQLSETTINGS_DRIVERNAME: 'sqlite',
      MM_SQLSETTINGS_DATASOURCE: join(dir, 'calls.sqlite'),
      MM_METRICSSETTINGS_LISTENADDRESS: '127.0.0.1:0',
      MM_METRICSSETTINGS_ALLOWEDIPS: metrics.allowedIPs,
      MM_METRICSSETTINGS_BEARERTOKEN: metrics.token,
      MM_LOGSETTINGS_CONSOLELEVEL: 'info',
      // The plugin process inherits the host's environment: its MM_CALLS_* overrides go here.
      ...pluginEnv,
    };
    const proc = new ChildProc('host', process.execPath, [join(ROOT, 'host', 'dist', 'main.js')], { env, cwd: dir });
    const started = await proc.waitForLine('host listening', (l) => {
      const rec = jsonLine(l);
      return typeof rec?.url === 'string' && typeof rec.metrics === 'string' ? { url: rec.url, metrics: rec.metrics } : undefined;
    });
    return new HostProcess(proc, started.url, new URL(started.metrics).host, dir);
  }

  /** The pid of the host's child process running the Calls plugin (from /proc: the host does not say). */
  pluginPid(): number | undefined {
    const hostPid = this.proc.pid;
    for (const entry of readdirSync('/proc')) {
      if (!/^\d+$/.test(entry)) continue;
      try {
        const stat = readFileSync(`/proc/${entry}/stat`, 'utf8');
        const ppid = Number(stat.slice(stat.lastIndexOf(')') + 2).split(' ')[1]);
        if (ppid !== hostPid) continue;
        const cmdline = readFileSync(`/proc/${entry}/cmdline`, 'utf8');
        if (cmdline.includes(join('plugin', 'dist', 'main.js'))) return Number(entry);
      } catch {
        // the process ended while we looked
      }
    }
    return undefined;
  }

  async stop(): Promise<void> {
    await this.proc.stop(20_000);
    removeTempDir(this.dir);
  }
}

function jsonLine(line: string): Record<string, unknown> | undefined {
  if (!line.startsWith('{')) return undefined;
  try {
    return JSON.parse(line) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}

interface ScrapeConfig {
  job_name: string;
  scrape_interval?: string;
  scrape_timeout?: string;
  static_configs: Array<{ targets: string[]; labels?: Record<string, string> }>;
  authorization?: { credentials_file: string };
  relabel_configs?: Array<{ source_labels?: string[]; regex?: string; target_label: string; replacement?: string }>;
}

export interface Targets {
  prometheus: string;
  host: string;
  rtcd: string;
  node: string;
}

/**
 * assets/prometheus/prometheus.yml as shipped, with what an operator changes: the targets, the token files
 * (the commented `authorization` blocks: `host.token` and `rtcd.token` next to the config), and shorter intervals for a test. Jobs, paths and labels are kept.
 * node_exporter's `instance` is rewritten to `<host>:9100`, the port the official dashboard hard-codes.
 */
export function prometheusConfig(t: Targets, ruleFile: string): Record<string, unknown> {
  const cfg = parse(readFileSync(join(ROOT, 'assets', 'prometheus', 'prometheus.yml'), 'utf8')) as {
    global: Record<string, string>;
    rule_files: string[];
    scrape_configs: ScrapeConfig[];
  };
  cfg.global = { scrape_interval: '1s', scrape_timeout: '1s', evaluation_interval: '1s' };
  cfg.rule_files = [ruleFile];
  const tokenFile: Record<string, string> = { mattermost: 'host.token', calls: 'host.token', rtcd: 'rtcd.token' };
  const address: Record<string, string> = { prometheus: t.prometheus, mattermost: t.host, calls: t.host, rtcd: t.rtcd, node: t.node };
  for (const job of cfg.scrape_configs) {
    const target = address[job.job_name];
    if (!target) throw new Error(`prometheus.yml has a job the test does not know: ${job.job_name}`);
    for (const sc of job.static_configs) {
      if (sc.targets.some((x) => !x.startsWith('localhost:'))) throw new Error(`${job.job_name}: targets are not localhost defaults`);
      sc.targets = [target];
    }
    const file = tokenFile[job.job_name];
    if (file) job.authorization = { credentials_file: file };
    if (job.job_name === 'node') {
      job.relabel_configs = [{ source_labels: ['__address__'], regex: '([^:]+):\\d+', target_label: 'instance', replacement: '$1:9100' }];
    }
  }
  return cfg;
}

/**
 * assets/prometheus/alerts.yml with only the `for:` durations shortened (to `forSeconds`), so that the test
 * sees alerts fire in seconds; expressions, labels and annotations are unchanged.
 */
export function alertsWithShortFor(forSeconds: number): string {
  const doc = parse(readFileSync(join(ROOT, 'assets', 'prometheus', 'alerts.yml'), 'utf8')) as { groups: Array<{ rules: Array<{ for?: string }> }> };
  for (const g of doc.groups) for (const r of g.rules) if (r.for) r.for = `${forSeconds}s`;
  return stringify(doc);
}

/** What a port scanner does to an ICE port: a datagram and a TCP connection that are not WebRTC. */
export async function probeIcePort(port: number): Promise<void> {
  const udp = createSocket('udp4');
  await new Promise<void>((resolve, reject) => udp.send(Buffer.from('GET / HTTP/1.0\r\n\r\n'), port, '127.0.0.1', (err) => (err ? reject(err) : resolve())));
  udp.close();
  await new Promise<void>((resolve) => {
    const tcp = connect(port, '127.0.0.1', () => tcp.end('GET / HTTP/1.0\r\n\r\n'));
    tcp.on('close', () => resolve());
    tcp.on('error', () => resolve());
    tcp.setTimeout(5000, () => tcp.destroy());
  });
}
