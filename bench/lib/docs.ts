// Keeps docs/monitoring.md "Performance baseline" in step with the last full run: the table between its two
// markers is replaced by the product cases in the reference's format (summary.ts baselineTable).
import { readFileSync, writeFileSync } from 'node:fs';

export const BASELINE_START = '<!-- bench:baseline:start (written by npm run bench) -->';
export const BASELINE_END = '<!-- bench:baseline:end -->';

/** `text` with what lies between the markers replaced by `body`; undefined when the markers are missing. */
export function replaceBaseline(text: string, body: string): string | undefined {
  const a = text.indexOf(BASELINE_START);
  const b = text.indexOf(BASELINE_END);
  if (a < 0 || b < a) return undefined;
  return `${text.slice(0, a + BASELINE_START.length)}\n${body.trim()}\n${text.slice(b)}`;
}

/** Rewrites the doc's baseline table; false when the doc has no markers (left as it is). */
export function updateBaselineDoc(path: string, body: string): boolean {
  const next = replaceBaseline(readFileSync(path, 'utf8'), body);
  if (next === undefined) return false;
  writeFileSync(path, next);
  return true;
}
