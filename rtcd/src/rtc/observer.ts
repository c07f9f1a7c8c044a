// Monitoring API in the spirit of mediasoup's `observer`: lifecycle events of workers, calls, sessions and
// tracks, for dashboards, admin tools and tests. Purely informational: the SFU never waits on listeners.
import { EventEmitter } from 'node:events';
import type { SessionCloseReason, SessionConfig, TrackType } from './types.js';

export interface ObservedTrack {
  groupID: string;
  callID: string;
  sessionID: string;
  /** The outgoing track id receivers see: `<type>_<sessionID>_<8 chars>`. */
  trackID: string;
  type: TrackType;
  mime: string;
  worker: number;
}

export interface RtcObserverEvents {
  /** `resources`: the keys of the per-worker resources it was given (RtcServerOptions.workerResources). */
  newworker: [{ worker: number; threadId: number; resources: string[] }];
  workerclose: [{ worker: number; crashed: boolean; error?: string }];
  newcall: [{ groupID: string; callID: string; worker: number }];
  callclose: [{ groupID: string; callID: string; worker: number }];
  newsession: [{ cfg: SessionConfig; worker: number }];
  sessionclose: [{ cfg: SessionConfig; reason: SessionCloseReason; worker: number }];
  connectionstatechange: [{ groupID: string; callID: string; sessionID: string; state: string; worker: number }];
  newtrack: [ObservedTrack];
  trackclose: [ObservedTrack];
  screenshare: [{ groupID: string; callID: string; sessionID: string; active: boolean; worker: number }];
}

/** One observer event as it crosses the worker boundary. */
export type ObserverEvent = {
  [K in keyof RtcObserverEvents]: { event: K; data: RtcObserverEvents[K][0] };
}[keyof RtcObserverEvents];

export class RtcObserver extends EventEmitter<RtcObserverEvents> {
  /** Re-emits a forwarded event (used by RtcServer). */
  dispatch(ev: ObserverEvent): void {
    (this.emit as (event: string, data: unknown) => boolean)(ev.event, ev.data);
  }
}
