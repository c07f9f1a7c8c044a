// Where the rtcd service lives: every IPv4 address of the URL's hostname (one A record per rtcd node, the
// reference's way of scaling out). The system resolver is used (so /etc/hosts counts, as Go's LookupIP),
// bounded by the reference's 2 s timeout. Tests inject their own resolver.
import { lookup } from 'node:dns/promises';
import { isIPv4 } from 'node:net';

/** Resolves a hostname to IPv4 addresses (at least one, or it rejects). */
export type ResolveHost = (hostname: string) => Promise<string[]>;

const RESOLVE_TIMEOUT_MS = 2000;

export const resolveIPv4: ResolveHost = async (hostname) => {
  if (isIPv4(hostname)) return [hostname];
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`resolving ${hostname} took more than ${RESOLVE_TIMEOUT_MS} ms`)), RESOLVE_TIMEOUT_MS);
  });
  try {
    const found = await Promise.race([lookup(hostname, { all: true, family: 4 }), timeout]);
    const ips = [...new Set(found.map((a) => a.address))];
    if (!ips.length) throw new Error(`${hostname} has no IPv4 address`);
    return ips;
  } finally {
    clearTimeout(timer);
  }
};

/** Validates a resolver's answer: IPv4 literals only, duplicates removed, bounded. */
export function normalizeAddresses(ips: readonly string[], max = 64): string[] {
  const out = [...new Set(ips.filter((ip) => isIPv4(ip)))];
  if (!out.length) throw new Error('no IPv4 address in the answer');
  return out.slice(0, max);
}
