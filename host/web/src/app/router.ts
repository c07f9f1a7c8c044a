// Client-side routing on the History API with Mattermost's URL scheme:
//   /login  /signup_user_complete  /select_team
//   /<team>/channels/<channel name or id>   /<team>/messages/@<username>   /<team>/messages/<gm name>
//   /<team>/<pluginId>/<route>  (registerNeedsTeamRoute)   /plug/<pluginId>/<route>  (registerCustomRoute)
//   /admin_console/...
import { createElement, useSyncExternalStore, type AnchorHTMLAttributes, type MouseEvent } from 'react';

const listeners = new Set<() => void>();

function notify(): void {
  for (const l of [...listeners]) l();
}

window.addEventListener('popstate', notify);

export function navigate(path: string, opts: { replace?: boolean } = {}): void {
  const current = window.location.pathname + window.location.search;
  if (path === current) return;
  if (opts.replace) window.history.replaceState(null, '', path);
  else window.history.pushState(null, '', path);
  notify();
}

function subscribe(listener: () => void): () => void {
  listeners.add(listener);
  return () => listeners.delete(listener);
}

export function useLocation(): { pathname: string; search: string } {
  const href = useSyncExternalStore(subscribe, () => window.location.pathname + '\u0000' + window.location.search);
  const [pathname, search] = href.split('\u0000') as [string, string];
  return { pathname, search };
}

export type Route =
  | { name: 'root' }
  | { name: 'login' }
  | { name: 'signup' }
  | { name: 'select_team' }
  | { name: 'team'; team: string }
  | { name: 'channel'; team: string; channel: string }
  | { name: 'dm'; team: string; username: string }
  | { name: 'gm'; team: string; channel: string }
  | { name: 'team_plugin'; team: string; path: string }
  | { name: 'custom'; path: string }
  | { name: 'admin'; parts: string[] }
  | { name: 'not_found' };

export function parseRoute(pathname: string): Route {
  const parts = pathname
    .split('/')
    .filter(Boolean)
    .map((p) => {
      try {
        return decodeURIComponent(p);
      } catch {
        return p;
      }
    });
  const [first, second, third] = parts;
  if (!first) return { name: 'root' };
  if (first === 'login') return { name: 'login' };
  if (first === 'signup_user_complete' || first === 'signup') return { name: 'signup' };
  if (first === 'select_team') return { name: 'select_team' };
  if (first === 'admin_console') return { name: 'admin', parts: parts.slice(1) };
  if (first === 'plug') return parts.length > 1 ? { name: 'custom', path: parts.slice(1).join('/') } : { name: 'not_found' };
  if (!second) return { name: 'team', team: first };
  if (second === 'channels') return third ? { name: 'channel', team: first, channel: third } : { name: 'team', team: first };
  if (second === 'messages' && third) {
    return third.startsWith('@') ? { name: 'dm', team: first, username: third.slice(1) } : { name: 'gm', team: first, channel: third };
  }
  return { name: 'team_plugin', team: first, path: parts.slice(1).join('/') };
}

/** An <a> that navigates without reloading (new tab / modified clicks keep the browser's behaviour). */
export function Link(props: AnchorHTMLAttributes<HTMLAnchorElement> & { to: string }) {
  const { to, onClick, ...rest } = props;
  return createElement('a', {
    ...rest,
    href: to,
    onClick: (e: MouseEvent<HTMLAnchorElement>) => {
      onClick?.(e);
      if (e.defaultPrevented || e.button !== 0 || e.metaKey || e.ctrlKey || e.shiftKey || e.altKey) return;
      e.preventDefault();
      navigate(to);
    },
  });
}

/** Finds the registered plugin route matching `path` (`<pluginId>/<route>`), longest route first. */
export function matchPluginRoute<T extends { route: string }>(entries: T[], path: string): T | undefined {
  const sorted = [...entries].sort((a, b) => b.route.length - a.route.length);
  return sorted.find((e) => path === e.route || path.startsWith(`${e.route}/`));
}
