export type { LogLevel, RtcdConfig } from './types.js';
export { ConfigError, KEYS, defaultConfig } from './keys.js';
export { loadConfig, type LoadedConfig } from './load.js';
export { addToBlockList, parseListenAddress, validateConfig } from './validate.js';
export { toRtcServerConfig } from './rtc.js';
