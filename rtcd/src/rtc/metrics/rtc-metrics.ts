// The SFU metric families of shared/METRICS.md, declared once per registry with a prefix (`rtcd` for the
// daemon, `mattermost_plugin_calls` for the plugin). Values only change through `apply(delta)` (deltas come
// from the engine's MetricsRecorder, possibly in worker threads). Every family has a collect hook that first
// asks the running RtcServer(s) to flush their pending deltas, so a scrape sees the media path up to now.
import { Counter, Gauge, Histogram, type Registry } from 'prom-client';
import { DEFAULT_BUCKETS, LATENCY_BUCKETS, LOSS_BUCKETS, MOS_BUCKETS } from './buckets.js';
import { MergeableHistogram } from './mergeable-histogram.js';
import { DROP_REASONS, ICE_TCP_RESULTS } from '../net/counters.js';
import type { NetDelta } from './net-delta.js';
import { FORWARDED_TYPES, PATH_OUTCOMES, type MetricsDelta, type ObservationKey } from './recorder.js';

type CollectHook = () => void | Promise<void>;

export class RtcMetrics {
  readonly sessions: Gauge<'group_id'>;
  readonly calls: Gauge<'group_id'>;
  readonly connStates: Counter<'type' | 'state'>;
  readonly errors: Counter<'group_id' | 'type'>;
  readonly tracks: Gauge<'group_id' | 'direction' | 'type'>;
  readonly writesTime: MergeableHistogram;
  readonly connectionTime: Histogram<'group_id'>;
  readonly dcOpenTime: Histogram<'group_id'>;
  readonly lockGrabTime: Histogram<'group_id'>;
  readonly lockLockedTime: Histogram<'group_id'>;
  readonly clientRtt: Histogram<'group_id'>;
  readonly clientJitter: Histogram<'group_id'>;
  readonly clientLossRate: Histogram<'group_id'>;
  readonly callQuality: Histogram<'group_id'>;
  readonly rtpPackets: Counter<'direction' | 'type'>;
  readonly rtpBytes: Counter<'direction' | 'type'>;
  readonly rtcpPackets: Counter<'direction' | 'type'>;
  readonly rtpPathPackets: Counter<'direction' | 'path' | 'reason'>;
  readonly udpDatagrams: Counter<'direction'>;
  readonly udpDropped: Counter<'reason'>;
  readonly udpSendErrors: Counter;
  readonly iceTcpConnections: Counter<'result'>;

  private readonly hooks = new Set<CollectHook>();
  private inFlight: Promise<void> | undefined;

  constructor(
    readonly registry: Registry,
    readonly prefix: string,
  ) {
    if (!/^[a-zA-Z_][a-zA-Z0-9_]*$/.test(prefix)) throw new Error(`invalid metrics prefix "${prefix}"`);
    const p = `${prefix}_rtc`;
    const registers = [registry];
    const collect = (): Promise<void> => this.collect();
    const gauge = <L extends string>(name: string, help: string, labelNames: L[]) =>
      new Gauge<L>({ name: `${p}_${name}`, help, labelNames, registers, collect });
    const counter = <L extends string>(name: string, help: string, labelNames: L[]) =>
      new Counter<L>({ name: `${p}_${name}`, help, labelNames, registers, collect });
    const histogram = (name: string, help: string, buckets: readonly number[]) =>
      new Histogram<'group_id'>({ name: `${p}_${name}`, help, labelNames: ['group_id'], buckets: [...buckets], registers, collect });

    this.sessions = gauge('sessions_total', 'Total number of active RTC sessions', ['group_id']);
    this.calls = gauge('calls_total', 'Total number of active calls', ['group_id']);
    this.connStates = counter('conn_states_total', 'Total number of RTC connection state changes', ['type', 'state']);
    this.errors = counter('errors_total', 'Total number of RTC related errors', ['group_id', 'type']);
    this.tracks = gauge('rtp_tracks_total', 'Total number of active RTP tracks', ['group_id', 'direction', 'type']);
    this.writesTime = new MergeableHistogram({
      name: `${p}_rtp_tracks_writes_time`,
      help: 'Time taken to write to RTP tracks',
      labelNames: ['group_id', 'type'],
      buckets: LATENCY_BUCKETS,
      registers,
      collect,
    });
    this.connectionTime = histogram('connection_time', 'Time taken to establish the connection', DEFAULT_BUCKETS);
    this.dcOpenTime = histogram('dc_open_time', 'Time taken to open the data channel', DEFAULT_BUCKETS);
    this.lockGrabTime = histogram('signaling_lock_grab_time', 'Time taken to acquire the signaling lock', DEFAULT_BUCKETS);
    this.lockLockedTime = histogram('signaling_lock_locked_time', 'Time the signaling lock was held', DEFAULT_BUCKETS);
    this.clientRtt = histogram('client_rtt', 'Client round trip time', LATENCY_BUCKETS);
    this.clientJitter = histogram('client_jitter', 'Client latency jitter', LATENCY_BUCKETS);
    this.clientLossRate = histogram('client_loss_rate', 'Client loss rate', LOSS_BUCKETS);
    this.callQuality = histogram('call_quality', 'Call quality (MOS) estimated from client reports', MOS_BUCKETS);
    this.rtpPackets = counter('rtp_packets_total', 'Total number of RTP packets received/sent', ['direction', 'type']);
    this.rtpBytes = counter('rtp_bytes_total', 'Total number of RTP payload bytes received/sent', ['direction', 'type']);
    this.rtcpPackets = counter('rtcp_packets_total', 'Total number of RTCP packets received/sent', ['direction', 'type']);
    this.rtpPathPackets = counter(
      'rtp_path_packets_total',
      'RTP packets by media path: fast (own SRTP and sockets), mixed, werift (fallback, with the reason), dropped',
      ['direction', 'path', 'reason'],
    );
    this.udpDatagrams = counter('udp_datagrams_total', 'UDP datagrams received/sent on the shared ICE port', ['direction']);
    this.udpDropped = counter('udp_dropped_total', 'Datagrams dropped on the shared ICE port, by reason', ['reason']);
    this.udpSendErrors = counter('udp_send_errors_total', 'Failed sends on the shared ICE port', []);
    this.iceTcpConnections = counter('ice_tcp_connections_total', 'ICE-TCP connections accepted/rejected on the shared port', ['result']);
    // Starts at zero so that increase() sees the first connection of either result.
    for (const result of ICE_TCP_RESULTS) this.iceTcpConnections.inc({ result }, 0);
  }

  /** Registers a flush-before-read hook (RtcServer does on start); returns its removal. */
  addCollectHook(hook: CollectHook): () => void {
    this.hooks.add(hook);
    return () => this.hooks.delete(hook);
  }

  /** Runs the hooks once for all families read in the same scrape (concurrent calls share one run). */
  collect(): Promise<void> {
    if (this.hooks.size === 0) return Promise.resolve();
    this.inFlight ??= (async () => {
      try {
        await Promise.all([...this.hooks].map((h) => h()));
      } finally {
        this.inFlight = undefined;
      }
    })();
    return this.inFlight;
  }

  private histogramFor(key: ObservationKey): Histogram<'group_id'> {
    switch (key) {
      case 'connectionTime':
        return this.connectionTime;
      case 'dcOpenTime':
        return this.dcOpenTime;
      case 'lockGrabTime':
        return this.lockGrabTime;
      case 'lockLockedTime':
        return this.lockLockedTime;
      case 'clientRtt':
        return this.clientRtt;
      case 'clientJitter':
        return this.clientJitter;
      case 'clientLossRate':
        return this.clientLossRate;
      case 'callQuality':
        return this.callQuality;
    }
  }

  apply(delta: MetricsDelta): void {
    for (const [key, l, v] of delta.gauges) {
      if (key === 'sessions') this.sessions.inc({ group_id: l[0]! }, v);
      else if (key === 'calls') this.calls.inc({ group_id: l[0]! }, v);
      else this.tracks.inc({ group_id: l[0]!, direction: l[1]!, type: l[2]! }, v);
    }
    for (const [key, l, v] of delta.counters) {
      if (v <= 0) continue;
      if (key === 'connStates') this.connStates.inc({ type: l[0]!, state: l[1]! }, v);
      else if (key === 'errors') this.errors.inc({ group_id: l[0]!, type: l[1]! }, v);
      else this.rtcpPackets.inc({ direction: l[0]!, type: l[1]! }, v);
    }
    for (const [key, l, v] of delta.observations) this.histogramFor(key).observe({ group_id: l[0]! }, v);
    if (delta.rtp) {
      const r = delta.rtp;
      const n = FORWARDED_TYPES.length;
      for (let d = 0; d < 2; d++) {
        const direction = d === 0 ? 'in' : 'out';
        for (let t = 0; t < n; t++) {
          const i = (d * n + t) * 2;
          const type = FORWARDED_TYPES[t]!;
          if (r[i]! > 0) this.rtpPackets.inc({ direction, type }, r[i]!);
          if (r[i + 1]! > 0) this.rtpBytes.inc({ direction, type }, r[i + 1]!);
        }
      }
    }
    for (const w of delta.writeTimes) this.writesTime.merge({ group_id: w.groupID, type: w.type }, w.batch);
    if (delta.paths) {
      delta.paths.forEach((v, i) => {
        const [direction, path, reason] = PATH_OUTCOMES[i]!;
        if (v > 0) this.rtpPathPackets.inc({ direction, path, reason }, v);
      });
    }
    if (delta.net) this.applyNet(delta.net);
  }

  private applyNet(d: NetDelta): void {
    if (d.received > 0) this.udpDatagrams.inc({ direction: 'in' }, d.received);
    if (d.sent > 0) this.udpDatagrams.inc({ direction: 'out' }, d.sent);
    if (d.sendErrors > 0) this.udpSendErrors.inc(d.sendErrors);
    d.dropped.forEach((v, i) => {
      if (v > 0) this.udpDropped.inc({ reason: DROP_REASONS[i]! }, v);
    });
    if (d.tcpAccepted > 0) this.iceTcpConnections.inc({ result: 'accepted' }, d.tcpAccepted);
    if (d.tcpRejected > 0) this.iceTcpConnections.inc({ result: 'rejected' }, d.tcpRejected);
  }
}

/** Declares every SFU family on `registry` with `prefix` (`rtcd` or `mattermost_plugin_calls`). */
export function createRtcMetrics(registry: Registry, prefix = 'rtcd'): RtcMetrics {
  return new RtcMetrics(registry, prefix);
}
