// Media in worker threads behind the one advertised port: sessions live in two different workers, every
// worker sends from the shared port itself, the main thread receives and routes by ufrag then address.
import assert from 'node:assert/strict';
import { after, before, test } from 'node:test';
import { MessageChannel, Worker } from 'node:worker_threads';
import type { RTCPeerConnection } from 'werift';
import { SharedUdpPort } from '../../src/rtc/net/index.js';
import { candidatesOf, clientPeer, processSockets, startStunResponder, waitFor, testPortConfig } from './helpers.js';

let stun: Awaited<ReturnType<typeof startStunResponder>>;
let port: SharedUdpPort;
const workers = new Map<string, Worker>();
let nextId = 0;

function request<T>(w: Worker, msg: { t: string; id?: number; sdp?: string }, match: (m: any) => boolean): Promise<T> {
  return new Promise((resolve, reject) => {
    const onMsg = (m: any) => {
      if (!match(m)) return;
      w.off('message', onMsg);
      if (m.t === 'error') reject(new Error(m.message));
      else resolve(m as T);
    };
    w.on('message', onMsg);
    w.postMessage(msg);
  });
}

async function startWorker(name: string): Promise<Worker> {
  const ch = new MessageChannel();
  const w = new Worker(new URL('./fixtures/ts-worker.mjs', import.meta.url), {
    workerData: { entry: new URL('./fixtures/media-worker.ts', import.meta.url).href, netPort: ch.port2, name },
    transferList: [ch.port2],
  });
  const ready = new Promise((r) => w.once('message', r));
  await port.addWorker(ch.port1);
  await ready;
  workers.set(name, w);
  return w;
}

/** A client session whose server PC lives in worker `name`; resolves once its data channel is open. */
async function session(name: string, extra: Parameters<typeof clientPeer>[1] = {}) {
  const w = workers.get(name)!;
  const id = ++nextId;
  const client = clientPeer(stun.port, extra);
  const dc = client.createDataChannel('x');
  await client.setLocalDescription(await client.createOffer());
  const ans = await request<{ sdp: string }>(w, { t: 'offer', id, sdp: client.localDescription!.sdp }, (m) => m.id === id);
  await client.setRemoteDescription({ type: 'answer', sdp: ans.sdp });
  await waitFor(() => dc.readyState === 'open', `data channel of a session in ${name}`);
  const ask = (text: string) =>
    new Promise<string>((resolve) => {
      const sub = dc.onMessage.subscribe((m) => {
        sub.unSubscribe();
        resolve(String(m));
      });
      dc.send(text);
    });
  return { id, client, answer: ans.sdp, ask, close: () => request(w, { t: 'close', id }, (m) => m.id === id) };
}

before(async () => {
  stun = await startStunResponder();
  port = await SharedUdpPort.bind(testPortConfig({ iceAddressUDP: ['127.0.0.1'] }));
  await startWorker('w1');
  await startWorker('w2');
});
after(async () => {
  for (const w of workers.values()) await w.terminate();
  await port.close();
  await stun.close();
});

test('sessions in two workers answer on the single port; each worker sends from it', async () => {
  const a = await session('w1');
  const b = await session('w2');
  // The echo names the thread that holds the server PC.
  assert.equal(await a.ask('ping'), 'w1:ping');
  assert.equal(await b.ask('ping'), 'w2:ping');
  for (const s of [a, b]) {
    const udp = candidatesOf(s.answer).filter((c) => c.includes(' udp '));
    assert.deepEqual(udp.map((c) => c.split(' ').slice(4, 6).join(':')), [`127.0.0.1:${port.udpPort}`]);
    // The client's selected pair talks to the shared port (it only accepts responses from where it sent).
    const pair = s.client.iceTransports[0]!.connection.nominated!;
    assert.equal(pair.remoteAddr[1], port.udpPort);
  }
  // Socket facts: the main thread and both workers hold 127.0.0.1:<port> (same pid, three sockets), and the
  // server side holds no other UDP port.
  const onPort = processSockets('udp').filter((s) => s === `127.0.0.1:${port.udpPort}`);
  assert.equal(onPort.length, 3);
  const infos = await Promise.all(
    [...workers.values()].map((w) =>
      request<{ sockets: Array<{ port: number }>; counters: { udpSent: number; udpReceived: number } }>(w, { t: 'info' }, (m) => m.t === 'info'),
    ),
  );
  for (const info of infos) {
    assert.deepEqual(info.sockets.map((s) => s.port), [port.udpPort]);
    assert.ok(info.counters.udpSent > 0, 'the worker sent from its own socket');
    assert.ok(info.counters.udpReceived > 0, 'and received what the main thread routed to it');
  }
  assert.equal(port.counters.udpSent, 0, 'the main thread sent nothing itself');
  assert.ok(port.counters.workerBatches > 0);
  assert.equal(port.counters.udpReceived, port.counters.udpRouted + port.counters.droppedTotal);
  assert.equal(port.table.ownerCount, 2);
  await a.close();
  await b.close();
  await a.client.close();
  await b.client.close();
  await waitFor(() => port.table.ownerCount === 0, 'worker sessions to leave the route table');
});

test('ICE-TCP into a worker is relayed through the main thread', async () => {
  const s = await session('w2', {
    iceUseTcp: true,
    iceFilterCandidatePair: (pair) => pair.protocol.type === 'tcp',
    iceFilterStunResponse: (_m, _a, protocol) => protocol.type === 'tcp',
  });
  assert.equal(await s.ask('tcp?'), 'w2:tcp?');
  assert.equal(s.client.iceTransports[0]!.connection.nominated!.protocol.type, 'tcp');
  assert.ok(port.counters.tcpAccepted >= 1);
  await s.close();
  await s.client.close();
});

test("a connected path in a worker takes the peer's datagrams off the main thread", async () => {
  const s = await session('w1');
  const w = workers.get('w1')!;
  const connected = await request<{ ok: boolean }>(w, { t: 'connect', id: s.id }, (m) => m.t === 'connected' && m.id === s.id);
  assert.equal(connected.ok, true);
  const mainBefore = port.counters.udpReceived;
  for (let i = 0; i < 5; i++) assert.equal(await s.ask(`direct ${i}`), `w1:direct ${i}`);
  const info = await request<{ paths: Array<{ received: number }> }>(w, { t: 'info' }, (m) => m.t === 'info');
  assert.ok(info.paths[0]!.received >= 5, 'the data channel traffic came in on the worker socket');
  assert.equal(port.counters.udpReceived, mainBefore, 'the main thread saw none of it');
  // The connected socket is one more on the port, visible with its peer in `ss`.
  assert.equal(processSockets('udp').filter((x) => x === `127.0.0.1:${port.udpPort}`).length, 4);
  await s.close();
  await s.client.close();
  const after = await request<{ paths: Array<{ closed: boolean }> }>(w, { t: 'info' }, (m) => m.t === 'info');
  assert.equal(after.paths[0]!.closed, true);
});

test('a worker that dies takes its sessions off the port; the other worker carries on', async () => {
  await startWorker('w3');
  const doomed = await session('w3');
  const survivor = await session('w1');
  assert.equal(port.table.ownerCount, 2);
  await workers.get('w3')!.terminate();
  workers.delete('w3');
  await waitFor(() => port.table.ownerCount === 1 && port.workerCount === 2, 'the dead worker to be unlinked');
  assert.equal(await survivor.ask('alive?'), 'w1:alive?');
  await survivor.close();
  await Promise.all([survivor.client.close(), (doomed.client as RTCPeerConnection).close()]);
});

test('a worker that goes away before connecting makes addWorker fail instead of hanging', async () => {
  const { port1, port2 } = new MessageChannel();
  const linking = port.addWorker(port1);
  port2.close();
  await assert.rejects(linking, /port closed/);
  assert.equal(port.workerCount, 2, 'the two live workers stay linked');
});
