// RTP sources for a client's outgoing tracks. Each pump writes packets to a werift MediaStreamTrack (werift's
// sender protects and sends them) on a timer, paced against the clock (a late timer sends what is due, at
// most a few packets at once, then skips ahead: no unbounded catch-up burst).
// - OpusFilePump / Vp8FilePump: real media from lt's samples (Ogg/Opus with audio levels, IVF/VP8),
//   looped; keyframe requests jump to the next keyframe of the file.
// - OpusPump / Vp8Pump: synthetic packets with the right framing (tests: no file needed, any packet rate).
import { MediaStreamTrack, RtpHeader, RtpPacket } from 'werift';
import { OPUS_PAYLOAD_TYPE, VP8_PAYLOAD_TYPE } from '../../rtc/media-config.js';
import { packetizeVp8, type IvfStream } from './ivf.js';
import { opusPacketSamples, type OpusStream } from './ogg-opus.js';
import type { SenderLog } from './send-log.js';

/** Level generators: RFC 6464 `-dBov` (0 = loudest, 127 = silence). */
export const LEVELS = {
  /** Talking: levels jump around (standard deviation well above the VAD's 10). */
  speech: (i: number): number => (i % 4 < 2 ? 20 : 70) + (i % 7),
  /** Silence: constant (standard deviation 0). */
  silence: (): number => 127,
};

export type LevelFn = (i: number) => number;

/** Most packets a late tick sends at once before skipping ahead. */
const MAX_CATCH_UP = 5;

export abstract class RtpPump {
  private timer: NodeJS.Timeout | undefined;
  protected seq = Math.floor(Math.random() * 30000);
  protected ts = Math.floor(Math.random() * 1e9);
  protected count = 0;
  sent = 0;
  bytesSent = 0;
  /** Where each sent packet is logged (one-way delay measurement), if anywhere. */
  sendLog: SenderLog | undefined;

  constructor(
    readonly track: MediaStreamTrack,
    private readonly intervalMs: number,
    /** Ticks per timer callback (rates above one tick per interval, for load tests). */
    private readonly burst = 1,
  ) {}

  get running(): boolean {
    return this.timer !== undefined;
  }

  start(): void {
    if (this.timer) return;
    this.timer = setInterval(() => {
      for (let i = 0; i < this.burst; i++) this.tick();
    }, this.intervalMs);
  }

  stop(): void {
    clearInterval(this.timer);
    this.timer = undefined;
  }

  protected abstract tick(): void;

  protected write(header: RtpHeader, payload: Buffer): void {
    this.sendLog?.record(header.timestamp, payload, performance.now());
    this.track.writeRtp(new RtpPacket(header, payload));
    this.sent++;
    this.bytesSent += payload.length;
  }
}

/** Synthetic Opus-like packets (80..119 bytes) with the audio-level extension once its id is known. */
export class OpusPump extends RtpPump {
  /** Negotiated id of the audio-level extension (set once known; no extension before). */
  audioLevelExtId: number | undefined;
  level: LevelFn = LEVELS.speech;

  /** `packetsPerSecond`: 50 is one Opus talker (20 ms frames); more sends bursts every 10 ms (load tests). */
  constructor(track: MediaStreamTrack, packetsPerSecond = 50) {
    super(track, packetsPerSecond <= 50 ? 1000 / packetsPerSecond : 10, packetsPerSecond <= 50 ? 1 : Math.round(packetsPerSecond / 100));
  }

  protected tick(): void {
    const i = this.count++;
    const header = new RtpHeader({ payloadType: OPUS_PAYLOAD_TYPE, sequenceNumber: this.seq, timestamp: this.ts, marker: false });
    this.seq = (this.seq + 1) & 0xffff;
    this.ts = (this.ts + 960) >>> 0;
    if (this.audioLevelExtId !== undefined) {
      header.extensions = [{ id: this.audioLevelExtId, payload: Buffer.from([0x80 | (this.level(i) & 0x7f)]) }];
    }
    const payload = Buffer.alloc(80 + (i % 40), i & 0xff);
    this.write(header, payload);
  }
}

/** Synthetic VP8-like frames at 15 fps (a 3-packet keyframe on start and on request, else 1 packet). */
export class Vp8Pump extends RtpPump {
  keyframesSent = 0;
  private keyframeDue = true;

  constructor(track: MediaStreamTrack) {
    super(track, 1000 / 15);
  }

  /** The next frame will be a keyframe (on PLI). */
  requestKeyframe(): void {
    this.keyframeDue = true;
  }

  protected tick(): void {
    const key = this.keyframeDue;
    this.keyframeDue = false;
    if (key) this.keyframesSent++;
    const packets = key ? 3 : 1;
    for (let p = 0; p < packets; p++) {
      const header = new RtpHeader({ payloadType: VP8_PAYLOAD_TYPE, sequenceNumber: this.seq, timestamp: this.ts, marker: p === packets - 1 });
      this.seq = (this.seq + 1) & 0xffff;
      // VP8 payload descriptor: S bit on the first packet of a frame; then the VP8 header whose bit 0 is
      // P (0 = keyframe).
      const payload = Buffer.alloc(900, 0x55);
      payload[0] = p === 0 ? 0x10 : 0x00;
      payload[1] = key ? 0x00 : 0x01;
      this.write(header, payload);
    }
    this.ts = (this.ts + 6000) >>> 0;
    this.count++;
  }
}

/** Whether a received VP8 packet starts a keyframe. */
export function isVp8KeyframeStart(payload: Buffer): boolean {
  return payload.length > 1 && (payload[0]! & 0x10) !== 0 && (payload[1]! & 0x01) === 0;
}

/** A pump whose packets are due at times of the media (file time), checked every `tickMs`. */
abstract class ClockedPump extends RtpPump {
  private t0 = -1;
  /** Media time (ms) of the next packet or frame, from the start. */
  protected nextAtMs = 0;

  constructor(track: MediaStreamTrack, tickMs: number) {
    super(track, tickMs);
  }

  override start(): void {
    if (!this.running) this.t0 = -1;
    super.start();
  }

  protected tick(): void {
    const now = performance.now();
    if (this.t0 < 0) this.t0 = now - this.nextAtMs;
    let sent = 0;
    while (this.nextAtMs <= now - this.t0) {
      if (sent++ >= MAX_CATCH_UP) {
        // Far behind (a stalled event loop): drop the backlog rather than burst it.
        this.t0 = now - this.nextAtMs;
        break;
      }
      this.step();
    }
  }

  /** Sends the next packet or frame and advances `nextAtMs`. */
  protected abstract step(): void;
}

/** Opus packets of a speech sample (20 ms each), looped, with the sample's audio levels. */
export class OpusFilePump extends ClockedPump {
  audioLevelExtId: number | undefined;
  private i: number;

  constructor(
    track: MediaStreamTrack,
    private readonly stream: OpusStream,
    /** One RFC 6464 level per packet (speech_0.levels); silence when absent. */
    private readonly levels?: Uint8Array,
    /** Where in the sample to begin (several talkers of one call do not say the same thing at once). */
    startPacket = 0,
  ) {
    super(track, 10);
    this.i = startPacket % stream.packets.length;
  }

  protected step(): void {
    const packets = this.stream.packets;
    const payload = packets[this.i]!;
    const header = new RtpHeader({ payloadType: OPUS_PAYLOAD_TYPE, sequenceNumber: this.seq, timestamp: this.ts, marker: false });
    if (this.audioLevelExtId !== undefined) {
      const level = this.levels?.length ? this.levels[this.i % this.levels.length]! : 127;
      // The V bit (voice activity) as a browser sets it: on while the level is above silence.
      header.extensions = [{ id: this.audioLevelExtId, payload: Buffer.from([level >= 127 ? 127 : 0x80 | level]) }];
    }
    this.write(header, payload);
    const samples = opusPacketSamples(payload) || 960;
    this.seq = (this.seq + 1) & 0xffff;
    this.ts = (this.ts + samples) >>> 0;
    this.nextAtMs += samples / 48;
    this.i = (this.i + 1) % packets.length;
    this.count++;
  }
}

/** VP8 frames of a screen sample at the file's frame times, looped; keyframe requests jump to a keyframe. */
export class Vp8FilePump extends ClockedPump {
  keyframesSent = 0;
  private i = 0;
  private keyframeDue = false;
  private readonly frameMs: number[];

  constructor(
    track: MediaStreamTrack,
    private readonly stream: IvfStream,
  ) {
    super(track, 5);
    const { num, den } = stream.timebase;
    const f = stream.frames;
    const typical = f.length > 1 ? ((f[1]!.pts - f[0]!.pts) * num * 1000) / den : 1000 / 15;
    // Duration of each frame: to the next one's pts (the last one: the typical frame time).
    this.frameMs = f.map((fr, k) => (k + 1 < f.length ? ((f[k + 1]!.pts - fr.pts) * num * 1000) / den : typical) || typical);
  }

  /** On PLI: the next frame sent is the file's next keyframe. */
  requestKeyframe(): void {
    this.keyframeDue = true;
  }

  protected step(): void {
    const frames = this.stream.frames;
    if (this.keyframeDue && !frames[this.i]!.keyframe) {
      let k = (this.i + 1) % frames.length;
      while (!frames[k]!.keyframe) k = (k + 1) % frames.length;
      this.i = k;
    }
    this.keyframeDue = false;
    const frame = frames[this.i]!;
    if (frame.keyframe) this.keyframesSent++;
    const parts = packetizeVp8(frame.data);
    for (let p = 0; p < parts.length; p++) {
      const header = new RtpHeader({ payloadType: VP8_PAYLOAD_TYPE, sequenceNumber: this.seq, timestamp: this.ts, marker: p === parts.length - 1 });
      this.seq = (this.seq + 1) & 0xffff;
      this.write(header, parts[p]!);
    }
    const ms = this.frameMs[this.i]!;
    this.ts = (this.ts + Math.round(ms * 90)) >>> 0;
    this.nextAtMs += ms;
    this.i = (this.i + 1) % frames.length;
    this.count++;
  }
}
