// The Calls configuration: the settings of plugin.json (Go field names, as the reference's /config JSON and
// MM_CALLS_* variables spell them), their defaults, and validation with messages that name the setting.
// The host stores what the admin saved; `parseConfig` turns that (plus env overrides) into a CallsConfig
// or throws ConfigError, which makes the host refuse the change (OnConfigurationChange).
import { isIP } from 'node:net';
import type { PluginConfig } from '@calls-ts/host/plugin-rpc';
import { applyEnvOverrides, type EnvOverrides } from './env.js';

export interface ICEServerConfig {
  urls: string[];
  username?: string;
  credential?: string;
}

export interface CallsConfig {
  // General
  DefaultEnabled: boolean;
  MaxCallParticipants: number;
  AllowScreenSharing: boolean;
  EnableSimulcast: boolean;
  EnableRinging: boolean;
  EnableAV1: boolean;
  EnableDCSignaling: boolean;
  EnableVideo: boolean;
  // RTCD service
  RTCDServiceURL: string;
  // RTC server (embedded)
  UDPServerAddress: string;
  TCPServerAddress: string;
  UDPServerPort: number;
  TCPServerPort: number;
  EnableIPv6: boolean;
  // ICE and TURN
  ICEHostOverride: string;
  /** undefined: no override. */
  ICEHostPortOverride: number | undefined;
  ICEServersConfigs: ICEServerConfig[];
  /** Deprecated comma-separated URL list (env MM_CALLS_ICE_SERVERS only), merged in as one extra entry. */
  ICEServers: string[];
  TURNStaticAuthSecret: string;
  TURNCredentialsExpirationMinutes: number;
  ServerSideTURN: boolean;
}

export type FieldKind = 'bool' | 'int' | 'string' | 'iceServers' | 'stringList';

/** Every field, with how a raw value (stored setting or env string) is read. */
export const FIELDS: Record<keyof CallsConfig, FieldKind> = {
  DefaultEnabled: 'bool',
  MaxCallParticipants: 'int',
  AllowScreenSharing: 'bool',
  EnableSimulcast: 'bool',
  EnableRinging: 'bool',
  EnableAV1: 'bool',
  EnableDCSignaling: 'bool',
  EnableVideo: 'bool',
  RTCDServiceURL: 'string',
  UDPServerAddress: 'string',
  TCPServerAddress: 'string',
  UDPServerPort: 'int',
  TCPServerPort: 'int',
  EnableIPv6: 'bool',
  ICEHostOverride: 'string',
  ICEHostPortOverride: 'int',
  ICEServersConfigs: 'iceServers',
  ICEServers: 'stringList',
  TURNStaticAuthSecret: 'string',
  TURNCredentialsExpirationMinutes: 'int',
  ServerSideTURN: 'bool',
};

export const DEFAULT_ICE_SERVERS: ICEServerConfig[] = [{ urls: ['stun:stun.global.calls.mattermost.com:3478'] }];

/** The reference's SetDefaults (DefaultEnabled has no manifest default: false, i.e. test mode on). */
export function defaultConfig(): CallsConfig {
  return {
    DefaultEnabled: false,
    MaxCallParticipants: 0,
    AllowScreenSharing: true,
    EnableSimulcast: false,
    EnableRinging: false,
    EnableAV1: false,
    EnableDCSignaling: false,
    EnableVideo: false,
    RTCDServiceURL: '',
    UDPServerAddress: '',
    TCPServerAddress: '',
    UDPServerPort: 8443,
    TCPServerPort: 8443,
    EnableIPv6: false,
    ICEHostOverride: '',
    ICEHostPortOverride: undefined,
    ICEServersConfigs: structuredClone(DEFAULT_ICE_SERVERS),
    ICEServers: [],
    TURNStaticAuthSecret: '',
    TURNCredentialsExpirationMinutes: 240,
    ServerSideTURN: false,
  };
}

export class ConfigError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ConfigError';
  }
}

const MIN_PORT = 80;
const MAX_PORT = 49151;

/** Reads one raw value into its field type; throws ConfigError naming `source`. */
export function readField(kind: FieldKind, raw: unknown, source: string): unknown {
  const fail = (expected: string): never => {
    throw new ConfigError(`${source}: ${JSON.stringify(raw)?.slice(0, 200)} is not ${expected}`);
  };
  switch (kind) {
    case 'bool':
      if (typeof raw === 'boolean') return raw;
      if (typeof raw === 'string' && /^(true|false|1|0)$/i.test(raw.trim())) return /^(true|1)$/i.test(raw.trim());
      return fail('true or false');
    case 'int': {
      const n = typeof raw === 'string' && raw.trim() !== '' ? Number(raw.trim()) : raw;
      if (typeof n === 'number' && Number.isInteger(n)) return n;
      return fail('an integer');
    }
    case 'string':
      if (typeof raw === 'string') return raw.trim();
      if (typeof raw === 'number' || typeof raw === 'boolean') return String(raw);
      return fail('a string');
    case 'stringList':
      if (Array.isArray(raw) && raw.every((s) => typeof s === 'string')) return raw.map((s: string) => s.trim()).filter(Boolean);
      if (typeof raw === 'string') return raw.split(',').map((s) => s.trim()).filter(Boolean);
      return fail('a comma-separated list');
    case 'iceServers':
      return readIceServers(raw, source);
  }
}

function readIceServers(raw: unknown, source: string): ICEServerConfig[] {
  let value = raw;
  if (typeof raw === 'string') {
    if (raw.trim() === '') return [];
    try {
      value = JSON.parse(raw);
    } catch (err) {
      throw new ConfigError(`${source}: not valid JSON (${(err as Error).message})`);
    }
  }
  if (!Array.isArray(value)) throw new ConfigError(`${source}: must be a JSON array of {urls, username?, credential?}`);
  return value.map((entry: unknown, i) => {
    const e = entry as Record<string, unknown> | null;
    const urls = typeof e?.urls === 'string' ? [e.urls] : e?.urls;
    if (!Array.isArray(urls) || urls.length === 0 || !urls.every((u) => typeof u === 'string' && /^(stuns?|turns?):\S+$/i.test(u))) {
      throw new ConfigError(`${source}[${i}].urls: must be a non-empty list of stun:, stuns:, turn: or turns: URLs`);
    }
    for (const k of ['username', 'credential'] as const) {
      if (e?.[k] !== undefined && typeof e[k] !== 'string') throw new ConfigError(`${source}[${i}].${k}: must be a string`);
    }
    const out: ICEServerConfig = { urls: urls as string[] };
    if (typeof e?.username === 'string' && e.username !== '') out.username = e.username;
    if (typeof e?.credential === 'string' && e.credential !== '') out.credential = e.credential;
    return out;
  });
}

function checkPort(name: string, port: number): void {
  if (port < MIN_PORT || port > MAX_PORT) {
    throw new ConfigError(`${name} is not valid: ${port} is not in allowed range [${MIN_PORT}, ${MAX_PORT}]`);
  }
}

/** The reference's IsValid, minus recordings/transcriptions (not in this stage). */
export function validateConfig(c: CallsConfig): CallsConfig {
  if (c.UDPServerAddress !== '' && isIP(c.UDPServerAddress) === 0) throw new ConfigError(`UDPServerAddress: "${c.UDPServerAddress}" is not an IP address`);
  if (c.TCPServerAddress !== '' && isIP(c.TCPServerAddress) === 0) throw new ConfigError(`TCPServerAddress: "${c.TCPServerAddress}" is not an IP address`);
  checkPort('UDPServerPort', c.UDPServerPort);
  checkPort('TCPServerPort', c.TCPServerPort);
  if (c.MaxCallParticipants < 0) throw new ConfigError(`MaxCallParticipants is not valid: ${c.MaxCallParticipants} (0 means unlimited)`);
  if (c.TURNCredentialsExpirationMinutes < 0) throw new ConfigError('TURNCredentialsExpirationMinutes is not valid: must be >= 0');
  if (c.ServerSideTURN && c.TURNStaticAuthSecret !== '' && c.TURNCredentialsExpirationMinutes >= 10080) {
    throw new ConfigError('TURNCredentialsExpirationMinutes is not valid: must be less than one week (10080) with ServerSideTURN');
  }
  if (c.ICEHostPortOverride !== undefined && c.ICEHostPortOverride !== 0) checkPort('ICEHostPortOverride', c.ICEHostPortOverride);
  if (c.RTCDServiceURL !== '') {
    let u: URL;
    try {
      u = new URL(c.RTCDServiceURL);
    } catch {
      throw new ConfigError(`RTCDServiceURL: "${c.RTCDServiceURL}" is not a URL`);
    }
    if (u.protocol !== 'http:' && u.protocol !== 'https:') throw new ConfigError('RTCDServiceURL: the scheme must be http or https');
    // The reference resolves host and port separately (net.SplitHostPort): the port is mandatory.
    if (!/^[a-z]+:\/\/(?:[^@/]*@)?(?:\[[^\]]+\]|[^:/]+):\d+/i.test(c.RTCDServiceURL)) {
      throw new ConfigError('RTCDServiceURL: the URL must include a port, e.g. http://rtcd:8045');
    }
  }
  return c;
}

export interface LoadedConfig {
  config: CallsConfig;
  /** Field name → the environment value that overrode it (GET /env). */
  envOverrides: EnvOverrides;
}

/**
 * Stored settings (keys as in plugin.json; unknown keys ignored) over the defaults, then MM_CALLS_*
 * overrides, then validation. Throws ConfigError with a message naming the setting or variable.
 */
export function parseConfig(stored: PluginConfig, env: NodeJS.ProcessEnv = process.env): LoadedConfig {
  const config = defaultConfig();
  const byLower = new Map(Object.keys(FIELDS).map((k) => [k.toLowerCase(), k as keyof CallsConfig]));
  for (const [rawKey, value] of Object.entries(stored)) {
    const key = byLower.get(rawKey.toLowerCase());
    if (!key || value === null || value === undefined) continue;
    // An empty number field in the admin console means "not set".
    if (FIELDS[key] === 'int' && value === '') continue;
    (config as unknown as Record<string, unknown>)[key] = readField(FIELDS[key], value, key);
  }
  const envOverrides = applyEnvOverrides(config, env);
  return { config: validateConfig(config), envOverrides };
}
