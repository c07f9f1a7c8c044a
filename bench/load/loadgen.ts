// The load generator, in a process of its own (its CPU is not the SFU's): werift client peers that join
// calls through the Calls signaling (relayed to the SFU process by the runner), talkers that send Opus-like
// packets with the audio-level extension at a given rate, and listeners whose received RTP is authenticated,
// decrypted and counted with our SRTP contexts (bench/../rtcd/test/helpers/media-counter.ts) instead of
// werift's receive path, so that one process keeps up with hundreds of receivers. Each peer is on a port of
// its own (the shared-port module, for its media hook): peers of one port could not be told apart, since
// they all talk to the same SFU address.
//
// Parent → child: {t:'setup', id, calls}, {t:'stats', id}, {t:'stop', id}, {t:'sfu', msg} (SFU output)
// Child → parent: {t:'init'|'close', id, ...} (requests to the SFU), {t:'send', msg}, {t:'reply', id, ...}
import { EventEmitter } from 'node:events';
import { pino } from 'pino';
import type { RtcMessage, RtcServerEvents, SessionConfig } from '@calls-ts/rtcd/rtc';
import { SharedUdpPort } from '../../rtcd/src/rtc/net/index.js';
import type { CallsTestClient } from '../../rtcd/test/helpers/calls-client.js';
import { LEVELS } from '../../rtcd/test/helpers/media-sources.js';
import { countMediaOnly, type MediaCounter } from '../../rtcd/test/helpers/media-counter.js';
import { ServerLink } from '../../rtcd/test/helpers/server-link.js';
import { waitFor } from '../../rtcd/test/helpers/wait.js';

export interface CallSpec {
  callID: string;
  talkers: number;
  listeners: number;
  /** Packets per second per talker (50 = one real Opus talker). */
  pps: number;
}

export interface LoadStats {
  sent: number;
  received: number;
  lost: number;
  failures: number;
  sessions: number;
}

export type ToLoad =
  | { t: 'setup'; id: number; calls: CallSpec[] }
  | { t: 'stats'; id: number }
  | { t: 'stop'; id: number }
  | { t: 'sfu'; msg: RtcMessage }
  | { t: 'reply'; id: number; ok: boolean; error?: string };

export type FromLoad =
  | { t: 'init'; id: number; cfg: SessionConfig }
  | { t: 'close'; id: number; sessionID: string }
  | { t: 'send'; msg: RtcMessage }
  | { t: 'reply'; id: number; ok: boolean; value?: unknown; error?: string };

const toBuffer = (msg: RtcMessage): RtcMessage => {
  if (msg.data) msg.data = Buffer.from(msg.data.buffer, msg.data.byteOffset, msg.data.byteLength);
  return msg;
};

/** The SFU as seen from this process: requests and messages travel through the runner. */
class RelayedSfu extends EventEmitter<RtcServerEvents> {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: () => void; reject: (e: Error) => void }>();

  constructor(private readonly post: (m: FromLoad) => void) {
    super();
  }

  settle(id: number, ok: boolean, error?: string): void {
    const p = this.pending.get(id);
    this.pending.delete(id);
    if (ok) p?.resolve();
    else p?.reject(new Error(error));
  }

  private request(build: (id: number) => FromLoad): Promise<void> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.post(build(id));
    });
  }

  initSession(cfg: SessionConfig): Promise<void> {
    return this.request((id) => ({ t: 'init', id, cfg }));
  }

  closeSession(sessionID: string): Promise<void> {
    return this.request((id) => ({ t: 'close', id, sessionID }));
  }

  send(msg: RtcMessage): boolean {
    this.post({ t: 'send', msg });
    return true;
  }
}

async function main(): Promise<void> {
  const post = (m: FromLoad) => process.send!(m);
  const sfu = new RelayedSfu(post);
  const ports: SharedUdpPort[] = [];
  const link = await ServerLink.create(sfu);
  const talkers: CallsTestClient[] = [];
  const counters: MediaCounter[] = [];
  const all: CallsTestClient[] = [];

  const join = async (callID: string): Promise<CallsTestClient> => {
    const port = await SharedUdpPort.bind(
      { iceAddressUDP: ['127.0.0.1'], icePortUDP: 0, icePortTCP: 0, enableIPv6: false, iceHostOverride: '', iceHostPortOverride: '', iceServers: [] },
      { tcp: false, logger: pino({ level: 'silent' }) },
    );
    ports.push(port);
    const c = await link.join({ callID }, { port, pingIntervalMs: 0 });
    all.push(c);
    await waitFor(`${callID} connected`, () => c.connectionState === 'connected' && c.dcOpen, 60_000);
    return c;
  };

  const setup = async (calls: CallSpec[]): Promise<void> => {
    for (const spec of calls) {
      const callTalkers: CallsTestClient[] = [];
      for (let i = 0; i < spec.talkers; i++) callTalkers.push(await join(spec.callID));
      // Listeners join in small batches (both processes share two cores with the SFU).
      const listeners: CallsTestClient[] = [];
      for (let i = 0; i < spec.listeners; i += 10) {
        const batch = await Promise.all(Array.from({ length: Math.min(10, spec.listeners - i) }, () => join(spec.callID)));
        listeners.push(...batch);
      }
      for (const l of listeners) counters.push(await countMediaOnly(l));
      for (const t of callTalkers) {
        await t.unmute(LEVELS.speech, spec.pps);
        talkers.push(t);
      }
      // Every listener hears every talker of its call before measuring starts.
      await waitFor(
        `${spec.callID}: media reaches every listener`,
        () => counters.slice(-listeners.length).every((c) => c.packets >= 5 * spec.talkers),
        60_000,
      );
    }
  };

  const stats = (): LoadStats => ({
    sent: talkers.reduce((n, t) => n + t.voicePacketsSent, 0),
    received: counters.reduce((n, c) => n + c.packets, 0),
    lost: counters.reduce((n, c) => n + c.lost, 0),
    failures: counters.reduce((n, c) => n + c.failures, 0),
    sessions: all.length,
  });

  const reply = (id: number, fn: () => unknown) => {
    Promise.resolve()
      .then(fn)
      .then(
        (value) => post({ t: 'reply', id, ok: true, value }),
        (err: unknown) => post({ t: 'reply', id, ok: false, error: err instanceof Error ? err.stack ?? err.message : String(err) }),
      );
  };

  process.on('message', (m: ToLoad) => {
    switch (m.t) {
      case 'sfu':
        sfu.emit('message', toBuffer(m.msg));
        return;
      case 'reply':
        sfu.settle(m.id, m.ok, m.error);
        return;
      case 'setup':
        reply(m.id, () => setup(m.calls));
        return;
      case 'stats':
        reply(m.id, stats);
        return;
      case 'stop':
        reply(m.id, async () => {
          for (const t of talkers) t.mute();
          await link.close();
          await Promise.all(ports.map((p) => p.close()));
          setImmediate(() => process.exit(0));
        });
        return;
    }
  });
  process.on('disconnect', () => process.exit(0));
  post({ t: 'reply', id: 0, ok: true });
}

void main();
