// The reference browser client's negotiation on werift: calls-common 0.27.2 `RTCPeer` takes no signaling
// lock at all. Its own offers come from `negotiationneeded` (setLocalDescription() with no argument), a server
// offer is always applied over its own pending one (the browser's implicit rollback: "we are polite,
// proceeding"), and the microphone is added with addTrack (which may reuse an m-line that only received).
// Media: the Opus pump of the test clients; what it receives is counted per track like theirs.
import {
  MediaStream,
  MediaStreamTrack,
  RTCPeerConnection,
  type RTCDataChannel,
  type RTCRtpSender,
  type RTCTrackEvent,
} from 'werift';
import { AUDIO_LEVEL_URI, MessageType, newId, parseTrackId, sfuCodecs, sfuHeaderExtensions, type RtcMessage } from '@calls-ts/rtcd/rtc';
import { LEVELS, OpusPump } from '../../helpers/media-sources.js';
import { ReceivedMedia } from '../../helpers/received-media.js';

export interface LocklessPeerOptions {
  stunUrl: string;
  /** Delivers a client message to the SFU (as the plugin forwards it). */
  send(msg: RtcMessage): void;
}

export class LocklessPeer {
  readonly sessionID = newId();
  readonly pc: RTCPeerConnection;
  readonly dc: RTCDataChannel;
  readonly received = new ReceivedMedia();
  readonly errors: string[] = [];
  /** Offers it made / the server answered (its own negotiations). */
  offersSent = 0;
  private mic: { pump: OpusPump; sender: RTCRtpSender } | undefined;
  private readonly pendingCandidates: unknown[] = [];
  private closed = false;

  constructor(private readonly opts: LocklessPeerOptions) {
    this.pc = new RTCPeerConnection({
      bundlePolicy: 'max-bundle',
      iceServers: [{ urls: opts.stunUrl }],
      iceUseIpv6: false,
      iceAdditionalHostAddresses: ['127.0.0.1'],
      iceInterfaceAddresses: { udp4: '127.0.0.1' },
      codecs: sfuCodecs(),
      headerExtensions: sfuHeaderExtensions(),
    });
    this.pc.onIceCandidate.subscribe((c) => {
      if (!c?.candidate) return;
      const candidate = c.candidate.startsWith('candidate:') ? c.candidate : `candidate:${c.candidate}`;
      this.sendJSON(MessageType.ICE, { candidate, sdpMid: c.sdpMid, sdpMLineIndex: c.sdpMLineIndex });
    });
    this.pc.onNegotiationneeded.subscribe(() => void this.onNegotiationNeeded());
    this.pc.ontrack = (ev: RTCTrackEvent) => {
      const trackID = ev.transceiver.receiver.remoteTrackId ?? '';
      const parsed = parseTrackId(trackID);
      this.received.attach(ev.track, {
        trackID,
        type: parsed?.type ?? 'unknown',
        senderID: parsed?.senderSessionID ?? '',
        streamID: ev.transceiver.receiver.remoteStreamId ?? '',
        mid: ev.transceiver.mid ?? '',
      });
    };
    // The DC makes the first offer (through negotiationneeded), as RTCPeer's constructor does.
    this.dc = this.pc.createDataChannel('calls-dc');
  }

  get dcOpen(): boolean {
    return this.dc.readyState === 'open';
  }

  get connectionState(): string {
    return this.pc.connectionState;
  }

  private async onNegotiationNeeded(): Promise<void> {
    if (this.closed) return;
    try {
      await this.pc.setLocalDescription();
      const local = this.pc.localDescription;
      if (!local || local.type !== 'offer') return;
      this.offersSent++;
      this.sendJSON(MessageType.SDP, { type: 'offer', sdp: local.sdp });
    } catch (err) {
      this.fail('offer', err);
    }
  }

  /** An `rtc` message from the SFU for this session. */
  receive(msg: RtcMessage): void {
    if (this.closed || (msg.type !== MessageType.SDP && msg.type !== MessageType.ICE)) return;
    const data = JSON.parse(Buffer.from(msg.data ?? new Uint8Array()).toString('utf8')) as { type: string; sdp?: string; candidate?: unknown };
    void this.signal(data).catch((err: unknown) => this.fail(data.type, err));
  }

  private async signal(msg: { type: string; sdp?: string; candidate?: unknown }): Promise<void> {
    switch (msg.type) {
      case 'candidate':
        if (this.pc.remoteDescription) await this.pc.addIceCandidate(msg.candidate as never);
        else this.pendingCandidates.push(msg.candidate);
        return;
      case 'offer':
        await this.pc.setRemoteDescription({ type: 'offer', sdp: msg.sdp! });
        await this.pc.setLocalDescription();
        this.flushCandidates();
        this.sendJSON(MessageType.SDP, { type: 'answer', sdp: this.pc.localDescription!.sdp });
        this.learnAudioLevelId();
        return;
      case 'answer':
        await this.pc.setRemoteDescription({ type: 'answer', sdp: msg.sdp! });
        this.flushCandidates();
        this.learnAudioLevelId();
        return;
      default:
        throw new Error(`invalid signaling data ${msg.type}`);
    }
  }

  private flushCandidates(): void {
    for (const c of this.pendingCandidates.splice(0)) void this.pc.addIceCandidate(c as never).catch(() => undefined);
  }

  /** RTCPeer.addTrack + the webapp's unmute: the microphone goes on with addTrack; `unmute` is sent now. */
  unmute(): void {
    if (!this.mic) {
      const track = new MediaStreamTrack({ kind: 'audio' });
      const sender = this.pc.addTrack(track, new MediaStream({ id: `mic-${newId()}` }));
      this.mic = { pump: new OpusPump(track, 50), sender };
      this.mic.pump.level = LEVELS.speech;
    }
    this.sendJSON(MessageType.Unmute);
    this.mic.pump.start();
  }

  /** The audio-level id is known once the microphone's m-line was negotiated. */
  private learnAudioLevelId(): void {
    const m = this.mic;
    if (!m || m.pump.audioLevelExtId !== undefined) return;
    const exts = (m.sender as unknown as { headerExtensions: { id: number; uri: string }[] }).headerExtensions;
    m.pump.audioLevelExtId = exts.find((e) => e.uri === AUDIO_LEVEL_URI)?.id;
  }

  private sendJSON(type: MessageType, payload?: unknown): void {
    if (this.closed) return;
    const msg: RtcMessage = { groupID: '', userID: '', callID: '', sessionID: this.sessionID, type };
    if (payload !== undefined) msg.data = Buffer.from(JSON.stringify(payload));
    this.opts.send(msg);
  }

  private fail(what: string, err: unknown): void {
    if (this.closed || this.errors.length >= 20) return;
    this.errors.push(`${what}: ${err instanceof Error ? err.message : String(err)}`);
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.mic?.pump.stop();
    this.received.close();
    await this.pc.close().catch(() => undefined);
  }
}
