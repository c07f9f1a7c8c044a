// The fast media path of one session's peer connection. Once DTLS is up it takes the SRTP keys werift
// derived (srtp/werift-keys.ts) and builds two contexts: one unprotects what the client sends (werift's
// decrypt of this PC now runs ours), one protects what we send it (SessionEgress); werift's SRTCP of the PC
// runs through the same two. It opens a socket connect()ed to the client on the shared port, so the client's
// datagrams reach this thread directly and our sends skip address handling, and re-opens it when ICE selects
// another pair (restart). Until that socket is open, or when the pair is ICE-TCP, our packets go out through
// werift's ICE connection.
//
// When the fast path cannot serve the session (`mediaPath: 'werift'`, or no keys werift would give us),
// everything stays werift's and the reason is counted per packet (see PATH_OUTCOMES).
import { EventEmitter } from 'node:events';
import type { RTCPeerConnection, RTCRtpTransceiver } from 'werift';
import type { TrackForwarder } from '../forward/forwarder.js';
import { pathOutcomeIndex, type ForwardedType } from '../metrics/recorder.js';
import type { PeerPortAttachment } from '../net/peer-attachment.js';
import { createSrtpContext } from '../srtp/index.js';
import { SRTP_ERR_AUTH, SRTP_ERR_MALFORMED, SRTP_ERR_TOO_LARGE, type SrtpContext } from '../srtp/context.js';
import { srtpKeysOfTransport } from '../srtp/werift-keys.js';
import type { MediaPath } from '../types.js';
import { FastEgress, WeriftEgress, type EgressSink, type SinkCounters } from './egress-sink.js';
import { TWCC_URI } from './header-template.js';
import { IngestRoute, RouteResult, readTransportSeq, silenceWeriftTwcc } from './ingest-route.js';
import type { PayloadHistory } from './packet-history.js';
import { SessionEgress } from './session-egress.js';
import { TransportFeedback } from './transport-feedback.js';
import { IngestOutcome, bundleTransport, sendRawRtcp, takeOverSrtcp, takeOverSrtpDecrypt, weriftMediaUsable } from './werift-media.js';

export interface SessionMediaOptions {
  pc: RTCPeerConnection;
  attachment: PeerPortAttachment;
  mediaPath: MediaPath;
  counters: SinkCounters;
  /** A transport-wide feedback packet was sent to the client. */
  feedbackSent(): void;
  error(type: string, message: string, err?: unknown): void;
  debug(message: string, fields?: Record<string, unknown>): void;
}

export interface SessionMediaEvents {
  /** The fast path serves this session from now on (egress sinks can move to it). */
  ready: [];
}

const INGEST_OUTCOMES: Record<IngestOutcome, number> = {
  [IngestOutcome.Fast]: pathOutcomeIndex('in', 'fast', 'none'),
  [IngestOutcome.TooLarge]: pathOutcomeIndex('in', 'werift', 'too_large'),
  [IngestOutcome.Malformed]: pathOutcomeIndex('in', 'werift', 'malformed'),
  [IngestOutcome.AuthFailed]: pathOutcomeIndex('in', 'dropped', 'auth_failed'),
  [IngestOutcome.Replay]: pathOutcomeIndex('in', 'dropped', 'replay'),
};

const IN_FAST = pathOutcomeIndex('in', 'fast', 'none');
const IN_MALFORMED = pathOutcomeIndex('in', 'dropped', 'malformed');

interface RouteRequest {
  forwarder: TrackForwarder;
  transceiver: RTCRtpTransceiver;
  kind: 'audio' | 'video';
}

export class SessionMedia extends EventEmitter<SessionMediaEvents> {
  private egress: SessionEgress | undefined;
  /** Fast ingest by SSRC; streams werift has seen but that wait for start() are in `requested`. */
  private readonly routes = new Map<number, IngestRoute>();
  private readonly requested = new Map<number, RouteRequest>();
  /** Ids of the transport-wide number over the bundle (what werift parses itself comes without a route). */
  private twccIds: number[] = [];
  private feedback: TransportFeedback | undefined;
  private ingest: SrtpContext | undefined;
  private restoreDecrypt: (() => void) | undefined;
  private restoreSrtcp: (() => void) | undefined;
  /** Why werift keeps this session's media (undefined: it does not, or not decided yet). */
  private fallback: 'disabled' | 'no_keys' | undefined;
  private opening: Promise<void> | undefined;
  private readonly unsubscribes: (() => void)[] = [];
  private closed = false;

  constructor(private readonly opts: SessionMediaOptions) {
    super();
    if (opts.mediaPath === 'werift') this.fallback = 'disabled';
    this.unsubscribes.push(
      opts.pc.iceConnectionStateChange.subscribe((state) => {
        if (state === 'connected' || state === 'completed') this.followSelectedPair();
      }).unSubscribe,
    );
  }

  /** Where packets this session publishes are counted when our hook does not decrypt them (-1: it does). */
  get ingestPathIndex(): number {
    return this.fallback ? pathOutcomeIndex('in', 'werift', this.fallback) : -1;
  }

  /** The peer connection reached `connected`: take SRTP over (once). */
  start(): void {
    if (this.closed || this.egress || this.fallback) return;
    const problems = weriftMediaUsable();
    if (problems.length) {
      this.opts.error('fast_path', `werift internals changed, fast media path off: ${problems.join('; ')}`);
      this.fallback = 'no_keys';
      this.emit('ready');
      return;
    }
    const dtls = bundleTransport(this.opts.pc);
    let keys;
    try {
      keys = dtls ? srtpKeysOfTransport(dtls) : null;
    } catch (err) {
      this.opts.error('fast_path', 'cannot read the SRTP keys: werift keeps this session', err);
      keys = null;
    }
    if (!dtls || !keys) {
      this.fallback = 'no_keys';
      this.emit('ready');
      return;
    }
    const counters = this.opts.counters.paths;
    this.ingest = createSrtpContext(keys.profile, keys.remoteMasterKey, keys.remoteMasterSalt);
    this.refreshExtensionIds();
    const feedback = new TransportFeedback((Math.random() * 0x100000000) >>> 0, (packet) => {
      this.opts.feedbackSent();
      sendRawRtcp(dtls, packet).catch(() => undefined);
    });
    this.feedback = feedback;
    this.restoreDecrypt = takeOverSrtpDecrypt(
      dtls,
      this.ingest,
      (o) => {
        counters[INGEST_OUTCOMES[o]]! += 1;
      },
      // What werift parses (ICE-TCP, first packets of a stream) is numbered too.
      (data, len) => {
        const seq = readTransportSeq(data, len, this.twccIds);
        if (seq >= 0) feedback.record(seq, performance.now(), data.readUInt32BE(8));
      },
    );
    this.egress = new SessionEgress(createSrtpContext(keys.profile, keys.localMasterKey, keys.localMasterSalt), dtls);
    try {
      this.restoreSrtcp = takeOverSrtcp(dtls, this.egress.ctx, this.ingest);
    } catch (err) {
      this.opts.error('fast_path', 'cannot take SRTCP over: werift keeps protecting this session\'s RTCP', err);
    }
    for (const [ssrc, r] of this.requested) this.openRoute(ssrc, r);
    this.requested.clear();
    this.opts.attachment.setMediaInterceptor(this.onDatagram);
    this.opts.debug('fast media path on', { profile: keys.profile });
    this.followSelectedPair();
    this.emit('ready');
  }

  /**
   * werift delivered the first packet of a stream this session publishes (its receiver state exists now):
   * the stream's next packets take the fast ingest.
   */
  routeStream(ssrc: number, forwarder: TrackForwarder, transceiver: RTCRtpTransceiver, kind: 'audio' | 'video'): void {
    if (this.closed || this.fallback || this.routes.has(ssrc)) return;
    silenceWeriftTwcc(transceiver.receiver);
    this.refreshExtensionIds();
    if (!this.ingest) this.requested.set(ssrc, { forwarder, transceiver, kind });
    else this.openRoute(ssrc, { forwarder, transceiver, kind });
  }

  /** A published track ended: its streams leave the fast ingest. */
  unrouteTrack(forwarder: TrackForwarder): void {
    for (const [ssrc, r] of this.routes) if (r.forwarder === forwarder) this.routes.delete(ssrc);
    for (const [ssrc, r] of this.requested) if (r.forwarder === forwarder) this.requested.delete(ssrc);
  }

  private openRoute(ssrc: number, r: RouteRequest): void {
    this.routes.set(ssrc, new IngestRoute(ssrc, r.forwarder, r.transceiver, r.kind, this.onTransportSeq));
  }

  private readonly onTransportSeq = (seq: number, nowMs: number, ssrc: number): void => {
    this.feedback?.record(seq, nowMs, ssrc);
  }

  /** Every id the PC's negotiation gave the transport-wide number (werift's id → URI map of the bundle);
   * the session calls it after each remote offer. */
  refreshExtensionIds(): void {
    this.twccIds = Object.entries(this.opts.pc.extIdUriMap)
      .filter(([, uri]) => uri === TWCC_URI)
      .map(([id]) => Number(id));
  }

  /** Every datagram of the PC's media (RTP and RTCP) before werift: RTP of a routed stream is ours. */
  private readonly onDatagram = (data: Buffer): boolean => {
    if (data.length < 12) return false;
    const pt = data[1]! & 0x7f;
    if (pt >= 64 && pt <= 95) return false; // RTCP: werift's
    const route = this.routes.get(((data[8]! << 24) | (data[9]! << 16) | (data[10]! << 8) | data[11]!) >>> 0);
    if (route === undefined) return false;
    const counters = this.opts.counters.paths;
    try {
      const n = this.ingest!.unprotectRtp(data);
      if (n < 0) {
        // Refused as malformed or too large: werift's decrypt (ours, then its own) decides. Forged or replayed:
        // dropped here, counted.
        if (n === SRTP_ERR_MALFORMED || n === SRTP_ERR_TOO_LARGE) return false;
        counters[INGEST_OUTCOMES[n === SRTP_ERR_AUTH ? IngestOutcome.AuthFailed : IngestOutcome.Replay]]! += 1;
        return true;
      }
      counters[IN_FAST]! += 1;
      if (route.receive(data, n, performance.now()) !== RouteResult.Forwarded) counters[IN_MALFORMED]! += 1;
    } catch (err) {
      // A fault of ours on one packet costs that packet (counted, logged), not every call of this thread.
      counters[IN_MALFORMED]! += 1;
      this.opts.error('rtp', 'failed to forward an incoming RTP packet', err);
    }
    return true;
  };

  /** Opens (or re-opens after an ICE restart) the connected socket to the selected UDP pair. */
  private followSelectedPair(): void {
    const egress = this.egress;
    if (!egress || this.closed || this.opening) return;
    const selected = this.opts.attachment.selectedPath();
    const current = egress.connectedPath;
    if (current && !current.isClosed && selected && selected.host === current.host && selected.port === current.port) return;
    if (current) {
      egress.setPath(null);
      current.close();
    }
    if (!selected) return; // ICE-TCP: werift's connection carries our packets
    this.opening = this.opts.attachment
      .connectSelectedPath()
      .then(
        (path) => {
          if (!path) return;
          if (this.closed || egress.isClosed) {
            path.close();
            return;
          }
          egress.setPath(path);
          this.opts.debug('fast media path: connected socket open', { host: path.host, port: path.port });
          // ICE may have selected another pair while the socket was opening.
          const sel = this.opts.attachment.selectedPath();
          if (sel && (sel.host !== path.host || sel.port !== path.port)) setImmediate(() => this.followSelectedPair());
        },
        (err: unknown) => this.opts.error('fast_path', 'cannot open a connected socket; sending through werift', err),
      )
      .finally(() => {
        this.opening = undefined;
      });
  }

  /** The sink a new outgoing track of this session writes to. */
  createSink(transceiver: RTCRtpTransceiver, type: ForwardedType, history: PayloadHistory | undefined, onWriteError: (err: unknown) => void): EgressSink {
    const egress = this.egress;
    if (!egress) return new WeriftEgress(transceiver.sender, this.fallback ?? 'no_keys', this.opts.counters, onWriteError);
    return new FastEgress({
      sender: transceiver.sender,
      mid: () => transceiver.mid,
      egress,
      type,
      counters: this.opts.counters,
      history,
      onWriteError,
    });
  }

  /** A fast sink that continues the stream `old` (a werift sink) was sending; undefined when not possible. */
  upgradeSink(old: EgressSink, transceiver: RTCRtpTransceiver, type: ForwardedType, history: PayloadHistory | undefined, onWriteError: (err: unknown) => void): EgressSink | undefined {
    const egress = this.egress;
    if (!egress || old.fast) return undefined;
    return new FastEgress({
      sender: transceiver.sender,
      mid: () => transceiver.mid,
      egress,
      type,
      counters: this.opts.counters,
      history,
      continueFrom: old.last(),
      onWriteError,
    });
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const u of this.unsubscribes.splice(0)) u();
    this.opts.attachment.setMediaInterceptor(null);
    this.feedback?.close();
    this.routes.clear();
    this.requested.clear();
    this.restoreDecrypt?.();
    this.restoreSrtcp?.();
    this.ingest?.close();
    const path = this.egress?.connectedPath;
    this.egress?.close();
    path?.close();
    this.removeAllListeners();
  }
}
