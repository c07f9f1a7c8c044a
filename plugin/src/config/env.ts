// MM_CALLS_* environment overrides: every configuration field `Foo` can be set by `MM_CALLS_<UPPER_SNAKE(Foo)>`
// (RTCDServiceURL → MM_CALLS_RTCD_SERVICE_URL), with the reference's two deprecated aliases. The applied
// overrides are what GET /env lists. A value that does not parse is a ConfigError naming the variable:
// silently ignoring it would leave an operator guessing why the setting has no effect.
import { FIELDS, readField, type CallsConfig } from './config.js';

export type EnvOverrides = Record<string, string>;

export const ENV_PREFIX = 'MM_CALLS_';

/** CamelCase → UPPER_SNAKE, as the reference: RTCDServiceURL → RTCD_SERVICE_URL, ICEHostOverride → ICE_HOST_OVERRIDE. */
export function fieldNameToEnvKey(field: string): string {
  return field
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .replace(/([A-Z])([A-Z][a-z])/g, '$1_$2')
    .toUpperCase();
}

export function envVarFor(field: keyof CallsConfig): string {
  return ENV_PREFIX + fieldNameToEnvKey(field);
}

/** Applies the overrides to `config` in place and returns field → raw env value. */
export function applyEnvOverrides(config: CallsConfig, env: NodeJS.ProcessEnv): EnvOverrides {
  const applied: EnvOverrides = {};
  const target = config as unknown as Record<string, unknown>;
  for (const [field, kind] of Object.entries(FIELDS) as [keyof CallsConfig, (typeof FIELDS)[keyof CallsConfig]][]) {
    const name = envVarFor(field);
    const raw = env[name];
    if (raw === undefined) continue;
    target[field] = readField(kind, raw, name);
    applied[field] = raw;
  }
  // Deprecated since the reference's v1.8.0, still honoured when the canonical variable is absent.
  const legacyUrl = env.MM_CALLS_RTCD_URL;
  if (applied.RTCDServiceURL === undefined && legacyUrl) {
    config.RTCDServiceURL = legacyUrl.trim();
    applied.RTCDServiceURL = legacyUrl;
  }
  const legacyMax = env.MM_CALLS_MAX_PARTICIPANTS;
  if (applied.MaxCallParticipants === undefined && legacyMax) {
    config.MaxCallParticipants = readField('int', legacyMax, 'MM_CALLS_MAX_PARTICIPANTS') as number;
    applied.MaxCallParticipants = legacyMax;
  }
  return applied;
}
