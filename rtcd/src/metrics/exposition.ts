// The text served on /metrics. Several gauges carry a `_total` name fixed by the reference
// (rtcd_ws_connections_total, *_rtc_sessions_total, *_rtc_rtp_tracks_total) or by prom-client
// (nodejs_active_handles_total...). promtool rejects a gauge named `_total` but accepts an untyped one,
// and Prometheus stores both alike, so those families are declared untyped; values are unchanged.
import type { Registry } from 'prom-client';

export async function renderMetrics(registry: Registry): Promise<string> {
  const text = await registry.metrics();
  return text.replace(/^# TYPE (\S+_total) gauge$/gm, '# TYPE $1 untyped');
}
