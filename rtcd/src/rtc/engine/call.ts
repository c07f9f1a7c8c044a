// A call: the sessions of one callID within a group, the tracks they publish, its one screen sharer and the
// keyframe-request limiter towards it. Publishing a track subscribes every other session whose data channel
// is open; sessions that open theirs later pick up everything published at that moment (Subscriber.start).
import { PliLimiter } from '../forward/pli-limiter.js';
import type { MetricsRecorder } from '../metrics/recorder.js';
import type { IngestTrack } from './ingest-track.js';
import type { Subscriber } from './subscriber.js';

/** What the call needs of a session. */
export interface CallMember {
  readonly sessionID: string;
  readonly subscriber: Subscriber;
}

export class Call {
  private readonly members = new Map<string, CallMember>();
  private readonly published = new Map<string, IngestTrack>();
  private readonly pliTargets = new Map<number, IngestTrack>();
  private screenSession: string | undefined;
  readonly pli: PliLimiter;

  constructor(
    readonly groupID: string,
    readonly id: string,
    private readonly recorder: MetricsRecorder,
  ) {
    this.pli = new PliLimiter((ssrc) => {
      const track = this.pliTargets.get(ssrc);
      if (!track || track.isClosed) return;
      track.sendPli(ssrc);
      this.recorder.rtcp('out', 'pli');
    });
  }

  get size(): number {
    return this.members.size;
  }

  get screenSessionID(): string | undefined {
    return this.screenSession;
  }

  sessionIDs(): string[] {
    return [...this.members.keys()];
  }

  has(sessionID: string): boolean {
    return this.members.has(sessionID);
  }

  add(member: CallMember): void {
    this.members.set(member.sessionID, member);
  }

  remove(sessionID: string): void {
    this.members.delete(sessionID);
    if (this.screenSession === sessionID) this.screenSession = undefined;
  }

  /** Tracks published by the other sessions (what a newly ready session must receive). */
  tracksFor(sessionID: string): IngestTrack[] {
    return [...this.published.values()].filter((t) => t.senderSessionID !== sessionID && !t.isClosed);
  }

  publish(track: IngestTrack): void {
    this.published.set(track.id, track);
    for (const m of this.members.values()) if (m.sessionID !== track.senderSessionID) m.subscriber.subscribe(track);
  }

  unpublish(track: IngestTrack): void {
    this.published.delete(track.id);
    for (const [ssrc, t] of this.pliTargets) {
      if (t === track) {
        this.pliTargets.delete(ssrc);
        this.pli.forget(ssrc);
      }
    }
    for (const m of this.members.values()) m.subscriber.unsubscribe(track);
  }

  /** Asks the publisher of `track` for a keyframe, at most once per second per SSRC. */
  requestKeyframe(track: IngestTrack): void {
    const ssrc = track.ssrc;
    if (ssrc === undefined || track.isClosed) return;
    this.pliTargets.set(ssrc, track);
    this.pli.request(ssrc);
  }

  /** The call's one screen sharer; false when another session already shares. */
  setScreenSession(sessionID: string): boolean {
    if (this.screenSession !== undefined && this.screenSession !== sessionID) return false;
    this.screenSession = sessionID;
    return true;
  }

  clearScreenSession(sessionID: string): void {
    if (this.screenSession === sessionID) this.screenSession = undefined;
  }

  close(): void {
    this.pli.close();
    this.pliTargets.clear();
    this.published.clear();
    this.members.clear();
  }
}
