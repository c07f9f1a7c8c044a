// Watches a werift test client the way Chromium would judge the SFU: every description it applies or sends
// goes through an ExtmapLedger (one URI ↔ one id per BUNDLE), and every RTP packet it receives is checked
// against that numbering (only ids the session negotiated, `sdes:mid` carrying the receiving m-line's mid).
import type { MediaStreamTrack, RTCPeerConnection, RtpPacket } from 'werift';
import { ExtmapLedger, URIS } from './bundle-extmap.js';

export interface PacketCheck {
  packets: number;
  /** Distinct problems seen in received packets (bounded). */
  problems: Set<string>;
}

const MAX_PROBLEMS = 20;

export class SessionWatch {
  readonly ledger = new ExtmapLedger();
  readonly rtp: PacketCheck = { packets: 0, problems: new Set() };
  /** Offers the client received, in order (their SDP). */
  readonly offersReceived: string[] = [];
  private n = 0;

  constructor(
    private readonly pc: RTCPeerConnection,
    readonly name: string,
  ) {
    const setRemote = pc.setRemoteDescription.bind(pc);
    const setLocal = pc.setLocalDescription.bind(pc);
    const self = pc as unknown as {
      setRemoteDescription: typeof pc.setRemoteDescription;
      setLocalDescription: (desc?: Parameters<typeof pc.setLocalDescription>[0]) => Promise<unknown>;
    };
    self.setRemoteDescription = async (desc) => {
      const d = desc as { type?: string; sdp?: string };
      if (d.sdp) {
        if (d.type === 'offer') this.offersReceived.push(d.sdp);
        this.ledger.record(d.sdp, `${name}: remote ${d.type} #${++this.n}`);
      }
      return setRemote(desc);
    };
    self.setLocalDescription = async (desc) => {
      const r = await setLocal(desc);
      const local = pc.localDescription;
      if (local) this.ledger.record(local.sdp, `${name}: local ${local.type} #${++this.n}`);
      return r;
    };
    pc.onTrack.subscribe((track) => this.watchTrack(track));
  }

  private watchTrack(track: MediaStreamTrack): void {
    track.onReceiveRtp.subscribe((rtp: RtpPacket) => {
      this.rtp.packets++;
      const mid = this.pc.getTransceivers().find((t) => t.receiver.tracks.includes(track))?.mid;
      const midId = this.ledger.idOf(URIS.mid);
      let midSeen = false;
      for (const e of rtp.header.extensions) {
        if (e.id === midId) {
          midSeen = true;
          const value = e.payload.toString('utf8');
          if (value !== mid) this.problem(`sdes:mid (id ${e.id}) says "${value}" on m-line ${mid}`);
        } else if (e.id !== this.ledger.idOf(URIS.twcc)) {
          this.problem(`extension id ${e.id} on m-line ${mid} is not one the SFU writes on this bundle`);
        }
      }
      if (midId !== undefined && !midSeen) this.problem(`no sdes:mid at id ${midId} on m-line ${mid}`);
    });
  }

  private problem(p: string): void {
    if (this.rtp.problems.size < MAX_PROBLEMS) this.rtp.problems.add(p);
  }
}
