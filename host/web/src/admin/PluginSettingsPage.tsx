// The settings page of one plugin, generated from its `settings_schema` (plugins can replace single
// fields or sections), saved through the host's config API with the server's validation errors shown.
import { useEffect, useMemo, useState, type ReactNode } from 'react';
import type { PluginManifest } from '@mattermost/types/plugins';
import { useSelector, useSession } from '../store/hooks.js';
import { Markdown } from '../channel/markdown.js';
import { PluginBoundary } from '../ui/PluginBoundary.js';
import { formSections, initialValues, toStored, validate } from './schema.js';
import { SettingField } from './SettingField.js';

export function PluginSettingsPage({ manifest }: { manifest: PluginManifest }) {
  const session = useSession();
  const customSettings = useSelector((s) => s.plugins.adminSettings);
  const customSections = useSelector((s) => s.plugins.adminSections);
  const [stored, setStored] = useState<Record<string, unknown> | null>(null);
  const [values, setValues] = useState<Record<string, unknown>>({});
  const [loadError, setLoadError] = useState('');
  const [errors, setErrors] = useState<Record<string, string>>({});
  const [serverError, setServerError] = useState('');
  const [dirty, setDirty] = useState(false);
  const [saving, setSaving] = useState(false);
  const [saved, setSaved] = useState(false);
  const schema = manifest.settings_schema;

  useEffect(() => {
    let cancelled = false;
    setStored(null);
    session.client
      .getPluginSettings(manifest.id)
      .then((s) => {
        if (cancelled) return;
        const settings = s && typeof s === 'object' ? s : {};
        setStored(settings);
        setValues(initialValues(schema, settings));
      })
      .catch((err: Error) => !cancelled && setLoadError(err.message));
    return () => {
      cancelled = true;
    };
  }, [session, manifest.id, schema]);

  const sections = useMemo(() => formSections(schema), [schema]);
  const mine = (entry: { pluginId: string; key: string }, key: string) =>
    entry.pluginId === manifest.id && entry.key.toLowerCase() === key.toLowerCase();

  const onChange = (key: string, value: unknown) => {
    setValues((v) => ({ ...v, [key]: value }));
    setDirty(true);
    setSaved(false);
    if (errors[key]) setErrors((e) => ({ ...e, [key]: '' }));
  };

  const save = async () => {
    const found = validate(schema, values);
    setErrors(found);
    setServerError('');
    if (Object.values(found).some(Boolean)) return;
    setSaving(true);
    try {
      // Only the schema's keys are sent: the server treats the body as a patch and refuses unknown keys.
      const saved = await session.client.savePluginSettings(manifest.id, toStored(schema, values));
      const next = saved && typeof saved === 'object' ? saved : { ...(stored ?? {}), ...toStored(schema, values) };
      setStored(next);
      setValues(initialValues(schema, next));
      setDirty(false);
      setSaved(true);
    } catch (err) {
      setServerError((err as Error).message);
    } finally {
      setSaving(false);
    }
  };

  if (loadError) return <div className="admin-error">Could not load the settings: {loadError}</div>;
  if (!stored) return <div className="muted">Loading settings…</div>;
  if (!sections.some((s) => s.settings.length)) return <p className="muted">This plugin has no settings.</p>;

  const renderFields = (list: typeof sections[number]['settings']): ReactNode[] =>
    list.map((setting) => (
      <SettingField
        key={setting.key}
        setting={setting}
        value={values[setting.key]}
        error={errors[setting.key]}
        disabled={saving}
        custom={customSettings.find((e) => mine(e, setting.key))}
        config={values}
        onChange={onChange}
      />
    ));

  return (
    <div className="settings-form">
      {schema?.header && !schema.sections?.length && (
        <div className="settings-note">
          <Markdown text={schema.header} />
        </div>
      )}
      {sections.map((section) => {
        const registered = section.key ? customSections.find((e) => mine(e, section.key)) : undefined;
        if (section.custom && !registered && !section.fallback) return null;
        const fields = renderFields(section.settings);
        if (registered) {
          const Component = registered.component;
          return (
            <PluginBoundary key={section.key} pluginId={manifest.id} where={`section ${section.key}`}>
              <Component settingsList={fields} sectionTitle={section.title} sectionDescription={section.subtitle} />
            </PluginBoundary>
          );
        }
        return (
          <section key={section.key || 'settings'} className="admin-panel" data-section={section.key || undefined}>
            {(section.title || section.subtitle) && (
              <header className="admin-panel-header">
                {section.title && <h3>{section.title}</h3>}
                {section.subtitle && <p className="muted">{section.subtitle}</p>}
              </header>
            )}
            <div className="admin-panel-body">
              {section.header && <Markdown text={section.header} />}
              {fields}
              {section.footer && <Markdown text={section.footer} />}
            </div>
          </section>
        );
      })}
      <div className="admin-save-bar">
        <button type="button" className="btn btn-primary" disabled={!dirty || saving} onClick={() => void save()}>
          {saving ? 'Saving…' : 'Save'}
        </button>
        {serverError && (
          <span className="error-text" role="alert">
            {serverError}
          </span>
        )}
        {Object.values(errors).some(Boolean) && !serverError && (
          <span className="error-text" role="alert">
            Fix the highlighted settings, then save again.
          </span>
        )}
        {saved && !dirty && <span className="success-text">Settings saved.</span>}
      </div>
    </div>
  );
}
