// The product-level matrix that fits this 2-core machine: calls × users per call × unmuted per call ×
// screen sharing, against rtcd with 1 and with 2 media workers, load from lt in its own process.
import type { ProductSpec } from '../lib/product.js';
import type { ProductScenario } from './scenario.js';

const MATRIX: { calls: number; users: number; unmuted: number; screen: number }[] = [
  { calls: 1, users: 10, unmuted: 1, screen: 0 },
  { calls: 1, users: 50, unmuted: 2, screen: 0 },
  { calls: 1, users: 100, unmuted: 2, screen: 0 },
  { calls: 10, users: 8, unmuted: 2, screen: 0 },
  { calls: 1, users: 20, unmuted: 1, screen: 1 },
];

export const product: ProductScenario = {
  kind: 'product',
  name: 'product',
  title: 'the product: rtcd + host + Calls plugin, users simulated by lt',
  cases({ quick }) {
    const rows = quick ? [MATRIX[0]!, MATRIX[4]!] : MATRIX;
    const out: ProductSpec[] = [];
    for (const m of rows) {
      for (const workers of [1, 2]) {
        out.push({
          id: `product-${m.calls}x${m.users}-u${m.unmuted}${m.screen ? '-screen' : ''}-w${workers}`,
          label: `${m.calls} call${m.calls > 1 ? 's' : ''} × ${m.users} users, ${m.unmuted} unmuted${m.screen ? ', screen share' : ''}`,
          workers,
          calls: m.calls,
          usersPerCall: m.users,
          unmuted: m.unmuted,
          screenSharing: m.screen,
          windowSeconds: quick ? 8 : 20,
        });
      }
    }
    return out;
  },
};
