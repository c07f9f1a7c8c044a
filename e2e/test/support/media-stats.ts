// What a browser really receives, from WebRTC's own `getStats` (inbound-rtp), for any page: an init script
// keeps every RTCPeerConnection the page creates (our webapp's, or the reference RTCPeer's), and the test
// reads their stats. Audio is "heard" when packets keep arriving and the decoded level is non-zero (the fake
// microphone beeps); video is "seen" when frames are decoded.
import type { BrowserContext, Page } from 'playwright-core';
import { waitFor } from '../../../rtcd/test/helpers/wait.js';

export interface InboundAudio {
  trackIdentifier: string;
  packetsReceived: number;
  audioLevel: number;
  totalAudioEnergy: number;
}

export interface InboundVideo {
  trackIdentifier: string;
  packetsReceived: number;
  framesDecoded: number;
  frameWidth: number;
  frameHeight: number;
}

type PeersWindow = { __e2ePeers?: RTCPeerConnection[] };

/** Must run before the page's scripts: wraps RTCPeerConnection so the test can find every instance. */
export async function capturePeerConnections(context: BrowserContext): Promise<void> {
  await context.addInitScript(() => {
    const w = window as unknown as PeersWindow & { RTCPeerConnection: typeof RTCPeerConnection };
    if (w.__e2ePeers) return;
    const peers: RTCPeerConnection[] = [];
    w.__e2ePeers = peers;
    const Native = w.RTCPeerConnection;
    w.RTCPeerConnection = class extends Native {
      constructor(config?: RTCConfiguration) {
        super(config);
        peers.push(this);
      }
    };
  });
}

/** inbound-rtp stats of the page's open peer connections. */
export async function pageInbound(page: Page): Promise<{ audio: InboundAudio[]; video: InboundVideo[] }> {
  return page.evaluate(async () => {
    const audio: InboundAudio[] = [];
    const video: InboundVideo[] = [];
    const peers = ((window as unknown as PeersWindow).__e2ePeers ?? []).filter((pc) => pc.connectionState !== 'closed');
    for (const pc of peers) {
      // The sender's track id as the SFU announced it (a=msid) for each mid: a transceiver the page created
      // (addTrack) and a server m-line then took over keeps a random local track id.
      const announced = new Map<string, string>();
      for (const section of (pc.currentRemoteDescription?.sdp ?? '').split(/\r?\nm=/).slice(1)) {
        const mid = /\r?\na=mid:(\S+)/.exec(section)?.[1];
        const track = /\r?\na=msid:\S+ (\S+)/.exec(section)?.[1];
        if (mid && track) announced.set(mid, track);
      }
      (await pc.getStats()).forEach((s: Record<string, unknown>) => {
        if (s.type !== 'inbound-rtp') return;
        const trackIdentifier = announced.get(String(s.mid)) ?? String(s.trackIdentifier ?? '');
        const base = { trackIdentifier, packetsReceived: Number(s.packetsReceived ?? 0) };
        if (s.kind === 'audio') audio.push({ ...base, audioLevel: Number(s.audioLevel ?? 0), totalAudioEnergy: Number(s.totalAudioEnergy ?? 0) });
        else if (s.kind === 'video') video.push({ ...base, framesDecoded: Number(s.framesDecoded ?? 0), frameWidth: Number(s.frameWidth ?? 0), frameHeight: Number(s.frameHeight ?? 0) });
      });
    }
    return { audio, video };
  });
}

/**
 * What each of the page's peer connections negotiated and carries, for failure messages: states, and per
 * transceiver its mid, direction, the remote track id and the RTP packets counted each way.
 */
export function describePeers(page: Page): Promise<string> {
  return page.evaluate(async () => {
    const out: string[] = [];
    for (const pc of (window as unknown as PeersWindow).__e2ePeers ?? []) {
      if (pc.connectionState === 'closed') continue;
      const packets = new Map<string, string>();
      (await pc.getStats()).forEach((s: Record<string, unknown>) => {
        if (s.type === 'inbound-rtp') packets.set(String(s.mid), `${packets.get(String(s.mid)) ?? ''} in=${Number(s.packetsReceived)}`);
        if (s.type === 'outbound-rtp') packets.set(String(s.mid), `${packets.get(String(s.mid)) ?? ''} out=${Number(s.packetsSent)}`);
      });
      const ts = pc.getTransceivers().map((t) => `[mid ${t.mid} ${t.direction}/${t.currentDirection} ${t.receiver.track.kind} ${t.receiver.track.id}${packets.get(String(t.mid)) ?? ''}]`);
      out.push(`pc ${pc.connectionState}/${pc.signalingState}: ${ts.join(' ')}`);
    }
    return out.join('; ') || 'no peer connection';
  });
}

/**
 * Waits until `count` inbound audio tracks (optionally only those whose track id contains one of `from`)
 * are heard: packets rising past a first reading by at least 25, audio energy rising, and a non-zero
 * audioLevel seen on some reading. Returns the last readings.
 */
export async function waitHearing(
  who: string,
  read: () => Promise<InboundAudio[]>,
  opts: { count?: number; from?: string[]; timeoutMs?: number; page?: Page } = {},
): Promise<InboundAudio[]> {
  const count = opts.count ?? 1;
  const first = new Map<string, InboundAudio>();
  const levelSeen = new Set<string>();
  let last: InboundAudio[] = [];
  const relevant = (a: InboundAudio) => !opts.from || opts.from.some((id) => a.trackIdentifier.includes(id));
  try {
    await waitFor(
      `${who} hearing ${count} voice track(s)${opts.from ? ` from ${opts.from.join(', ')}` : ''}`,
      async () => {
        last = (await read()).filter(relevant);
        let heard = 0;
        for (const a of last) {
          const f = first.get(a.trackIdentifier);
          if (!f) {
            first.set(a.trackIdentifier, a);
            continue;
          }
          if (a.audioLevel > 0) levelSeen.add(a.trackIdentifier);
          if (a.packetsReceived >= f.packetsReceived + 25 && a.totalAudioEnergy > f.totalAudioEnergy && levelSeen.has(a.trackIdentifier)) heard++;
        }
        return heard >= count;
      },
      opts.timeoutMs ?? 30_000,
      200,
    );
  } catch (err) {
    const peers = opts.page ? `; peers: ${await describePeers(opts.page).catch(() => '?')}` : '';
    throw new Error(`${(err as Error).message}; last inbound audio: ${JSON.stringify(last)}${peers}`);
  }
  return last;
}

/** Waits until `page` decodes frames of an inbound video track (optionally from a sender id); returns it. */
export async function waitSeeingVideo(who: string, page: Page, from?: string, timeoutMs = 40_000): Promise<InboundVideo> {
  let last: InboundVideo[] = [];
  try {
    return await waitFor(
      `${who} decoding a shared screen${from ? ` from ${from}` : ''}`,
      async () => {
        last = (await pageInbound(page)).video.filter((v) => !from || v.trackIdentifier.includes(from));
        return last.find((v) => v.framesDecoded > 0 && v.frameWidth > 0);
      },
      timeoutMs,
      250,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; last inbound video: ${JSON.stringify(last)}; peers: ${await describePeers(page).catch(() => '?')}`);
  }
}
