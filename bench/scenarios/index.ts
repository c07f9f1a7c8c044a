import { fanout } from './fanout.js';
import { pion } from './pion.js';
import { product } from './product.js';
import type { Scenario } from './scenario.js';
import { workers } from './workers.js';

export type { Scenario, ScenarioOptions } from './scenario.js';

/** Every scenario `npm run bench` knows, in run order. */
export const SCENARIOS: Scenario[] = [fanout, workers, pion, product];
