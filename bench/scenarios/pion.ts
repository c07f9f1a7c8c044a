// The pion yardstick matrix: 1 publisher → N = 10, 100 subscribers at 50, 300 and a saturating rate of
// packets/s (offering ~4× what one core forwards), pion-sfu and ours each, pion first.
import type { YardstickSpec } from '../lib/pion.js';
import type { YardstickScenario } from './scenario.js';

/** Offered forwarded packets/s (ingest × N) of the saturating cases. */
const SATURATING_FORWARDS = 600_000;

export const pion: YardstickScenario = {
  kind: 'yardstick',
  name: 'pion',
  title: 'yardstick: our SFU vs pion, same harness and generator',
  cases({ quick }) {
    const out: YardstickSpec[] = [];
    for (const n of quick ? [100] : [10, 100]) {
      const rates = quick ? [300] : [50, 300, Math.ceil(SATURATING_FORWARDS / n)];
      for (const pps of rates) {
        const saturating = pps * n >= SATURATING_FORWARDS;
        const label = `1 → ${n}, ${saturating ? `saturating (${pps} pkt/s)` : `${pps} pkt/s`}`;
        for (const sfu of ['pion', 'ours'] as const) {
          out.push({ id: `pion-n${n}-${saturating ? 'sat' : `${pps}pps`}-${sfu}`, label, sfu, n, pps, saturating });
        }
      }
    }
    return out;
  },
};
