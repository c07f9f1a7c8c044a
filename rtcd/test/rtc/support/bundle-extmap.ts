// What Chromium checks of RTP header extensions in a BUNDLE, for werift test clients: one URI ↔ one id
// across every m-section and every description of the session (Chromium refuses "codec collision for header
// extension id=…" and "RTP extension ID reassignment not supported"). werift accepts anything, so tests run
// every SDP a client applies or sends through a ledger and assert it stayed consistent.
import { RTCRtpHeaderExtensionParameters, type RTCPeerConnection } from 'werift';

const EXTMAP = /^a=extmap:(\d+)(?:\/\w+)? (\S+)/;

export const URIS = {
  audioLevel: 'urn:ietf:params:rtp-hdrext:ssrc-audio-level',
  absSendTime: 'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time',
  twcc: 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01',
  mid: 'urn:ietf:params:rtp-hdrext:sdes:mid',
  rid: 'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id',
  repairedRid: 'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id',
} as const;

/** Chrome's own numbering (what its first offer with audio and video carries). */
export const CHROME_IDS: Record<string, number> = {
  [URIS.audioLevel]: 1,
  [URIS.absSendTime]: 2,
  [URIS.twcc]: 3,
  [URIS.mid]: 4,
  [URIS.rid]: 10,
  [URIS.repairedRid]: 11,
};

/** `[id, uri]` of every `a=extmap` line of an SDP, per m-section (index = m-line order). */
export function extmapsOf(sdp: string): [number, string][][] {
  const sections: [number, string][][] = [];
  for (const line of sdp.split(/\r?\n/)) {
    if (line.startsWith('m=')) sections.push([]);
    const m = EXTMAP.exec(line);
    if (m && sections.length) sections[sections.length - 1]!.push([Number(m[1]), m[2]!]);
  }
  return sections;
}

export class ExtmapLedger {
  private readonly byUri = new Map<string, number>();
  private readonly byId = new Map<number, string>();
  readonly violations: string[] = [];

  /** Adds an SDP's extensions; any disagreement with what the session has seen so far is a violation. */
  record(sdp: string, label: string): void {
    extmapsOf(sdp).forEach((section, i) => {
      for (const [id, uri] of section) {
        const known = this.byUri.get(uri);
        const holder = this.byId.get(id);
        if (known !== undefined && known !== id) this.violations.push(`${label}, m-section ${i}: ${uri} as id ${id}, already id ${known}`);
        else if (holder !== undefined && holder !== uri) this.violations.push(`${label}, m-section ${i}: id ${id} as ${uri}, already ${holder}`);
        else {
          this.byUri.set(uri, id);
          this.byId.set(id, uri);
        }
      }
    });
  }

  idOf(uri: string): number | undefined {
    return this.byUri.get(uri);
  }
}

/** A numbering unlike anyone's defaults: an SFU that follows it must have learned it from the client. */
export const ODD_IDS: Record<string, number> = {
  [URIS.audioLevel]: 9,
  [URIS.absSendTime]: 5,
  [URIS.twcc]: 6,
  [URIS.mid]: 7,
  [URIS.rid]: 12,
  [URIS.repairedRid]: 13,
};

/**
 * Makes a werift client number its extensions with `ids` (werift numbers 1..n over its own list), with
 * abs-send-time on both kinds, as Chrome offers it. Call before the client's first offer with media. Unlike
 * Chrome, werift does not adapt its own later m-sections to a numbering the server set first.
 */
export function useNumbering(pc: RTCPeerConnection, ids: Record<string, number> = CHROME_IDS): void {
  const config = (pc as unknown as { config: { headerExtensions: { audio?: RTCRtpHeaderExtensionParameters[]; video?: RTCRtpHeaderExtensionParameters[] } } }).config;
  const ext = (uri: string) => new RTCRtpHeaderExtensionParameters({ id: ids[uri]!, uri });
  config.headerExtensions.audio = [URIS.audioLevel, URIS.absSendTime, URIS.twcc, URIS.mid].map(ext);
  config.headerExtensions.video = [URIS.absSendTime, URIS.twcc, URIS.mid, URIS.rid, URIS.repairedRid].map(ext);
}
