// System Console → Plugins → Calls: the plugin's settings page, owned by this bundle (registered as the
// plugin's admin page with route ''). Typed fields from settings_schema, "Test mode" for DefaultEnabled
// (inverted, as the reference), values set by MM_CALLS_* variables shown read-only, the Calls rules checked
// as you type, and the server's refusal shown when it has the last word.
import { useEffect, useMemo, useState } from 'react';
import { controller } from '../controller.js';
import { PLUGIN_ID } from '../state/types.js';
import { initialValues, patchOf, sectionsOf, validateAll, validateField, type Field, type SchemaSection, type SchemaSetting, type Values } from './settings-model.js';

export interface AdminPageProps {
  pluginId: string;
  manifest: { settings_schema?: { sections?: SchemaSection[]; settings?: SchemaSetting[] } } | undefined;
  settings: Record<string, unknown>;
  saveSettings: (patch: Record<string, unknown>) => Promise<void>;
}

function envName(key: string): string {
  return 'MM_CALLS_' + key.replace(/([a-z0-9])([A-Z])/g, '$1_$2').replace(/([A-Z]+)([A-Z][a-z])/g, '$1_$2').toUpperCase();
}

/** What a MM_CALLS_* variable sets (shown instead of the stored value, which it overrides). */
function envValue(f: Field, raw: string): string | boolean {
  return f.kind === 'toggle' || f.kind === 'test-mode' ? raw.trim().toLowerCase() === 'true' : raw;
}

function FieldInput({ f, value, error, env, onChange }: { f: Field; value: string | boolean; error: string; env: boolean; onChange: (v: string | boolean) => void }) {
  const [reveal, setReveal] = useState(false);
  const id = `calls-setting-${f.key}`;
  const cls = `calls-input${error ? ' calls-invalid' : ''}`;
  switch (f.kind) {
    case 'toggle':
    case 'test-mode': {
      // Test mode is DefaultEnabled inverted: "on" means only admins start calls.
      const on = f.kind === 'test-mode' ? value === false : value === true;
      const set = (next: boolean) => onChange(f.kind === 'test-mode' ? !next : next);
      return (
        <div className="calls-radio" role="radiogroup" aria-labelledby={`${id}-label`}>
          <label>
            <input type="radio" name={id} checked={on} disabled={env} onChange={() => set(true)} data-testid="calls-setting-true" /> {f.kind === 'test-mode' ? 'On' : 'True'}
          </label>
          <label>
            <input type="radio" name={id} checked={!on} disabled={env} onChange={() => set(false)} data-testid="calls-setting-false" /> {f.kind === 'test-mode' ? 'Off' : 'False'}
          </label>
        </div>
      );
    }
    case 'json':
      return <textarea id={id} className={cls} value={String(value)} disabled={env} spellCheck={false} rows={4} onChange={(e) => onChange(e.target.value)} data-testid="calls-setting-input" />;
    case 'choice':
      return (
        <select id={id} className={cls} value={String(value)} disabled={env} onChange={(e) => onChange(e.target.value)} data-testid="calls-setting-input">
          {f.options.map((o) => (
            <option key={o.value} value={o.value}>
              {o.label}
            </option>
          ))}
        </select>
      );
    case 'secret':
      return (
        <div style={{ display: 'flex', gap: 8, alignItems: 'center' }}>
          <input id={id} className={cls} type={reveal ? 'text' : 'password'} value={String(value)} disabled={env} autoComplete="off" onChange={(e) => onChange(e.target.value)} data-testid="calls-setting-input" />
          <button type="button" className="calls-btn calls-btn-tertiary" onClick={() => setReveal(!reveal)}>
            {reveal ? 'Hide' : 'Show'}
          </button>
        </div>
      );
    default:
      return (
        <input
          id={id}
          className={cls}
          type="text"
          inputMode={f.kind === 'number' ? 'numeric' : undefined}
          value={String(value)}
          placeholder={f.placeholder}
          disabled={env}
          onChange={(e) => onChange(e.target.value)}
          data-testid="calls-setting-input"
          style={f.kind === 'number' ? { maxWidth: 160 } : undefined}
        />
      );
  }
}

export function CallsSettingsPage(props: AdminPageProps) {
  const schema = props.manifest?.settings_schema;
  const sections = useMemo(() => sectionsOf(schema), [schema]);
  const [initial, setInitial] = useState<Values>(() => initialValues(sections, props.settings ?? {}, schema));
  const [values, setValues] = useState<Values>(initial);
  const [touched, setTouched] = useState<Record<string, boolean>>({});
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [env, setEnv] = useState<Record<string, string>>({});
  const [saving, setSaving] = useState(false);
  const [serverError, setServerError] = useState('');
  const [saved, setSaved] = useState(false);

  useEffect(() => {
    controller()
      .shell.client.pluginRequest<Record<string, string>>(PLUGIN_ID, 'GET', '/env')
      .then((e) => setEnv(e && typeof e === 'object' ? e : {}))
      .catch(() => setEnv({}));
  }, []);

  const dirty = Object.keys(patchOf(sections, initial, values)).length > 0;
  const change = (key: string, v: string | boolean) => {
    const next = { ...values, [key]: v };
    setValues(next);
    setTouched((t) => ({ ...t, [key]: true }));
    setSaved(false);
    setServerError('');
    setErrors((e) => ({ ...e, [key]: validateField(key, v, next) }));
  };

  const save = async () => {
    const found = validateAll(sections, values);
    setErrors(found);
    setTouched(Object.fromEntries(Object.keys(values).map((k) => [k, true])));
    if (Object.values(found).some(Boolean)) {
      setServerError('Fix the highlighted settings, then save again.');
      return;
    }
    setSaving(true);
    setServerError('');
    try {
      await props.saveSettings(patchOf(sections, initial, values));
      setInitial(values);
      setSaved(true);
      void controller().loadConfig().catch(() => undefined);
    } catch (err) {
      setServerError((err as Error).message || 'The settings could not be saved.');
    } finally {
      setSaving(false);
    }
  };

  return (
    <div className="calls-admin" data-testid="calls-settings">
      {sections.map((sec) => (
        <section key={sec.key || 'settings'} className="calls-admin-section" data-section={sec.key}>
          {(sec.title || sec.subtitle) && (
            <header>
              <h3>{sec.title}</h3>
              {sec.subtitle && <p>{sec.subtitle}</p>}
            </header>
          )}
          {sec.fields.map((f) => {
            const error = touched[f.key] ? errors[f.key] ?? '' : '';
            const fromEnv = env[f.key] !== undefined;
            return (
              <div key={f.key} className="calls-setting" data-testid="calls-setting" data-key={f.key} data-error={error}>
                <label id={`calls-setting-${f.key}-label`} htmlFor={`calls-setting-${f.key}`}>
                  {f.label}
                </label>
                <div>
                  <FieldInput f={f} value={fromEnv ? envValue(f, env[f.key]!) : values[f.key] ?? ''} error={error} env={fromEnv} onChange={(v) => change(f.key, v)} />
                  {error && <div className="calls-setting-error" role="alert">{error}</div>}
                  {fromEnv && <div className="calls-setting-env">Set by the environment variable {envName(f.key)}: change it there.</div>}
                  {f.help && <div className="calls-setting-help">{f.help}</div>}
                </div>
              </div>
            );
          })}
        </section>
      ))}
      <div className="calls-admin-footer">
        <button type="button" className="calls-btn calls-btn-primary calls-btn-lg" data-testid="calls-settings-save" disabled={!dirty || saving} onClick={() => void save()}>
          {saving ? 'Saving…' : 'Save'}
        </button>
        {saved && !dirty && (
          <span className="calls-saved" data-testid="calls-settings-saved">
            Settings saved.
          </span>
        )}
        {serverError && (
          <span className="calls-error" data-testid="calls-settings-error" role="alert">
            {serverError}
          </span>
        )}
      </div>
    </div>
  );
}
