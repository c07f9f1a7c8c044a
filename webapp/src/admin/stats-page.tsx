// System Console → Calls statistics: totals and live figures, calls per day and per month, calls by channel
// type, from GET /stats (admins), refreshed every 30 s. Charts are plain SVG.
import { useCallback, useEffect, useState } from 'react';
import { controller } from '../controller.js';
import { PLUGIN_ID } from '../state/types.js';
import { formatSeconds } from '../util/format.js';
import { byChannelType, dailySeries, monthlySeries, niceTicks, type CallsStats, type Point } from './stats-model.js';

function BarChart({ points, id, labelEvery }: { points: Point[]; id: string; labelEvery: number }) {
  const W = 440;
  const H = 180;
  const left = 32;
  const bottom = 22;
  const top = 8;
  const max = Math.max(0, ...points.map((p) => p.value));
  const ticks = niceTicks(max);
  const ymax = ticks[ticks.length - 1]!;
  const bw = (W - left) / points.length;
  const y = (v: number) => top + (H - top - bottom) * (1 - v / ymax);
  return (
    <svg viewBox={`0 0 ${W} ${H}`} role="img" aria-label={id} data-testid="calls-stats-chart" data-chart={id}>
      {ticks.map((t) => (
        <g key={t}>
          <line className="calls-gridline" x1={left} x2={W} y1={y(t)} y2={y(t)} />
          <text x={left - 6} y={y(t) + 3} textAnchor="end">
            {t}
          </text>
        </g>
      ))}
      {points.map((p, i) => {
        const h = y(0) - y(p.value);
        return (
          <g key={p.key}>
            <rect className="calls-bar" x={left + i * bw + bw * 0.15} y={y(p.value)} width={bw * 0.7} height={Math.max(0, h)} rx={2} data-key={p.key} data-value={p.value}>
              <title>{`${p.label}: ${p.value} call${p.value === 1 ? '' : 's'}`}</title>
            </rect>
            {i % labelEvery === 0 && (
              <text x={left + i * bw + bw / 2} y={H - 6} textAnchor="middle">
                {p.label}
              </text>
            )}
          </g>
        );
      })}
    </svg>
  );
}

function Donut({ stats }: { stats: CallsStats }) {
  const parts = byChannelType(stats.calls_by_channel_type);
  const total = parts.reduce((a, p) => a + p.value, 0);
  const r = 60;
  const c = 2 * Math.PI * r;
  let offset = 0;
  return (
    <div className="calls-donut-wrap">
      <svg viewBox="0 0 160 160" width={160} height={160} role="img" aria-label="Calls by channel type" data-testid="calls-stats-chart" data-chart="by-channel-type">
        <circle cx={80} cy={80} r={r} fill="none" stroke="rgba(var(--center-channel-color-rgb),.08)" strokeWidth={22} />
        {total > 0 &&
          parts.map((p) => {
            const len = (p.value / total) * c;
            const el = (
              <circle
                key={p.key}
                cx={80}
                cy={80}
                r={r}
                fill="none"
                stroke={p.color}
                strokeWidth={22}
                strokeDasharray={`${len} ${c - len}`}
                strokeDashoffset={-offset}
                transform="rotate(-90 80 80)"
                data-key={p.key}
                data-value={p.value}
              >
                <title>{`${p.label}: ${p.value}`}</title>
              </circle>
            );
            offset += len;
            return el;
          })}
        <text x={80} y={78} textAnchor="middle" style={{ fontSize: 22, fontWeight: 600, fill: 'var(--center-channel-color)' }}>
          {total}
        </text>
        <text x={80} y={96} textAnchor="middle">
          ended calls
        </text>
      </svg>
      <div className="calls-legend">
        {parts.map((p) => (
          <div key={p.key}>
            <span style={{ background: p.color }} />
            {p.label}: <strong>{p.value}</strong>
            {total > 0 && ` (${Math.round((p.value / total) * 100)}%)`}
          </div>
        ))}
      </div>
    </div>
  );
}

function Card({ label, value, k, live }: { label: string; value: string; k: string; live?: boolean }) {
  return (
    <div className={`calls-stats-card${live ? ' calls-live' : ''}`} data-testid="calls-stats-total" data-key={k}>
      <div className="calls-stats-label">{label}</div>
      <div className="calls-stats-value">{value}</div>
    </div>
  );
}

export function CallsStatsPage() {
  const [stats, setStats] = useState<CallsStats | null>(null);
  const [error, setError] = useState('');
  const [at, setAt] = useState(0);
  const load = useCallback(() => {
    controller()
      .shell.client.pluginRequest<CallsStats>(PLUGIN_ID, 'GET', '/stats')
      .then((s) => {
        setStats(s);
        setError('');
        setAt(Date.now());
      })
      .catch((err: Error) => setError(err.message || 'The statistics could not be loaded.'));
  }, []);
  useEffect(() => {
    load();
    const t = setInterval(load, 30_000);
    return () => clearInterval(t);
  }, [load]);

  if (!stats) {
    return <div data-testid="calls-stats">{error ? <div className="calls-setting-error">{error}</div> : <div className="calls-chart-empty">Loading statistics…</div>}</div>;
  }
  const now = new Date();
  const daily = dailySeries(stats.calls_by_day, now, 30);
  const monthly = monthlySeries(stats.calls_by_month, now, 12);
  return (
    <div className="calls-admin" data-testid="calls-stats">
      <div style={{ display: 'flex', alignItems: 'center', gap: 12, marginBottom: 16 }}>
        <span className="calls-setting-help" style={{ margin: 0 }}>
          Updated {new Date(at).toLocaleTimeString()}
        </span>
        <button type="button" className="calls-btn calls-btn-secondary" onClick={load} data-testid="calls-stats-refresh">
          Refresh
        </button>
        {error && <span className="calls-setting-error">{error}</span>}
      </div>
      <div className="calls-stats-cards">
        <Card k="total_active_calls" label="Live calls" value={String(stats.total_active_calls)} live />
        <Card k="total_active_sessions" label="People in calls now" value={String(stats.total_active_sessions)} live />
        <Card k="total_calls" label="Total calls" value={String(stats.total_calls)} />
        <Card k="avg_duration" label="Average duration" value={formatSeconds(stats.avg_duration)} />
        <Card k="avg_participants" label="Average participants" value={(Math.round(stats.avg_participants * 10) / 10).toString()} />
        {stats.total_screen_share_calls !== undefined && <Card k="total_screen_share_calls" label="Calls with screen sharing" value={String(stats.total_screen_share_calls)} />}
      </div>
      <div className="calls-stats-grid">
        <div className="calls-chart">
          <h4>Calls per day (last 30 days, UTC)</h4>
          <BarChart points={daily} id="calls-per-day" labelEvery={5} />
        </div>
        <div className="calls-chart">
          <h4>Calls by channel type</h4>
          <Donut stats={stats} />
        </div>
        <div className="calls-chart">
          <h4>Calls per month (last 12 months)</h4>
          <BarChart points={monthly} id="calls-per-month" labelEvery={2} />
        </div>
      </div>
    </div>
  );
}
