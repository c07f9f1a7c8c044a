// The operator files under assets/ as an operator's tools see them: promtool accepts the scrape config and
// the alert rules, every alert fires on synthetic series (promtool test rules), both dashboards' queries are
// valid PromQL, the committed dashboard JSON is what its generator writes, systemd accepts the units, and
// the Kubernetes manifests carry what rtcd needs (ports, probes, draining grace, scrape annotations,
// PodMonitor). Runs in a few seconds; the live checks against running services are in prometheus.test.ts.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, describe, it } from 'node:test';
import { parse, parseAllDocuments, stringify } from 'yaml';
import { dashboardQueries, loadDashboard, substitute, type Dashboard } from '../helpers/dashboards.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..', '..');
const asset = (...p: string[]) => join(root, 'assets', ...p);
const OFFICIAL = join(root, '..', 'shared', 'fixtures', 'mattermost-calls-dashboard.json');
const OURS = asset('grafana', 'dashboards', 'calls-ts.json');

const tmp = mkdtempSync(join(tmpdir(), 'obs-assets-'));
after(() => rmSync(tmp, { recursive: true, force: true }));

function run(cmd: string, args: string[], input?: string) {
  const r = spawnSync(cmd, args, { encoding: 'utf8', input, cwd: root });
  if (r.error) throw r.error;
  return { status: r.status, out: `${r.stdout}${r.stderr}` };
}

interface Rule {
  alert: string;
  expr: string;
  for?: string;
  labels?: Record<string, string>;
  annotations?: Record<string, string>;
}
const alertRules = (): Rule[] =>
  (parse(readFileSync(asset('prometheus', 'alerts.yml'), 'utf8')) as { groups: { rules: Rule[] }[] }).groups.flatMap((g) => g.rules);

describe('Prometheus configuration', () => {
  it('promtool accepts prometheus.yml and the rule file it loads', () => {
    const r = run('promtool', ['check', 'config', asset('prometheus', 'prometheus.yml')]);
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /SUCCESS: \d+ rules found/);
  });

  it('has the guide\'s jobs on localhost, each with a service_name label', () => {
    const cfg = parse(readFileSync(asset('prometheus', 'prometheus.yml'), 'utf8')) as {
      rule_files: string[];
      scrape_configs: Array<{ job_name: string; metrics_path?: string; static_configs: Array<{ targets: string[]; labels: Record<string, string> }> }>;
    };
    const jobs = new Map(cfg.scrape_configs.map((j) => [j.job_name, j]));
    const expect: Array<[string, string, string]> = [
      ['mattermost', '/metrics', 'localhost:8067'],
      ['calls', '/plugins/com.mattermost.calls/metrics', 'localhost:8067'], // job="calls": the official dashboard filters on it
      ['rtcd', '/metrics', 'localhost:8045'],
      ['node', '/metrics', 'localhost:9100'],
    ];
    for (const [name, path, target] of expect) {
      const job = jobs.get(name);
      assert.ok(job, `job ${name}`);
      assert.equal(job.metrics_path ?? '/metrics', path, `${name} metrics_path`);
      assert.deepEqual(job.static_configs.flatMap((s) => s.targets), [target], `${name} targets`);
      for (const s of job.static_configs) assert.ok(s.labels.service_name, `${name} has a service_name label`);
    }
    assert.deepEqual(cfg.rule_files, ['alerts.yml']);
  });
});

describe('alert rules', () => {
  it('promtool accepts alerts.yml', () => {
    const r = run('promtool', ['check', 'rules', asset('prometheus', 'alerts.yml')]);
    assert.equal(r.status, 0, r.out);
  });

  it('cover what the operator needs, each with a severity, summary, description and runbook', () => {
    const rules = alertRules();
    const names = rules.map((r) => r.alert);
    assert.equal(new Set(names).size, names.length, 'alert names are unique');
    // The list: targets down, CPU, memory, RTC errors, failing connections, RTT/loss/jitter, MOS,
    // no rtcd WebSocket while calls exist, plugin restarts.
    for (const n of ['RtcdDown', 'CallsPluginDown', 'RtcdHostCPUHigh', 'RtcdMemoryGrowing', 'CallsPluginMemoryGrowing', 'CallsRTCErrors',
      'CallsRTCConnectionsFailing', 'CallsClientRTTHigh', 'CallsClientLossHigh', 'CallsClientJitterHigh', 'CallsQualityLow',
      'RtcdNoPluginConnection', 'CallsPluginRestarting']) {
      assert.ok(names.includes(n), `alert ${n}`);
    }
    for (const r of rules) {
      assert.ok(['critical', 'warning', 'info'].includes(r.labels?.severity ?? ''), `${r.alert} severity`);
      for (const a of ['summary', 'description', 'runbook']) assert.ok((r.annotations?.[a] ?? '').length > 20, `${r.alert} ${a}`);
    }
  });

  it('every alert fires on series that meet its condition and not on others (promtool test rules)', () => {
    // promtool compares annotations exactly: keep the templated summary, drop the prose.
    const doc = parse(readFileSync(asset('prometheus', 'alerts.yml'), 'utf8')) as { groups: { rules: Rule[] }[] };
    for (const g of doc.groups) for (const r of g.rules) r.annotations = { summary: r.annotations!.summary! };
    const rules = join(tmp, 'rules.yml');
    writeFileSync(rules, stringify(doc));
    const tests = readFileSync(join(dirname(fileURLToPath(import.meta.url)), 'fixtures', 'alerts.promtool.yml'), 'utf8');
    const tested = new Set([...tests.matchAll(/alertname: (\w+)/g)].map((m) => m[1]));
    for (const r of alertRules()) assert.ok(tested.has(r.alert), `${r.alert} has a promtool test case`);
    const testFile = join(tmp, 'alerts.test.yml');
    writeFileSync(testFile, tests.replace('RULES_FILE', rules));
    const r = run('promtool', ['test', 'rules', testFile]);
    assert.equal(r.status, 0, r.out);
    assert.match(r.out, /SUCCESS/);
  });

  it('are each explained in docs/monitoring.md', () => {
    const doc = readFileSync(join(root, 'docs', 'monitoring.md'), 'utf8');
    for (const r of alertRules()) assert.ok(doc.includes(`\`${r.alert}\``), `${r.alert} in docs/monitoring.md`);
  });
});

describe('Grafana', () => {
  const variables = (d: Dashboard) => new Map(d.templating.list.map((v) => [v.name, v]));

  it('the committed dashboard JSON is what build-dashboard.mjs writes', () => {
    const r = run(process.execPath, [asset('grafana', 'build-dashboard.mjs'), '--check']);
    assert.equal(r.status, 0, r.out);
  });

  it('our dashboard: template variables like 23225\'s, unique ids, no overlapping panels, the datasource variable everywhere', () => {
    const d = loadDashboard(OURS);
    const v = variables(d);
    for (const [name, port] of [['calls', 'calls_metrics_port'], ['rtcd', 'rtcd_metrics_port']] as const) {
      const q = v.get(name) as { type: string; regex: string } | undefined;
      assert.equal(q?.type, 'query', `variable ${name}`);
      assert.equal(q?.regex, `(.*):$${port}`);
    }
    for (const [name, value] of [['calls_metrics_port', '8067'], ['rtcd_metrics_port', '8045'], ['node_exporter_port', '9100']]) {
      assert.deepEqual([v.get(name)?.type, v.get(name)?.query], ['constant', value], `constant ${name}`);
    }
    assert.equal(v.get('datasource')?.type, 'datasource');
    const panels = (d.panels as unknown as Array<{ id: number; type: string; title: string; gridPos: { x: number; y: number; w: number; h: number }; datasource?: { uid: string }; targets?: { refId: string; datasource: { uid: string } }[] }>);
    assert.equal(new Set(panels.map((p) => p.id)).size, panels.length, 'unique panel ids');
    const cells = new Map<string, string>();
    for (const p of panels) {
      for (let x = p.gridPos.x; x < p.gridPos.x + p.gridPos.w; x++) {
        for (let y = p.gridPos.y; y < p.gridPos.y + p.gridPos.h; y++) {
          const k = `${x},${y}`;
          assert.ok(!cells.has(k), `${p.title} overlaps ${cells.get(k)}`);
          cells.set(k, p.title);
        }
      }
      if (p.type === 'row') continue;
      assert.equal(p.datasource?.uid, '${datasource}', `${p.title} datasource`);
      assert.ok(p.targets?.length, `${p.title} has queries`);
      assert.equal(new Set(p.targets.map((t) => t.refId)).size, p.targets.length, `${p.title} refIds`);
    }
    // The rows the issue asks for.
    const rows = panels.filter((p) => p.type === 'row').map((p) => p.title);
    for (const r of ['Node.js runtime', 'WebSocket', 'RTC', 'Packets and bytes', 'Quality (client reports)']) assert.ok(rows.includes(r), `row ${r}`);
    const titles = panels.map((p) => p.title);
    for (const t of ['Event-loop lag', 'Heap', 'Garbage collection', 'Active handles', 'Store operations', 'Call quality (MOS)', 'RTP packets', 'RTP bitrate']) {
      assert.ok(titles.includes(t), `panel ${t}`);
    }
  });

  it('every query of both dashboards is valid PromQL with its variables filled in', () => {
    const values = { calls: 'app-0', rtcd: 'rtcd-0', calls_metrics_port: '8067', rtcd_metrics_port: '8045', node_exporter_port: '9100', offloader: 'offloader-0', datasource: 'prometheus', __rate_interval: '1m', __interval: '15s', __range: '1h' };
    let n = 0;
    const rules = [];
    for (const file of [OURS, OFFICIAL]) {
      for (const q of dashboardQueries(loadDashboard(file))) rules.push({ record: `dashboard:query_${n++}`, expr: substitute(q.expr, values) });
    }
    const file = join(tmp, 'dashboard-queries.yml');
    writeFileSync(file, stringify({ groups: [{ name: 'dashboards', rules }] }));
    const r = run('promtool', ['check', 'rules', file]);
    assert.equal(r.status, 0, r.out);
    assert.ok(n > 200, `${n} queries checked`);
  });

  it('provisioning: a default Prometheus datasource and a file provider for the dashboards folder', () => {
    const ds = parse(readFileSync(asset('grafana', 'provisioning', 'datasources', 'prometheus.yml'), 'utf8')) as { apiVersion: number; datasources: Array<{ type: string; isDefault: boolean; url: string }> };
    assert.equal(ds.apiVersion, 1);
    assert.deepEqual([ds.datasources[0]?.type, ds.datasources[0]?.isDefault], ['prometheus', true]);
    assert.match(ds.datasources[0]!.url, /^http:\/\/localhost:9090$/);
    const dash = parse(readFileSync(asset('grafana', 'provisioning', 'dashboards', 'calls.yml'), 'utf8')) as { apiVersion: number; providers: Array<{ type: string; options: { path: string } }> };
    assert.equal(dash.providers[0]?.type, 'file');
    assert.ok(dash.providers[0]?.options.path.startsWith('/'), 'an absolute dashboards path');
  });
});

describe('deployment files', () => {
  it('systemd accepts both units; they restart, raise the descriptor limit and read an environment file', () => {
    const units = ['rtcd.service', 'calls-host.service'].map((u) => asset('deploy', 'systemd', u));
    // verify exits 0 on settings it ignores (a typo in Restart=): any output is a finding.
    const r = run('systemd-analyze', ['verify', ...units]);
    assert.deepEqual([r.status, r.out.trim()], [0, '']);
    for (const u of units) {
      const text = readFileSync(u, 'utf8');
      for (const line of [/^Restart=always$/m, /^RestartPreventExitStatus=2$/m, /^LimitNOFILE=65536$/m, /^EnvironmentFile=-\/etc\//m, /^ExecStart=\/usr\/bin\/node /m]) {
        assert.match(text, line, `${u}: ${line}`);
      }
    }
    // rtcd drains on SIGTERM: systemd must wait for it.
    assert.match(readFileSync(units[0]!, 'utf8'), /^TimeoutStopSec=5h$/m);
  });

  it('Kubernetes: rtcd on the node network with its ports, probes, draining grace, scrape annotations and a PodMonitor', () => {
    const dir = asset('deploy', 'kubernetes');
    const kust = parse(readFileSync(join(dir, 'kustomization.yaml'), 'utf8')) as { resources: string[] };
    type Obj = { kind: string; metadata: { name: string }; spec: Record<string, unknown> };
    const objs: Obj[] = kust.resources.flatMap((f) => {
      assert.ok(existsSync(join(dir, f)), `${f} exists`);
      return parseAllDocuments(readFileSync(join(dir, f), 'utf8')).map((d) => d.toJS() as Obj);
    });
    const ds = objs.find((o) => o.kind === 'DaemonSet' || o.kind === 'Deployment') as unknown as {
      spec: { template: { metadata: { annotations: Record<string, string> }; spec: {
        hostNetwork: boolean; terminationGracePeriodSeconds: number;
        containers: Array<{ ports: Array<{ name: string; containerPort: number; protocol: string }>; livenessProbe: { httpGet: { path: string; port: string } }; readinessProbe: { httpGet: { path: string; port: string } } }>;
      } } };
    };
    assert.ok(ds, 'a DaemonSet or Deployment');
    const pod = ds.spec.template.spec;
    assert.equal(pod.hostNetwork, true);
    assert.ok(pod.terminationGracePeriodSeconds >= 3600, 'a long grace period for draining');
    const c = pod.containers[0]!;
    assert.deepEqual(c.ports.map((p) => `${p.containerPort}/${p.protocol}`).sort(), ['8045/TCP', '8443/TCP', '8443/UDP']);
    assert.deepEqual([c.livenessProbe.httpGet.path, c.readinessProbe.httpGet.path], ['/live', '/ready']);
    assert.deepEqual(ds.spec.template.metadata.annotations, { 'prometheus.io/scrape': 'true', 'prometheus.io/port': '8045', 'prometheus.io/path': '/metrics' });
    const svc = objs.find((o) => o.kind === 'Service') as unknown as { spec: { clusterIP: string } };
    assert.equal(svc.spec.clusterIP, 'None', 'headless: one A record per pod');
    const pm = objs.find((o) => o.kind === 'PodMonitor') as unknown as { spec: { podMetricsEndpoints: Array<{ port: string; path: string; relabelings: Array<{ targetLabel: string; replacement: string }> }> } };
    const ep = pm.spec.podMetricsEndpoints[0]!;
    assert.deepEqual([ep.port, ep.path], ['api', '/metrics']);
    assert.ok(ep.relabelings.some((r) => r.targetLabel === 'job' && r.replacement === 'rtcd'), 'job="rtcd" for the dashboards and alerts');
  });
});

describe('docs', () => {
  it('every repository path the operator pages mention exists', () => {
    for (const page of ['monitoring.md', 'scaling-rtcd.md']) {
      const text = readFileSync(join(root, 'docs', page), 'utf8');
      const paths = new Set([...text.matchAll(/`((?:assets|docs)\/[\w./-]+?)`/g)].map((m) => m[1]!.replace(/\/$/, '')));
      assert.ok(paths.size > 3, `${page} mentions files`);
      for (const p of paths) assert.ok(existsSync(join(root, p)), `${page}: ${p} exists`);
    }
  });

  it('the monitoring page has the set-up, troubleshooting and baseline sections', () => {
    const text = readFileSync(join(root, 'docs', 'monitoring.md'), 'utf8');
    for (const h of ['## Set-up', '## Metric reference', '## Alerts', '## Troubleshooting', '### A target is down', '## Performance baseline']) {
      assert.ok(text.includes(`${h}\n`), h);
    }
    assert.match(text, /api\/v1\/label\/__name__\/values/);
    // "our baseline" links the bench summary, and the table holds measured rows, not a placeholder.
    assert.match(text, /\[our baseline\]\(\.\.\/bench\/results\/summary\.md\)/);
    const baseline = text.slice(text.indexOf('## Performance baseline'));
    assert.match(baseline, /\n\| \d+ \| \d+ \| \d+ \| (yes|no) \| [\d.]+% /);
  });
});
