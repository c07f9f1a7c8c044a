// The session's data channel (the client creates it, label `calls-dc` by convention; any label is
// accepted): legacy text `ping` → `pong`, and the msgpack protocol of dc/messages.ts. Malformed messages are
// reported to the owner (counted as errors) and dropped; the session goes on.
import type { RTCDataChannel } from 'werift';
import {
  DCMessageError,
  DCMessageType,
  decodeDCMessage,
  encodeDCMessage,
  type DCMessage,
  type SessionDescriptionJSON,
} from '../dc/messages.js';

export type ClientReport = 'clientLossRate' | 'clientRtt' | 'clientJitter';

export interface DataChannelHandlers {
  onOpen(): void;
  onSdp(desc: SessionDescriptionJSON): void;
  /** A Lock request; returns whether the client got the lock. */
  onLock(): boolean;
  onUnlock(): void;
  onReport(kind: ClientReport, value: number): void;
  onBadMessage(reason: string): void;
  onSendError(err: unknown): void;
}

// More than this queued on the SCTP association means the client stopped reading; stop adding to it.
const MAX_BUFFERED_BYTES = 1024 * 1024;

export class SessionDataChannel {
  private opened = false;
  private closed = false;
  private readonly unsubscribes: (() => void)[] = [];

  constructor(
    private readonly dc: RTCDataChannel,
    private readonly handlers: DataChannelHandlers,
  ) {
    this.unsubscribes.push(dc.onMessage.subscribe((data) => this.onMessage(data)).unSubscribe);
    this.unsubscribes.push(
      dc.stateChanged.subscribe((state) => {
        if (state === 'open') this.markOpen();
      }).unSubscribe,
    );
    if (dc.readyState === 'open') queueMicrotask(() => this.markOpen());
  }

  get label(): string {
    return this.dc.label;
  }

  get isOpen(): boolean {
    return !this.closed && this.dc.readyState === 'open';
  }

  send(msg: DCMessage): boolean {
    return this.sendRaw(encodeDCMessage(msg));
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    for (const u of this.unsubscribes.splice(0)) u();
  }

  private markOpen(): void {
    if (this.opened || this.closed) return;
    this.opened = true;
    this.handlers.onOpen();
  }

  private sendRaw(data: Buffer | string): boolean {
    if (!this.isOpen) return false;
    if (this.dc.bufferedAmount > MAX_BUFFERED_BYTES) {
      this.handlers.onSendError(new Error('data channel send buffer full'));
      return false;
    }
    try {
      this.dc.send(data);
      return true;
    } catch (err) {
      this.handlers.onSendError(err);
      return false;
    }
  }

  private onMessage(data: string | Buffer): void {
    if (this.closed) return;
    if (typeof data === 'string') {
      // DEPRECATED in the reference but still used by older clients (mobile): text ping/pong.
      if (data === 'ping') this.sendRaw('pong');
      else this.handlers.onBadMessage(`unexpected text message (${data.length} chars)`);
      return;
    }
    let msg: DCMessage;
    try {
      msg = decodeDCMessage(data);
    } catch (err) {
      this.handlers.onBadMessage(err instanceof DCMessageError ? err.message : String(err));
      return;
    }
    switch (msg.type) {
      case DCMessageType.Ping:
        this.send({ type: DCMessageType.Pong });
        break;
      case DCMessageType.Pong:
      case DCMessageType.CodecSupportMap:
        break;
      case DCMessageType.SDP:
        this.handlers.onSdp(msg.sdp);
        break;
      case DCMessageType.LossRate:
        this.handlers.onReport('clientLossRate', msg.value);
        break;
      case DCMessageType.RoundTripTime:
        this.handlers.onReport('clientRtt', msg.value);
        break;
      case DCMessageType.Jitter:
        this.handlers.onReport('clientJitter', msg.value);
        break;
      case DCMessageType.Lock:
        this.send({ type: DCMessageType.Lock, acquired: this.handlers.onLock() });
        break;
      case DCMessageType.Unlock:
        this.handlers.onUnlock();
        break;
      case DCMessageType.MediaMap:
        this.handlers.onBadMessage('media map is sent by the server only');
        break;
    }
  }

  /** Sends an SDP over the channel (zlib JSON), as the reference's dcSDPCh. */
  sendSdp(desc: SessionDescriptionJSON): boolean {
    return this.send({ type: DCMessageType.SDP, sdp: desc });
  }
}
