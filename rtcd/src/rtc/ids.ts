// Identifiers in the reference's format: 26 characters of base32 (alphabet below) over a random UUIDv4, as
// rtcd's `random.NewID()`. Outgoing track ids are `<type>_<senderSessionID>_<first 8 chars of a new id>`,
// which clients split on `_` to learn the track type and its sender.
import { randomBytes } from 'node:crypto';
import type { TrackType } from './types.js';

const ALPHABET = 'ybndrfg8ejkmcpqxot1uwisza345h769';

export function newId(): string {
  const b = randomBytes(16);
  b[6] = (b[6]! & 0x0f) | 0x40; // UUID version 4
  b[8] = (b[8]! & 0x3f) | 0x80; // RFC 4122 variant
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const byte of b) {
    acc = (acc << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      bits -= 5;
      out += ALPHABET[(acc >>> bits) & 31];
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(acc << (5 - bits)) & 31];
  return out.slice(0, 26);
}

export function newTrackId(type: TrackType, senderSessionID: string): string {
  return `${type}_${senderSessionID}_${newId().slice(0, 8)}`;
}

/** The type and sender encoded in an outgoing track id, or undefined when it is not one of ours. */
export function parseTrackId(id: string): { type: TrackType; senderSessionID: string } | undefined {
  const parts = id.split('_');
  if (parts.length !== 3) return undefined;
  const [type, senderSessionID] = parts as [string, string, string];
  if (type !== 'voice' && type !== 'screen' && type !== 'screen-audio' && type !== 'video') return undefined;
  return { type, senderSessionID };
}
