// Cost of the single receiving socket: main-thread time per datagram to receive, route (address lookup)
// and batch it to the media worker that owns the session, and how many datagrams travel per batch.
//
//   node --import tsx rtcd/bench/route.ts [--pps 20000] [--seconds 3] [--size 200]
//
// A child process sends RTP-like datagrams from one address (after one verified STUN check binds it to a
// session living in a worker). Main-thread busy time comes from event-loop utilisation.
import { fork } from 'node:child_process';
import dgram from 'node:dgram';
import { performance } from 'node:perf_hooks';
import { MessageChannel, Worker } from 'node:worker_threads';
import { Message } from 'werift';
import { SharedUdpPort } from '../src/rtc/net/index.js';

function arg(name: string, dflt: string): string {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 && process.argv[i + 1] ? process.argv[i + 1]! : dflt;
}

if (arg('role', 'main') === 'sender') {
  const sock = dgram.createSocket('udp4');
  process.on('message', (m: { port: number; pps: number; size: number; check: string; stop?: boolean }) => {
    if (m.stop) process.exit(0);
    sock.send(Buffer.from(m.check, 'hex'), m.port, '127.0.0.1');
    const pkt = Buffer.alloc(m.size, 0x80);
    const perTick = Math.max(1, Math.round(m.pps / 100));
    setTimeout(() => setInterval(() => {
      for (let i = 0; i < perTick; i++) sock.send(pkt, m.port, '127.0.0.1');
    }, 10), 200);
  });
  process.send!('ready');
} else {
  const pps = Number(arg('pps', '20000'));
  const seconds = Number(arg('seconds', '3'));
  const size = Number(arg('size', '200'));
  const port = await SharedUdpPort.bind(
    { iceAddressUDP: ['127.0.0.1'], icePortUDP: 0, icePortTCP: 0, enableIPv6: false, iceHostOverride: '', iceHostPortOverride: '', iceServers: [] },
    { tcp: false },
  );
  const { port1, port2 } = new MessageChannel();
  // The worker registers one session with a counting owner (no PC: this measures the transport alone).
  const worker = new Worker(
    `
    const { workerData, parentPort } = require('node:worker_threads');
    (async () => {
      const { register } = await import('tsx/esm/api');
      register();
      const { WorkerUdpPort } = await import(workerData.module);
      const p = await WorkerUdpPort.connect(workerData.netPort);
      let got = 0;
      p.register({ id: 1, receiveUdp: () => { got++; return true; }, acceptTcp() {} }, 'benchufrag', 'benchpassword-0123456789');
      parentPort.postMessage('ready');
      parentPort.on('message', () => parentPort.postMessage(got));
    })();`,
    { eval: true, workerData: { netPort: port2, module: new URL('../src/rtc/net/index.ts', import.meta.url).href }, transferList: [port2] },
  );
  const ready = new Promise((r) => worker.once('message', r));
  await port.addWorker(port1);
  await ready;
  const check = new Message(0x001, 0x000)
    .setAttribute('USERNAME', 'benchufrag:peer')
    .addMessageIntegrity(Buffer.from('benchpassword-0123456789'))
    .addFingerprint().bytes;
  const sender = fork(process.argv[1]!, ['--role', 'sender'], { execArgv: process.execArgv });
  await new Promise((r) => sender.once('message', r));
  sender.send({ port: port.udpPort, pps, size, check: check.toString('hex') });
  await new Promise((r) => setTimeout(r, 1000));
  const count = () => new Promise<number>((r) => { worker.once('message', r); worker.postMessage('count'); });
  const r0 = port.counters.udpRouted;
  const b0 = port.counters.workerBatches;
  const w0 = await count();
  const elu0 = performance.eventLoopUtilization();
  await new Promise((r) => setTimeout(r, seconds * 1000));
  const elu = performance.eventLoopUtilization(elu0);
  const routed = port.counters.udpRouted - r0;
  const batches = port.counters.workerBatches - b0;
  const delivered = (await count()) - w0;
  console.log(`main-thread routing to a worker, ${size} B datagrams, node ${process.version}`);
  console.log(
    `${Math.round(routed / seconds)} datagrams/s routed, ${(routed / Math.max(1, batches)).toFixed(1)} per batch, main thread busy ` +
      `${(100 * elu.utilization).toFixed(1)} % → ${((elu.active * 1000) / Math.max(1, routed)).toFixed(2)} µs/datagram ` +
      `(receive + route + batch), worker got ${delivered}, dropped ${port.counters.droppedTotal}`,
  );
  sender.send({ stop: true });
  await worker.terminate();
  await port.close();
}
