// One RTP header-extension numbering per session (its single BUNDLE). Within a bundle an id must name one
// URI and a URI must keep one id, in every m-section and in every renegotiation: Chromium refuses an offer
// that breaks this ("codec collision for header extension id=…", "RTP extension ID reassignment not
// supported") or accepts it and crashes the tab at a later renegotiation. werift numbers the m-sections it
// adds in its own offers 1..n over its configured list (audio then video), which breaks it as soon as the
// client numbered differently (Chrome: audio-level 1, abs-send-time 2, transport-cc 3, mid 4, rid 10, ...).
//
// So the session learns the numbering from every description the client sends (its offers, and its answers,
// which confirm ours), and before each offer of ours it numbers the m-sections it adds with it. A URI the
// bundle has not used yet gets the lowest id no URI holds: a proposal until the client has seen it in a
// description it answered or sent, so that an offer of ours that was never applied (rolled back) does not
// keep an id the client may give to something else meanwhile. What werift answers is already right: it
// echoes the ids of the remote offer.
import { RTCRtpHeaderExtensionParameters, type RTCPeerConnection, type RTCRtpTransceiver } from 'werift';

const EXTMAP = /^a=extmap:(\d+)(?:\/\w+)? (\S+)/;
/** One-byte header ids (RFC 8285 §4.2); the SFU never needs more than the 14 of them. */
const MAX_ONE_BYTE_ID = 14;
/**
 * Chrome's own ids: a URI new to the bundle takes its Chrome id when free, so that a browser that adds
 * its own m-sections later finds the numbering it would have picked itself; abs-send-time's is kept free.
 */
const BROWSER_IDS: Record<string, number> = {
  'urn:ietf:params:rtp-hdrext:ssrc-audio-level': 1,
  'http://www.webrtc.org/experiments/rtp-hdrext/abs-send-time': 2,
  'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01': 3,
  'urn:ietf:params:rtp-hdrext:sdes:mid': 4,
  'urn:ietf:params:rtp-hdrext:sdes:rtp-stream-id': 10,
  'urn:ietf:params:rtp-hdrext:sdes:repaired-rtp-stream-id': 11,
};
const BROWSER_ID_SET = new Set(Object.values(BROWSER_IDS));

export interface ExtensionConflict {
  uri: string;
  id: number;
  /** What the session had for that URI (`knownId`) or that id (`knownUri`). */
  knownId?: number;
  knownUri?: string;
}

export class BundleExtensions {
  private readonly byUri = new Map<string, number>();
  private readonly byId = new Map<number, string>();
  /** URIs we numbered in an offer the client has not answered yet. */
  private readonly proposed = new Set<string>();

  constructor(
    /** The URIs the SFU negotiates per kind, in the order it offers them (media-config). */
    private readonly urisByKind: Readonly<Record<'audio' | 'video', readonly string[]>>,
  ) {}

  /** The id of `uri` in this bundle, if it has one. */
  idOf(uri: string): number | undefined {
    return this.byUri.get(uri);
  }

  /**
   * Records the `a=extmap` lines of a description the client sent (applied). The client's word beats our
   * unanswered proposals; lines that contradict what it agreed to before are returned (a client breaking
   * its own bundle: the first numbering stays).
   */
  learn(sdp: string): ExtensionConflict[] {
    const conflicts: ExtensionConflict[] = [];
    for (const line of sdp.split('\n')) {
      if (!line.startsWith('a=extmap:')) continue;
      const m = EXTMAP.exec(line.trimEnd());
      if (!m) continue;
      const id = Number(m[1]);
      const uri = m[2]!;
      if (this.byUri.get(uri) === id) {
        this.proposed.delete(uri);
        continue;
      }
      this.dropProposal(uri);
      const other = this.byId.get(id);
      if (other !== undefined) this.dropProposal(other);
      const knownId = this.byUri.get(uri);
      const knownUri = this.byId.get(id);
      if (knownId !== undefined || knownUri !== undefined) {
        conflicts.push({ uri, id, knownId, knownUri });
        continue;
      }
      this.byUri.set(uri, id);
      this.byId.set(id, uri);
    }
    return conflicts;
  }

  /**
   * Before createOffer: every m-section werift would number from its own table (a transceiver with no
   * extensions yet, i.e. one we add) gets the bundle's ids instead. Extensions for which no id is left are
   * left out of that m-section (never reached with the SFU's handful of URIs).
   */
  numberNewSections(pc: RTCPeerConnection): void {
    for (const t of pc.getTransceivers()) {
      if (t.stopped || t.stopping || t.headerExtensions.length > 0) continue;
      if (t.kind !== 'audio' && t.kind !== 'video') continue;
      t.headerExtensions = this.extensionsFor(t);
    }
  }

  private extensionsFor(t: RTCRtpTransceiver): RTCRtpHeaderExtensionParameters[] {
    const out: RTCRtpHeaderExtensionParameters[] = [];
    for (const uri of this.urisByKind[t.kind as 'audio' | 'video']) {
      const id = this.byUri.get(uri) ?? this.allocate(uri);
      if (id !== undefined) out.push(new RTCRtpHeaderExtensionParameters({ id, uri }));
    }
    return out;
  }

  private allocate(uri: string): number | undefined {
    const preferred = BROWSER_IDS[uri];
    const free = (id: number) => !this.byId.has(id);
    let id = preferred !== undefined && free(preferred) ? preferred : undefined;
    // Else the lowest id no browser default claims, else any free one.
    for (let i = 1; id === undefined && i <= MAX_ONE_BYTE_ID; i++) if (free(i) && !BROWSER_ID_SET.has(i)) id = i;
    for (let i = 1; id === undefined && i <= MAX_ONE_BYTE_ID; i++) if (free(i)) id = i;
    if (id === undefined) return undefined;
    this.byId.set(id, uri);
    this.byUri.set(uri, id);
    this.proposed.add(uri);
    return id;
  }

  private dropProposal(uri: string): void {
    if (!this.proposed.delete(uri)) return;
    const id = this.byUri.get(uri);
    this.byUri.delete(uri);
    if (id !== undefined && this.byId.get(id) === uri) this.byId.delete(id);
  }
}
