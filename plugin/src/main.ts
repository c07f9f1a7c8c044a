// The Calls plugin server executable (plugin.json `server.executable`): the host forks it and speaks the
// plugin RPC over IPC.
import { startPlugin } from '@calls-ts/host/plugin-rpc';
import { CallsPlugin } from './plugin.js';

startPlugin((api) => new CallsPlugin(api).hooks());
