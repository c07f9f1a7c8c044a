// One row of a plugin settings form: label on the left, the typed input (or the plugin's custom
// component) and help text on the right, like Mattermost's System Console.
import type { ReactNode } from 'react';
import type { PluginSetting } from '@mattermost/types/plugins';
import type { AdminSettingEntry, CustomSettingProps } from '../plugins/types.js';
import { PluginBoundary } from '../ui/PluginBoundary.js';
import { Markdown } from '../channel/markdown.js';
import { helpText } from './schema.js';

type Props = {
  setting: PluginSetting;
  value: unknown;
  error?: string;
  disabled: boolean;
  custom?: AdminSettingEntry;
  config: Record<string, unknown>;
  onChange: (key: string, value: unknown) => void;
};

export function SettingField({ setting, value, error, disabled, custom, config, onChange }: Props) {
  const id = `setting-${setting.key}`;
  const help = helpText(setting);
  const label = setting.display_name || setting.key;

  if (custom) {
    const Component = custom.component;
    const props: CustomSettingProps = {
      id: setting.key,
      label,
      helpText: help ? <Markdown text={help} /> : null,
      value,
      disabled,
      setByEnv: false,
      config,
      onChange: (key, v) => onChange(key, v),
      setSaveNeeded: () => onChange(setting.key, value),
    };
    const body = (
      <PluginBoundary pluginId={custom.pluginId} where={`setting ${setting.key}`} fallback={<div className="error-text">This setting failed to display.</div>}>
        <Component {...props} />
      </PluginBoundary>
    );
    if (!custom.showTitle) return <div className="setting-row setting-row-custom">{body}</div>;
    return (
      <div className="setting-row">
        <div className="setting-label">{label}</div>
        <div className="setting-control">{body}</div>
      </div>
    );
  }

  // A "custom" setting nobody registered a component for has nothing to show.
  if (setting.type === 'custom') return null;

  let control: ReactNode;
  switch (setting.type) {
    case 'bool':
      control = (
        <div className="radio-row" role="radiogroup" aria-labelledby={`${id}-label`}>
          <label>
            <input type="radio" name={id} checked={value === true || value === 'true'} disabled={disabled} onChange={() => onChange(setting.key, true)} />
            True
          </label>
          <label>
            <input type="radio" name={id} checked={!(value === true || value === 'true')} disabled={disabled} onChange={() => onChange(setting.key, false)} />
            False
          </label>
        </div>
      );
      break;
    case 'longtext':
      control = (
        <textarea id={id} rows={5} value={String(value ?? '')} placeholder={setting.placeholder} disabled={disabled} onChange={(e) => onChange(setting.key, e.target.value)} />
      );
      break;
    case 'number':
      control = (
        <input
          id={id}
          inputMode="numeric"
          value={String(value ?? '')}
          placeholder={setting.placeholder}
          disabled={disabled}
          aria-invalid={!!error}
          onChange={(e) => onChange(setting.key, e.target.value)}
        />
      );
      break;
    case 'dropdown':
      control = (
        <select id={id} value={String(value ?? '')} disabled={disabled} onChange={(e) => onChange(setting.key, e.target.value)}>
          {(setting.options ?? []).map((o) => (
            <option key={o.value} value={o.value}>
              {o.display_name}
            </option>
          ))}
        </select>
      );
      break;
    case 'radio':
      control = (
        <div className="radio-column" role="radiogroup" aria-labelledby={`${id}-label`}>
          {(setting.options ?? []).map((o) => (
            <label key={o.value}>
              <input type="radio" name={id} checked={value === o.value} disabled={disabled} onChange={() => onChange(setting.key, o.value)} />
              {o.display_name}
            </label>
          ))}
        </div>
      );
      break;
    default:
      control = (
        <input id={id} value={String(value ?? '')} placeholder={setting.placeholder} disabled={disabled} aria-invalid={!!error} onChange={(e) => onChange(setting.key, e.target.value)} />
      );
  }

  return (
    <div className={`setting-row${error ? ' has-error' : ''}`} data-setting-key={setting.key}>
      <label className="setting-label" id={`${id}-label`} htmlFor={id}>
        {label}:
      </label>
      <div className="setting-control">
        {control}
        {error && <div className="field-error">{error}</div>}
        {help && <div className="setting-help">{<Markdown text={help} />}</div>}
      </div>
    </div>
  );
}
