// The test peer: the client library's CallsPeer (@calls-ts/rtcd/client) plus fault injection that only
// tests use: holding the server's SDPs and offering without the signaling lock (glare on purpose), raw or
// out-of-protocol control and data-channel messages, and emulated loss on incoming video.
import type { RTCTrackEvent } from 'werift';
import { CallsPeer, type CallsPeerEvents, type CallsPeerOptions } from '@calls-ts/rtcd/client';
import { MessageType } from '@calls-ts/rtcd/rtc';
import { emulateVideoLoss } from './received-media.js';

export interface CallsClientOptions extends CallsPeerOptions {
  /** Emulated network loss on incoming video: drops the first copy of every n-th packet (retransmissions
   * of it pass), before werift's receiver sees it, so the receiver NACKs like a browser would. */
  videoLossEvery?: number;
}

export type CallsClientEvents = CallsPeerEvents;

export class CallsTestClient extends CallsPeer {
  private heldSdp: string[] | undefined;
  private readonly videoLossEvery: number | undefined;

  constructor(opts: CallsClientOptions) {
    super(opts);
    this.videoLossEvery = opts.videoLossEvery;
  }

  override receive(type: MessageType, data?: Uint8Array): void {
    if (type === MessageType.SDP && this.heldSdp && !this.closed) {
      this.heldSdp.push(Buffer.from(data ?? new Uint8Array()).toString('utf8'));
      return;
    }
    super.receive(type, data);
  }

  /** While held, SDPs from the server wait (to create signaling glare on purpose). */
  holdServerSdp(): void {
    this.heldSdp ??= [];
  }

  releaseServerSdp(): void {
    const held = this.heldSdp ?? [];
    this.heldSdp = undefined;
    for (const json of held) this.signal(json).catch((err: unknown) => this.fail(err));
  }

  /** Re-offers the current session without the signaling lock (glare on purpose); does not wait for an
   * answer. (No new transceiver: werift keeps a rolled-back transceiver's mid, unlike browsers.) */
  async offerWithoutLock(): Promise<void> {
    await this.pc.setLocalDescription(await this.pc.createOffer());
    this.sendJSON(MessageType.SDP, { type: 'offer', sdp: this.pc.localDescription!.sdp });
  }

  /** Sends a control message as is (e.g. ScreenOff while still sending, to test the SFU alone). */
  sendControl(type: MessageType, payload?: unknown): void {
    if (payload === undefined) this.opts.send(type);
    else this.sendJSON(type, payload);
  }

  /** Anything on the data channel (garbage tests). */
  sendRawDc(data: Buffer | string): void {
    if (this.dcOpen) this.dc.send(data);
  }

  protected override onTrack(ev: RTCTrackEvent): void {
    super.onTrack(ev);
    const every = this.videoLossEvery;
    const t = this.received.tracks[this.received.tracks.length - 1];
    if (every && ev.track.kind === 'video' && t) emulateVideoLoss(ev.transceiver.receiver, t, every);
  }
}
