// "Plugin Management": every installed plugin with its state and whether its webapp bundle loaded here.
import type { PluginManifest, PluginsResponse } from '@mattermost/types/plugins';
import { Link } from '../app/router.js';
import { useSelector, useSession } from '../store/hooks.js';
import { pluginPagePath } from './SystemConsole.js';

export function PluginManagement({ plugins }: { plugins: PluginsResponse }) {
  const status = useSelector((s) => s.plugins.status);
  const diag = useSession().diagnostics();
  const rows: { manifest: PluginManifest; active: boolean }[] = [
    ...plugins.active.map((manifest) => ({ manifest, active: true })),
    ...plugins.inactive.map((manifest) => ({ manifest, active: false })),
  ];
  return (
    <>
      <header className="admin-page-header">
        <h2>Plugin Management</h2>
        <p className="muted">Installed plugins. Open a plugin to change its settings.</p>
      </header>
      <section className="admin-panel">
        {rows.length === 0 ? (
          <div className="admin-panel-body muted">No plugins are installed.</div>
        ) : (
          <ul className="plugin-list">
            {rows.map(({ manifest, active }) => {
              const web = status[manifest.id];
              return (
                <li key={manifest.id} className="plugin-row" data-plugin-id={manifest.id}>
                  <div className="plugin-row-main">
                    <strong>{manifest.name || manifest.id}</strong> <span className="muted small">{manifest.version}</span>
                    {manifest.description && <p className="muted">{manifest.description}</p>}
                    <code className="small">{manifest.id}</code>
                  </div>
                  <div className="plugin-row-state">
                    <span className={`pill ${active ? 'pill-success' : 'pill-muted'}`}>{active ? 'Running' : 'Not running'}</span>
                    {manifest.webapp?.bundle_path && (
                      <span
                        className={`pill ${web?.state === 'failed' ? 'pill-error' : web?.state === 'active' ? 'pill-success' : 'pill-muted'}`}
                        title={web?.error}
                      >
                        {web?.state === 'failed' ? 'Webapp failed' : web?.state === 'active' ? 'Webapp loaded' : web ? 'Webapp loading' : 'Webapp not loaded'}
                      </span>
                    )}
                    {active && (
                      <Link className="btn btn-secondary btn-small" to={pluginPagePath(manifest.id)}>
                        Settings
                      </Link>
                    )}
                  </div>
                  {web?.state === 'failed' && web.error && <div className="plugin-row-error error-text">{web.error}</div>}
                </li>
              );
            })}
          </ul>
        )}
      </section>
      <p className="muted small" data-testid="shell-diagnostics">
        This browser: {diag.badFrames} unreadable WebSocket frames dropped, {diag.handlerErrors} plugin event handler errors,{' '}
        {diag.reducerErrors} plugin reducer errors.
      </p>
    </>
  );
}
