// Plain counters of the shared port, read by the metrics module at scrape time (a prom-client `collect`)
// so the packet path never touches prom-client. Every drop has a reason; the sum of routed and dropped
// datagrams equals the datagrams received.

export const DROP_REASONS = [
  /** STUN that does not parse (bad cookie, bad length, truncated attribute). */
  'stun_malformed',
  /** A STUN request that is not a Binding request, or has no usable USERNAME. */
  'stun_unsupported',
  /** USERNAME names no live session on this port. */
  'stun_unknown_ufrag',
  /** MESSAGE-INTEGRITY missing or wrong for that session's password. */
  'stun_bad_integrity',
  /** DTLS/RTP/RTCP or a STUN response from an address no session has used. */
  'unknown_address',
  /** First byte in no RFC 7983 range. */
  'not_webrtc',
  /** The owning worker's inbound queue was full. */
  'queue_full',
] as const;
export type DropReason = (typeof DROP_REASONS)[number];

/** The `result` label of ICE-TCP connections (tcpAccepted / tcpRejected below). */
export const ICE_TCP_RESULTS = ['accepted', 'rejected'] as const;

export class NetCounters {
  /** Datagrams read from the port's receiving sockets. */
  udpReceived = 0;
  /** Datagrams handed to a session (in this thread or a worker). */
  udpRouted = 0;
  /** Datagrams received on connect()ed paths (also in udpReceived; in a worker, the only ones not routed by
   * the main thread). */
  pathReceived = 0;
  /** Datagrams sent from this thread's sockets. */
  udpSent = 0;
  /** Send calls that failed synchronously or by callback. */
  udpSendErrors = 0;
  readonly dropped: Record<DropReason, number> = Object.fromEntries(DROP_REASONS.map((r) => [r, 0])) as Record<
    DropReason,
    number
  >;
  /** ICE-TCP connections accepted and handed to a session / refused (bad first frame, unknown ufrag, timeout). */
  tcpAccepted = 0;
  tcpRejected = 0;
  /** Batches posted to workers and datagrams that went in them. */
  workerBatches = 0;

  drop(reason: DropReason): void {
    this.dropped[reason]++;
  }

  get droppedTotal(): number {
    let n = 0;
    for (const r of DROP_REASONS) n += this.dropped[r];
    return n;
  }

  snapshot(): NetCountersSnapshot {
    return {
      udpReceived: this.udpReceived,
      udpRouted: this.udpRouted,
      pathReceived: this.pathReceived,
      udpSent: this.udpSent,
      udpSendErrors: this.udpSendErrors,
      dropped: { ...this.dropped },
      tcpAccepted: this.tcpAccepted,
      tcpRejected: this.tcpRejected,
      workerBatches: this.workerBatches,
    };
  }
}

export interface NetCountersSnapshot {
  udpReceived: number;
  udpRouted: number;
  pathReceived: number;
  udpSent: number;
  udpSendErrors: number;
  dropped: Record<DropReason, number>;
  tcpAccepted: number;
  tcpRejected: number;
  workerBatches: number;
}
