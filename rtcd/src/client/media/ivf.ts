// A small IVF reader (the container libvpx and ffmpeg write VP8 into): the frames with their timestamps and
// whether each is a keyframe (VP8 frame tag, RFC 6386 §9.1).
import { readFileSync } from 'node:fs';
import { MAX_MEDIA_FILE_BYTES, MediaFileError } from './ogg-opus.js';

export interface IvfFrame {
  data: Buffer;
  /** Presentation time in the file's time base units. */
  pts: number;
  keyframe: boolean;
}

export interface IvfStream {
  fourcc: string;
  width: number;
  height: number;
  /** Time base: pts × num / den seconds. */
  timebase: { num: number; den: number };
  frames: IvfFrame[];
}

export function readIvf(file: string): IvfStream {
  const data = readFileSync(file);
  if (data.length > MAX_MEDIA_FILE_BYTES) throw new MediaFileError(file, `larger than ${MAX_MEDIA_FILE_BYTES} bytes`);
  if (data.length < 32 || data.toString('latin1', 0, 4) !== 'DKIF') throw new MediaFileError(file, 'not an IVF file (no DKIF signature)');
  const headerLen = data.readUInt16LE(6);
  const fourcc = data.toString('latin1', 8, 12);
  if (fourcc !== 'VP80') throw new MediaFileError(file, `codec ${fourcc} is not supported (VP80 only)`);
  const stream: IvfStream = {
    fourcc,
    width: data.readUInt16LE(12),
    height: data.readUInt16LE(14),
    timebase: { den: data.readUInt32LE(16), num: data.readUInt32LE(20) },
    frames: [],
  };
  if (!stream.timebase.den || !stream.timebase.num) throw new MediaFileError(file, 'invalid time base');
  let off = headerLen;
  while (off + 12 <= data.length) {
    const size = data.readUInt32LE(off);
    const pts = Number(data.readBigUInt64LE(off + 4));
    off += 12;
    if (off + size > data.length) throw new MediaFileError(file, 'truncated frame');
    const frame = data.subarray(off, off + size);
    // Frame tag bit 0: 0 = keyframe.
    stream.frames.push({ data: frame, pts, keyframe: size > 0 && (frame[0]! & 0x01) === 0 });
    off += size;
  }
  if (!stream.frames.length) throw new MediaFileError(file, 'no frames');
  if (!stream.frames[0]!.keyframe) throw new MediaFileError(file, 'the first frame is not a keyframe');
  return stream;
}

/** Largest VP8 payload per RTP packet: what fits a 1200-byte packet with header, extensions and SRTP tag. */
export const VP8_MAX_PAYLOAD = 1100;

/**
 * Splits a VP8 frame into RTP payloads (RFC 7741 §4.2): a 1-byte payload descriptor on each, S=1 (start of
 * partition 0) on the first, no extensions (no picture id), sizes balanced across the packets.
 */
export function packetizeVp8(frame: Buffer, maxPayload = VP8_MAX_PAYLOAD): Buffer[] {
  const room = maxPayload - 1;
  const count = Math.max(1, Math.ceil(frame.length / room));
  const each = Math.ceil(frame.length / count);
  const out: Buffer[] = [];
  for (let i = 0; i < count; i++) {
    const chunk = frame.subarray(i * each, Math.min(frame.length, (i + 1) * each));
    const p = Buffer.allocUnsafe(chunk.length + 1);
    p[0] = i === 0 ? 0x10 : 0x00;
    chunk.copy(p, 1);
    out.push(p);
  }
  return out;
}
