// 1 talker → N listeners, one media worker: the per-packet cost of forwarding voice with the header
// extensions browsers negotiate (audio level in, mid out; transport-wide numbers where negotiated), at a real
// talker's 50 packets/s and at 500 packets/s (the marginal cost, where fixed per-session costs fade), on
// werift's own path (before) and on the fast path (after).
import type { MediaPath } from '@calls-ts/rtcd/rtc';
import type { CaseSpec } from '../lib/measure.js';
import type { SfuScenario } from './scenario.js';

export const fanout: SfuScenario = {
  kind: 'sfu',
  name: 'fanout',
  title: '1 talker → N listeners (one worker)',
  cases({ quick }) {
    const sizes = quick ? [10, 100] : [10, 50, 100];
    const rates = quick ? [500] : [50, 500];
    const out: CaseSpec[] = [];
    for (const n of sizes) {
      for (const pps of rates) {
        for (const mediaPath of ['werift', 'fast'] as MediaPath[]) {
          out.push({
            id: `fanout-n${n}-${pps}pps-${mediaPath}`,
            scenario: 'fanout',
            label: `1 → ${n}, ${pps} pkt/s`,
            workers: 1,
            mediaPath,
            calls: [{ callID: 'fanout', talkers: 1, listeners: n, pps }],
            params: { listeners: n, pps },
          });
        }
      }
    }
    return out;
  },
};
