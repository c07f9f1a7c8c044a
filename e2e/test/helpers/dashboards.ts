// Reading Grafana dashboards the way Grafana sends their queries to Prometheus: every target expression of
// every panel (rows included), with the template variables replaced by values.
import { readFileSync } from 'node:fs';

export interface DashboardQuery {
  panel: string;
  panelId: number;
  refId: string;
  expr: string;
  hidden: boolean;
}

interface Panel {
  id: number;
  title: string;
  type: string;
  panels?: Panel[];
  targets?: Array<{ expr?: string; refId: string; hide?: boolean }>;
}

export interface Dashboard {
  title: string;
  panels: Panel[];
  templating: { list: Array<{ name: string; type: string; query?: unknown }> };
}

export function loadDashboard(path: string): Dashboard {
  return JSON.parse(readFileSync(path, 'utf8')) as Dashboard;
}

/** Every query target with an expression, in panel order (panels inside collapsed rows too). */
export function dashboardQueries(d: Dashboard): DashboardQuery[] {
  const out: DashboardQuery[] = [];
  const visit = (panels: Panel[]) => {
    for (const p of panels) {
      if (p.panels?.length) visit(p.panels);
      for (const t of p.targets ?? []) {
        if (t.expr) out.push({ panel: p.title, panelId: p.id, refId: t.refId, expr: t.expr, hidden: t.hide === true });
      }
    }
  };
  visit(d.panels);
  return out;
}

/**
 * Replaces `$name` and `${name}` (and `${name:format}`) with `values[name]`. An unknown variable throws: a
 * typo in a dashboard would otherwise reach Prometheus as a literal `$` and fail less clearly.
 */
export function substitute(expr: string, values: Record<string, string>): string {
  return expr.replace(/\$\{(\w+)(?::[^}]*)?\}|\$(\w+)/g, (_m, braced: string | undefined, bare: string | undefined) => {
    const name = (braced ?? bare)!;
    const v = values[name];
    if (v === undefined) throw new Error(`unknown dashboard variable $${name} in ${expr}`);
    return v;
  });
}

/**
 * Metric names an expression reads by name: identifiers with a service or exporter prefix outside string
 * literals (names matched through `{__name__=~"..."}` are not listed).
 */
export function metricNames(expr: string): string[] {
  const code = expr.replace(/"(?:[^"\\]|\\.)*"/g, '""');
  return [...new Set(code.match(/\b(?:rtcd|mattermost|go|node)_[a-zA-Z0-9_]+\b|\bup\b/g) ?? [])];
}
