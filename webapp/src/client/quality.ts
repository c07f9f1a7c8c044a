// Connection quality from getStats: the figures the client reports over the data channel (loss rate,
// round-trip time, jitter) and a score for the widget's indicator (MOS from a simplified E-model, the
// approach of calls-common's RTCMonitor, with its 3.5 "degraded" threshold).

/** The getStats fields this module reads (a structural subset of RTCStats reports). */
export interface StatsReport {
  type: string;
  id?: string;
  kind?: string;
  ssrc?: number;
  timestamp?: number;
  packetsReceived?: number;
  packetsLost?: number;
  jitter?: number;
  roundTripTime?: number;
  fractionLost?: number;
  nominated?: boolean;
  state?: string;
  currentRoundTripTime?: number;
}

export interface InboundSnapshot {
  packetsReceived: number;
  packetsLost: number;
}

export interface QualitySample {
  /** Seconds (transport round trip). */
  rtt?: number;
  /** Seconds. */
  jitter?: number;
  /** Fraction 0..1 over the last interval. */
  lossRate?: number;
}

export type QualityLevel = 'good' | 'fair' | 'poor' | 'unknown';

/**
 * Reads one getStats result against the previous inbound counters (by ssrc): loss over the interval from
 * received audio, jitter as the worst of what we receive and what the server reports for what we send,
 * RTT from the selected candidate pair (else from remote-inbound reports).
 */
export function sampleStats(reports: Iterable<StatsReport>, prev: Map<number, InboundSnapshot>): { sample: QualitySample; next: Map<number, InboundSnapshot> } {
  const next = new Map<number, InboundSnapshot>();
  let received = 0;
  let lost = 0;
  let jitterSum = 0;
  let jitterN = 0;
  let remoteJitter = 0;
  let remoteRtt: number | undefined;
  let remoteLoss: number | undefined;
  let pairRtt: number | undefined;
  for (const r of reports) {
    if (r.type === 'inbound-rtp' && r.kind === 'audio' && typeof r.ssrc === 'number') {
      const snap = { packetsReceived: r.packetsReceived ?? 0, packetsLost: Math.max(0, r.packetsLost ?? 0) };
      next.set(r.ssrc, snap);
      const before = prev.get(r.ssrc);
      if (before && snap.packetsReceived > before.packetsReceived) {
        received += snap.packetsReceived - before.packetsReceived;
        lost += Math.max(0, snap.packetsLost - before.packetsLost);
        if (typeof r.jitter === 'number') {
          jitterSum += r.jitter;
          jitterN++;
        }
      }
    } else if (r.type === 'remote-inbound-rtp' && r.kind === 'audio') {
      if (typeof r.jitter === 'number') remoteJitter = Math.max(remoteJitter, r.jitter);
      if (typeof r.roundTripTime === 'number') remoteRtt = Math.max(remoteRtt ?? 0, r.roundTripTime);
      if (typeof r.fractionLost === 'number') remoteLoss = Math.max(remoteLoss ?? 0, r.fractionLost);
    } else if (r.type === 'candidate-pair' && r.nominated && r.state === 'succeeded' && typeof r.currentRoundTripTime === 'number') {
      pairRtt = r.currentRoundTripTime;
    }
  }
  const sample: QualitySample = {};
  const rtt = pairRtt ?? remoteRtt;
  if (rtt !== undefined) sample.rtt = rtt;
  if (jitterN > 0 || remoteJitter > 0) sample.jitter = Math.max(jitterN > 0 ? jitterSum / jitterN : 0, remoteJitter);
  const total = received + lost;
  if (total > 0) sample.lossRate = Math.max(lost / total, remoteLoss ?? 0);
  else if (remoteLoss !== undefined) sample.lossRate = remoteLoss;
  return { sample, next };
}

/** Mean opinion score 1..4.5 from one-way latency, jitter and loss (simplified ITU-T G.107 E-model). */
export function meanOpinionScore(s: Required<Pick<QualitySample, 'rtt'>> & QualitySample): number {
  const latencyMs = (s.rtt * 1000) / 2;
  const jitterMs = (s.jitter ?? 0) * 1000;
  const lossPct = (s.lossRate ?? 0) * 100;
  const effective = latencyMs + 2 * jitterMs + 10;
  let r = effective < 160 ? 93.2 - effective / 40 : 93.2 - (effective - 120) / 10;
  r -= 2.5 * lossPct;
  r = Math.min(100, Math.max(0, r));
  return 1 + 0.035 * r + 0.000007 * r * (r - 60) * (100 - r);
}

/** MOS of the reference's "degraded call quality" banner. */
export const DEGRADED_MOS = 3.5;

export function qualityLevel(s: QualitySample): QualityLevel {
  if (s.rtt === undefined) return 'unknown';
  const mos = meanOpinionScore({ ...s, rtt: s.rtt });
  if (mos >= 4.0) return 'good';
  if (mos >= DEGRADED_MOS) return 'fair';
  return 'poor';
}

/** "RTT 42 ms · jitter 3 ms · loss 0.5%": the indicator's tooltip. */
export function describeQuality(s: QualitySample): string {
  const parts: string[] = [];
  if (s.rtt !== undefined) parts.push(`RTT ${Math.round(s.rtt * 1000)} ms`);
  if (s.jitter !== undefined) parts.push(`jitter ${Math.round(s.jitter * 1000)} ms`);
  if (s.lossRate !== undefined) parts.push(`loss ${(s.lossRate * 100).toFixed(1)}%`);
  return parts.length ? parts.join(' · ') : 'Measuring connection…';
}
