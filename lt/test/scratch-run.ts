import { CallsHost, embeddedEnv } from '../../plugin/test/helpers/harness.js';
import { spawn } from 'node:child_process';
const host = await CallsHost.start({ env: await embeddedEnv() });
await host.user('ltadmin');
const args = process.argv.slice(2);
const child = spawn(process.execPath, ['--conditions=development', '--import', 'tsx', 'lt/src/cli.ts', `-url=${host.url}`, '-admin-username', 'ltadmin', '-admin-password', 'calls-test-password', '-user-password', 'lt-Password-1', '-metrics-url', `${host.host.metricsUrl}/plugins/com.mattermost.calls/metrics`, ...args], { stdio: 'inherit' });
const code = await new Promise((r) => child.on('exit', r));
await host.stop();
process.exit(Number(code));
