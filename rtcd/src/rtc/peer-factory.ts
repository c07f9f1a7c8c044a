// The one place where the SFU creates RTCPeerConnections. Everything about transport policy lives here:
// Unified Plan + max-bundle (one ICE/DTLS transport per session), explicit codecs and header extensions, and
// the shared ICE port (rtc/net): every PC is attached to the process's one UDP port (+ ICE-TCP on the same
// port number) before any offer/answer, so werift opens no socket of its own and the SDP carries exactly the
// port's host candidates (with the configured host/NAT overrides). The port's peer config turns werift's own
// gathering off and keeps full ICE (consent freshness; ICE restarts work); with no address of its own to
// gather, werift never queries a STUN server (not even its hidden default one). Server-side TURN is not
// used on the shared port: clients relay through TURN with the credentials of `iceServersFor`.
import { RTCPeerConnection, type RTCPeerConnectionConfig } from 'werift';
import { sfuCodecs, sfuHeaderExtensions } from './media-config.js';
import type { PeerPortAttachment } from './net/peer-attachment.js';
import { genTurnCredentials } from './net/turn.js';
import type { IceServerConfig, RtcServerConfig } from './types.js';

/** What the factory needs of the shared port: SharedUdpPort (inline) or WorkerUdpPort (media worker). */
export interface PeerPort {
  peerConfig(): Partial<RTCPeerConnectionConfig>;
  attach(pc: RTCPeerConnection): PeerPortAttachment;
}

/** Per-worker resources handed to the factory: `net` is the shared port of this thread. */
export type PeerResources = Record<string, unknown> & { net?: PeerPort };

export interface SfuPeer {
  pc: RTCPeerConnection;
  /** The PC on the shared port: the fast media path's hooks (interceptor, connected path). */
  attachment: PeerPortAttachment;
}

export class PeerFactory {
  constructor(
    readonly config: RtcServerConfig,
    /** Read at each createPeer: an inline host adds the port (`net`) when it starts. */
    readonly resources: PeerResources = {},
  ) {}

  /** ICE servers for a session's client, as the reference: STUN as configured; TURN only with a static auth
   * secret, with short-lived REST credentials for entries that carry none. */
  iceServersFor(sessionID: string): IceServerConfig[] {
    const out: IceServerConfig[] = [];
    const turnCfg = this.config.turn;
    for (const s of this.config.iceServers) {
      const isTurn = s.urls.every((u) => /^turns?:/i.test(u));
      if (!isTurn) {
        out.push({ urls: [...s.urls] });
        continue;
      }
      if (turnCfg.staticAuthSecret === '') continue;
      if (s.username || s.credential) {
        out.push({ ...s, urls: [...s.urls] });
        continue;
      }
      const expiry = Math.floor(Date.now() / 1000) + turnCfg.credentialsExpirationMinutes * 60;
      out.push({ urls: [...s.urls], ...genTurnCredentials(sessionID, turnCfg.staticAuthSecret, expiry) });
    }
    return out;
  }

  createPeer(): SfuPeer {
    const net = this.resources.net;
    if (!net) throw new Error('peer factory: no shared ICE port in this thread (resources.net)');
    const pc = new RTCPeerConnection({
      bundlePolicy: 'max-bundle',
      iceServers: [],
      codecs: sfuCodecs(),
      headerExtensions: sfuHeaderExtensions(),
      // Last: the port decides gathering (none of werift's own) and the ICE mode.
      ...net.peerConfig(),
    });
    let attachment: PeerPortAttachment;
    try {
      attachment = net.attach(pc);
    } catch (err) {
      void pc.close();
      throw err;
    }
    return { pc, attachment };
  }
}
