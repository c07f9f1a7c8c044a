// The top of the shell: picks the page from the session phase and the URL.
import { useCallback, useSyncExternalStore } from 'react';
import { FullPageMessage, Redirect } from './common.js';
import { LoginPage } from '../auth/LoginPage.js';
import { SignupPage } from '../auth/SignupPage.js';
import { SystemConsole } from '../admin/SystemConsole.js';
import { PluginSlot } from '../plugins/PluginSlot.js';
import { SessionContext, useSelector, useSession } from '../store/hooks.js';
import { matchPluginRoute, parseRoute, useLocation } from './router.js';
import type { Session } from './session.js';
import { SelectTeamPage } from './SelectTeamPage.js';
import { TeamLayout } from './TeamLayout.js';
import { PluginBoundary } from '../ui/PluginBoundary.js';

function usePhase(session: Session) {
  const subscribe = useCallback((cb: () => void) => session.on('phase', cb), [session]);
  return useSyncExternalStore(subscribe, () => session.phase);
}

export function App({ session }: { session: Session }) {
  const phase = usePhase(session);
  return (
    <SessionContext.Provider value={session}>
      {phase === 'booting' ? (
        <div className="boot-spinner" aria-label="Loading" />
      ) : phase === 'unreachable' ? (
        <FullPageMessage title="Cannot reach the server">
          <p className="muted">{session.bootError}</p>
          <button type="button" className="btn btn-primary" onClick={() => void session.boot()}>
            Try again
          </button>
        </FullPageMessage>
      ) : phase === 'logged_out' ? (
        <LoggedOut />
      ) : (
        <LoggedIn />
      )}
    </SessionContext.Provider>
  );
}

function LoggedOut() {
  const { pathname, search } = useLocation();
  const route = parseRoute(pathname);
  if (route.name === 'signup') return <SignupPage />;
  if (route.name === 'login') return <LoginPage />;
  const back = route.name === 'root' ? '' : `?redirect_to=${encodeURIComponent(pathname + search)}`;
  return <Redirect to={`/login${back}`} />;
}

function LoggedIn() {
  const { pathname } = useLocation();
  const route = parseRoute(pathname);
  return (
    <>
      <PluginSlot name="Global" where="global component" />
      <LoggedInPage route={route} />
    </>
  );
}

function LoggedInPage({ route }: { route: ReturnType<typeof parseRoute> }) {
  const customRoutes = useSelector((s) => s.plugins.customRoutes);
  switch (route.name) {
    case 'root':
    case 'login':
    case 'signup':
      return <DefaultTeamRedirect />;
    case 'select_team':
      return <SelectTeamPage />;
    case 'admin':
      return <SystemConsole parts={route.parts} />;
    case 'custom': {
      const entry = matchPluginRoute(customRoutes, route.path);
      if (!entry) return <FullPageMessage title="Page not found" />;
      const Component = entry.component;
      return (
        <div className="plugin-custom-route">
          <PluginBoundary pluginId={entry.pluginId} where="custom route">
            <Component />
          </PluginBoundary>
        </div>
      );
    }
    case 'not_found':
      return <FullPageMessage title="Page not found" />;
    default:
      return <TeamLayout route={route} />;
  }
}

function DefaultTeamRedirect() {
  const teams = useSelector((s) => s.entities.teams);
  const session = useSession();
  const mine = teams.myTeamIds.map((id) => teams.teams[id]).filter((t) => !!t);
  if (!mine.length) return <Redirect to="/select_team" />;
  const last = session.lastTeamName();
  const team = mine.find((t) => t!.name === last) ?? mine[0]!;
  return <Redirect to={`/${team.name}`} />;
}
