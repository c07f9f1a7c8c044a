// Bucket sets of the SFU histograms (shared/METRICS.md): the reference's, shared with the daemon's metrics,
// plus our MOS buckets.
export { LATENCY_BUCKETS, LOSS_BUCKETS, DEFAULT_BUCKETS } from '../../metrics/buckets.js';

/** Mean opinion score, 1 (bad) .. 5 (excellent). */
export const MOS_BUCKETS = [1, 1.5, 2, 2.5, 3, 3.5, 4, 4.5, 5];
