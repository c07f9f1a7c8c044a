// What one receiving session's outgoing media goes through on the fast path: its SRTP context (the keys
// werift derived for this PC), the transport-wide sequence number of its DTLS transport (shared with werift's
// own senders, one counter per transport as transport-cc requires), and its socket: a connect()ed socket on
// the shared port when ICE selected a UDP pair, else werift's ICE connection (ICE-TCP, or until the
// connected socket is open).
//
// Protected packets are written back to back into a slab and sent from there: a send that libuv had to
// queue keeps referencing its bytes, so a region is reused only when the socket's queue is shorter than the
// slab (checked before each write; when the kernel is that far behind, the packet is dropped and counted).
import type { ConnectedPath } from '../net/connected-path.js';
import type { SrtpContext } from '../srtp/context.js';

/** The part of werift's RTCDtlsTransport the fast path uses (see werift-media.ts). */
export interface DtlsTransportLike {
  transportSequenceNumber: number;
  iceTransport: { connection: { send(data: Buffer): Promise<void> } };
}

const SLAB_BYTES = 32 * 1024;
const MAX_DATAGRAM = 1500 + 64;
/** Queue bound: a region is only rewritten once everything queued before it has left. */
const QUEUE_LIMIT = SLAB_BYTES - 3 * MAX_DATAGRAM;

export const enum SendResult {
  /** Our SRTP, our connected socket. */
  Fast = 0,
  /** Our SRTP, werift's ICE connection. */
  Mixed = 1,
  /** The socket's queue is full: dropped. */
  QueueFull = 2,
  /** Too large for our SRTP context (or not protectable): the caller hands it to werift. */
  Refused = 3,
}

export class SessionEgress {
  private readonly slab = Buffer.allocUnsafeSlow(SLAB_BYTES);
  private off = 0;
  private path: ConnectedPath | null = null;
  private closed = false;

  constructor(
    readonly ctx: SrtpContext,
    private readonly dtls: DtlsTransportLike,
  ) {}

  /** Sends on `path` from now on (null: through werift's ICE connection). */
  setPath(path: ConnectedPath | null): void {
    this.path = path;
  }

  get connectedPath(): ConnectedPath | null {
    return this.path;
  }

  get isClosed(): boolean {
    return this.closed;
  }

  /** The next transport-wide sequence number of this PC's transport (werift's senders use the same one). */
  nextTransportSeq(): number {
    const d = this.dtls;
    const n = (d.transportSequenceNumber + 1) & 0xffff;
    d.transportSequenceNumber = n;
    return n;
  }

  /** Protects header + payload and sends it. */
  send(hdr: Buffer, hl: number, pay: Buffer, pOff: number, pLen: number): SendResult {
    if (this.closed) return SendResult.QueueFull;
    const path = this.path;
    if (path !== null && !path.isClosed) {
      if (hl + pLen + 16 > MAX_DATAGRAM) return SendResult.Refused;
      if (path.queuedBytes() > QUEUE_LIMIT) return SendResult.QueueFull;
      let off = this.off;
      if (off + MAX_DATAGRAM > SLAB_BYTES) off = 0;
      const n = this.ctx.protectRtpParts(hdr, hl, pay, pOff, pLen, this.slab, off);
      if (n < 0) return SendResult.Refused;
      path.send(this.slab, off, n);
      this.off = off + n;
      return SendResult.Fast;
    }
    // No connected socket: a fresh buffer, since werift's connection may hold it until its send completes.
    const out = Buffer.allocUnsafe(hl + pLen + 16);
    const n = this.ctx.protectRtpParts(hdr, hl, pay, pOff, pLen, out, 0);
    if (n < 0) return SendResult.Refused;
    this.dtls.iceTransport.connection.send(n === out.length ? out : out.subarray(0, n)).catch(() => undefined);
    return SendResult.Mixed;
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    this.path = null;
    this.ctx.close();
  }
}
