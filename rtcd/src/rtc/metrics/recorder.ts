// The engine side of the SFU metrics. Sessions, calls and the media path record here (plain numbers, no
// prom-client, no label hashing per packet); `takeDelta()` hands everything since the last take to the
// metrics registry (`RtcMetrics.apply`), directly in inline mode or through a worker's message port. Values
// are therefore derived from events and stay exact across threads.
import { LATENCY_BUCKETS } from './buckets.js';
import { LocalHistogram, type HistogramBatch } from './local-histogram.js';
import type { NetDelta, NetDeltaTracker } from './net-delta.js';

export type GaugeKey = 'sessions' | 'calls' | 'tracks';
export type CounterKey = 'connStates' | 'errors' | 'rtcpPackets';
export type ObservationKey =
  | 'connectionTime'
  | 'dcOpenTime'
  | 'lockGrabTime'
  | 'lockLockedTime'
  | 'clientRtt'
  | 'clientJitter'
  | 'clientLossRate'
  | 'callQuality';

/** Media track types that have RTP packet/byte counters and a write-time histogram. */
export const FORWARDED_TYPES = ['voice', 'screen-audio', 'screen'] as const;
export type ForwardedType = (typeof FORWARDED_TYPES)[number];

/** Everything recorded since the previous delta. Structured-clone friendly (crosses worker ports). */
export interface MetricsDelta {
  /** [family, label values in the family's label order, signed change] */
  gauges: [GaugeKey, string[], number][];
  counters: [CounterKey, string[], number][];
  observations: [ObservationKey, string[], number][];
  /** packets/bytes as [direction in/out][type index of FORWARDED_TYPES][packets, bytes], flattened. */
  rtp?: number[];
  writeTimes: { groupID: string; type: ForwardedType; batch: HistogramBatch }[];
  /** Packets by media path outcome (index = PATH_OUTCOMES), when any changed. */
  paths?: number[];
  /** The shared ICE port's counters of this thread, when any changed. */
  net?: NetDelta;
}

/**
 * Which path each RTP packet took through the SFU: `fast` (our SRTP, header rewrite and connected socket),
 * `mixed` (our SRTP, sent through werift's ICE transport: ICE-TCP, or before the connected socket is open),
 * `werift` (werift's own SRTP/sender: the fast path could not take it, `reason` says why), `dropped`.
 * Ingest packets are counted where they are decrypted, egress packets once per receiver.
 */
export const PATH_OUTCOMES = [
  ['in', 'fast', 'none'],
  ['in', 'werift', 'disabled'],
  ['in', 'werift', 'no_keys'],
  ['in', 'werift', 'too_large'],
  ['in', 'werift', 'malformed'],
  ['in', 'dropped', 'auth_failed'],
  ['in', 'dropped', 'replay'],
  ['in', 'dropped', 'malformed'],
  ['out', 'fast', 'none'],
  ['out', 'mixed', 'no_udp_path'],
  ['out', 'werift', 'disabled'],
  ['out', 'werift', 'no_keys'],
  ['out', 'werift', 'too_large'],
  ['out', 'dropped', 'send_queue_full'],
] as const;

export type PathOutcome = (typeof PATH_OUTCOMES)[number];

/** Index of an outcome in PATH_OUTCOMES (resolved once, outside the packet path). */
export function pathOutcomeIndex(direction: PathOutcome[0], path: PathOutcome[1], reason: PathOutcome[2]): number {
  const i = PATH_OUTCOMES.findIndex((o) => o[0] === direction && o[1] === path && o[2] === reason);
  if (i < 0) throw new Error(`unknown path outcome ${direction}/${path}/${reason}`);
  return i;
}

/** Plain counters incremented in place on the packet path (see PATH_OUTCOMES). */
export class PathCounters {
  readonly values = new Float64Array(PATH_OUTCOMES.length);

  take(): number[] | undefined {
    const v = this.values;
    let any = false;
    for (let i = 0; i < v.length; i++) if (v[i] !== 0) any = true;
    if (!any) return undefined;
    const out = Array.from(v);
    v.fill(0);
    return out;
  }
}

/** Index of the packets counter for (direction, type) in RtpCounters.values; bytes are at index + 1. */
export function rtpCounterIndex(direction: 'in' | 'out', type: ForwardedType): number {
  return ((direction === 'in' ? 0 : 1) * FORWARDED_TYPES.length + FORWARDED_TYPES.indexOf(type)) * 2;
}

/** Raw RTP packet/byte counters, incremented in place by the forwarders (see rtpCounterIndex). */
export class RtpCounters {
  readonly values = new Float64Array(2 * FORWARDED_TYPES.length * 2);

  take(): number[] | undefined {
    const v = this.values;
    let any = false;
    for (let i = 0; i < v.length; i++) if (v[i] !== 0) any = true;
    if (!any) return undefined;
    const out = Array.from(v);
    v.fill(0);
    return out;
  }
}

// Low-rate observations are kept raw; this bounds them between two flushes (flushes run every ~0.5 s).
const MAX_PENDING_OBSERVATIONS = 10_000;

export class MetricsRecorder {
  readonly rtp = new RtpCounters();
  readonly paths = new PathCounters();
  private net: NetDeltaTracker | undefined;
  private gauges = new Map<string, [GaugeKey, string[], number]>();
  private counters = new Map<string, [CounterKey, string[], number]>();
  private observations: [ObservationKey, string[], number][] = [];
  private readonly writeTimes = new Map<string, { groupID: string; type: ForwardedType; hist: LocalHistogram }>();
  droppedObservations = 0;

  gauge(key: GaugeKey, labels: string[], delta: number): void {
    const id = key + '\0' + labels.join('\0');
    const cur = this.gauges.get(id);
    if (cur) cur[2] += delta;
    else this.gauges.set(id, [key, labels, delta]);
  }

  count(key: CounterKey, labels: string[], inc = 1): void {
    const id = key + '\0' + labels.join('\0');
    const cur = this.counters.get(id);
    if (cur) cur[2] += inc;
    else this.counters.set(id, [key, labels, inc]);
  }

  error(groupID: string, type: string): void {
    this.count('errors', [groupID, type]);
  }

  connState(state: string): void {
    this.count('connStates', [state, state]);
  }

  rtcp(direction: 'in' | 'out', type: string): void {
    this.count('rtcpPackets', [direction, type]);
  }

  observe(key: ObservationKey, groupID: string, value: number): void {
    if (!Number.isFinite(value)) return;
    if (this.observations.length >= MAX_PENDING_OBSERVATIONS) {
      this.droppedObservations++;
      return;
    }
    this.observations.push([key, [groupID], value]);
  }

  /** The write-time histogram of one (group, track type); forwarders keep the reference and observe on it. */
  writeTimeHistogram(groupID: string, type: ForwardedType): LocalHistogram {
    const id = groupID + '\0' + type;
    let e = this.writeTimes.get(id);
    if (!e) {
      e = { groupID, type, hist: new LocalHistogram(LATENCY_BUCKETS) };
      this.writeTimes.set(id, e);
    }
    return e.hist;
  }

  /** Reports the shared port's counters of this thread with every delta. */
  trackNet(tracker: NetDeltaTracker): void {
    this.net = tracker;
  }

  /** Everything since the last call, or undefined when nothing happened. */
  takeDelta(): MetricsDelta | undefined {
    const gauges = [...this.gauges.values()].filter((g) => g[2] !== 0);
    const counters = [...this.counters.values()].filter((c) => c[2] !== 0);
    this.gauges = new Map();
    this.counters = new Map();
    const observations = this.observations;
    this.observations = [];
    const rtp = this.rtp.take();
    const writeTimes: MetricsDelta['writeTimes'] = [];
    for (const e of this.writeTimes.values()) {
      const batch = e.hist.take();
      if (batch) writeTimes.push({ groupID: e.groupID, type: e.type, batch });
    }
    const paths = this.paths.take();
    const net = this.net?.take();
    if (!gauges.length && !counters.length && !observations.length && !rtp && !writeTimes.length && !paths && !net) return undefined;
    const delta: MetricsDelta = { gauges, counters, observations, writeTimes };
    if (rtp) delta.rtp = rtp;
    if (paths) delta.paths = paths;
    if (net) delta.net = net;
    return delta;
  }
}
