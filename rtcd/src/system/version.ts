// GET /version. The Calls plugin refuses an rtcd whose buildVersion is below its min_rtcd_version (v0.17.0)
// and uses the sessions API only from v1.0.0: we implement the v1 API, so while our package is still 0.x
// the reported major is 1 and minor.patch follow the package (0.1.0 → v1.1.0). packageVersion is exact.
import { readFileSync } from 'node:fs';

export interface VersionInfo {
  buildDate: string;
  buildVersion: string;
  buildHash: string;
  goVersion: string;
  goOS: string;
  goArch: string;
  packageVersion: string;
  nodeVersion: string;
}

function packageVersion(): string {
  const pkg = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: string };
  return pkg.version ?? '0.0.0';
}

export function getVersionInfo(): VersionInfo {
  const version = packageVersion();
  const [major = 0, minor = 0, patch = 0] = version.split(/[.+-]/).map((n) => Number.parseInt(n, 10) || 0);
  return {
    buildDate: process.env.RTCD_BUILD_DATE ?? '',
    buildVersion: `v${Math.max(1, major)}.${minor}.${patch}`,
    buildHash: process.env.RTCD_BUILD_HASH ?? '',
    // The reference reports its Go toolchain here; we report the runtime that plays that role.
    goVersion: `node${process.versions.node}`,
    goOS: process.platform,
    goArch: process.arch === 'x64' ? 'amd64' : process.arch,
    packageVersion: version,
    nodeVersion: process.version,
  };
}
