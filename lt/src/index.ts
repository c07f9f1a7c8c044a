// @calls-ts/lt: the load-test agent as a library (the CLI is cli.ts): run a load test from a config and
// get the results the CLI prints.
export { parseFlags, parseDuration, usage, LtUsageError, FLAGS, type LtConfig } from './flags.js';
export { runLoadTest, loadMedia, defaultIceAddress, RunInterrupted, type RunHooks } from './run.js';
export { formatResults, computeResults, type LtResults, type ParticipantResult, type Quantiles } from './results.js';
export { MediaServerSampler, MediaServerEndpoint, defaultMetricsUrls, sumSamples, type ServerSample } from './media-server.js';
export { AgentMonitor, type AgentLoad } from './agent.js';
export { HostApi, HostApiError } from './host-api.js';
export { SimUser, type UserRole, type UserState } from './user.js';
export { Progress } from './progress.js';
