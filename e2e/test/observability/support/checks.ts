// What the live test asks of Prometheus and of the endpoints: dashboard queries that return no data, metric
// families missing from the monitoring page, promtool's findings, and metrics requests from a chosen
// source address.
import { spawnSync } from 'node:child_process';
import { request } from 'node:http';
import { dashboardQueries, loadDashboard, substitute, type DashboardQuery } from '../../helpers/dashboards.js';
import type { PrometheusServer } from '../../helpers/prometheus.js';

export interface EmptyQuery extends DashboardQuery {
  why: string;
}

/**
 * The queries of `file` (variables filled from `values`) that Prometheus answers with no series or only NaN,
 * skipping those `skip` returns a reason for. A query that fails to parse is reported too.
 */
export async function emptyDashboardQueries(
  prom: PrometheusServer,
  file: string,
  values: Record<string, string>,
  skip: (q: DashboardQuery) => string | undefined = () => undefined,
): Promise<EmptyQuery[]> {
  const empty: EmptyQuery[] = [];
  for (const q of dashboardQueries(loadDashboard(file))) {
    if (skip(q)) continue;
    const expr = substitute(q.expr, values);
    try {
      const result = await prom.query(expr);
      if (!result.length) empty.push({ ...q, expr, why: 'no series' });
      else if (result.every((s) => Number.isNaN(Number(s.value[1])))) empty.push({ ...q, expr, why: 'only NaN' });
    } catch (err) {
      empty.push({ ...q, expr, why: (err as Error).message });
    }
  }
  return empty;
}

export const describeEmpty = (list: EmptyQuery[]): string => list.map((q) => `${q.panel} [${q.refId}] ${q.why}: ${q.expr}`).join('\n');

/** `promtool check metrics` findings for an exposition (an empty list when clean). */
export function promtoolFindings(text: string): string[] {
  const r = spawnSync('promtool', ['check', 'metrics'], { input: text, encoding: 'utf8' });
  if (r.error) throw r.error;
  return `${r.stdout}${r.stderr}`.split('\n').filter((l) => l.trim());
}

/** Metric family names (`# TYPE` lines) of an exposition. */
export function families(text: string): string[] {
  return [...text.matchAll(/^# TYPE (\S+) \S+$/gm)].map((m) => m[1]!);
}

/** Names a page documents: backquoted identifiers, with `{a,b}` alternatives expanded. */
export function documentedNames(page: string): Set<string> {
  const out = new Set<string>();
  const expand = (s: string): string[] => {
    const m = /\{([^{}]+)\}/.exec(s);
    if (!m) return [s];
    return m[1]!.split(',').flatMap((alt) => expand(s.slice(0, m.index) + alt + s.slice(m.index + m[0].length)));
  };
  for (const m of page.matchAll(/`([A-Za-z_][\w{},]*)`/g)) for (const name of expand(m[1]!)) out.add(name);
  return out;
}

/**
 * Whether the page documents `family`: by its name, or as `P_<rest>` where P is the service prefix
 * (the page's notation for families every service has).
 */
export function isDocumented(family: string, names: Set<string>): boolean {
  if (names.has(family)) return true;
  const m = /^(?:rtcd|mattermost_plugin_calls|mattermost)_(.+)$/.exec(family);
  return !!m && names.has(`P_${m[1]}`);
}

/** GET `url` from a given local address (to test the allow-list from a second loopback address). */
export function getFrom(url: string, localAddress: string, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { localAddress, headers }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
