// The complete fast forward loop, measured in forwarded packets per CPU-second of the forwarding process:
// one receive, one SRTP unprotect, then for each of N receivers: rewrite SSRC/sequence in place on the
// received buffer, protect with that receiver's context, send on that receiver's connect()ed socket.
// Egress sockets share the ingest port (SO_REUSEADDR, bound first; the ingest socket is bound last and so
// receives), exactly as media workers share the advertised port.
//
//   node --import tsx rtcd/bench/forward.ts [--receivers 10,50,100] [--pps 500] [--size 160]
//                                          [--profile gcm|cm] [--seconds 3]
//
// A publisher and a sink run as child processes (their CPU is not counted).
import { fork, type ChildProcess } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import dgram from 'node:dgram';
import { PROFILE_AEAD_AES_128_GCM, PROFILE_AES_CM_128_HMAC_SHA1_80, createSrtpContext } from '../src/rtc/srtp/index.js';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt;
}

const role = arg('role', 'forwarder');
const profile = arg('profile', 'gcm') === 'cm' ? PROFILE_AES_CM_128_HMAC_SHA1_80 : PROFILE_AEAD_AES_128_GCM;
const saltLen = profile === PROFILE_AEAD_AES_128_GCM ? 12 : 14;

type Msg = { t: string; [k: string]: unknown };
const bindSocket = (port: number, reuseAddr: boolean) =>
  new Promise<dgram.Socket>((resolve) => {
    const s = dgram.createSocket({ type: 'udp4', reuseAddr, sendBufferSize: 4 << 20, recvBufferSize: 4 << 20 });
    s.bind(port, '127.0.0.1', () => resolve(s));
  });

// ---- child: publisher (one talker) --------------------------------------------------------------------
async function publisher(): Promise<void> {
  const sock = await bindSocket(0, false);
  let timer: NodeJS.Timeout | undefined;
  process.on('message', (m: Msg) => {
    if (m.t === 'start') {
      const ctx = createSrtpContext(profile, Buffer.from(m.key as string, 'hex'), Buffer.from(m.salt as string, 'hex'));
      const size = m.size as number;
      const perTick = Math.max(1, Math.round((m.pps as number) / 100));
      const raw = Buffer.concat([Buffer.from([0x80, 111, 0, 0, 0, 0, 0, 0, 0x0a, 0x0b, 0x0c, 0x0d]), randomBytes(size)]);
      let seq = 0;
      timer = setInterval(() => {
        for (let i = 0; i < perTick; i++, seq++) {
          raw.writeUInt16BE(seq & 0xffff, 2);
          raw.writeUInt32BE((seq * 960) >>> 0, 4);
          const out = Buffer.alloc(raw.length + 16);
          const n = ctx.protectRtp(raw, raw.length, out);
          sock.send(out, 0, n, m.port as number, '127.0.0.1');
        }
      }, 10);
    } else if (m.t === 'stop') {
      clearInterval(timer);
      sock.close();
      process.exit(0);
    }
  });
  process.send!({ t: 'ready' });
}

// ---- child: sink (N receivers) -----------------------------------------------------------------------
async function sink(): Promise<void> {
  let sockets: dgram.Socket[] = [];
  let received = 0;
  process.on('message', async (m: Msg) => {
    if (m.t === 'open') {
      sockets = await Promise.all(Array.from({ length: m.n as number }, () => bindSocket(0, false)));
      for (const s of sockets) s.on('message', () => received++);
      process.send!({ t: 'ports', ports: sockets.map((s) => s.address().port) });
    } else if (m.t === 'count') {
      process.send!({ t: 'count', received });
    } else if (m.t === 'close') {
      for (const s of sockets) s.close();
      sockets = [];
      received = 0;
      process.send!({ t: 'closed' });
    } else if (m.t === 'stop') process.exit(0);
  });
  process.send!({ t: 'ready' });
}

// ---- forwarder (measured) ----------------------------------------------------------------------------
function child(which: string): Promise<ChildProcess> {
  const c = fork(process.argv[1]!, ['--role', which, '--profile', profile === PROFILE_AEAD_AES_128_GCM ? 'gcm' : 'cm'], {
    execArgv: process.execArgv,
  });
  return new Promise((resolve) => c.once('message', () => resolve(c)));
}
const ask = <T extends Msg>(c: ChildProcess, msg: Msg, reply: string) =>
  new Promise<T>((resolve) => {
    const on = (m: Msg) => {
      if (m.t !== reply) return;
      c.off('message', on);
      resolve(m as T);
    };
    c.on('message', on);
    c.send(msg);
  });

async function run(receivers: number, pps: number, size: number, seconds: number, pub: ChildProcess, snk: ChildProcess) {
  const { ports } = await ask<{ t: string; ports: number[] }>(snk, { t: 'open', n: receivers }, 'ports');
  const probe = await bindSocket(0, false);
  const port = probe.address().port;
  probe.close();
  // Egress first, ingest last: Linux hands unconnected traffic to the last bound socket.
  const egress = await Promise.all(ports.map(() => bindSocket(port, true)));
  await Promise.all(egress.map((s, i) => new Promise<void>((r) => s.connect(ports[i]!, '127.0.0.1', () => r()))));
  const ingestSock = await bindSocket(port, true);

  const key = randomBytes(16);
  const salt = randomBytes(saltLen);
  const ingest = createSrtpContext(profile, key, salt);
  const contexts = egress.map(() => createSrtpContext(profile, randomBytes(16), randomBytes(saltLen)));
  const ssrcs = egress.map((_, i) => 0x10000 + i);
  const seqs = egress.map(() => Math.floor(Math.random() * 65536));
  // Output buffers rotate so a send libuv had to queue is never overwritten before it leaves.
  const RING = 8192;
  const ring = Array.from({ length: RING }, () => Buffer.alloc(size + 64));
  let slot = 0;
  let forwarded = 0;
  let failures = 0;
  ingestSock.on('message', (msg) => {
    const n = ingest.unprotectRtp(msg);
    if (n < 0) {
      failures++;
      return;
    }
    for (let i = 0; i < contexts.length; i++) {
      const ssrc = ssrcs[i]!;
      const seq = (seqs[i] = (seqs[i]! + 1) & 0xffff);
      msg[2] = seq >> 8;
      msg[3] = seq & 0xff;
      msg[8] = ssrc >>> 24;
      msg[9] = (ssrc >> 16) & 0xff;
      msg[10] = (ssrc >> 8) & 0xff;
      msg[11] = ssrc & 0xff;
      const out = ring[slot]!;
      slot = (slot + 1) % RING;
      const len = contexts[i]!.protectRtp(msg, n, out);
      egress[i]!.send(out, 0, len);
    }
    forwarded += contexts.length;
  });

  pub.send({ t: 'start', key: key.toString('hex'), salt: salt.toString('hex'), port, pps, size });
  await new Promise((r) => setTimeout(r, 1000)); // warm-up
  const f0 = forwarded;
  const { received: r0 } = await ask<{ t: string; received: number }>(snk, { t: 'count' }, 'count');
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const cpu = process.cpuUsage(cpu0);
  const wall = Number(process.hrtime.bigint() - t0) / 1e9;
  const f = forwarded - f0;
  pub.send({ t: 'stop' });
  await new Promise((r) => setTimeout(r, 300));
  const { received: r1 } = await ask<{ t: string; received: number }>(snk, { t: 'count' }, 'count');
  const cpuSec = (cpu.user + cpu.system) / 1e6;
  console.log(
    `N=${String(receivers).padStart(3)}  ${String(Math.round(f / wall)).padStart(7)} fwd pkt/s  CPU ${((100 * cpuSec) / wall).toFixed(1).padStart(5)} %  ` +
      `${((cpuSec * 1e6) / Math.max(1, f)).toFixed(2).padStart(6)} µs/fwd pkt  ${Math.round(f / cpuSec).toLocaleString('en-US').padStart(9)} fwd pkt per CPU-s  ` +
      `delivered ${(100 * Math.min(1, (r1 - r0) / Math.max(1, f))).toFixed(1)} %${failures ? `  (${failures} ingest failures)` : ''}`,
  );
  ingestSock.close();
  for (const s of egress) s.close();
  for (const c of [ingest, ...contexts]) c.close();
  await ask(snk, { t: 'close' }, 'closed');
}

async function forwarder(): Promise<void> {
  const receivers = arg('receivers', '10,50,100').split(',').map(Number);
  const pps = Number(arg('pps', '500'));
  const size = Number(arg('size', '160'));
  const seconds = Number(arg('seconds', '3'));
  console.log(
    `forward loop: ${profile === PROFILE_AEAD_AES_128_GCM ? 'AEAD_AES_128_GCM' : 'AES_CM_128_HMAC_SHA1_80'}, ${size} B payload, ` +
      `one talker at ${pps} pkt/s, ${seconds} s per case, node ${process.version}`,
  );
  // Each case gets fresh children: a restarted publisher begins a new SRTP stream.
  for (const n of receivers) {
    const [pub, snk] = await Promise.all([child('publisher'), child('sink')]);
    await run(n, pps, size, seconds, pub, snk);
    snk.send({ t: 'stop' });
  }
}

if (role === 'publisher') void publisher();
else if (role === 'sink') void sink();
else void forwarder();
