// The Calls manifest (repository root plugin.json): id, version and props the plugin reports and checks.
import { readFileSync } from 'node:fs';

export interface CallsManifest {
  id: string;
  version: string;
  props?: { min_rtcd_version?: string };
}

/** plugin/src and plugin/dist are both two levels below the manifest. */
export const MANIFEST_URL = new URL('../../plugin.json', import.meta.url);

export function readManifest(): CallsManifest {
  return JSON.parse(readFileSync(MANIFEST_URL, 'utf8')) as CallsManifest;
}
