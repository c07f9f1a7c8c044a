export { ClusterMutex, MutexTimeoutError, clusterMutexFactory, type ClusterMutexFactory, type MutexKV, type MutexOptions } from './mutex.js';
export { CallLocks, CALL_LOCK_TIMEOUT_MS } from './call-lock.js';
