// The pion yardstick matrix: 1 publisher → N = 10, 100 subscribers at 50, 300 and a saturating rate of
// packets/s (offering ~4× what one core forwards), pion-sfu and ours each.
import type { YardstickSpec } from '../lib/pion.js';

export function yardstickCases({ quick }: { quick: boolean }): YardstickSpec[] {
  const out: YardstickSpec[] = [];
  for (const n of quick ? [100] : [10, 100]) {
    const rates = quick ? [300] : [50, 300, Math.ceil(600_000 / n)];
    for (const pps of rates) {
      for (const sfu of ['pion', 'ours'] as const) {
        const saturating = pps * n >= 600_000;
        out.push({ id: `pion-n${n}-${saturating ? 'sat' : `${pps}pps`}-${sfu}`, sfu, n, pps, saturating });
      }
    }
  }
  return out;
}
