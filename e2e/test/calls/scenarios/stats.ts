// The admin's Calls statistics page (System Console), after the story's calls: its totals agree with the
// plugin's own `aggregate_stats` gauge, and its charts are drawn.
import assert from 'node:assert/strict';
import type { Cast } from '../cast.js';

/** Opens the page as the system admin; returns the total number of calls it shows. */
export async function statsPage(cast: Cast): Promise<number> {
  const admin = await cast.ui('calladmin');
  await admin.page.goto(`${cast.w.url}/admin_console/plugins/plugin_com.mattermost.calls/stats`);
  await admin.tid('calls-stats').waitFor();
  const total = admin.page.locator('[data-testid="calls-stats-total"][data-key="total_calls"]');
  await total.waitFor();
  const shown = Number((await total.innerText()).replace(/[^\d]/g, ''));
  const metrics = await cast.w.metrics.snapshot();
  assert.equal(shown, metrics.p('aggregate_stats', { stat: 'total_calls' }), 'the page and the metrics agree on the number of calls');
  for (const chart of ['calls-per-day', 'by-channel-type']) {
    await admin.page.locator(`[data-testid="calls-stats-chart"][data-chart="${chart}"]`).waitFor();
  }
  await cast.screenshot('calladmin', 'stats-page.png');
  return shown;
}
