// The publishing side of a session: the tracks its client sends us, classified as the reference does
// (rtcd sfu.go OnTrack): audio in the announced screen stream is `screen-audio`, other audio is `voice`;
// video is accepted only as `screen`, from the call's one screen sharer, in the stream it announced with
// ScreenOn. Unlike the reference, a track that arrives before its ScreenOn (the offer and the WS message race)
// waits a few seconds for it instead of being dropped. Mute stops forwarding voice (packets are still
// counted) and resets VAD, which reports VoiceOff.
import type { MediaStreamTrack, RTCRtpTransceiver } from 'werift';
import { SessionDescription } from 'werift';
import { VoiceActivityDetector } from '../forward/vad.js';
import { mimeForKind } from '../media-config.js';
import type { MetricsRecorder } from '../metrics/recorder.js';
import type { ForwardedType } from '../metrics/recorder.js';
import type { Call } from './call.js';
import { IngestTrack } from './ingest-track.js';

export interface PublisherHost {
  readonly sessionID: string;
  readonly groupID: string;
  readonly call: Call;
  readonly recorder: MetricsRecorder;
  /** VoiceOn (true) / VoiceOff (false) for this session. */
  voice(on: boolean): void;
  trackEvent(kind: 'newtrack' | 'trackclose', track: IngestTrack): void;
  /** Payloads kept per video track for NACKs on the fast path (0 = none). */
  readonly historySize: number;
  /** Path counter index of ingest packets werift decrypts (-1: our SRTP hook counts them). */
  ingestPathIndex(): number;
  /** A stream of a published track can take the fast ingest; and a track ended. */
  routeStream(track: IngestTrack, ssrc: number): void;
  unrouteTrack(track: IngestTrack): void;
  error(type: string, message: string, err?: unknown): void;
  debug(message: string, fields?: Record<string, unknown>): void;
}

interface PendingTrack {
  track: MediaStreamTrack;
  transceiver: RTCRtpTransceiver;
  streamID: string;
  timer: NodeJS.Timeout;
}

/** How long a track may wait for the ScreenOn that announces its stream. */
export const PENDING_TRACK_TIMEOUT_MS = 10_000;
const MAX_PENDING_TRACKS = 4;

export class Publisher {
  muted = false;
  screenStreamID: string | undefined;
  private tracks = new Map<ForwardedType, IngestTrack>();
  private pending: PendingTrack[] = [];
  private readonly vad = new VoiceActivityDetector();
  private closed = false;

  constructor(private readonly host: PublisherHost) {}

  get voiceTrack(): IngestTrack | undefined {
    return this.tracks.get('voice');
  }

  get publishedTracks(): IngestTrack[] {
    return [...this.tracks.values()];
  }

  private isScreenStream(streamID: string): boolean {
    return streamID !== '' && streamID === this.screenStreamID && this.host.call.screenSessionID === this.host.sessionID;
  }

  /** A track from the client's offer (werift fires this when the offer is applied). */
  onTrack(track: MediaStreamTrack, transceiver: RTCRtpTransceiver, streamID: string): void {
    if (this.closed) return;
    if (track.kind === 'video') {
      // No stream (`a=msid:- …`): a sender with no track, not a screen. The reference client turns the
      // m-lines of screens it receives to sendrecv (for Firefox) and Chrome offers them back that way; the
      // reference's pion only fires OnTrack on a first packet, so it never sees them either.
      if (streamID === '-') {
        this.host.debug('ignoring a video sender without a stream', { mid: transceiver.mid });
        return;
      }
      if (this.isScreenStream(streamID)) this.accept('screen', track, transceiver, streamID);
      else this.hold(track, transceiver, streamID);
      return;
    }
    if (track.kind !== 'audio') {
      this.host.error('track', `unsupported track kind ${track.kind}`);
      return;
    }
    if (this.isScreenStream(streamID)) this.accept('screen-audio', track, transceiver, streamID);
    else if (this.pending.some((p) => p.streamID === streamID && p.track.kind === 'video')) this.hold(track, transceiver, streamID);
    else if (!this.tracks.has('voice')) this.accept('voice', track, transceiver, streamID);
    else this.hold(track, transceiver, streamID);
  }

  private hold(track: MediaStreamTrack, transceiver: RTCRtpTransceiver, streamID: string): void {
    if (this.pending.length >= MAX_PENDING_TRACKS) {
      this.host.error('track', 'too many unannounced tracks, dropping one');
      this.drop(this.pending[0]!);
    }
    this.host.debug('track waits for its stream to be announced', { kind: track.kind, streamID });
    const p: PendingTrack = {
      track,
      transceiver,
      streamID,
      timer: setTimeout(() => {
        this.drop(p);
        this.host.error('track', `received unexpected ${track.kind} track (stream ${streamID} never announced)`);
      }, PENDING_TRACK_TIMEOUT_MS),
    };
    this.pending.push(p);
  }

  private drop(p: PendingTrack): void {
    clearTimeout(p.timer);
    this.pending = this.pending.filter((x) => x !== p);
  }

  private accept(type: ForwardedType, track: MediaStreamTrack, transceiver: RTCRtpTransceiver, streamID: string): void {
    const old = this.tracks.get(type);
    if (old) this.end(old);
    const h = this.host;
    const ingest = new IngestTrack({
      type,
      senderSessionID: h.sessionID,
      groupID: h.groupID,
      track,
      transceiver,
      streamID,
      mime: mimeForKind(track.kind),
      recorder: h.recorder,
      onAudioLevel: type === 'voice' ? this.onVoiceLevel : undefined,
      historySize: h.historySize,
      ingestPath: h.ingestPathIndex(),
      onStream: (t, ssrc) => h.routeStream(t, ssrc),
    });
    if (type === 'voice') ingest.forwarder.enabled = !this.muted;
    this.tracks.set(type, ingest);
    h.recorder.gauge('tracks', [h.groupID, 'in', ingest.mime], 1);
    h.trackEvent('newtrack', ingest);
    h.call.publish(ingest);
  }

  private end(track: IngestTrack): void {
    if (this.tracks.get(track.type) === track) this.tracks.delete(track.type);
    if (track.isClosed) return;
    track.close();
    const h = this.host;
    h.unrouteTrack(track);
    h.recorder.gauge('tracks', [h.groupID, 'in', track.mime], -1);
    h.trackEvent('trackclose', track);
    h.call.unpublish(track);
    if (track.type === 'voice' && this.vad.voice) {
      this.vad.reset();
      h.voice(false);
    }
  }

  private readonly onVoiceLevel = (level: number): void => {
    if (this.muted) return;
    const changed = this.vad.push(level, performance.now());
    if (changed !== undefined) this.host.voice(changed);
  };

  /** The session's media path was decided: count its ingest packets accordingly. */
  setIngestPath(index: number): void {
    for (const t of this.tracks.values()) t.forwarder.ingestPath = index;
  }

  /** After a client offer was applied: tracks whose m-line stopped sending have ended. */
  checkEnded(remoteSdp: string): void {
    let sending: Set<string>;
    try {
      const desc = SessionDescription.parse(remoteSdp);
      sending = new Set(
        desc.media
          .filter((m) => m.port !== 0 && (m.direction === 'sendonly' || m.direction === 'sendrecv'))
          .map((m) => m.rtp.muxId ?? ''),
      );
    } catch (err) {
      this.host.error('signaling', 'failed to parse the remote description', err);
      return;
    }
    for (const t of [...this.tracks.values()]) {
      const mid = t.mid;
      if (mid == null || !sending.has(mid)) this.end(t);
    }
    for (const p of [...this.pending]) {
      const mid = p.transceiver.mid;
      if (mid == null || !sending.has(mid)) this.drop(p);
    }
  }

  mute(): void {
    this.muted = true;
    const voice = this.tracks.get('voice');
    if (!voice) return;
    voice.forwarder.enabled = false;
    this.vad.reset();
    this.host.voice(false);
  }

  unmute(): void {
    this.muted = false;
    const voice = this.tracks.get('voice');
    if (voice) voice.forwarder.enabled = true;
  }

  /** ScreenOn: this session becomes the call's sharer, unless another one is. Returns false if refused. */
  screenOn(streamID: string): boolean {
    const call = this.host.call;
    if (!call.setScreenSession(this.host.sessionID)) return false;
    this.screenStreamID = streamID;
    for (const p of [...this.pending]) {
      if (p.streamID !== streamID) continue;
      this.drop(p);
      this.accept(p.track.kind === 'video' ? 'screen' : 'screen-audio', p.track, p.transceiver, p.streamID);
    }
    return true;
  }

  /** ScreenOff: stops forwarding the screen (and its audio) to everyone. */
  screenOff(): boolean {
    if (this.host.call.screenSessionID !== this.host.sessionID) return false;
    this.clearScreen();
    this.host.call.clearScreenSession(this.host.sessionID);
    return true;
  }

  private clearScreen(): void {
    const screen = this.tracks.get('screen');
    const audio = this.tracks.get('screen-audio');
    if (screen) this.end(screen);
    if (audio) this.end(audio);
    for (const p of [...this.pending]) if (p.streamID === this.screenStreamID) this.drop(p);
    this.screenStreamID = undefined;
  }

  close(): void {
    if (this.closed) return;
    for (const t of [...this.tracks.values()]) this.end(t);
    for (const p of [...this.pending]) this.drop(p);
    if (this.host.call.screenSessionID === this.host.sessionID) this.host.call.clearScreenSession(this.host.sessionID);
    this.closed = true;
  }
}
