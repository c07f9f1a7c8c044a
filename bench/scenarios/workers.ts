// Several calls spread over media workers: the same offered load with one worker and with two, each call
// pinned to a worker. What two workers deliver over what one delivers is the scaling figure; on a 2-core
// machine the load generator shares the cores, so the ratio is a lower bound of the SFU's own.
import type { MediaPath } from '@calls-ts/rtcd/rtc';
import type { CaseSpec } from '../lib/measure.js';
import type { SfuScenario } from './scenario.js';

export const workers: SfuScenario = {
  kind: 'sfu',
  name: 'workers',
  title: 'several calls across 1 vs 2 workers',
  cases({ quick }) {
    const calls = 8;
    const listeners = 9;
    const pps = quick ? 800 : 1000;
    const out: CaseSpec[] = [];
    for (const mediaPath of ['werift', 'fast'] as MediaPath[]) {
      for (const w of [1, 2]) {
        out.push({
          id: `workers-${calls}x${listeners + 1}-${pps}pps-w${w}-${mediaPath}`,
          scenario: 'workers',
          label: `${calls} calls × (1 talker + ${listeners}), ${pps} pkt/s, ${w} worker${w > 1 ? 's' : ''}`,
          workers: w,
          mediaPath,
          calls: Array.from({ length: calls }, (_, i) => ({ callID: `call-${i}`, talkers: 1, listeners, pps })),
          params: { calls, listeners, pps },
        });
      }
    }
    return out;
  },
};
