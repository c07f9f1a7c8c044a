// The Calls plugin's rtcd media backend (MediaBackend over one or more rtcd nodes).
export { RtcdMedia, type RtcdMediaOptions } from './rtcd-media.js';
export { type Mutex, type MutexFactory, REGISTRATION_MUTEX, RtcdAuthError } from './registrar.js';
export { RTCD_CONFIG_KEY, type RtcdKV } from './credentials.js';
export { type ResolveHost, resolveIPv4 } from './host-resolver.js';
export { RtcdConfigError, parseServiceURL, redact } from './service-url.js';
export { checkMinVersion, DEFAULT_MIN_RTCD_VERSION } from './version.js';
