// The reference's IsValid rules (service/config.go, api/config.go, rtc/config.go, logger/config.go) plus
// ours. Each failure names the TOML key and its env variable.
import { readFileSync } from 'node:fs';
import { BlockList, isIP } from 'node:net';
import { createSecureContext } from 'node:tls';
import { ConfigError } from './keys.js';
import type { RtcdConfig } from './types.js';

function fail(key: string, env: string, why: string): never {
  throw new ConfigError(`invalid ${key} (${env}): ${why}`);
}

const inPortRange = (p: number) => Number.isInteger(p) && p >= 80 && p <= 49151;

/** `host:port`, `:port` or `[v6]:port`, as Go's net.Listen takes it. */
export function parseListenAddress(addr: string): { host: string | undefined; port: number } {
  const m = /^(?:\[([^\]]+)\]|([^:]*)):(\d{1,5})$/.exec(addr.trim());
  if (!m) throw new ConfigError(`"${addr}" is not host:port`);
  const port = Number(m[3]);
  if (port > 65535) throw new ConfigError(`port ${port} out of range`);
  const host = m[1] ?? m[2];
  return { host: host ? host : undefined, port };
}

/** Adds one IP or CIDR to an allow-list; throws on anything else. */
export function addToBlockList(list: BlockList, entry: string): void {
  const [addr, bits, extra] = entry.split('/');
  const family = isIP(addr ?? '');
  if (!family || extra !== undefined) throw new ConfigError(`"${entry}" is not an IP or CIDR`);
  const type = family === 4 ? 'ipv4' : 'ipv6';
  if (bits === undefined) {
    list.addAddress(addr!, type);
    return;
  }
  const n = Number(bits);
  if (!/^\d+$/.test(bits) || n > (family === 4 ? 32 : 128)) throw new ConfigError(`"${entry}" has an invalid prefix length`);
  list.addSubnet(addr!, n, type);
}

export function validateConfig(c: RtcdConfig): void {
  const { http, security, metrics } = c.api;
  if (!http.listenAddress) fail('api.http.listen_address', 'RTCD_API_HTTP_LISTENADDRESS', 'should not be empty');
  try {
    parseListenAddress(http.listenAddress);
  } catch (err) {
    fail('api.http.listen_address', 'RTCD_API_HTTP_LISTENADDRESS', (err as Error).message);
  }
  if (http.tls.enable) {
    if (!http.tls.certFile) fail('api.http.tls.cert_file', 'RTCD_API_HTTP_TLS_CERTFILE', 'required when TLS is enabled');
    if (!http.tls.certKey) fail('api.http.tls.cert_key', 'RTCD_API_HTTP_TLS_CERTKEY', 'required when TLS is enabled');
    try {
      createSecureContext({ cert: readFileSync(http.tls.certFile), key: readFileSync(http.tls.certKey) });
    } catch (err) {
      fail('api.http.tls', 'RTCD_API_HTTP_TLS_*', `failed to load key pair: ${(err as Error).message}`);
    }
  }
  if (security.enableAdmin && !security.adminSecretKey) {
    fail('api.security.admin_secret_key', 'RTCD_API_SECURITY_ADMINSECRETKEY', 'should not be empty when enable_admin is true');
  }
  if (!(security.sessionCache.expirationMinutes > 0)) {
    fail('api.security.session_cache.expiration_minutes', 'RTCD_API_SECURITY_SESSIONCACHE_EXPIRATIONMINUTES', 'should be a positive number');
  }
  for (const e of metrics.allowedIPs) {
    try {
      addToBlockList(new BlockList(), e);
    } catch (err) {
      fail('api.metrics.allowed_ips', 'RTCD_API_METRICS_ALLOWEDIPS', (err as Error).message);
    }
  }

  const r = c.rtc;
  for (const [k, env, list] of [
    ['rtc.ice_address_udp', 'RTCD_RTC_ICEADDRESSUDP', r.iceAddressUDP],
    ['rtc.ice_address_tcp', 'RTCD_RTC_ICEADDRESSTCP', r.iceAddressTCP],
  ] as const) {
    for (const a of list) if (!isIP(a)) fail(k, env, `"${a}" is not a valid IP address`);
  }
  if (!inPortRange(r.icePortUDP)) fail('rtc.ice_port_udp', 'RTCD_RTC_ICEPORTUDP', `${r.icePortUDP} is not in allowed range [80, 49151]`);
  if (!inPortRange(r.icePortTCP)) fail('rtc.ice_port_tcp', 'RTCD_RTC_ICEPORTTCP', `${r.icePortTCP} is not in allowed range [80, 49151]`);
  validateHostOverride(r.iceHostOverride);
  validateHostPortOverride(r.iceHostPortOverride);
  for (const s of r.iceServers) {
    const why = iceServerProblem(s.urls);
    if (why) fail('rtc.ice_servers', 'RTCD_RTC_ICESERVERS', why);
  }
  if (r.turn.staticAuthSecret) {
    const m = r.turn.credentialsExpirationMinutes;
    if (!(m > 0 && m < 10080)) {
      fail('rtc.turn.credentials_expiration_minutes', 'RTCD_RTC_TURNCONFIG_CREDENTIALSEXPIRATIONMINUTES', `${m} is not in range (0, 10080)`);
    }
  }
  if (!(r.udpSocketsCount > 0)) fail('rtc.udp_sockets_count', 'RTCD_RTC_UDPSOCKETSCOUNT', 'should be a positive number');
  const nb = r.nackBufferSize;
  if (nb === 0) r.nackBufferSize = 256;
  else if (!(nb >= 32 && nb <= 8192 && (nb & (nb - 1)) === 0)) {
    fail('rtc.nack_buffer_size', 'RTCD_RTC_NACKBUFFERSIZE', `${nb} should be 0 or a power of two in [32, 8192]`);
  }
  if (!(r.mediaWorkers >= 0 && r.mediaWorkers <= 256)) fail('rtc.media_workers', 'RTCD_RTC_MEDIAWORKERS', 'should be in [0, 256] (0 = one per core)');
  if (!(r.drainTimeoutSeconds >= 0)) fail('rtc.drain_timeout_seconds', 'RTCD_RTC_DRAINTIMEOUTSECONDS', 'should be >= 0 (0 = no limit)');

  if (!c.store.dataSource) fail('store.data_source', 'RTCD_STORE_DATASOURCE', 'should not be empty');

  const l = c.logger;
  if (!l.enableConsole && !l.enableFile) fail('logger', 'RTCD_LOGGER_ENABLECONSOLE/ENABLEFILE', 'at least one of console or file logging must be enabled');
  if (l.enableFile && !l.fileLocation) fail('logger.file_location', 'RTCD_LOGGER_FILELOCATION', 'should not be empty when file logging is enabled');
}

function validateHostOverride(v: string): void {
  if (!v.includes('/')) return; // an IP or a hostname, resolved when the SFU starts
  for (const pair of v.split(',')) {
    const [ext, int, extra] = pair.trim().split('/');
    if (extra !== undefined || !isIP(ext ?? '') || !isIP(int ?? '')) {
      fail('rtc.ice_host_override', 'RTCD_RTC_ICEHOSTOVERRIDE', `"${pair}" is not an EXTERNAL_IP/INTERNAL_IP pair`);
    }
  }
}

function validateHostPortOverride(v: string): void {
  const key = 'rtc.ice_host_port_override';
  const env = 'RTCD_RTC_ICEHOSTPORTOVERRIDE';
  if (v === '') return;
  if (/^\d+$/.test(v)) {
    if (!inPortRange(Number(v))) fail(key, env, `${v} is not in allowed range [80, 49151]`);
    return;
  }
  const ips = new Set<string>();
  const ports = new Set<number>();
  for (const pair of v.split(',')) {
    const [ip, port, extra] = pair.trim().split('/');
    if (extra !== undefined || !isIP(ip ?? '') || !/^\d+$/.test(port ?? '')) fail(key, env, `"${pair}" is not LOCAL_IP/PORT`);
    const p = Number(port);
    if (!inPortRange(p)) fail(key, env, `${p} is not in allowed range [80, 49151]`);
    if (ips.has(ip!)) fail(key, env, `duplicate IP ${ip}`);
    if (ports.has(p)) fail(key, env, `duplicate port ${p}`);
    ips.add(ip!);
    ports.add(p);
  }
}

function iceServerProblem(urls: string[]): string | undefined {
  if (urls.length === 0) return 'an ICE server has no URLs';
  if (urls.some((u) => u === '')) return 'an ICE server has an empty URL';
  const stun = urls.every((u) => u.startsWith('stun:') || u.startsWith('stuns:'));
  const turn = urls.every((u) => u.startsWith('turn:') || u.startsWith('turns:'));
  if (!stun && !turn) return `URLs ${JSON.stringify(urls)} are not all STUN or all TURN`;
  return undefined;
}
