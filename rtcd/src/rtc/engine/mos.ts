// Mean opinion score from a client's network reports, with the simplified E-model calls-common's RTCMonitor
// uses (so the server-side histogram agrees with the client's "degraded call quality" banner, threshold 3.5).

/** rtt and jitter in seconds, loss as a fraction (0..1); returns 1..4.5. */
export function estimateMos(rttSeconds: number, jitterSeconds: number, lossRate: number): number {
  const latencyMs = (rttSeconds * 1000) / 2;
  const effective = latencyMs + 2 * jitterSeconds * 1000 + 10;
  let r = effective < 160 ? 93.2 - effective / 40 : 93.2 - (effective - 120) / 10;
  r -= 2.5 * (lossRate * 100);
  if (r < 0) return 1;
  if (r > 100) return 4.5;
  return 1 + 0.035 * r + 0.000007 * r * (r - 60) * (100 - r);
}
