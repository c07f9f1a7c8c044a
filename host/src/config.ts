import { readFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LevelWithSilent } from 'pino';
import { z } from 'zod';

/** Options of `startHost`. Everything is optional; defaults give `npm start`'s behaviour. */
export interface HostOptions {
  /** `:8065`, `127.0.0.1:0`, `[::1]:8065`... Port 0 picks a free port. */
  listenAddress?: string;
  /** The public URL; defaults to http://localhost:<port>. */
  siteUrl?: string;
  sql?: { driver: 'sqlite' | 'postgres'; dataSource: string };
  metrics?: { enable?: boolean; listenAddress?: string; allowedIps?: string[]; bearerToken?: string };
  /** Directories each holding a plugin.json. Default: the repository root (the Calls plugin). */
  pluginDirs?: string[];
  logLevel?: LevelWithSilent;
  enableOpenSignup?: boolean;
  defaultTeam?: { name: string; display_name: string };
  maxApiBodyBytes?: number;
  maxPluginBodyBytes?: number;
  passwordHashCost?: number;
  sessionLengthMs?: number;
  plugin?: {
    hookTimeoutMs?: number;
    activateTimeoutMs?: number;
    restartBackoff?: { initialMs: number; maxMs: number };
    healthCheckIntervalMs?: number;
    execArgv?: string[];
    env?: Record<string, string>;
    /** Copy the plugin processes' stdout/stderr to ours (default: unless logLevel is silent). */
    forwardOutput?: boolean;
  };
  websocket?: { reconnectWindowMs?: number; authTimeoutMs?: number; pingIntervalMs?: number; maxFrameBytes?: number };
  /** Where index.html and the built shell live (default: host/web and host/dist/web). */
  webDir?: string;
  webDistDir?: string;
}

const hostRoot = resolve(dirname(fileURLToPath(import.meta.url)), '..');
export const HOST_ROOT = hostRoot;
export const REPO_ROOT = resolve(hostRoot, '..');

export const DEFAULTS = {
  listenAddress: ':8065',
  metricsListenAddress: ':8067',
  sqliteFile: './data/calls.sqlite',
};

const levelSchema = z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']);
const bool = z.union([z.boolean(), z.enum(['true', 'false']).transform((v) => v === 'true')]);

// The optional JSON config file (MM_CONFIG), in Mattermost's layout.
const fileSchema = z
  .object({
    ServiceSettings: z.object({ ListenAddress: z.string().optional(), SiteURL: z.string().optional(), EnableOpenServer: bool.optional() }).loose().optional(),
    SqlSettings: z.object({ DriverName: z.string().optional(), DataSource: z.string().optional() }).loose().optional(),
    MetricsSettings: z
      .object({ Enable: bool.optional(), ListenAddress: z.string().optional(), AllowedIPs: z.array(z.string()).optional(), BearerToken: z.string().optional() })
      .loose()
      .optional(),
    PluginSettings: z.object({ Directories: z.array(z.string()).optional() }).loose().optional(),
    LogSettings: z.object({ ConsoleLevel: z.string().optional() }).loose().optional(),
  })
  .loose();

export class ConfigError extends Error {}

function driverName(v: string, source: string): 'sqlite' | 'postgres' {
  const d = v.toLowerCase();
  if (d === 'sqlite' || d === 'sqlite3') return 'sqlite';
  if (d === 'postgres' || d === 'postgresql') return 'postgres';
  throw new ConfigError(`${source}: the SQL driver must be "sqlite" or "postgres", not "${v}"`);
}

function level(v: string, source: string): LevelWithSilent {
  const parsed = levelSchema.safeParse(v.toLowerCase());
  if (!parsed.success) throw new ConfigError(`${source}: unknown log level "${v}"`);
  return parsed.data;
}

const list = (v: string) => v.split(',').map((s) => s.trim()).filter(Boolean);

/**
 * Host options from the environment (Mattermost's MM_* names) over an optional JSON config file named
 * by MM_CONFIG. Throws ConfigError with a message naming the bad setting.
 */
export function optionsFromEnv(env: NodeJS.ProcessEnv = process.env): HostOptions {
  const o: HostOptions = {};
  if (env.MM_CONFIG) {
    let raw: unknown;
    try {
      raw = JSON.parse(readFileSync(env.MM_CONFIG, 'utf8'));
    } catch (err) {
      throw new ConfigError(`MM_CONFIG ${env.MM_CONFIG}: ${(err as Error).message}`);
    }
    const parsed = fileSchema.safeParse(raw);
    if (!parsed.success) {
      const i = parsed.error.issues[0];
      throw new ConfigError(`MM_CONFIG ${env.MM_CONFIG}: ${i ? `${i.path.join('.')}: ${i.message}` : 'invalid'}`);
    }
    const f = parsed.data;
    o.listenAddress = f.ServiceSettings?.ListenAddress;
    o.siteUrl = f.ServiceSettings?.SiteURL;
    o.enableOpenSignup = f.ServiceSettings?.EnableOpenServer;
    if (f.SqlSettings?.DriverName || f.SqlSettings?.DataSource) {
      const driver = driverName(f.SqlSettings.DriverName ?? 'sqlite', 'SqlSettings.DriverName');
      o.sql = { driver, dataSource: f.SqlSettings.DataSource ?? (driver === 'sqlite' ? DEFAULTS.sqliteFile : '') };
    }
    const m = f.MetricsSettings;
    if (m) o.metrics = { enable: m.Enable, listenAddress: m.ListenAddress, allowedIps: m.AllowedIPs, bearerToken: m.BearerToken };
    if (f.PluginSettings?.Directories) o.pluginDirs = f.PluginSettings.Directories.map((d) => resolve(dirname(env.MM_CONFIG!), d));
    if (f.LogSettings?.ConsoleLevel) o.logLevel = level(f.LogSettings.ConsoleLevel, 'LogSettings.ConsoleLevel');
  }
  if (env.MM_SERVICESETTINGS_LISTENADDRESS) o.listenAddress = env.MM_SERVICESETTINGS_LISTENADDRESS;
  if (env.MM_SERVICESETTINGS_SITEURL) o.siteUrl = env.MM_SERVICESETTINGS_SITEURL;
  if (env.MM_SERVICESETTINGS_ENABLEOPENSERVER) o.enableOpenSignup = env.MM_SERVICESETTINGS_ENABLEOPENSERVER === 'true';
  if (env.MM_SQLSETTINGS_DRIVERNAME || env.MM_SQLSETTINGS_DATASOURCE) {
    const driver = driverName(env.MM_SQLSETTINGS_DRIVERNAME ?? o.sql?.driver ?? (env.MM_SQLSETTINGS_DATASOURCE?.startsWith('postgres') ? 'postgres' : 'sqlite'), 'MM_SQLSETTINGS_DRIVERNAME');
    const dataSource = env.MM_SQLSETTINGS_DATASOURCE ?? (driver === o.sql?.driver ? o.sql.dataSource : driver === 'sqlite' ? DEFAULTS.sqliteFile : '');
    if (!dataSource) throw new ConfigError('MM_SQLSETTINGS_DATASOURCE: a Postgres connection string is required with the postgres driver');
    o.sql = { driver, dataSource };
  }
  const metrics = { ...o.metrics };
  if (env.MM_METRICSSETTINGS_ENABLE) metrics.enable = env.MM_METRICSSETTINGS_ENABLE === 'true';
  if (env.MM_METRICSSETTINGS_LISTENADDRESS) metrics.listenAddress = env.MM_METRICSSETTINGS_LISTENADDRESS;
  if (env.MM_METRICSSETTINGS_ALLOWEDIPS !== undefined) metrics.allowedIps = list(env.MM_METRICSSETTINGS_ALLOWEDIPS);
  if (env.MM_METRICSSETTINGS_BEARERTOKEN !== undefined) metrics.bearerToken = env.MM_METRICSSETTINGS_BEARERTOKEN;
  o.metrics = metrics;
  if (env.MM_PLUGINSETTINGS_DIRECTORIES !== undefined) o.pluginDirs = list(env.MM_PLUGINSETTINGS_DIRECTORIES).map((d) => resolve(d));
  if (env.MM_LOGSETTINGS_CONSOLELEVEL) o.logLevel = level(env.MM_LOGSETTINGS_CONSOLELEVEL, 'MM_LOGSETTINGS_CONSOLELEVEL');
  return o;
}

/** `:8065` → {port 8065}; `127.0.0.1:0`; `[::1]:8065`; `8065`. */
export function parseListenAddress(addr: string, name: string): { host: string | undefined; port: number } {
  const m = /^(?:(?:\[([^\]]+)\]|([^:[\]]*)):)?(\d+)$/.exec(addr.trim());
  const port = m ? Number(m[3]) : NaN;
  if (!m || !Number.isInteger(port) || port < 0 || port > 65535) {
    throw new ConfigError(`${name}: "${addr}" is not a listen address (use ":8065" or "host:port")`);
  }
  const host = m[1] ?? (m[2] || undefined);
  return { host, port };
}

export const defaultPluginDirs = (): string[] => [join(REPO_ROOT)];
