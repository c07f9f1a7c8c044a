// Who may read /metrics: an allow-list of IPs/CIDRs (empty = everyone, as the reference) and an optional
// bearer token. Refusals are counted by reason so that a misconfigured scraper shows up in its own metrics.
import { createHash, timingSafeEqual } from 'node:crypto';
import { BlockList, isIP } from 'node:net';
import { Counter, type Registry } from 'prom-client';

const REFUSALS = ['ip', 'token'] as const;
export type MetricsRefusal = (typeof REFUSALS)[number];

export interface MetricsAccessOptions {
  prefix: string;
  registry: Registry;
  allowedIPs: readonly string[];
  token: string;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

/** `::ffff:10.0.0.1` (an IPv4 peer on a dual-stack socket) is checked as `10.0.0.1`. */
export function normalizePeerAddress(addr: string): string {
  const m = /^::ffff:(\d+\.\d+\.\d+\.\d+)$/i.exec(addr);
  return m ? m[1]! : addr;
}

export class MetricsAccess {
  private readonly list: BlockList | undefined;
  private readonly tokenDigest: Buffer | undefined;
  private readonly refused: Counter<'reason'>;

  constructor(opts: MetricsAccessOptions) {
    if (opts.allowedIPs.length) {
      const list = new BlockList();
      for (const entry of opts.allowedIPs) {
        const [addr, bits] = entry.split('/');
        const type = isIP(addr ?? '') === 6 ? 'ipv6' : 'ipv4';
        if (bits === undefined) list.addAddress(addr!, type);
        else list.addSubnet(addr!, Number(bits), type);
      }
      this.list = list;
    }
    this.tokenDigest = opts.token ? digest(opts.token) : undefined;
    this.refused = new Counter({
      name: `${opts.prefix}_metrics_requests_refused_total`,
      help: 'Requests to /metrics refused (403) by the allow-list or the token.',
      labelNames: ['reason'],
      registers: [opts.registry],
    });
    // Every reason starts at zero: increase() cannot see the first refusal of a series that appears with 1.
    for (const reason of REFUSALS) this.refused.inc({ reason }, 0);
  }

  /** undefined when allowed; otherwise the refusal, already counted. */
  check(peerAddress: string | undefined, authorization: string | undefined): MetricsRefusal | undefined {
    if (this.list) {
      const ip = normalizePeerAddress(peerAddress ?? '');
      const family = isIP(ip);
      if (!family || !this.list.check(ip, family === 6 ? 'ipv6' : 'ipv4')) return this.refuse('ip');
    }
    if (this.tokenDigest) {
      const m = /^Bearer (.+)$/.exec(authorization ?? '');
      if (!m || !timingSafeEqual(digest(m[1]!), this.tokenDigest)) return this.refuse('token');
    }
    return undefined;
  }

  private refuse(reason: MetricsRefusal): MetricsRefusal {
    this.refused.inc({ reason });
    return reason;
  }
}
