// The System Console (admins only): plugin management, each plugin's settings page (generated, or the
// plugin's own), and the extra pages plugins register (e.g. Calls statistics).
import { useCallback, useEffect, useState, type ReactNode } from 'react';
import type { PluginManifest, PluginsResponse } from '@mattermost/types/plugins';
import { GlobalHeader } from '../app/GlobalHeader.js';
import { FullPageMessage, Redirect } from '../app/common.js';
import { Link } from '../app/router.js';
import { useSelector, useSession } from '../store/hooks.js';
import { getCurrentUser, isSystemAdmin } from '../store/state.js';
import type { AdminPageEntry, AdminPageProps } from '../plugins/types.js';
import { PluginBoundary } from '../ui/PluginBoundary.js';
import { ArrowLeftIcon, PluginIcon } from '../ui/icons.js';
import { PluginManagement } from './PluginManagement.js';
import { PluginSettingsPage } from './PluginSettingsPage.js';

export const CONSOLE_HOME = '/admin_console/plugins/plugin_management';

export function pluginPagePath(pluginId: string, route = ''): string {
  return `/admin_console/plugins/plugin_${pluginId}${route ? `/${route}` : ''}`;
}

export function SystemConsole({ parts }: { parts: string[] }) {
  const session = useSession();
  const user = useSelector(getCurrentUser);
  const adminPages = useSelector((s) => s.plugins.adminPages);
  const [plugins, setPlugins] = useState<PluginsResponse | null>(null);
  const [error, setError] = useState('');
  const admin = isSystemAdmin(user);

  const reload = useCallback(() => {
    session.client
      .getPlugins()
      .then((p) => setPlugins({ active: p.active ?? [], inactive: p.inactive ?? [] }))
      .catch((err: Error) => setError(err.message));
  }, [session]);

  useEffect(() => {
    if (admin) reload();
  }, [admin, reload]);

  if (!admin) {
    return (
      <FullPageMessage title="Permission required">
        <p>
          Only system admins can open the System Console. <Link to="/">Back to your team</Link>
        </p>
      </FullPageMessage>
    );
  }
  if (parts[0] !== 'plugins' || !parts[1]) return <Redirect to={CONSOLE_HOME} />;

  const all = plugins ? [...plugins.active, ...plugins.inactive] : [];
  const section = parts[1];
  const pluginId = section.startsWith('plugin_') && section !== 'plugin_management' ? section.slice('plugin_'.length) : '';
  const subRoute = parts.slice(2).join('/');
  const manifest = all.find((m) => m.id === pluginId);

  let content: ReactNode;
  if (error) content = <div className="admin-error">Could not load the plugins: {error}</div>;
  else if (!plugins) content = <div className="muted">Loading…</div>;
  else if (!pluginId) content = <PluginManagement plugins={plugins} />;
  else if (!manifest) content = <div className="admin-error">There is no plugin “{pluginId}”.</div>;
  else content = <PluginPage manifest={manifest} route={subRoute} pages={adminPages.filter((p) => p.pluginId === manifest.id)} />;

  const teamName = lastTeam(session);
  return (
    <div className="page-with-header">
      <GlobalHeader />
      <div className="admin-layout">
        <nav className="admin-sidebar" aria-label="System Console">
          <Link className="admin-back" to={teamName ? `/${teamName}` : '/'}>
            <ArrowLeftIcon size={16} /> Back to {teamName ? 'your team' : 'chat'}
          </Link>
          <div className="admin-nav-title">System Console</div>
          <div className="admin-nav-group">
            <PluginIcon size={16} /> Plugins
          </div>
          <Link className={`admin-nav-item${section === 'plugin_management' ? ' active' : ''}`} to={CONSOLE_HOME}>
            Plugin Management
          </Link>
          {(plugins?.active ?? []).map((m) => (
            <div key={m.id}>
              <Link className={`admin-nav-item${pluginId === m.id && !subRoute ? ' active' : ''}`} to={pluginPagePath(m.id)}>
                {m.name || m.id}
              </Link>
              {adminPages
                .filter((p) => p.pluginId === m.id && p.route)
                .map((p) => (
                  <Link
                    key={p.id}
                    className={`admin-nav-item admin-nav-sub${pluginId === m.id && subRoute === p.route ? ' active' : ''}`}
                    to={pluginPagePath(m.id, p.route)}
                  >
                    {p.title}
                  </Link>
                ))}
            </div>
          ))}
        </nav>
        <main className="admin-content">{content}</main>
      </div>
    </div>
  );
}

function lastTeam(session: ReturnType<typeof useSession>): string {
  const name = session.lastTeamName();
  return name && session.teamByName(name) ? name : session.myTeams()[0]?.name ?? '';
}

function PluginPage({ manifest, route, pages }: { manifest: PluginManifest; route: string; pages: AdminPageEntry[] }) {
  const page = pages.find((p) => p.route === route);
  const title = route ? page?.title ?? 'Page not found' : manifest.name || manifest.id;
  return (
    <>
      <header className="admin-page-header">
        <h2>{title}</h2>
        {!route && manifest.description && <p className="muted">{manifest.description}</p>}
      </header>
      {page ? (
        <PluginOwnedPage manifest={manifest} page={page} />
      ) : route ? (
        <div className="admin-error">The plugin has no page “{route}”.</div>
      ) : (
        <PluginSettingsPage manifest={manifest} />
      )}
    </>
  );
}

function PluginOwnedPage({ manifest, page }: { manifest: PluginManifest; page: AdminPageEntry }) {
  const session = useSession();
  const [settings, setSettings] = useState<Record<string, unknown> | null>(null);
  const [error, setError] = useState('');
  useEffect(() => {
    session.client
      .getPluginSettings(manifest.id)
      .then((s) => setSettings(s ?? {}))
      .catch((err: Error) => setError(err.message));
  }, [session, manifest.id]);
  if (error) return <div className="admin-error">Could not load the settings: {error}</div>;
  if (!settings) return <div className="muted">Loading…</div>;
  const props: AdminPageProps = {
    pluginId: manifest.id,
    manifest,
    settings,
    saveSettings: async (next) => {
      await session.client.savePluginSettings(manifest.id, next);
      setSettings(next);
    },
  };
  const Component = page.component;
  return (
    <PluginBoundary pluginId={manifest.id} where={`admin page ${page.route || 'settings'}`} fallback={<div className="admin-error">This page failed to load.</div>}>
      <Component {...props} />
    </PluginBoundary>
  );
}
