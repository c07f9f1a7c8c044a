// Every session's ICE goes through the SFU's one port, checked from outside the SFU process (it runs in a
// child process, so `ss` shows only its sockets): the candidates it signals carry that port (UDP, and ICE-TCP
// on the same number), the only UDP sockets it holds are on that port, in-thread and with two media workers;
// and a client that can only use TCP gets its call (media included) through the passive ICE-TCP candidate.
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import type { RTCPeerConnectionConfig } from 'werift';
import { MessageType } from '@calls-ts/rtcd/rtc';
import type { CallsTestClient } from '../helpers/calls-client.js';
import { LEVELS } from '../helpers/media-sources.js';
import { ServerLink } from '../helpers/server-link.js';
import { RemoteSfu } from '../helpers/sfu-process.js';
import { waitFor } from '../helpers/wait.js';
import { processSockets } from '../net/helpers.js';

/** `<proto> <address>:<port>` of every candidate in the SDPs and ICE messages the SFU sent. */
function signaledCandidates(link: ServerLink): string[] {
  const out: string[] = [];
  for (const msg of link.messages) {
    if (!msg.data || (msg.type !== MessageType.SDP && msg.type !== MessageType.ICE)) continue;
    const text = Buffer.from(msg.data).toString('utf8').replaceAll('\\r\\n', '\n');
    for (const m of text.matchAll(/candidate:\S+ \d+ (udp|tcp) \d+ (\S+) (\d+) typ/gi)) out.push(`${m[1]!.toLowerCase()} ${m[2]}:${m[3]}`);
  }
  return out;
}

const TCP_ONLY: Partial<RTCPeerConnectionConfig> = {
  iceUseTcp: true,
  iceFilterCandidatePair: (pair) => pair.protocol.type === 'tcp',
  iceFilterStunResponse: (_msg, _addr, protocol) => protocol.type === 'tcp',
};

for (const mode of [{ name: 'in-thread', inline: true, workers: 1 }, { name: 'two media workers', inline: false, workers: 2 }]) {
  describe(`one ICE port (${mode.name})`, () => {
    let sfu: RemoteSfu;
    let link: ServerLink;
    let a: CallsTestClient;
    let b: CallsTestClient;
    after(async () => {
      await link?.close();
      await sfu?.stop();
    });

    it('signals only the port and holds no other UDP socket', async () => {
      sfu = await RemoteSfu.start({ inline: mode.inline, config: { mediaWorkers: mode.workers } });
      link = await ServerLink.create(sfu);
      a = await link.join({ callID: 'p1' });
      b = await link.join({ callID: 'p1' });
      const c = await link.join({ callID: 'p2' });
      const d = await link.join({ callID: 'p2' });
      await waitFor('connected', () => [a, b, c, d].every((x) => x.connectionState === 'connected' && x.dcOpen));
      await a.unmute(LEVELS.speech);
      await c.unmute(LEVELS.speech);
      await waitFor('media flows', () => b.received.packets(a.sessionID, 'voice') >= 20 && d.received.packets(c.sessionID, 'voice') >= 20);

      const cands = signaledCandidates(link);
      assert.ok(cands.some((x) => x.startsWith('udp ')), 'UDP candidates were signaled');
      assert.ok(cands.some((x) => x.startsWith('tcp ')), 'ICE-TCP candidates were signaled');
      assert.deepEqual([...new Set(cands)].sort(), [`tcp 127.0.0.1:${sfu.tcpPort}`, `udp 127.0.0.1:${sfu.udpPort}`]);
      assert.equal(sfu.tcpPort, sfu.udpPort, 'ICE-TCP listens on the same port number');
      // Each client's selected pair talks to the port.
      for (const x of [a, b, c, d]) assert.equal(x.pc.iceTransports[0]!.connection.nominated!.remoteAddr[1], sfu.udpPort);

      const udp = processSockets('udp', sfu.pid);
      assert.ok(udp.length >= 1);
      assert.deepEqual([...new Set(udp)], [`127.0.0.1:${sfu.udpPort}`], `SFU UDP sockets: ${udp.join(', ')}`);
      // Per thread one sending socket, plus the receiving one and a connected socket per session (fast path).
      assert.ok(udp.length >= 1 + mode.workers - (mode.inline ? 1 : 0) + 4, `expected the sessions' connected sockets, got ${udp.length}`);
      assert.deepEqual(processSockets('tcp', sfu.pid).filter((s) => s.endsWith(`:${sfu.tcpPort}`)), [`127.0.0.1:${sfu.tcpPort}`]);
    });

    it('a client that can only use TCP joins through the passive candidate and hears the others', async () => {
      const t = await link.join({ callID: 'p1' }, { peerConfig: TCP_ONLY });
      await waitFor('TCP client connected', () => t.connectionState === 'connected' && t.dcOpen);
      const pair = t.pc.iceTransports[0]!.connection.nominated!;
      assert.equal(pair.protocol.type, 'tcp');
      assert.equal(pair.remoteAddr[1], sfu.tcpPort);
      await waitFor('voice over ICE-TCP', () => t.received.packets(a.sessionID, 'voice') >= 20);
      await t.unmute(LEVELS.speech);
      await waitFor('its voice reaches the others', () => b.received.packets(t.sessionID, 'voice') >= 20);
      const text = await sfu.metricsText();
      assert.match(text, /rtcd_rtc_ice_tcp_connections_total\{result="accepted"\} [1-9]/);
      // Its media is ours (SRTP) through werift's TCP connection.
      assert.match(text, /rtcd_rtc_rtp_path_packets_total\{direction="out",path="mixed",reason="no_udp_path"\} [1-9]/);
    });
  });
}
