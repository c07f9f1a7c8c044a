// Our SFU behind the pion anchor's harness protocol (shared/anchors/pion/README.md), so the same pion-load
// generator drives it and pion-sfu: a thin adapter around the SFU library's media path, in one thread.
//
//   node --conditions=development --import tsx bench/pion-harness/main.ts   → prints "LISTEN <port>"
//   POST /msg on 127.0.0.1:<port>: ingest-offer, egress-create, egress-answer, measure-start, measure-stop, exit
//
// What is ours here is exactly what a call uses per packet: the shared ICE port (rtc/net), a PC per peer from
// the PeerFactory, SessionMedia (our SRTP in and out, connected sockets, transport-wide feedback), one
// TrackForwarder for the publisher's track and a FastEgress sink per subscriber. What is the harness's: the
// signaling (the SFU offers to subscribers, no data channel, no Calls protocol), as pion-sfu does it.
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import { pino } from 'pino';
import { MediaStreamTrack, type RTCPeerConnection, type RTCRtpTransceiver } from 'werift';
import { defaultRtcServerConfig, PeerFactory, type SfuPeer } from '@calls-ts/rtcd/rtc';
import type { EgressSink } from '../../rtcd/src/rtc/fast/egress-sink.js';
import { SessionMedia } from '../../rtcd/src/rtc/fast/session-media.js';
import { TrackForwarder } from '../../rtcd/src/rtc/forward/forwarder.js';
import { MetricsRecorder, rtpCounterIndex } from '../../rtcd/src/rtc/metrics/recorder.js';
import { SharedUdpPort } from '../../rtcd/src/rtc/net/shared-udp-port.js';

type Sdp = { type: 'offer' | 'answer'; sdp: string };
type Msg = { type: string; id?: number; sdp?: Sdp };

const log = pino({ level: process.env.HARNESS_LOG_LEVEL ?? 'warn' });
const MAX_BODY = 256 * 1024;
const CONNECT_TIMEOUT_MS = 20_000;

const recorder = new MetricsRecorder();
const counters = { paths: recorder.paths.values, rtp: recorder.rtp.values };
const IN_VOICE = rtpCounterIndex('in', 'voice');
const OUT_VOICE = rtpCounterIndex('out', 'voice');
const forwarder = new TrackForwarder({
  type: 'voice',
  counters: recorder.rtp,
  paths: recorder.paths.values,
  writeTime: recorder.writeTimeHistogram('default', 'voice'),
});

const config = { ...defaultRtcServerConfig(), iceAddressUDP: ['127.0.0.1'], icePortUDP: 0, icePortTCP: 0 };
const net = await SharedUdpPort.bind(config, { tcp: false, logger: log, socketBufferBytes: 16 << 20 });
const factory = new PeerFactory(config, { net });

interface Leg {
  peer: SfuPeer;
  media: SessionMedia;
  connected: Promise<void>;
}
const legs: Leg[] = [];
const egress = new Map<number, { leg: Leg; transceiver: RTCRtpTransceiver; sink?: EgressSink }>();

function newLeg(): Leg {
  const peer = factory.createPeer();
  const media = new SessionMedia({
    pc: peer.pc,
    attachment: peer.attachment,
    mediaPath: 'fast',
    counters,
    feedbackSent: () => undefined,
    error: (type, message, err) => log.warn({ type, err }, message),
    debug: () => undefined,
  });
  const connected = new Promise<void>((resolve, reject) => {
    const timer = setTimeout(() => reject(new Error(`peer did not connect (${peer.pc.connectionState})`)), CONNECT_TIMEOUT_MS);
    peer.pc.connectionStateChange.subscribe((s) => {
      if (s !== 'connected') return;
      clearTimeout(timer);
      media.start();
      resolve();
    });
  });
  connected.catch(() => undefined);
  const leg = { peer, media, connected };
  legs.push(leg);
  return leg;
}

async function localDescription(pc: RTCPeerConnection, kind: 'offer' | 'answer'): Promise<Sdp> {
  await pc.setLocalDescription(kind === 'offer' ? await pc.createOffer() : await pc.createAnswer());
  // The shared port's host candidates are in the SDP at once: gathering is complete (non-trickle).
  return { type: kind, sdp: pc.localDescription!.sdp };
}

let window0: { at: bigint; cpu: NodeJS.CpuUsage; ingest: number; out: number } | undefined;

async function handle(m: Msg): Promise<unknown> {
  switch (m.type) {
    case 'ingest-offer': {
      if (!m.sdp) throw new Error('ingest-offer without sdp');
      const leg = newLeg();
      leg.peer.pc.ontrack = (ev) => {
        forwarder.attach(ev.track);
        // The stream's next packets take the fast ingest (our SRTP, read in place).
        forwarder.onStream = (ssrc) => leg.media.routeStream(ssrc, forwarder, ev.transceiver, 'audio');
      };
      await leg.peer.pc.setRemoteDescription(m.sdp);
      return { type: 'ingest-answer', sdp: await localDescription(leg.peer.pc, 'answer') };
    }
    case 'egress-create': {
      const id = Number(m.id);
      if (!Number.isInteger(id) || egress.has(id)) throw new Error(`egress-create: bad or duplicate id ${m.id}`);
      const leg = newLeg();
      const transceiver = leg.peer.pc.addTransceiver(new MediaStreamTrack({ kind: 'audio' }), { direction: 'sendonly' });
      egress.set(id, { leg, transceiver });
      return { type: 'egress-offer', id, sdp: await localDescription(leg.peer.pc, 'offer') };
    }
    case 'egress-answer': {
      const e = egress.get(Number(m.id));
      if (!e || !m.sdp) throw new Error(`egress-answer: unknown id ${m.id} or no sdp`);
      await e.leg.peer.pc.setRemoteDescription(m.sdp);
      await e.leg.connected;
      const onError = (err: unknown) => log.warn({ err }, 'write failed');
      const sink = e.leg.media.createSink(e.transceiver, 'voice', undefined, onError);
      e.sink = sink;
      forwarder.addEgress(sink);
      return { type: 'egress-ready', id: m.id };
    }
    case 'measure-start':
      window0 = { at: process.hrtime.bigint(), cpu: process.cpuUsage(), ingest: counters.rtp[IN_VOICE]!, out: counters.rtp[OUT_VOICE]! };
      return { type: 'measure-started' };
    case 'measure-stop': {
      const w = window0;
      if (!w) throw new Error('measure-stop before measure-start');
      const cpu = process.cpuUsage(w.cpu);
      const mem = process.memoryUsage();
      const fast = egress.size ? [...egress.values()].filter((e) => e.sink?.fast).length : 0;
      return {
        type: 'measure-result',
        wall: Number(process.hrtime.bigint() - w.at) / 1e9,
        userMs: cpu.user / 1000,
        sysMs: cpu.system / 1000,
        ingest: counters.rtp[IN_VOICE]! - w.ingest,
        egressDtlsPacketsSent: counters.rtp[OUT_VOICE]! - w.out,
        rssMB: mem.rss / 2 ** 20,
        heapMB: mem.heapUsed / 2 ** 20,
        peers: legs.length,
        fastSinks: fast,
        gomaxprocs: 1,
      };
    }
    case 'exit':
      setTimeout(() => void shutdown(), 20);
      return { type: 'bye' };
    default:
      throw new Error(`unknown request type ${String(m.type)}`);
  }
}

async function shutdown(): Promise<void> {
  forwarder.close();
  for (const l of legs) {
    l.media.close();
    await l.peer.pc.close().catch(() => undefined);
  }
  await net.close();
  process.exit(0);
}

function reply(res: ServerResponse, status: number, body: unknown): void {
  res.writeHead(status, { 'Content-Type': 'application/json' });
  res.end(JSON.stringify(body));
}

const server = createServer((req: IncomingMessage, res: ServerResponse) => {
  if (req.method !== 'POST' || req.url !== '/msg') return reply(res, 404, { type: 'error', error: 'POST /msg only' });
  const chunks: Buffer[] = [];
  let size = 0;
  req.on('data', (c: Buffer) => {
    size += c.length;
    if (size > MAX_BODY) req.destroy();
    else chunks.push(c);
  });
  req.on('end', () => {
    let m: Msg;
    try {
      m = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Msg;
    } catch {
      return reply(res, 400, { type: 'error', error: 'invalid JSON' });
    }
    handle(m).then(
      (body) => reply(res, 200, body),
      (err: unknown) => reply(res, 500, { type: 'error', error: err instanceof Error ? err.message : String(err) }),
    );
  });
});
// pion-load keeps one connection per subscriber goroutine and reuses them after minutes of measuring; Node's
// 5 s default would close them under it (a reset on measure-stop). Go's client keeps idle ones for 90 s.
server.keepAliveTimeout = 600_000;
server.listen(0, '127.0.0.1', () => {
  const addr = server.address();
  process.stdout.write(`LISTEN ${typeof addr === 'object' && addr ? addr.port : 0} ours (SFU library fast path, one thread)\n`);
});
