// The media server as lt sees it: its Prometheus endpoint(s) (rtcd's /metrics, or the Calls plugin's on the
// host's metrics listener), scraped at intervals. Process CPU seconds and resident memory come from the
// process collectors (`<prefix>_process_*`: the media process itself, every thread included); bandwidth
// and forwarded packets from the SFU's RTP counters (`<prefix>_rtc_rtp_{bytes,packets}_total{direction}`).
// The prefix (rtcd or mattermost_plugin_calls) is found per endpoint.
import { fetchFailureReason } from './host-api.js';

export interface ServerSample {
  /** performance.now() of the scrape. */
  at: number;
  cpuSeconds: number;
  rssBytes: number;
  bytesIn: number;
  bytesOut: number;
  packetsIn: number;
  packetsOut: number;
  sessions: number;
}

const PREFIXES = ['rtcd', 'mattermost_plugin_calls'];

/**
 * Where a site's media is measured when -metrics-url is not given: rtcd's /metrics when the plugin sends
 * media to rtcd (`RTCDServiceURL`, which only an admin sees; credentials in it are not needed for
 * /metrics), else the plugin's endpoint on the host's metrics listener (default port 8067).
 */
export function defaultMetricsUrls(siteUrl: string, rtcdServiceUrl: unknown): string[] {
  if (typeof rtcdServiceUrl === 'string' && rtcdServiceUrl) {
    const u = new URL(rtcdServiceUrl);
    return [`${u.protocol}//${u.host}/metrics`];
  }
  const site = new URL(siteUrl);
  return [`${site.protocol}//${site.hostname}:8067/plugins/com.mattermost.calls/metrics`];
}
const TIMEOUT_MS = 10_000;
/** Scrapes kept (a sample every few seconds: hours of run). */
const MAX_SAMPLES = 10_000;

/** Sum of the samples of `name` whose labels include `want` (Prometheus text format). */
export function sumSamples(text: string, name: string, want: Record<string, string> = {}): number {
  let sum = 0;
  for (const line of text.split('\n')) {
    if (!line.startsWith(name)) continue;
    const c = line.charAt(name.length);
    if (c !== '{' && c !== ' ') continue;
    if (!Object.entries(want).every(([k, v]) => line.includes(`${k}="${v}"`))) continue;
    const v = Number(line.slice(line.lastIndexOf(' ') + 1));
    if (Number.isFinite(v)) sum += v;
  }
  return sum;
}

export class MediaServerEndpoint {
  private prefix: string | undefined;

  constructor(readonly url: string) {}

  async scrape(): Promise<ServerSample> {
    let res: Response;
    try {
      res = await fetch(this.url, { signal: AbortSignal.timeout(TIMEOUT_MS) });
    } catch (err) {
      throw new Error(`cannot scrape the media server's metrics at ${this.url} (${fetchFailureReason(err)}): pass -metrics-url`);
    }
    if (!res.ok) throw new Error(`${this.url}: HTTP ${res.status}`);
    const text = await res.text();
    this.prefix ??= PREFIXES.find((p) => text.includes(`${p}_process_cpu_seconds_total`));
    const p = this.prefix;
    if (!p) throw new Error(`${this.url}: no rtcd_ or mattermost_plugin_calls_ process metrics (is this a media server's /metrics?)`);
    return {
      at: performance.now(),
      cpuSeconds: sumSamples(text, `${p}_process_cpu_seconds_total`),
      rssBytes: sumSamples(text, `${p}_process_resident_memory_bytes`),
      bytesIn: sumSamples(text, `${p}_rtc_rtp_bytes_total`, { direction: 'in' }),
      bytesOut: sumSamples(text, `${p}_rtc_rtp_bytes_total`, { direction: 'out' }),
      packetsIn: sumSamples(text, `${p}_rtc_rtp_packets_total`, { direction: 'in' }),
      packetsOut: sumSamples(text, `${p}_rtc_rtp_packets_total`, { direction: 'out' }),
      sessions: sumSamples(text, `${p}_rtc_sessions_total`),
    };
  }
}

/** All endpoints summed (several rtcd nodes count as one media tier). */
export class MediaServerSampler {
  readonly endpoints: MediaServerEndpoint[];
  readonly samples: ServerSample[] = [];
  private timer: NodeJS.Timeout | undefined;
  errors = 0;
  lastError = '';

  constructor(urls: string[]) {
    this.endpoints = urls.map((u) => new MediaServerEndpoint(u));
  }

  async sample(): Promise<ServerSample> {
    const parts = await Promise.all(this.endpoints.map((e) => e.scrape()));
    const s: ServerSample = { at: performance.now(), cpuSeconds: 0, rssBytes: 0, bytesIn: 0, bytesOut: 0, packetsIn: 0, packetsOut: 0, sessions: 0 };
    for (const p of parts) {
      s.cpuSeconds += p.cpuSeconds;
      s.rssBytes += p.rssBytes;
      s.bytesIn += p.bytesIn;
      s.bytesOut += p.bytesOut;
      s.packetsIn += p.packetsIn;
      s.packetsOut += p.packetsOut;
      s.sessions += p.sessions;
    }
    if (this.samples.length >= MAX_SAMPLES) this.samples.splice(0, this.samples.length / 2);
    this.samples.push(s);
    return s;
  }

  /** Scrapes every `intervalMs` until stop(); failed scrapes are counted, not fatal. */
  start(intervalMs: number): void {
    this.timer ??= setInterval(() => {
      this.sample().catch((err: unknown) => {
        this.errors++;
        this.lastError = err instanceof Error ? err.message : String(err);
      });
    }, intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  /** Mean resident memory of the samples taken in [from, to] (ms, performance.now()). */
  meanRss(from: number, to: number): number {
    const w = this.samples.filter((s) => s.at >= from && s.at <= to);
    return w.length ? w.reduce((n, s) => n + s.rssBytes, 0) / w.length : NaN;
  }
}
