// Turns a plugin's `settings_schema` into form sections, and form values into what the config API
// stores. Pure functions, shared by the generated settings page and plugins' own pages.
import type { PluginSetting, PluginSettingSection, PluginSettingsSchema } from '@mattermost/types/plugins';

export type FormSection = {
  key: string;
  title: string;
  subtitle: string;
  header: string;
  footer: string;
  custom: boolean;
  fallback: boolean;
  settings: PluginSetting[];
};

export const FIELD_TYPES = ['bool', 'text', 'longtext', 'number', 'dropdown', 'radio', 'username', 'generated', 'custom'] as const;

/** Sections to render: the schema's `sections` when present (Mattermost ignores the flat list then). */
export function formSections(schema: PluginSettingsSchema | undefined): FormSection[] {
  if (!schema) return [];
  const visible = (s: PluginSetting) => !!s && typeof s.key === 'string' && s.key !== '' && s.hosting !== 'cloud';
  if (Array.isArray(schema.sections) && schema.sections.length) {
    return schema.sections.map((sec: PluginSettingSection) => ({
      key: sec.key,
      title: sec.title ?? '',
      subtitle: sec.subtitle ?? '',
      header: sec.header ?? '',
      footer: sec.footer ?? '',
      custom: !!sec.custom,
      fallback: !!sec.fallback,
      settings: (sec.settings ?? []).filter(visible),
    }));
  }
  return [
    {
      key: '',
      title: '',
      subtitle: '',
      header: schema.header ?? '',
      footer: schema.footer ?? '',
      custom: false,
      fallback: false,
      settings: (schema.settings ?? []).filter(visible),
    },
  ];
}

export function allSettings(schema: PluginSettingsSchema | undefined): PluginSetting[] {
  return formSections(schema).flatMap((s) => s.settings);
}

/** Looks a key up case-insensitively: Mattermost stores plugin settings with lower-cased keys. */
export function lookup(values: Record<string, unknown>, key: string): unknown {
  if (key in values) return values[key];
  const lower = key.toLowerCase();
  for (const [k, v] of Object.entries(values)) if (k.toLowerCase() === lower) return v;
  return undefined;
}

/** The value a field starts with: the stored one, else the schema default, else an empty value of its type. */
export function initialValue(setting: PluginSetting, stored: Record<string, unknown>): unknown {
  const v = lookup(stored, setting.key);
  if (v !== undefined && v !== null) return v;
  if (setting.default !== undefined && setting.default !== null) return setting.default;
  if (setting.type === 'bool') return false;
  if (setting.type === 'number') return '';
  return '';
}

export function initialValues(schema: PluginSettingsSchema | undefined, stored: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  for (const s of allSettings(schema)) out[s.key] = initialValue(s, stored);
  return out;
}

/** Checks what can be checked in the browser; the server validates the rest and its message is shown. */
export function validate(schema: PluginSettingsSchema | undefined, values: Record<string, unknown>): Record<string, string> {
  const errors: Record<string, string> = {};
  for (const s of allSettings(schema)) {
    const v = values[s.key];
    if (s.type === 'number' && v !== '' && v !== undefined && !Number.isFinite(Number(v))) {
      errors[s.key] = `${s.display_name || s.key} must be a number.`;
    }
    if ((s.type === 'dropdown' || s.type === 'radio') && s.options?.length && v !== '' && v !== undefined) {
      if (!s.options.some((o) => o.value === v)) errors[s.key] = `Choose one of the listed options for ${s.display_name || s.key}.`;
    }
  }
  return errors;
}

/** Form values → stored values: numbers as numbers, booleans as booleans, the rest as given. */
export function toStored(schema: PluginSettingsSchema | undefined, values: Record<string, unknown>): Record<string, unknown> {
  const out: Record<string, unknown> = { ...values };
  for (const s of allSettings(schema)) {
    const v = values[s.key];
    if (s.type === 'number') out[s.key] = v === '' || v === undefined ? null : Number(v);
    else if (s.type === 'bool') out[s.key] = v === true || v === 'true';
  }
  return out;
}

export function helpText(setting: PluginSetting): string {
  const h = setting.help_text as unknown;
  if (typeof h === 'string') return h;
  if (h && typeof h === 'object' && typeof (h as { defaultMessage?: unknown }).defaultMessage === 'string') {
    return (h as { defaultMessage: string }).defaultMessage;
  }
  return '';
}
