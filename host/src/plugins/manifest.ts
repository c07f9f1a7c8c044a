import { existsSync, readFileSync } from 'node:fs';
import { isAbsolute, join, resolve } from 'node:path';
import type { PluginManifest } from '@mattermost/types/plugins';
import { z } from 'zod';

const settingSchema = z.object({
  key: z.string().min(1).max(128),
  display_name: z.string().optional(),
  type: z.string(),
  help_text: z.unknown().optional(),
  placeholder: z.string().optional(),
  default: z.unknown().optional(),
  options: z.array(z.object({ display_name: z.string(), value: z.string() })).optional(),
}).loose();

const manifestSchema = z.object({
  id: z.string().regex(/^[a-zA-Z0-9-_.]{3,190}$/, 'plugin ids use letters, digits, ".", "-" and "_"'),
  name: z.string().min(1),
  version: z.string().min(1),
  description: z.string().optional(),
  min_server_version: z.string().optional(),
  server: z.object({ executable: z.string().min(1) }).loose().optional(),
  webapp: z.object({ bundle_path: z.string().min(1) }).loose().optional(),
  settings_schema: z
    .object({
      header: z.string().optional(),
      footer: z.string().optional(),
      settings: z.array(settingSchema).optional(),
      sections: z.array(z.object({ key: z.string(), settings: z.array(settingSchema) }).loose()).optional(),
    })
    .loose()
    .optional(),
  props: z.record(z.string(), z.unknown()).optional(),
}).loose();

export type PluginSettingDef = z.infer<typeof settingSchema>;

export interface LoadedManifest {
  manifest: PluginManifest;
  /** The directory holding plugin.json; relative paths in the manifest are resolved against it. */
  dir: string;
  /** Absolute path of the server executable, when the manifest has one and it exists. */
  executable?: string;
  /** Absolute path of the webapp bundle, when the manifest has one and it exists. */
  bundle?: string;
  /** Problems worth a warning (an unbuilt executable or bundle). */
  warnings: string[];
}

export class ManifestError extends Error {}

/** Reads and validates `<dir>/plugin.json`. Missing build outputs are warnings, not errors. */
export function loadManifest(dirOrFile: string): LoadedManifest {
  const file = dirOrFile.endsWith('.json') ? resolve(dirOrFile) : join(resolve(dirOrFile), 'plugin.json');
  const dir = resolve(file, '..');
  if (!existsSync(file)) throw new ManifestError(`no plugin manifest at ${file}`);
  let raw: unknown;
  try {
    raw = JSON.parse(readFileSync(file, 'utf8'));
  } catch (err) {
    throw new ManifestError(`${file}: invalid JSON (${(err as Error).message})`);
  }
  const parsed = manifestSchema.safeParse(raw);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new ManifestError(`${file}: ${issue ? `${issue.path.join('.')}: ${issue.message}` : 'invalid manifest'}`);
  }
  const manifest = parsed.data as unknown as PluginManifest;
  const warnings: string[] = [];
  const abs = (p: string) => (isAbsolute(p) ? p : join(dir, p));
  let executable: string | undefined;
  if (manifest.server?.executable) {
    executable = abs(manifest.server.executable);
    if (!existsSync(executable)) {
      warnings.push(`server executable ${executable} does not exist (not built yet? run npm run build)`);
      executable = undefined;
    }
  }
  let bundle: string | undefined;
  if (manifest.webapp?.bundle_path) {
    bundle = abs(manifest.webapp.bundle_path);
    if (!existsSync(bundle)) {
      warnings.push(`webapp bundle ${bundle} does not exist (not built yet? run npm run build)`);
      bundle = undefined;
    }
  }
  return { manifest, dir, executable, bundle, warnings };
}

/** Every setting of a schema, top-level and in sections. */
export function schemaSettings(manifest: PluginManifest): PluginSettingDef[] {
  const schema = manifest.settings_schema as { settings?: PluginSettingDef[]; sections?: { settings: PluginSettingDef[] }[] } | undefined;
  if (!schema) return [];
  return [...(schema.settings ?? []), ...(schema.sections ?? []).flatMap((s) => s.settings)];
}
