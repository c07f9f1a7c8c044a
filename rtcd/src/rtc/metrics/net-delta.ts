// The shared ICE port's counters (rtc/net NetCounters, plain numbers in each thread) as deltas for the
// metrics registry, so they travel the same way as the media path's counters (worker → main thread).
//
// A datagram is counted once per process: the thread that owns the port counts what its receiving sockets
// (and its own connected paths) read; a media worker only adds what arrived on its connected paths (what the
// main thread routed to it was already counted there). Sends are counted by the thread whose socket sent.
import { DROP_REASONS, type NetCounters } from '../net/counters.js';

export interface NetDelta {
  received: number;
  sent: number;
  sendErrors: number;
  /** Per DROP_REASONS index. */
  dropped: number[];
  tcpAccepted: number;
  tcpRejected: number;
}

export class NetDeltaTracker {
  private last: NetDelta;

  /** `owner`: the counters are those of the thread that binds the port (not a media worker's). */
  constructor(
    private readonly counters: NetCounters,
    private readonly owner: boolean,
  ) {
    this.last = this.read();
  }

  private read(): NetDelta {
    const c = this.counters;
    return {
      received: this.owner ? c.udpReceived : c.pathReceived,
      sent: c.udpSent,
      sendErrors: c.udpSendErrors,
      dropped: DROP_REASONS.map((r) => c.dropped[r]),
      tcpAccepted: c.tcpAccepted,
      tcpRejected: c.tcpRejected,
    };
  }

  /** What changed since the previous call, or undefined when nothing did. */
  take(): NetDelta | undefined {
    const now = this.read();
    const l = this.last;
    const d: NetDelta = {
      received: now.received - l.received,
      sent: now.sent - l.sent,
      sendErrors: now.sendErrors - l.sendErrors,
      dropped: now.dropped.map((v, i) => v - l.dropped[i]!),
      tcpAccepted: now.tcpAccepted - l.tcpAccepted,
      tcpRejected: now.tcpRejected - l.tcpRejected,
    };
    this.last = now;
    const any = d.received || d.sent || d.sendErrors || d.tcpAccepted || d.tcpRejected || d.dropped.some((v) => v !== 0);
    return any ? d : undefined;
  }
}
