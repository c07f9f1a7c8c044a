// A small Ogg/Opus reader (RFC 3533 pages, RFC 7845 encapsulation): the Opus packets of the first logical
// stream, in order, with the stream's pre-skip. Enough for lt's speech samples (what opusenc writes); not a
// general demuxer: chained or multiplexed streams are refused with a clear error.
import { readFileSync } from 'node:fs';

export class MediaFileError extends Error {
  constructor(file: string, message: string) {
    super(`${file}: ${message}`);
    this.name = 'MediaFileError';
  }
}

export interface OpusStream {
  channels: number;
  preSkip: number;
  /** The Opus packets (one per 20 ms frame for lt's samples), without the ID and comment headers. */
  packets: Buffer[];
}

/** Largest file read whole into memory (lt loops short samples). */
export const MAX_MEDIA_FILE_BYTES = 64 << 20;

export function readOggOpus(file: string): OpusStream {
  const data = readFileSync(file);
  if (data.length > MAX_MEDIA_FILE_BYTES) throw new MediaFileError(file, `larger than ${MAX_MEDIA_FILE_BYTES} bytes`);
  const packets: Buffer[] = [];
  let serial: number | undefined;
  let partial: Buffer[] = [];
  let off = 0;
  while (off < data.length) {
    if (off + 27 > data.length || data.toString('latin1', off, off + 4) !== 'OggS') throw new MediaFileError(file, `no Ogg page at byte ${off}`);
    if (data[off + 4] !== 0) throw new MediaFileError(file, `unsupported Ogg version ${data[off + 4]}`);
    const pageSerial = data.readUInt32LE(off + 14);
    serial ??= pageSerial;
    if (pageSerial !== serial) throw new MediaFileError(file, 'more than one logical stream (chained or multiplexed Ogg) is not supported');
    const nSegments = data[off + 26]!;
    const table = off + 27;
    let body = table + nSegments;
    for (let i = 0; i < nSegments; i++) {
      const len = data[table + i]!;
      if (body + len > data.length) throw new MediaFileError(file, 'truncated Ogg page');
      partial.push(data.subarray(body, body + len));
      body += len;
      // A lacing value below 255 ends the packet; 255 continues it (possibly on the next page).
      if (len < 255) {
        packets.push(Buffer.concat(partial));
        partial = [];
      }
    }
    off = body;
  }
  const head = packets.shift();
  if (!head || head.toString('latin1', 0, 8) !== 'OpusHead') throw new MediaFileError(file, 'not an Ogg/Opus file (no OpusHead)');
  const tags = packets.shift();
  if (!tags || tags.toString('latin1', 0, 8) !== 'OpusTags') throw new MediaFileError(file, 'no OpusTags header');
  if (!packets.length) throw new MediaFileError(file, 'no audio packets');
  return { channels: head[9]!, preSkip: head.readUInt16LE(10), packets };
}

/** Duration of an Opus packet in 48 kHz samples, from its TOC byte (RFC 6716 §3.1). */
export function opusPacketSamples(packet: Buffer): number {
  if (packet.length < 1) return 0;
  const toc = packet[0]!;
  const config = toc >> 3;
  let frame: number;
  if (config < 12) frame = [480, 960, 1920, 2880][config & 3]!; // SILK 10/20/40/60 ms
  else if (config < 16) frame = [480, 960][config & 1]!; // hybrid 10/20 ms
  else frame = [120, 240, 480, 960][config & 3]!; // CELT 2.5/5/10/20 ms
  const code = toc & 3;
  const count = code === 0 ? 1 : code === 3 ? (packet[1] ?? 0) & 0x3f : 2;
  return frame * count;
}
