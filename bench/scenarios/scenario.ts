// A benchmark scenario: a named list of cases (each one SFU process + one load generator run). The load-test
// tool adds its own scenarios (product-level matrix, the pion yardstick) next to these.
import type { CaseSpec } from '../lib/measure.js';

export interface ScenarioOptions {
  /** Fewer, shorter cases (a smoke run). */
  quick: boolean;
}

export interface Scenario {
  name: string;
  title: string;
  cases(opts: ScenarioOptions): CaseSpec[];
}
