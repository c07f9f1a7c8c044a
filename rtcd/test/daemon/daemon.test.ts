// The built daemon (rtcd/dist/main.js) as an operator runs it: config errors, defaults when the file is
// missing, graceful stop with draining. Build first: `npx tsc -b rtcd`.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ProtocolClient, basic, eventually, freeIcePort, metricsText, sample } from '../support/rtcd.js';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));
const KEY = 'd'.repeat(40);

interface Daemon {
  child: ChildProcess;
  base: string;
  wsURL: string;
  lines: Array<Record<string, unknown>>;
  exited: Promise<number | null>;
}

async function baseEnv(): Promise<NodeJS.ProcessEnv> {
  const dir = mkdtempSync(join(tmpdir(), 'rtcd-daemon-'));
  const port = await freeIcePort();
  return {
    PATH: process.env.PATH,
    RTCD_API_HTTP_LISTENADDRESS: '127.0.0.1:0',
    RTCD_API_SECURITY_ALLOWSELFREGISTRATION: 'true',
    RTCD_STORE_DATASOURCE: join(dir, 'db'),
    RTCD_LOGGER_ENABLEFILE: 'false',
    RTCD_LOGGER_CONSOLEJSON: 'true',
    RTCD_LOGGER_CONSOLELEVEL: 'debug',
    RTCD_RTC_ICEPORTUDP: String(port),
    RTCD_RTC_ICEPORTTCP: String(port),
    RTCD_RTC_ICEADDRESSUDP: '127.0.0.1',
    RTCD_RTC_ICEADDRESSTCP: '127.0.0.1',
    RTCD_RTC_MEDIAWORKERS: '1',
    RTCD_RTC_UDPSOCKETSCOUNT: '1',
  };
}

function run(env: NodeJS.ProcessEnv, args: string[] = []): { child: ChildProcess; stdout: string[]; stderr: string[]; exited: Promise<number | null> } {
  const child = spawn(process.execPath, [MAIN, ...args], { env, cwd: mkdtempSync(join(tmpdir(), 'rtcd-cwd-')) });
  const stdout: string[] = [];
  const stderr: string[] = [];
  let buf = '';
  child.stdout!.on('data', (d: Buffer) => {
    buf += d.toString();
    const parts = buf.split('\n');
    buf = parts.pop()!;
    stdout.push(...parts);
  });
  child.stderr!.on('data', (d: Buffer) => stderr.push(...d.toString().split('\n').filter(Boolean)));
  const exited = new Promise<number | null>((resolve) => child.on('exit', (code) => resolve(code)));
  return { child, stdout, stderr, exited };
}

async function startDaemon(env: NodeJS.ProcessEnv, args: string[] = []): Promise<Daemon> {
  const r = run(env, args);
  const lines: Array<Record<string, unknown>> = [];
  let port = 0;
  await eventually(() => {
    while (r.stdout.length) {
      const rec = JSON.parse(r.stdout.shift()!) as Record<string, unknown>;
      lines.push(rec);
      if (rec.msg === 'api server listening') port = Number(String(rec.address).split(':').pop());
    }
    if (r.child.exitCode !== null) throw new Error(`rtcd exited: ${r.stderr.join('\n')}`);
    return port > 0;
  }, 'rtcd listening', 30000);
  const collect = () => {
    while (r.stdout.length) lines.push(JSON.parse(r.stdout.shift()!) as Record<string, unknown>);
  };
  r.child.stdout!.on('data', () => setImmediate(collect));
  return { child: r.child, base: `http://127.0.0.1:${port}`, wsURL: `ws://127.0.0.1:${port}/ws`, lines, exited: r.exited };
}

test('invalid configuration: one clear line on stderr and exit code 2', async () => {
  const env = await baseEnv();
  const bad = run({ ...env, RTCD_RTC_ICEPORTUDP: '70' });
  assert.equal(await bad.exited, 2);
  assert.equal(bad.stderr.length, 1);
  assert.match(bad.stderr[0]!, /^rtcd: invalid configuration: invalid rtc\.ice_port_udp \(RTCD_RTC_ICEPORTUDP\): 70 is not in allowed range \[80, 49151\]$/);

  const dir = mkdtempSync(join(tmpdir(), 'rtcd-cfg-'));
  const file = join(dir, 'bad.toml');
  writeFileSync(file, '[api\nhttp.listen_address = 1\n');
  const badToml = run(env, ['-config', file]);
  assert.equal(await badToml.exited, 2);
  assert.match(badToml.stderr.join('\n'), /failed to parse config file .*bad\.toml/);

  const badArg = run(env, ['--bogus']);
  assert.equal(await badArg.exited, 2);
});

test('missing config file: defaults, a log line saying so, /version answers; SIGTERM with no sessions exits 0', async () => {
  const d = await startDaemon(await baseEnv(), ['-config', '/nonexistent/rtcd.toml']);
  assert.ok(d.lines.some((l) => l.msg === 'config file not found at /nonexistent/rtcd.toml, using defaults'));
  assert.equal((await fetch(`${d.base}/version`)).status, 200);
  d.child.kill('SIGTERM');
  assert.equal(await d.exited, 0);
});

test('SIGTERM drains: /ready turns false, new joins are refused and counted, exit 0 once sessions end', async () => {
  const d = await startDaemon(await baseEnv());
  const reg = await fetch(`${d.base}/register`, { method: 'POST', body: JSON.stringify({ clientID: 'drainer', authKey: KEY }) });
  assert.equal(reg.status, 201);
  const auth = basic('drainer', KEY);
  const c = await ProtocolClient.connect(d.wsURL, auth);
  await c.waitFor('hello');
  c.send({ type: 'join', data: { callID: 'dc', userID: 'du', sessionID: 'ds' } });
  await eventually(async () => (await fetch(`${d.base}/calls/dc/sessions`, { headers: { authorization: auth } })).status === 200, 'joined');

  d.child.kill('SIGTERM');
  await eventually(async () => (await fetch(`${d.base}/ready`)).status === 503, '/ready false');
  assert.deepEqual(await (await fetch(`${d.base}/ready`)).json(), { ready: false });
  assert.equal((await fetch(`${d.base}/live`)).status, 200);

  c.send({ type: 'join', data: { callID: 'dc', userID: 'du2', sessionID: 'ds2' } });
  await eventually(async () => sample(await metricsText(d.base), 'rtcd_ws_errors_total', { client_id: 'drainer', type: 'draining' }) === 1, 'refused join counted');
  assert.equal(d.child.exitCode, null, 'still draining while a session is live');

  c.send({ type: 'leave', data: { sessionID: 'ds' } });
  await c.waitFor('close', (m) => m.data.sessionID === 'ds');
  assert.equal(await d.exited, 0);
});

test('the drain timeout bounds the wait when sessions do not end', async () => {
  const d = await startDaemon({ ...(await baseEnv()), RTCD_RTC_DRAINTIMEOUTSECONDS: '1' });
  await fetch(`${d.base}/register`, { method: 'POST', body: JSON.stringify({ clientID: 'stuck', authKey: KEY }) });
  const c = await ProtocolClient.connect(d.wsURL, basic('stuck', KEY));
  await c.waitFor('hello');
  c.send({ type: 'join', data: { callID: 'sc', userID: 'su', sessionID: 'ss' } });
  await eventually(async () => (await fetch(`${d.base}/calls/sc/sessions`, { headers: { authorization: basic('stuck', KEY) } })).status === 200, 'joined');
  d.child.kill('SIGTERM');
  assert.equal(await d.exited, 0);
  assert.ok(d.lines.some((l) => l.msg === 'drain timeout reached with sessions still active'));
});
