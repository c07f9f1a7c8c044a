// lt's command line: the reference tool's flags (Go `flag` style: `-name value`, `-name=value`, `--name`
// too; booleans as `-setup` / `-setup=false`), plus ours (`--json`, `-metrics-url`, `-ice-address`,
// `-screen-file`, `-progress`). Validated into a typed config; bad input is a LtUsageError naming it.
import { fileURLToPath } from 'node:url';

export class LtUsageError extends Error {
  constructor(
    message: string,
    /** -help: the usage was asked for (exit 0), not a mistake (exit 2). */
    readonly help = false,
  ) {
    super(message);
    this.name = 'LtUsageError';
  }
}

export interface LtConfig {
  url: string;
  team: string;
  channel: string;
  calls: number;
  usersPerCall: number;
  unmuted: number;
  screenSharing: number;
  durationMs: number;
  joinDurationMs: number;
  setup: boolean;
  adminUsername: string;
  adminPassword: string;
  userPrefix: string;
  userPassword: string;
  offset: number;
  speechFile: string;
  screenFile: string;
  /** Media server metrics endpoints (Prometheus text): rtcd's /metrics, or the plugin's; empty: found at run time. */
  metricsUrls: string[];
  /** Local address of the simulated users' peers. */
  iceAddress: string;
  json: string;
  progress: boolean;
}

const SAMPLES = fileURLToPath(new URL('../samples/', import.meta.url));

type Kind = 'string' | 'int' | 'bool' | 'duration';
interface FlagDef {
  key: keyof LtConfig;
  kind: Kind;
  help: string;
  def: string;
}

export const FLAGS: Record<string, FlagDef> = {
  url: { key: 'url', kind: 'string', def: 'http://localhost:8065', help: 'site URL of the chat server' },
  team: { key: 'team', kind: 'string', def: '', help: 'team ID in which to find or create the channels' },
  channel: { key: 'channel', kind: 'string', def: '', help: 'a single channel ID (then -calls must be 1)' },
  calls: { key: 'calls', kind: 'int', def: '1', help: 'number of calls' },
  'users-per-call': { key: 'usersPerCall', kind: 'int', def: '1', help: 'participants per call' },
  unmuted: { key: 'unmuted', kind: 'int', def: '0', help: 'unmuted users per call (speech at ~80 kbps)' },
  'screen-sharing': { key: 'screenSharing', kind: 'int', def: '0', help: 'number of calls with a screen sharer (VP8 at ~1.6 Mbps)' },
  duration: { key: 'durationMs', kind: 'duration', def: '1m', help: 'total test duration' },
  'join-duration': { key: 'joinDurationMs', kind: 'duration', def: '30s', help: 'window over which joins are spread' },
  setup: { key: 'setup', kind: 'bool', def: 'true', help: 'as the admin: create users, team, channels and memberships, and turn calls on in the channels' },
  'admin-username': { key: 'adminUsername', kind: 'string', def: 'sysadmin', help: 'admin login (setup)' },
  'admin-password': { key: 'adminPassword', kind: 'string', def: 'Sys@dmin-sample1', help: 'admin password (setup)' },
  'user-prefix': { key: 'userPrefix', kind: 'string', def: 'testuser-', help: 'username prefix of the simulated users' },
  'user-password': { key: 'userPassword', kind: 'string', def: 'testPass123$', help: 'password of the simulated users' },
  offset: { key: 'offset', kind: 'int', def: '0', help: 'starting index for user numbers' },
  'speech-file': { key: 'speechFile', kind: 'string', def: `${SAMPLES}speech_0.ogg`, help: 'Ogg/Opus speech sample (its .levels file beside it)' },
  'screen-file': { key: 'screenFile', kind: 'string', def: `${SAMPLES}screen_h.ivf`, help: 'IVF/VP8 screen sample' },
  'metrics-url': {
    key: 'metricsUrls',
    kind: 'string',
    def: '',
    help: "media server metrics endpoint(s), comma-separated (default: rtcd's /metrics when the plugin uses rtcd and -setup shows it, else the plugin's on the site host's :8067)",
  },
  'ice-address': { key: 'iceAddress', kind: 'string', def: '', help: "local IPv4 address of the users' peers (default: 127.0.0.1 for a loopback site, else the first external one)" },
  json: { key: 'json', kind: 'string', def: '', help: 'also write the results as JSON to this file (-: to stdout, the tables then go to stderr)' },
  progress: { key: 'progress', kind: 'bool', def: 'true', help: 'progress bar on stderr (-progress=false: none)' },
};

export function parseDuration(s: string): number {
  if (/^\d+$/.test(s)) return Number(s) * 1000;
  const re = /(\d+(?:\.\d+)?)(ms|s|m|h)/gy;
  let total = 0;
  let m: RegExpExecArray | null;
  let at = 0;
  while ((m = re.exec(s))) {
    total += Number(m[1]) * { ms: 1, s: 1000, m: 60_000, h: 3_600_000 }[m[2] as 'ms' | 's' | 'm' | 'h'];
    at = re.lastIndex;
  }
  if (!s || at !== s.length) throw new LtUsageError(`invalid duration "${s}" (examples: 90s, 1m30s, 500ms)`);
  return total;
}

function convert(name: string, def: FlagDef, raw: string): unknown {
  switch (def.kind) {
    case 'string':
      return def.key === 'metricsUrls' ? raw.split(',').map((x) => x.trim()).filter(Boolean) : raw;
    case 'int': {
      if (!/^-?\d+$/.test(raw)) throw new LtUsageError(`-${name}: "${raw}" is not an integer`);
      return Number(raw);
    }
    case 'bool':
      if (!['true', 'false', '1', '0'].includes(raw)) throw new LtUsageError(`-${name}: "${raw}" is not a boolean`);
      return raw === 'true' || raw === '1';
    case 'duration':
      return parseDuration(raw);
  }
}

export function usage(): string {
  const lines = ['usage: npm run lt -- [flags]', ''];
  for (const [name, d] of Object.entries(FLAGS)) lines.push(`  -${name.padEnd(16)} ${d.help}${d.def ? ` (default ${d.def})` : ''}`);
  return lines.join('\n');
}

/** Parses argv (without node and the script) into a validated config. */
export function parseFlags(argv: string[]): LtConfig {
  const cfg: Record<string, unknown> = {};
  for (const [name, d] of Object.entries(FLAGS)) cfg[d.key] = convert(name, d, d.def);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    const m = /^--?([a-z][a-z-]*)(?:=(.*))?$/.exec(arg);
    if (!m) throw new LtUsageError(`unexpected argument "${arg}"`);
    const name = m[1]!;
    if (name === 'help' || name === 'h') throw new LtUsageError(usage(), true);
    const def = FLAGS[name];
    if (!def) throw new LtUsageError(`unknown flag -${name}\n\n${usage()}`);
    let value = m[2];
    if (value === undefined) {
      if (def.kind === 'bool') value = 'true';
      else {
        value = argv[++i];
        if (value === undefined) throw new LtUsageError(`-${name} needs a value`);
      }
    }
    cfg[def.key] = convert(name, def, value);
  }
  return validate(cfg as unknown as LtConfig);
}

function validate(c: LtConfig): LtConfig {
  let url: URL;
  try {
    url = new URL(c.url);
  } catch {
    throw new LtUsageError(`-url: "${c.url}" is not a URL`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') throw new LtUsageError('-url must be http(s)');
  c.url = c.url.replace(/\/+$/, '');
  if (c.calls < 1) throw new LtUsageError('-calls must be at least 1');
  if (c.usersPerCall < 1) throw new LtUsageError('-users-per-call must be at least 1');
  if (c.calls * c.usersPerCall > 5000) throw new LtUsageError('at most 5000 simulated users per agent (run several agents with -offset)');
  if (c.unmuted < 0 || c.unmuted > c.usersPerCall) throw new LtUsageError('-unmuted must be between 0 and -users-per-call');
  if (c.screenSharing < 0 || c.screenSharing > c.calls) throw new LtUsageError('-screen-sharing must be between 0 and -calls');
  if (c.offset < 0) throw new LtUsageError('-offset must not be negative');
  if (c.channel && c.calls !== 1) throw new LtUsageError('-channel requires -calls 1');
  if (!c.setup && (!c.team || !c.channel)) throw new LtUsageError('-setup=false requires both -team and -channel');
  if (c.durationMs <= 0) throw new LtUsageError('-duration must be positive');
  if (c.joinDurationMs < 0 || c.joinDurationMs >= c.durationMs) throw new LtUsageError('-join-duration must be shorter than -duration');
  for (const m of c.metricsUrls) {
    try {
      new URL(m);
    } catch {
      throw new LtUsageError(`-metrics-url: "${m}" is not a URL`);
    }
  }
  return c;
}
