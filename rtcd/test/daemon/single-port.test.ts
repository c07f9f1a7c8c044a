// All ICE through the one advertised port, checked on the built daemon as a separate process: every
// candidate it signals carries rtc.ice_port_udp (or ice_port_tcp for ICE-TCP), and the only UDP sockets the
// process holds are on that port, with sessions spread over two media workers.
import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, readdirSync, readlinkSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { after, before, it } from 'node:test';
import { StunResponder } from '../helpers/stun-responder.js';
import { LEVELS } from '../helpers/media-sources.js';
import { PluginLink } from '../support/plugin-link.js';
import { basic, eventually, freeIcePort } from '../support/rtcd.js';

const MAIN = fileURLToPath(new URL('../../dist/main.js', import.meta.url));

/** Local ports of the UDP sockets a process holds (from /proc/<pid>/fd and /proc/net/udp{,6}). */
function udpPortsOf(pid: number): number[] {
  const inodes = new Set<string>();
  for (const fd of readdirSync(`/proc/${pid}/fd`)) {
    try {
      const m = /^socket:\[(\d+)\]$/.exec(readlinkSync(`/proc/${pid}/fd/${fd}`));
      if (m) inodes.add(m[1]!);
    } catch {
      // the fd closed meanwhile
    }
  }
  const ports: number[] = [];
  for (const table of ['/proc/net/udp', '/proc/net/udp6']) {
    for (const line of readFileSync(table, 'utf8').split('\n').slice(1)) {
      const f = line.trim().split(/\s+/);
      if (f.length > 9 && inodes.has(f[9]!)) ports.push(Number.parseInt(f[1]!.split(':')[1]!, 16));
    }
  }
  return ports;
}

/** `<proto> <port>` of each candidate in SDP text or an ICE message. */
function candidatePorts(text: string): Array<{ proto: string; port: number }> {
  return [...text.matchAll(/candidate:\S+ \d+ (udp|tcp) \d+ \S+ (\d+) typ/gi)].map((m) => ({ proto: m[1]!.toLowerCase(), port: Number(m[2]) }));
}

let child: ReturnType<typeof spawn>;
let stun: StunResponder;
let plugin: PluginLink;
let icePort: number;
let base: string;

before(async () => {
  icePort = await freeIcePort();
  const dir = mkdtempSync(join(tmpdir(), 'rtcd-port-'));
  child = spawn(process.execPath, [MAIN], {
    env: {
      PATH: process.env.PATH,
      RTCD_API_HTTP_LISTENADDRESS: '127.0.0.1:0',
      RTCD_API_SECURITY_ALLOWSELFREGISTRATION: 'true',
      RTCD_STORE_DATASOURCE: join(dir, 'db'),
      RTCD_LOGGER_ENABLEFILE: 'false',
      RTCD_LOGGER_CONSOLEJSON: 'true',
      RTCD_RTC_ICEPORTUDP: String(icePort),
      RTCD_RTC_ICEPORTTCP: String(icePort),
      RTCD_RTC_ICEADDRESSUDP: '127.0.0.1',
      RTCD_RTC_ICEADDRESSTCP: '127.0.0.1',
      RTCD_RTC_MEDIAWORKERS: '2',
      RTCD_RTC_DRAINTIMEOUTSECONDS: '5',
    },
    cwd: dir,
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let out = '';
  child.stdout!.on('data', (d: Buffer) => (out += d.toString()));
  await eventually(() => /"msg":"api server listening"/.test(out), 'rtcd listening', 30000);
  const port = /"address":"[^"]*:(\d+)","tls"/.exec(out)![1];
  base = `http://127.0.0.1:${port}`;
  const key = 'p'.repeat(40);
  assert.equal((await fetch(`${base}/register`, { method: 'POST', body: JSON.stringify({ clientID: 'porter', authKey: key }) })).status, 201);
  stun = await StunResponder.start();
  plugin = await PluginLink.connect(`ws://127.0.0.1:${port}/ws`, basic('porter', key), stun.url);
});

after(async () => {
  await plugin?.close();
  await stun?.close();
  if (child && child.exitCode === null) {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
  }
});

it('sessions of two calls (two workers) use only the advertised port', async () => {
  const a = await plugin.join('call-x');
  const b = await plugin.join('call-x');
  const c = await plugin.join('call-y');
  const d = await plugin.join('call-y');
  await eventually(() => [a, b, c, d].every((x) => x.connectionState === 'connected' && x.dcOpen), 'connected', 30000);
  await a.unmute(LEVELS.speech);
  await c.unmute(LEVELS.speech);
  await eventually(() => b.received.packets(a.sessionID, 'voice') >= 25 && d.received.packets(c.sessionID, 'voice') >= 25, 'media flows', 30000);

  const signaled = plugin.link.received
    .filter((m) => m.type === 'rtc')
    .map((m) => (m.type === 'rtc' && m.data.data ? Buffer.from(m.data.data).toString('utf8') : ''))
    .join('\n');
  const cands = candidatePorts(signaled.replaceAll('\\r\\n', '\n'));
  assert.ok(cands.some((x) => x.proto === 'udp'), 'the daemon signaled UDP candidates');
  for (const x of cands) assert.equal(x.port, icePort, `candidate ${x.proto} ${x.port}`);

  const ports = udpPortsOf(child.pid!);
  assert.ok(ports.length >= 1);
  assert.deepEqual([...new Set(ports)], [icePort], `daemon UDP sockets: ${ports.join(', ')}`);
});
