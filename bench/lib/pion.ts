// The pion yardstick (shared/anchors/pion): pion-sfu and our SFU (bench/pion-harness, the SFU library's
// media path behind the anchor's harness protocol) driven by the same pion-load generator, the SFU pinned to
// core 0 and the generator to core 1 (taskset), one run each per (N subscribers, packets/s). The anchor is
// built from Debian's Go and pion packages by the shared build.sh into a cache directory outside the repo.
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { cpus, homedir } from 'node:os';
import { join } from 'node:path';
import { Managed, REPO } from './stack.js';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export interface YardstickSpec {
  id: string;
  /** The (N, rate) pair, shared by the pion case and ours. */
  label: string;
  sfu: 'pion' | 'ours';
  n: number;
  /** Ingest packets/s; 'saturating' cases offer far more than one core forwards. */
  pps: number;
  saturating: boolean;
}

export interface YardstickResult extends YardstickSpec {
  /** pion-load's figures: ingest × N per CPU-second of the SFU process, and its inverse. */
  forwardedPerCoreSecond: number;
  usPerForwardedPacket: number;
  /** What the subscribers actually received per CPU-second of the SFU (differs from the above once it drops). */
  deliveredPerCoreSecond: number;
  deliveryRatio: number;
  cpuPercent: number;
  ingestPps: number;
  rssMB: number;
  /** The generator's own CPU (% of a core): near 100 it, not the SFU, is the bottleneck. */
  loadCpuPercent: number;
  /** CPU of everything else on the machine over the window (% of one core): above ~20 the figures are noisy. */
  otherLoadPercent: number;
  setupMs: number;
}

/** pion-load's figure counts when the subscribers got (about) everything; at saturation it never does. */
export function yardstickValid(r: YardstickResult): boolean {
  return r.saturating || r.deliveryRatio >= 0.99;
}

export interface Anchor {
  available: boolean;
  dir: string;
  note: string;
}

const BUILD_SH = join(REPO, '..', 'shared', 'anchors', 'pion', 'build.sh');

export function anchorDir(): string {
  return process.env.PION_ANCHOR_DIR ?? join(process.env.XDG_CACHE_HOME ?? join(homedir(), '.cache'), 'calls-ts', 'pion-anchor');
}

/** The anchor's binaries, built if missing (installs Debian's golang-go and pion packages when needed). */
export function ensureAnchor(log: (line: string) => void): Anchor {
  const dir = anchorDir();
  const have = () => existsSync(join(dir, 'pion-sfu')) && existsSync(join(dir, 'pion-load'));
  if (have()) return { available: true, dir, note: `pion anchor from ${dir}` };
  if (!existsSync(BUILD_SH)) return { available: false, dir, note: `pion anchor not built: ${BUILD_SH} is missing (the shared/ folder is not beside the repository)` };
  log(`bench: building the pion anchor into ${dir} (Debian golang-go + golang-github-pion-webrtc.v3-dev; a few minutes the first time)`);
  const r = spawnSync('bash', [BUILD_SH, dir], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'], timeout: 15 * 60_000 });
  if (r.status === 0 && have()) return { available: true, dir, note: `pion anchor built into ${dir}` };
  const why = `${r.stderr ?? ''}${r.stdout ?? ''}`.trim().split('\n').slice(-6).join(' / ');
  return {
    available: false,
    dir,
    note: `pion anchor NOT available: Go or pion could not be installed or built (build.sh exit ${r.status ?? r.signal}; needs root for apt-get and Debian's golang-go and golang-github-pion-webrtc.v3-dev): ${why}`,
  };
}

/** SFU and generator on a core each: needs two cores and taskset (util-linux). */
export function canPin(): boolean {
  return cpus().length >= 2 && existsSync('/usr/bin/taskset');
}

function pinned(core: number, cmd: string, args: string[]): [string, string[]] {
  return canPin() ? ['taskset', ['-c', String(core), cmd, ...args]] : [cmd, args];
}

function startSfu(spec: YardstickSpec, anchor: Anchor, execArgv: string[]): Managed {
  const [cmd, args] =
    spec.sfu === 'pion'
      ? pinned(0, join(anchor.dir, 'pion-sfu'), [])
      : pinned(0, process.execPath, [...execArgv, '--conditions=development', '--import', 'tsx', join(REPO, 'bench', 'pion-harness', 'main.ts')]);
  return new Managed(spec.sfu === 'pion' ? 'pion-sfu' : 'our harness SFU', spawn(cmd, args, { cwd: REPO, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, TSX_TSCONFIG_PATH: join(REPO, 'tsconfig.tsx.json') } }));
}

export interface YardstickOptions {
  warm: number;
  secs: number;
  /** Node flags for our harness SFU (--cpu-prof). */
  execArgv?: string[];
}

export async function measureYardstickCase(spec: YardstickSpec, anchor: Anchor, opts: YardstickOptions): Promise<YardstickResult> {
  if (!anchor.available) throw new Error(anchor.note);
  const sfu = startSfu(spec, anchor, opts.execArgv ?? []);
  try {
    let port = 0;
    await sfu.until('LISTEN', async () => {
      const m = /LISTEN (\d+)/.exec(sfu.output());
      port = m ? Number(m[1]) : 0;
      return port > 0;
    });
    const [cmd, args] = pinned(1, join(anchor.dir, 'pion-load'), [
      '-port', String(port), '-n', String(spec.n), '-pps', String(spec.pps), '-payload', '160',
      '-warm', String(opts.warm), '-secs', String(opts.secs), '-label', spec.id,
    ]);
    const load = new Managed('pion-load', spawn(cmd, args, { stdio: ['ignore', 'pipe', 'pipe'] }));
    const killer = setTimeout(() => load.child.kill('SIGKILL'), (opts.warm + opts.secs + 120) * 1000);
    const code = await load.exited;
    clearTimeout(killer);
    const out = load.output();
    if (code !== 0) throw new Error(`pion-load exited with ${code}:\n${out.slice(-2000)}`);
    const line = out.trim().split('\n').reverse().find((l) => l.startsWith('{'));
    if (!line) throw new Error(`pion-load printed no result:\n${out.slice(-2000)}`);
    const r = JSON.parse(line) as {
      setupMs: number;
      machineBusyPct: number;
      client: { deliveryRatio: number; recvPkts: number; cpuPct: number };
      server: { wall: number; cpuPct: number; forwardedRtpPps: number; forwardedPktsPerCoreSec: number; usPerForwardedPkt: number; ingestPps: number; rssMB: number };
    };
    // From µs per forwarded packet (3 significant digits) rather than cpuPct (one decimal of a percent).
    const cpuSeconds = (r.server.usPerForwardedPkt * r.server.forwardedRtpPps * r.server.wall) / 1e6;
    return {
      ...spec,
      forwardedPerCoreSecond: r.server.forwardedPktsPerCoreSec,
      usPerForwardedPacket: r.server.usPerForwardedPkt,
      deliveredPerCoreSecond: cpuSeconds > 0 ? Math.round(r.client.recvPkts / cpuSeconds) : 0,
      deliveryRatio: r.client.deliveryRatio,
      cpuPercent: r.server.cpuPct,
      ingestPps: r.server.ingestPps,
      rssMB: r.server.rssMB,
      loadCpuPercent: r.client.cpuPct,
      otherLoadPercent: Math.max(0, Math.round((r.machineBusyPct - r.server.cpuPct - r.client.cpuPct) * 10) / 10),
      setupMs: r.setupMs,
    };
  } finally {
    // pion-load sent "exit": the SFU is on its way out (our harness writes its --cpu-prof profile then).
    await Promise.race([sfu.exited, sleep(5000)]);
    await sfu.stop();
  }
}
