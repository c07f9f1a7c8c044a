// A benchmark scenario: a named list of cases of one kind, which says how the runner measures them:
//   sfu        the SFU library in a process of its own + bench/load/loadgen.ts (bench/lib/measure.ts)
//   product    rtcd + host + Calls plugin, driven by lt through the product (bench/lib/product.ts)
//   yardstick  pion-sfu and our SFU behind the pion anchor's harness, driven by pion-load (bench/lib/pion.ts)
import type { CaseSpec } from '../lib/measure.js';
import type { ProductSpec } from '../lib/product.js';
import type { YardstickSpec } from '../lib/pion.js';

export interface ScenarioOptions {
  /** Fewer, shorter cases (a smoke run). */
  quick: boolean;
}

interface ScenarioOf<K extends string, S> {
  kind: K;
  name: string;
  title: string;
  cases(opts: ScenarioOptions): S[];
}

export type SfuScenario = ScenarioOf<'sfu', CaseSpec>;
export type ProductScenario = ScenarioOf<'product', ProductSpec>;
export type YardstickScenario = ScenarioOf<'yardstick', YardstickSpec>;
export type Scenario = SfuScenario | ProductScenario | YardstickScenario;
