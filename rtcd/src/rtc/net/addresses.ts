// Which local addresses the shared port binds, and what the host candidates advertise for each of them
// (reference rtcd §4.1: ice_address_udp, ice_host_override as one IP/hostname or an EXT/INT NAT map,
// ice_host_port_override as one port or a localIP/port map, STUN-discovered public IPs).
import { lookup } from 'node:dns/promises';
import { isIP } from 'node:net';
import { networkInterfaces } from 'node:os';

export class NetConfigError extends Error {
  override name = 'NetConfigError';
}

/** One local address of the port: sockets are bound to `bindAddress`, candidates carry the advertised pair. */
export interface PortBinding {
  index: number;
  family: 4 | 6;
  bindAddress: string;
  advertisedAddress: string;
  advertisedUdpPort: number;
  advertisedTcpPort: number;
}

export type HostOverride =
  | { kind: 'none' }
  | { kind: 'single'; host: string }
  | { kind: 'map'; pairs: Array<{ external: string; internal: string }> };

export type PortOverride = { kind: 'none' } | { kind: 'single'; port: number } | { kind: 'map'; byIp: Map<string, number> };

function checkPort(value: string, what: string): number {
  if (!/^\d+$/.test(value.trim())) throw new NetConfigError(`${what}: "${value}" is not a port number`);
  const port = Number(value);
  if (port < 1 || port > 65535) throw new NetConfigError(`${what}: port ${port} is out of range`);
  return port;
}

export function parseHostOverride(raw: string): HostOverride {
  const s = raw.trim();
  if (!s) return { kind: 'none' };
  if (!s.includes('/')) {
    if (s.includes(',')) throw new NetConfigError(`iceHostOverride: "${s}" must be one host or EXT/INT pairs`);
    return { kind: 'single', host: s };
  }
  const pairs: Array<{ external: string; internal: string }> = [];
  for (const part of s.split(',')) {
    const [external, internal, extra] = part.trim().split('/');
    if (!external || !internal || extra !== undefined || !isIP(external) || !isIP(internal)) {
      throw new NetConfigError(`iceHostOverride: "${part.trim()}" is not an EXT/INT pair of IP addresses`);
    }
    if (pairs.some((p) => p.internal === internal)) {
      throw new NetConfigError(`iceHostOverride: internal address ${internal} is mapped twice`);
    }
    pairs.push({ external, internal });
  }
  return { kind: 'map', pairs };
}

export function parsePortOverride(raw: string | number): PortOverride {
  const s = String(raw).trim();
  if (!s) return { kind: 'none' };
  if (!s.includes('/')) return { kind: 'single', port: checkPort(s, 'iceHostPortOverride') };
  const byIp = new Map<string, number>();
  const ports = new Set<number>();
  for (const part of s.split(',')) {
    const [ip, port, extra] = part.trim().split('/');
    if (!ip || !port || extra !== undefined || !isIP(ip)) {
      throw new NetConfigError(`iceHostPortOverride: "${part.trim()}" is not a localIP/port pair`);
    }
    const p = checkPort(port, 'iceHostPortOverride');
    if (byIp.has(ip) || ports.has(p)) {
      throw new NetConfigError(`iceHostPortOverride: duplicate address or port in "${part.trim()}"`);
    }
    byIp.set(ip, p);
    ports.add(p);
  }
  return { kind: 'map', byIp };
}

/**
 * Local addresses to bind: the configured list, else every address of every interface that is up
 * (loopback included, as the reference; IPv6 only when enabled and not link-local).
 */
export function localAddresses(configured: string[], enableIPv6: boolean): string[] {
  if (configured.length) {
    for (const ip of configured) {
      const fam = isIP(ip);
      if (!fam) throw new NetConfigError(`iceAddressUDP: "${ip}" is not an IP address`);
      if (fam === 6 && !enableIPv6) throw new NetConfigError(`iceAddressUDP: ${ip} is IPv6 but enableIPv6 is off`);
    }
    return [...new Set(configured)];
  }
  const out: string[] = [];
  for (const infos of Object.values(networkInterfaces())) {
    for (const info of infos ?? []) {
      if (info.family === 'IPv4') out.push(info.address);
      else if (enableIPv6 && info.family === 'IPv6' && !info.address.toLowerCase().startsWith('fe80')) {
        out.push(info.address);
      }
    }
  }
  if (!out.length) throw new NetConfigError('no local IP address to bind the ICE port to');
  return [...new Set(out)];
}

const isLoopback = (ip: string) => ip.startsWith('127.') || ip === '::1';

async function resolveHost(host: string, family: 4 | 6, timeoutMs: number): Promise<string> {
  if (isIP(host)) return host;
  let timer: NodeJS.Timeout | undefined;
  try {
    const res = await Promise.race([
      lookup(host, { family }),
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error('timed out')), timeoutMs);
      }),
    ]);
    return res.address;
  } catch (err) {
    throw new NetConfigError(`iceHostOverride: cannot resolve "${host}": ${(err as Error).message}`);
  } finally {
    clearTimeout(timer);
  }
}

export interface PlanInput {
  addresses: string[];
  udpPort: number;
  tcpPort: number;
  hostOverride: HostOverride;
  portOverride: PortOverride;
  /** Public IPs found by STUN discovery, by local address (used only when there is no host override). */
  discovered?: Map<string, string>;
  resolveTimeoutMs?: number;
}

/** Advertised address and ports per bound address. Addresses a NAT map does not list are left out, as pion does. */
export async function planBindings(input: PlanInput): Promise<PortBinding[]> {
  const out: PortBinding[] = [];
  const single = new Map<4 | 6, string>();
  if (input.hostOverride.kind === 'single') {
    for (const fam of [4, 6] as const) {
      if (input.addresses.some((a) => isIP(a) === fam && !isLoopback(a))) {
        single.set(fam, await resolveHost(input.hostOverride.host, fam, input.resolveTimeoutMs ?? 1000));
      }
    }
  }
  for (const bindAddress of input.addresses) {
    const family = isIP(bindAddress) as 4 | 6;
    let advertised: string | undefined;
    switch (input.hostOverride.kind) {
      case 'none':
        advertised = input.discovered?.get(bindAddress) ?? bindAddress;
        break;
      case 'single':
        advertised = isLoopback(bindAddress) ? bindAddress : single.get(family);
        break;
      case 'map':
        advertised = input.hostOverride.pairs.find((p) => p.internal === bindAddress)?.external;
        break;
    }
    if (!advertised) continue;
    const external = advertised !== bindAddress;
    let udpPort = input.udpPort;
    let tcpPort = input.tcpPort;
    const po = input.portOverride;
    if (po.kind === 'single' && external) udpPort = tcpPort = po.port;
    else if (po.kind === 'map' && po.byIp.has(bindAddress)) udpPort = tcpPort = po.byIp.get(bindAddress)!;
    out.push({
      index: out.length,
      family,
      bindAddress,
      advertisedAddress: advertised,
      advertisedUdpPort: udpPort,
      advertisedTcpPort: tcpPort,
    });
  }
  if (!out.length) {
    throw new NetConfigError(
      `iceHostOverride maps none of the local addresses (${input.addresses.join(', ')}); no candidate could be advertised`,
    );
  }
  return out;
}
