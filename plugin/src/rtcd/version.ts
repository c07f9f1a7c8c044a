// The rtcd compatibility gate: rtcd's `/version` buildVersion must be at least the manifest's
// `props.min_rtcd_version` (semver). Development builds ("", "master", "dev*") always pass, as in the reference.
/** The reference plugin's value, used when plugin.json has none. */
export const DEFAULT_MIN_RTCD_VERSION = 'v0.17.0';
/** The sessions API (`GET /calls/{id}/sessions`) exists from this rtcd version on. */
export const SESSIONS_API_MIN_VERSION = 'v1.0.0';

interface SemVer {
  major: number;
  minor: number;
  patch: number;
  pre: string[];
}

export function parseSemver(v: string): SemVer | undefined {
  const m = /^v?(\d+)\.(\d+)\.(\d+)(?:-([0-9A-Za-z.-]+))?(?:\+[0-9A-Za-z.-]+)?$/.exec(v.trim());
  if (!m) return undefined;
  return { major: Number(m[1]), minor: Number(m[2]), patch: Number(m[3]), pre: m[4] ? m[4].split('.') : [] };
}

function comparePre(a: string[], b: string[]): number {
  // A release ranks above its pre-releases (1.0.0-rc.1 < 1.0.0).
  if (!a.length || !b.length) return (a.length ? -1 : 0) + (b.length ? 1 : 0);
  for (let i = 0; i < Math.max(a.length, b.length); i++) {
    const x = a[i];
    const y = b[i];
    if (x === undefined) return -1;
    if (y === undefined) return 1;
    const nx = /^\d+$/.test(x) ? Number(x) : NaN;
    const ny = /^\d+$/.test(y) ? Number(y) : NaN;
    if (!Number.isNaN(nx) && !Number.isNaN(ny)) {
      if (nx !== ny) return nx < ny ? -1 : 1;
    } else if (x !== y) {
      if (!Number.isNaN(nx)) return -1;
      if (!Number.isNaN(ny)) return 1;
      return x < y ? -1 : 1;
    }
  }
  return 0;
}

export function compareSemver(a: SemVer, b: SemVer): number {
  for (const k of ['major', 'minor', 'patch'] as const) if (a[k] !== b[k]) return a[k] < b[k] ? -1 : 1;
  return comparePre(a.pre, b.pre);
}

export function isDevBuild(buildVersion: string): boolean {
  return buildVersion === '' || buildVersion === 'master' || buildVersion.startsWith('dev');
}

/** Throws a clear error when `buildVersion` is below `min` (dev builds pass). */
export function checkMinVersion(min: string, buildVersion: string): void {
  if (isDevBuild(buildVersion)) return;
  const want = parseSemver(min);
  if (!want) throw new Error(`invalid minimum rtcd version "${min}"`);
  const have = parseSemver(buildVersion);
  if (!have) throw new Error(`rtcd reports an unparsable version "${buildVersion.slice(0, 64)}"`);
  if (compareSemver(have, want) < 0) {
    throw new Error(`rtcd version ${buildVersion} is older than the minimum supported ${min}`);
  }
}

/** `props.min_rtcd_version` of the plugin manifest, or the reference's value when it has none. */
export function minRtcdVersionOf(manifest: { props?: { min_rtcd_version?: unknown } } | undefined): string {
  const v = manifest?.props?.min_rtcd_version;
  return typeof v === 'string' && v ? v : DEFAULT_MIN_RTCD_VERSION;
}
