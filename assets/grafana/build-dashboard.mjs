#!/usr/bin/env node
// Writes dashboards/calls-ts.json, our Grafana dashboard, from the panel list below. The JSON is what
// operators import or provision; this file is where panels are edited, so that every panel follows the same
// conventions (datasource variable, instance filters, units, legends) and the e2e test can check that the
// committed JSON is up to date (`node assets/grafana/build-dashboard.mjs --check`).
//
// Template variables follow the official dashboard (grafana.com 23225): `calls` and `rtcd` are host names
// taken from `label_values(instance)` with the metrics port stripped, and the ports are hidden constants.
// Ours adds `node_exporter_port` (the official one hard-codes 9100) and a `datasource` variable (so the
// same file works imported or provisioned).
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const OUT = join(dirname(fileURLToPath(import.meta.url)), 'dashboards', 'calls-ts.json');
const DS = { type: 'prometheus', uid: '${datasource}' };

// Instance filters.
const C = 'instance=~"$calls:$calls_metrics_port"';
const R = 'instance=~"$rtcd:$rtcd_metrics_port"';
const NC = 'instance=~"$calls:$node_exporter_port"';
const NR = 'instance=~"$rtcd:$node_exporter_port"';
const W = '[2m]'; // rate window, as the official dashboard (needs a scrape interval of 1m or less)

/** Both SFUs: the plugin's embedded one (`calls`) and rtcd. `f(prefix, filter, who)` returns [expr, legend]. */
const sfu = (f) => [f('mattermost_plugin_calls', C, 'calls'), f('rtcd', R, 'rtcd')];
/** Node processes: the chat host, the Calls plugin process and rtcd. */
const procs = (f) => [f('mattermost', `${C}, job="mattermost"`, 'host'), f('mattermost_plugin_calls', C, 'calls'), f('rtcd', R, 'rtcd')];

const avgOf = (metric, filter, by = 'instance') =>
  `sum by (${by}) (rate(${metric}_sum{${filter}}${W})) / (sum by (${by}) (rate(${metric}_count{${filter}}${W})) > 0)`;
const pct = (q, metric, filter, by = 'instance') => `histogram_quantile(${q}, sum by (${by}, le) (rate(${metric}_bucket{${filter}}${W})))`;

/** A latency-like histogram of both SFUs: average and p99 per instance. */
const sfuHistogram = (name) =>
  sfu((p, f, who) => [avgOf(`${p}_rtc_${name}`, f), `${who} avg - {{instance}}`]).concat(
    sfu((p, f, who) => [pct(0.99, `${p}_rtc_${name}`, f), `${who} p99 - {{instance}}`]),
  );

const rows = [
  {
    title: 'Overview',
    panels: [
      stat('Active calls', 'short', 'Calls in progress, from the plugin\'s database (whichever SFU carries them).', [
        ['max(mattermost_plugin_calls_aggregate_stats{stat="total_active_calls", ' + C + '})', 'calls'],
      ]),
      stat('Participants', 'short', 'Sessions in calls in progress (one per joined browser tab).', [
        ['max(mattermost_plugin_calls_aggregate_stats{stat="total_active_sessions", ' + C + '})', 'sessions'],
      ]),
      stat('Call quality (MOS)', 'none', 'Mean opinion score over the last 10 minutes, estimated from client RTT, jitter and loss: 4.3+ excellent, 4 good, 3.6 fair, below 3.1 poor.', [
        [`sum(rate({__name__=~"(rtcd|mattermost_plugin_calls)_rtc_call_quality_sum", instance=~"$calls:$calls_metrics_port|$rtcd:$rtcd_metrics_port"}[10m])) / sum(rate({__name__=~"(rtcd|mattermost_plugin_calls)_rtc_call_quality_count", instance=~"$calls:$calls_metrics_port|$rtcd:$rtcd_metrics_port"}[10m]))`, 'MOS'],
      ], { decimals: 2, thresholds: [['red', null], ['orange', 3.1], ['yellow', 3.6], ['green', 4]] }),
      stat('Targets up', 'short', 'Scrape targets answering, per job (mattermost, calls, rtcd, node). A job below its number of targets is a down service.', [
        ['sum by (job) (up{job=~"mattermost|calls|rtcd|node"})', '{{job}}'],
      ]),
      ts('RTC sessions', 'short', 'Active WebRTC sessions on each SFU (the embedded one in the plugin, or each rtcd node).', sfu((p, f, who) => [`sum by (instance) (${p}_rtc_sessions_total{${f}})`, `${who} - {{instance}}`])),
      ts('Calls by node', 'short', 'Active calls (rooms) hosted by each SFU. A call lives on one node; new calls go to the least loaded rtcd node.', sfu((p, f, who) => [`sum by (instance) (${p}_rtc_calls_total{${f}})`, `${who} - {{instance}}`])),
    ],
  },
  {
    title: 'Node.js runtime',
    panels: [
      ts('CPU', 'percent', 'Process CPU, 100% = one core fully used. rtcd spreads media over worker threads, so it can exceed 100%.', procs((p, f, who) => [`sum by (instance) (rate(${p}_process_cpu_seconds_total{${f}}${W})) * 100`, `${who} - {{instance}}`])),
      ts('Resident memory', 'bytes', 'Memory the process holds (RSS).', procs((p, f, who) => [`sum by (instance) (${p}_process_resident_memory_bytes{${f}})`, `${who} - {{instance}}`])),
      ts('Heap', 'bytes', 'V8 heap in use (JavaScript objects) and external memory (Buffers: packet buffers, sockets). A heap that only grows is a leak.', [
        ...procs((p, f, who) => [`sum by (instance) (${p}_nodejs_heap_size_used_bytes{${f}})`, `${who} heap used - {{instance}}`]),
        ...procs((p, f, who) => [`sum by (instance) (${p}_nodejs_external_memory_bytes{${f}})`, `${who} external - {{instance}}`]),
      ]),
      ts('Event-loop lag', 's', 'How late the event loop runs callbacks (p99 and mean per scrape interval). Above ~50 ms signaling and pings are delayed; the CallsEventLoopLagHigh alert fires above 100 ms.', [
        ...procs((p, f, who) => [`max by (instance) (${p}_nodejs_eventloop_lag_p99_seconds{${f}})`, `${who} p99 - {{instance}}`]),
        ...procs((p, f, who) => [`max by (instance) (${p}_nodejs_eventloop_lag_mean_seconds{${f}})`, `${who} mean - {{instance}}`]),
      ]),
      ts('Garbage collection', 'percentunit', 'Share of wall time spent in GC pauses, by kind (minor = scavenge, major = mark-sweep-compact). Sustained major GC above a few percent means memory pressure.', procs((p, f, who) => [`sum by (instance, kind) (rate(${p}_nodejs_gc_duration_seconds_sum{${f}}${W}))`, `${who} {{kind}} - {{instance}}`])),
      ts('Active handles', 'short', 'libuv handles keeping the process busy (sockets, timers, servers). It follows connections; growth without load is a leak.', procs((p, f, who) => [`sum by (instance) (${p}_nodejs_active_handles{${f}})`, `${who} - {{instance}}`])),
      ts('Open file descriptors', 'short', 'Open files and sockets against the limit (LimitNOFILE).', [
        ...procs((p, f, who) => [`sum by (instance) (${p}_process_open_fds{${f}})`, `${who} open - {{instance}}`]),
        ['max by (instance) (rtcd_process_max_fds{' + R + '})', 'rtcd limit - {{instance}}'],
      ]),
    ],
  },
  {
    title: 'WebSocket',
    panels: [
      ts('Calls WebSocket connections (plugin)', 'short', 'Browser sessions in a call with a live WebSocket link to the plugin.', [
        ['sum by (instance) (mattermost_plugin_calls_websocket_connections_total{' + C + '})', 'calls - {{instance}}'],
        ['sum by (instance) (mattermost_websocket_connections{' + C + '})', 'host (all clients) - {{instance}}'],
      ]),
      ts('Calls WebSocket events (plugin)', 'ops', 'Calls messages received (in) and events sent (out) per second, by type.', [
        ['sum by (instance, direction, type) (rate(mattermost_plugin_calls_websocket_events_total{' + C + `}${W}))`, '{{direction}} {{type}} - {{instance}}'],
      ]),
      ts('Host WebSocket reconnects', 'ops', 'Client reconnections: success (missed events replayed), lossless, failure (events lost, the client resyncs).', [
        ['sum by (instance, type) (rate(mattermost_websocket_reconnects_total{' + C + `}${W}))`, '{{type}} - {{instance}}'],
      ]),
      ts('rtcd WebSocket connections', 'short', 'Plugin links to each rtcd node: one per host that uses the node. Zero while the node has sessions means the plugin lost the node (RtcdNoPluginConnection).', [
        ['sum by (instance) (rtcd_ws_connections_total{' + R + '})', 'rtcd - {{instance}}'],
      ]),
      ts('rtcd WebSocket messages', 'ops', 'Messages between plugins and rtcd per second, by type and direction.', [
        ['sum by (instance, direction, type) (rate(rtcd_ws_messages_total{' + R + `}${W}))`, '{{direction}} {{type}} - {{instance}}'],
      ]),
      ts('rtcd API requests', 'reqps', 'HTTP API requests per route and status code (/register, /login, /system, /metrics...).', [
        ['sum by (instance, route, code) (rate(rtcd_api_requests_total{' + R + `}${W}))`, '{{route}} {{code}} - {{instance}}'],
      ]),
    ],
  },
  {
    title: 'Calls plugin',
    panels: [
      ts('App handlers', 's', 'Time to run the plugin\'s call-state handlers (join, leave, state reads): p99 and average.', [
        [pct(0.99, 'mattermost_plugin_calls_app_handlers_time', C, 'handler'), 'p99 {{handler}}'],
        [avgOf('mattermost_plugin_calls_app_handlers_time', C, 'handler'), 'avg {{handler}}'],
      ]),
      ts('Store methods', 's', 'Time of the plugin\'s database methods: p99 and average. Slow stores slow joins down.', [
        [pct(0.99, 'mattermost_plugin_calls_store_methods_time', C, 'method'), 'p99 {{method}}'],
        [avgOf('mattermost_plugin_calls_store_methods_time', C, 'method'), 'avg {{method}}'],
      ]),
      ts('Store operations', 'ops', 'Database operations per second by method (plugin), and client-registry operations (rtcd).', [
        ['sum by (type) (rate(mattermost_plugin_calls_store_ops_total{' + C + `}${W}))`, 'calls {{type}}'],
        ['sum by (type) (rate(rtcd_store_ops_total{' + R + `}${W}))`, 'rtcd {{type}}'],
      ]),
      ts('Cluster mutexes', 's', 'Time to grab and time holding the call-state locks (shared by hosts in HA).', [
        [pct(0.99, 'mattermost_plugin_calls_cluster_mutex_grab_time', C, 'group'), 'grab p99 {{group}}'],
        [pct(0.99, 'mattermost_plugin_calls_cluster_mutex_locked_time', C, 'group'), 'locked p99 {{group}}'],
      ]),
      ts('Call statistics', 'short', 'From the plugin\'s database: average participants and duration of calls, total calls.', [
        ['max by (stat) (mattermost_plugin_calls_aggregate_stats{stat=~"avg_participants|total_calls|total_active_calls", ' + C + '})', '{{stat}}'],
      ]),
      ts('Plugin restarts and hook failures', 'short', 'Restarts of the Calls plugin process by the host, and failed hook calls (timeout, not_running, error) in the last 10 minutes.', [
        ['sum by (instance) (increase(mattermost_plugin_restarts_total{plugin_id="com.mattermost.calls", ' + C + '}[10m]))', 'restarts - {{instance}}'],
        ['sum by (instance, hook, reason) (increase(mattermost_plugin_hook_failures_total{plugin_id="com.mattermost.calls", ' + C + '}[10m]))', '{{hook}} {{reason}} - {{instance}}'],
      ]),
    ],
  },
  {
    title: 'RTC',
    panels: [
      ts('RTC errors', 'short', 'RTC errors in the last 2 minutes by type (signaling, ice, rtp, track, ...). See the CallsRTCErrors runbook.', sfu((p, f, who) => [`sum by (instance, type) (increase(${p}_rtc_errors_total{${f}}${W}))`, `${who} {{type}} - {{instance}}`])),
      ts('RTC connection states', 'short', 'Peer-connection state changes in the last 2 minutes: connected, disconnected, failed, closed. Failed next to connected is the share of users who cannot get media through.', sfu((p, f, who) => [`sum by (instance, type) (increase(${p}_rtc_conn_states_total{${f}}${W}))`, `${who} {{type}} - {{instance}}`])),
      ts('RTP tracks', 'short', 'Active media tracks: in = published by clients, out = forwarded to receivers; by codec.', sfu((p, f, who) => [`sum by (instance, direction, type) (${p}_rtc_rtp_tracks_total{${f}})`, `${who} {{direction}} {{type}} - {{instance}}`])),
      ts('RTP track writes', 's', 'Time to forward a packet to the receivers of a track (average and p99 by media type).', [
        ...sfu((p, f, who) => [avgOf(`${p}_rtc_rtp_tracks_writes_time`, f, 'instance, type'), `${who} avg {{type}} - {{instance}}`]),
        ...sfu((p, f, who) => [pct(0.99, `${p}_rtc_rtp_tracks_writes_time`, f, 'instance, type'), `${who} p99 {{type}} - {{instance}}`]),
      ]),
      ts('Connection time', 's', 'From joining to a connected peer connection (ICE + DTLS).', sfuHistogram('connection_time')),
      ts('Data channel open time', 's', 'From the first answer to the data channel being open.', sfuHistogram('dc_open_time')),
      ts('Signaling lock grab time', 's', 'Time clients wait for the signaling lock before renegotiating (unmute, screen share).', sfuHistogram('signaling_lock_grab_time')),
      ts('Signaling lock held time', 's', 'Time clients hold the signaling lock (one renegotiation).', sfuHistogram('signaling_lock_locked_time')),
    ],
  },
  {
    title: 'Packets and bytes',
    panels: [
      ts('RTP packets', 'pps', 'RTP packets per second received from publishers (in) and sent to receivers (out), by media type. out/in is the fan-out.', sfu((p, f, who) => [`sum by (instance, direction, type) (rate(${p}_rtc_rtp_packets_total{${f}}${W}))`, `${who} {{direction}} {{type}} - {{instance}}`])),
      ts('RTP bitrate', 'bps', 'RTP payload bits per second, by direction and media type.', sfu((p, f, who) => [`8 * sum by (instance, direction, type) (rate(${p}_rtc_rtp_bytes_total{${f}}${W}))`, `${who} {{direction}} {{type}} - {{instance}}`])),
      ts('RTCP packets', 'pps', 'RTCP feedback per second by type: NACK (retransmission requests, i.e. loss), PLI (keyframe requests), SR/RR (reports), TWCC.', sfu((p, f, who) => [`sum by (instance, direction, type) (rate(${p}_rtc_rtcp_packets_total{${f}}${W}))`, `${who} {{direction}} {{type}} - {{instance}}`])),
      ts('Media path', 'pps', 'RTP packets per second by the path they took: fast (own SRTP, connected UDP socket) should carry nearly all; werift (fallback, with the reason) costs several times more CPU; dropped are forged, replayed or over-queue packets.', sfu((p, f, who) => [`sum by (instance, direction, path, reason) (rate(${p}_rtc_rtp_path_packets_total{${f}}${W}))`, `${who} {{direction}} {{path}} {{reason}} - {{instance}}`])),
      ts('Shared ICE port', 'pps', 'UDP datagrams per second in and out of the ICE port, datagrams dropped by reason (scanners, late packets, full worker queues), send errors, and ICE-TCP connections.', [
        ...sfu((p, f, who) => [`sum by (instance, direction) (rate(${p}_rtc_udp_datagrams_total{${f}}${W}))`, `${who} {{direction}} - {{instance}}`]),
        ...sfu((p, f, who) => [`sum by (instance, reason) (rate(${p}_rtc_udp_dropped_total{${f}}${W}))`, `${who} dropped {{reason}} - {{instance}}`]),
        ...sfu((p, f, who) => [`sum by (instance) (rate(${p}_rtc_udp_send_errors_total{${f}}${W}))`, `${who} send errors - {{instance}}`]),
        ...sfu((p, f, who) => [`sum by (instance, result) (rate(${p}_rtc_ice_tcp_connections_total{${f}}${W}))`, `${who} ICE-TCP {{result}} - {{instance}}`]),
      ]),
      ts('ICE candidate pairs', 'short', 'Candidate pairs clients connected with: host/srflx/relay and UDP/TCP. Many relay or TCP pairs mean UDP 8443 does not reach the node.', [
        ['sum by (state, local_type, remote_type, local_protocol, remote_protocol) (mattermost_plugin_calls_client_ice_candidate_pairs_total{' + C + '})', '{{state}} {{local_type}}/{{local_protocol}} - {{remote_type}}/{{remote_protocol}}'],
      ]),
    ],
  },
  {
    title: 'Quality (client reports)',
    panels: [
      ts('Round-trip time', 's', 'Client-reported round-trip time to the SFU: average and p99. Above 300 ms conversations suffer.', sfuHistogram('client_rtt')),
      ts('Jitter', 's', 'Client-reported jitter: average and p99. Above 30-50 ms audio gets choppy.', sfuHistogram('client_jitter')),
      ts('Loss rate', 'percentunit', 'Client-reported packet loss: average and p99. Above 5% voice drops out.', sfuHistogram('client_loss_rate')),
      ts('Call quality (MOS)', 'none', 'Mean opinion score (1-5) estimated from each client\'s reports: average and the worst 10% (p10).', [
        ...sfu((p, f, who) => [avgOf(`${p}_rtc_call_quality`, f), `${who} avg - {{instance}}`]),
        ...sfu((p, f, who) => [pct(0.1, `${p}_rtc_call_quality`, f), `${who} p10 - {{instance}}`]),
      ], { min: 1, max: 5 }),
    ],
  },
  {
    title: 'Host (chat server)',
    panels: [
      ts('HTTP requests', 'reqps', 'Requests per second by status code.', [
        ['sum by (instance, status_code) (rate(mattermost_http_requests_total{' + C + `}${W}))`, '{{status_code}} - {{instance}}'],
      ]),
      ts('HTTP latency p99', 's', 'p99 request time by route (the slowest routes first in the legend).', [
        [pct(0.99, 'mattermost_http_request_duration_seconds', C, 'instance, route'), '{{route}} - {{instance}}'],
      ]),
      ts('Metrics requests refused', 'short', 'Requests to the metrics endpoints refused (403) in the last 10 minutes by the allow-list or the bearer token.', [
        ['sum by (instance, reason) (increase(mattermost_metrics_requests_refused_total{' + C + '}[10m]))', 'host {{reason}} - {{instance}}'],
        ['sum by (instance, reason) (increase(rtcd_metrics_requests_refused_total{' + R + '}[10m]))', 'rtcd {{reason}} - {{instance}}'],
      ]),
    ],
  },
  {
    title: 'Machines (node_exporter)',
    panels: [
      ts('CPU used', 'percent', 'Machine CPU. rtcd machines above 70% for 10 minutes: add a node (RtcdHostCPUHigh).', [
        [`100 - 100 * avg by (instance) (rate(node_cpu_seconds_total{${NR}, mode="idle"}${W}))`, 'rtcd machine - {{instance}}'],
        [`100 - 100 * avg by (instance) (rate(node_cpu_seconds_total{${NC}, mode="idle"}${W}))`, 'host machine - {{instance}}'],
      ], { max: 100 }),
      ts('Memory used', 'bytes', 'Machine memory in use (total - available) and total.', [
        [`node_memory_MemTotal_bytes{${NR}} - node_memory_MemAvailable_bytes{${NR}}`, 'rtcd used - {{instance}}'],
        [`node_memory_MemTotal_bytes{${NR}}`, 'rtcd total - {{instance}}'],
        [`node_memory_MemTotal_bytes{${NC}} - node_memory_MemAvailable_bytes{${NC}}`, 'host used - {{instance}}'],
      ]),
      ts('UDP', 'pps', 'UDP datagrams per second in and out, and receive errors (receive-buffer overflows are lost media: raise net.core.rmem_max).', [
        [`rate(node_netstat_Udp_InDatagrams{${NR}}${W})`, 'in - {{instance}}'],
        [`rate(node_netstat_Udp_OutDatagrams{${NR}}${W})`, 'out - {{instance}}'],
        [`rate(node_netstat_Udp_InErrors{${NR}}${W})`, 'errors - {{instance}}'],
        [`rate(node_netstat_Udp_RcvbufErrors{${NR}}${W})`, 'receive buffer errors - {{instance}}'],
      ]),
      ts('TCP', 'short', 'TCP sockets in use, and errors, timeouts and retransmissions per second (WebSocket links, ICE-TCP).', [
        [`node_sockstat_TCP_inuse{${NR}}`, 'in use - {{instance}}'],
        [`rate(node_netstat_Tcp_InErrs{${NR}}${W})`, 'errors - {{instance}}'],
        [`rate(node_netstat_TcpExt_TCPTimeouts{${NR}}${W})`, 'timeouts - {{instance}}'],
        [`rate(node_netstat_Tcp_RetransSegs{${NR}}${W})`, 'retransmissions - {{instance}}'],
      ]),
      ts('Network throughput', 'bps', 'Bits per second on all interfaces of each machine.', [
        [`8 * sum by (instance) (rate(node_network_transmit_bytes_total{${NR}}${W}))`, 'rtcd TX - {{instance}}'],
        [`8 * sum by (instance) (rate(node_network_receive_bytes_total{${NR}}${W}))`, 'rtcd RX - {{instance}}'],
        [`8 * sum by (instance) (rate(node_network_transmit_bytes_total{${NC}}${W}))`, 'host TX - {{instance}}'],
        [`8 * sum by (instance) (rate(node_network_receive_bytes_total{${NC}}${W}))`, 'host RX - {{instance}}'],
      ]),
    ],
  },
];

function targets(list) {
  return list.map(([expr, legendFormat], i) => ({ datasource: DS, editorMode: 'code', expr, legendFormat, range: true, refId: String.fromCharCode(65 + i) }));
}

function ts(title, unit, description, list, opts = {}) {
  return {
    type: 'timeseries',
    title,
    description,
    datasource: DS,
    fieldConfig: {
      defaults: {
        unit,
        ...(opts.min !== undefined ? { min: opts.min } : {}),
        ...(opts.max !== undefined ? { max: opts.max } : {}),
        custom: { drawStyle: 'line', lineWidth: 1, fillOpacity: 10, showPoints: 'never', spanNulls: false },
      },
      overrides: [],
    },
    options: { legend: { displayMode: 'list', placement: 'bottom', showLegend: true }, tooltip: { mode: 'multi', sort: 'desc' } },
    targets: targets(list),
    size: [12, 8],
  };
}

function stat(title, unit, description, list, opts = {}) {
  const steps = (opts.thresholds ?? [['green', null]]).map(([color, value]) => ({ color, value }));
  return {
    type: 'stat',
    title,
    description,
    datasource: DS,
    fieldConfig: { defaults: { unit, ...(opts.decimals !== undefined ? { decimals: opts.decimals } : {}), thresholds: { mode: 'absolute', steps } }, overrides: [] },
    options: { reduceOptions: { calcs: ['lastNotNull'], fields: '', values: false }, colorMode: 'value', graphMode: 'area', textMode: 'auto' },
    targets: targets(list),
    size: [6, 4],
  };
}

function hostVariable(name, label, portVar) {
  return {
    name,
    label,
    type: 'query',
    datasource: DS,
    definition: 'label_values(up, instance)',
    query: { query: 'label_values(up, instance)', refId: 'StandardVariableQuery' },
    regex: `(.*):$${portVar}`,
    refresh: 2,
    multi: true,
    includeAll: true,
    allValue: '.*',
    current: { selected: true, text: ['All'], value: ['$__all'] },
    sort: 1,
  };
}

function constant(name, value) {
  return { name, type: 'constant', hide: 2, query: value, skipUrlSync: true, current: { text: value, value }, options: [{ selected: true, text: value, value }] };
}

function build() {
  const panels = [];
  let id = 1;
  let y = 0;
  for (const row of rows) {
    panels.push({ type: 'row', title: row.title, id: id++, collapsed: false, gridPos: { h: 1, w: 24, x: 0, y: y++ }, panels: [] });
    let x = 0;
    let rowH = 0;
    for (const p of row.panels) {
      const [w, h] = p.size;
      if (x + w > 24) {
        x = 0;
        y += rowH;
        rowH = 0;
      }
      const { size: _size, ...rest } = p;
      panels.push({ ...rest, id: id++, gridPos: { h, w, x, y } });
      x += w;
      rowH = Math.max(rowH, h);
    }
    y += rowH;
  }
  return {
    title: 'Calls for TypeScript - Performance Monitoring',
    uid: 'calls-ts-performance',
    description: 'Calls plugin, rtcd, the chat host and their machines: Node runtime, RTC, WebSocket, store, packets and call quality. Source: assets/grafana/build-dashboard.mjs; guide: docs/monitoring.md.',
    tags: ['calls', 'rtcd', 'webrtc'],
    editable: true,
    graphTooltip: 1,
    refresh: '30s',
    schemaVersion: 39,
    time: { from: 'now-1h', to: 'now' },
    timezone: 'browser',
    links: [],
    annotations: { list: [{ builtIn: 1, datasource: { type: 'grafana', uid: '-- Grafana --' }, enable: true, hide: true, iconColor: 'rgba(0, 211, 255, 1)', name: 'Annotations & Alerts', type: 'dashboard' }] },
    templating: {
      list: [
        { name: 'datasource', label: 'Data source', type: 'datasource', query: 'prometheus', current: {}, hide: 0, refresh: 1, regex: '' },
        hostVariable('calls', 'calls-instance', 'calls_metrics_port'),
        hostVariable('rtcd', 'rtcd-instance', 'rtcd_metrics_port'),
        constant('calls_metrics_port', '8067'),
        constant('rtcd_metrics_port', '8045'),
        constant('node_exporter_port', '9100'),
      ],
    },
    panels,
    version: 1,
  };
}

const json = `${JSON.stringify(build(), null, 2)}\n`;
if (process.argv.includes('--check')) {
  let current = '';
  try {
    current = readFileSync(OUT, 'utf8');
  } catch {
    // a missing file is out of date too
  }
  if (current !== json) {
    console.error(`${OUT} is out of date: run node assets/grafana/build-dashboard.mjs`);
    process.exit(1);
  }
} else {
  writeFileSync(OUT, json);
  console.log(`wrote ${OUT}`);
}
