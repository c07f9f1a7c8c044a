// @calls-ts/host/plugin-rpc: the contract between the host and plugin server processes (message and
// model types for both directions) and the runtime a plugin process uses (`startPlugin`, `PluginAPI`).
export * from './protocol.js';
export { startPlugin, PluginAPI, PluginApiError, jsonResponse, readJson } from './plugin.js';
export type { PluginHooks, PluginRuntime } from './plugin.js';
