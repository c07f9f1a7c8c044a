// @calls-ts/rtcd/metrics: process/runtime metrics with a prefix and /metrics access control, shared by rtcd
// and the Calls plugin (prefix `mattermost_plugin_calls`).
export { registerProcessMetrics, type ProcessMetricsOptions } from './process.js';
export { MetricsAccess, type MetricsAccessOptions, type MetricsRefusal, normalizePeerAddress } from './access.js';
export { LATENCY_BUCKETS, LOSS_BUCKETS, DEFAULT_BUCKETS } from './buckets.js';
export { renderMetrics } from './exposition.js';
export { deleteSeriesWithLabel } from './series.js';
