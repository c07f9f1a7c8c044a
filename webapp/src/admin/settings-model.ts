// The Calls settings form as data: the schema's sections and fields (typed), initial values from what is
// stored (Mattermost lower-cases stored keys), the Calls rules checked before saving (the server checks them
// again and its message is shown), and the patch that is sent. Pure, unit-tested.

export interface SchemaSetting {
  key: string;
  display_name?: string;
  type: string;
  help_text?: unknown;
  placeholder?: string;
  default?: unknown;
  secret?: boolean;
  hosting?: string;
  options?: { display_name: string; value: string }[];
}

export interface SchemaSection {
  key: string;
  title?: string;
  subtitle?: string;
  settings: SchemaSetting[];
}

export type FieldKind = 'toggle' | 'test-mode' | 'number' | 'text' | 'secret' | 'json' | 'choice';

export interface Field {
  key: string;
  label: string;
  help: string;
  kind: FieldKind;
  placeholder: string;
  options: { label: string; value: string }[];
}

export interface Section {
  key: string;
  title: string;
  subtitle: string;
  fields: Field[];
}

export type Values = Record<string, string | boolean>;

function help(h: unknown): string {
  if (typeof h === 'string') return h;
  if (h && typeof h === 'object' && typeof (h as { defaultMessage?: unknown }).defaultMessage === 'string') return (h as { defaultMessage: string }).defaultMessage;
  return '';
}

function kindOf(s: SchemaSetting): FieldKind {
  if (s.key === 'DefaultEnabled') return 'test-mode';
  if (s.type === 'bool') return 'toggle';
  if (s.type === 'number') return 'number';
  if (s.type === 'longtext') return 'json';
  if (s.type === 'dropdown' || s.type === 'radio') return 'choice';
  return s.secret ? 'secret' : 'text';
}

export function sectionsOf(schema: { sections?: SchemaSection[]; settings?: SchemaSetting[] } | undefined): Section[] {
  const raw: SchemaSection[] = schema?.sections?.length ? schema.sections : [{ key: '', settings: schema?.settings ?? [] }];
  return raw
    .map((sec) => ({
      key: sec.key,
      title: sec.title ?? '',
      subtitle: sec.subtitle ?? '',
      fields: (sec.settings ?? [])
        .filter((s) => s && typeof s.key === 'string' && s.key && s.hosting !== 'cloud')
        .map((s) => ({
          key: s.key,
          label: s.key === 'DefaultEnabled' ? 'Test mode' : s.display_name || s.key,
          help:
            s.key === 'DefaultEnabled'
              ? 'When on, only system admins can start calls in channels (they can still be turned on per channel). Turn it off to let everyone start calls.'
              : help(s.help_text),
          kind: kindOf(s),
          placeholder: s.placeholder ?? '',
          options: (s.options ?? []).map((o) => ({ label: o.display_name, value: o.value })),
        })),
    }))
    .filter((sec) => sec.fields.length > 0);
}

function lookup(stored: Record<string, unknown>, key: string): unknown {
  if (key in stored) return stored[key];
  const lower = key.toLowerCase();
  for (const [k, v] of Object.entries(stored)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

function defaultsOf(schema: { sections?: SchemaSection[]; settings?: SchemaSetting[] } | undefined): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const sec of schema?.sections ?? []) for (const s of sec.settings ?? []) out[s.key] = s.default;
  for (const s of schema?.settings ?? []) if (!(s.key in out)) out[s.key] = s.default;
  return out;
}

/** Form values: booleans for toggles, strings for the rest (numbers are edited as text). */
export function initialValues(sections: Section[], stored: Record<string, unknown>, schema?: { sections?: SchemaSection[]; settings?: SchemaSetting[] }): Values {
  const defaults = defaultsOf(schema);
  const out: Values = {};
  for (const f of sections.flatMap((s) => s.fields)) {
    let v = lookup(stored, f.key);
    if (v === undefined || v === null) v = defaults[f.key];
    if (f.kind === 'toggle' || f.kind === 'test-mode') out[f.key] = v === true || v === 'true';
    else if (f.kind === 'json' && v !== undefined && v !== null && typeof v !== 'string') out[f.key] = JSON.stringify(v);
    else out[f.key] = v === undefined || v === null ? '' : String(v);
  }
  return out;
}

const PORT_MIN = 80;
const PORT_MAX = 49151;
const IPV4 = /^(25[0-5]|2[0-4]\d|1?\d?\d)(\.(25[0-5]|2[0-4]\d|1?\d?\d)){3}$/;
const IPV6 = /^[0-9a-f:]+$/i;

function isIP(s: string): boolean {
  return IPV4.test(s) || (s.includes(':') && IPV6.test(s));
}

function intIn(v: string, label: string, min: number, max = Number.MAX_SAFE_INTEGER, extra = ''): string {
  if (!/^-?\d+$/.test(v.trim())) return `${label} must be a whole number.`;
  const n = Number(v);
  if (n < min || n > max) return max === Number.MAX_SAFE_INTEGER ? `${label} must be ${min} or more${extra}.` : `${label} must be between ${min} and ${max}${extra}.`;
  return '';
}

/** The ICE servers JSON: an array of {urls: [stun:|turn: URLs], username?, credential?}. */
export function checkIceServers(text: string): string {
  if (text.trim() === '') return '';
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch (err) {
    return `Not valid JSON: ${(err as Error).message}`;
  }
  if (!Array.isArray(value)) return 'Must be a JSON array, e.g. [{"urls":["stun:stun.example.com:3478"]}].';
  for (let i = 0; i < value.length; i++) {
    const e = value[i] as Record<string, unknown> | null;
    const urls = typeof e?.urls === 'string' ? [e.urls] : e?.urls;
    if (!Array.isArray(urls) || urls.length === 0 || !urls.every((u) => typeof u === 'string' && /^(stuns?|turns?):\S+$/i.test(u))) {
      return `Entry ${i + 1}: "urls" must list stun:, stuns:, turn: or turns: URLs.`;
    }
    for (const k of ['username', 'credential']) if (e?.[k] !== undefined && typeof e[k] !== 'string') return `Entry ${i + 1}: "${k}" must be a string.`;
  }
  return '';
}

/** The Calls rules for one field ('' when valid). */
export function validateField(key: string, v: string | boolean, all: Values): string {
  if (typeof v === 'boolean') return '';
  const s = v.trim();
  switch (key) {
    case 'MaxCallParticipants':
      return s === '' ? '' : intIn(s, 'Max call participants', 0, Number.MAX_SAFE_INTEGER, ' (0 means unlimited)');
    case 'UDPServerPort':
    case 'TCPServerPort':
      return intIn(s, 'The port', PORT_MIN, PORT_MAX);
    case 'ICEHostPortOverride':
      if (s === '' || s === '0') return '';
      return intIn(s, 'The port', PORT_MIN, PORT_MAX, ' (or 0 for none)');
    case 'TURNCredentialsExpirationMinutes': {
      const e = intIn(s, 'The expiration', 0);
      if (e) return e;
      if (all.ServerSideTURN === true && String(all.TURNStaticAuthSecret ?? '') !== '' && Number(s) >= 10080) return 'Must be less than one week (10080 minutes) with server side TURN.';
      return '';
    }
    case 'UDPServerAddress':
    case 'TCPServerAddress':
      return s === '' || isIP(s) ? '' : `"${s}" is not an IP address.`;
    case 'RTCDServiceURL': {
      if (s === '') return '';
      let u: URL;
      try {
        u = new URL(s);
      } catch {
        return `"${s}" is not a URL.`;
      }
      if (u.protocol !== 'http:' && u.protocol !== 'https:') return 'The URL must start with http:// or https://.';
      if (!u.port && !/:\d+(\/|$)/.test(s.replace(/^[a-z]+:\/\/[^@/]*@/i, ''))) return 'The URL must include a port, e.g. http://rtcd:8045.';
      return '';
    }
    case 'ICEServersConfigs':
      return checkIceServers(s);
    default:
      return '';
  }
}

export function validateAll(sections: Section[], values: Values): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const f of sections.flatMap((x) => x.fields)) {
    const e = validateField(f.key, values[f.key] ?? '', values);
    if (e) errors[f.key] = e;
  }
  return errors;
}

/** What changed, typed for storage (numbers as numbers, '' number → null = the default). */
export function patchOf(sections: Section[], initial: Values, values: Values): Record<string, unknown> {
  const patch: Record<string, unknown> = {};
  for (const f of sections.flatMap((x) => x.fields)) {
    const v = values[f.key];
    if (v === initial[f.key]) continue;
    if (f.kind === 'number') patch[f.key] = typeof v === 'string' && v.trim() !== '' ? Number(v) : null;
    else patch[f.key] = v;
  }
  return patch;
}
