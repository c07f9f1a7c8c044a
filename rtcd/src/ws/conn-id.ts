// Connection ids as the reference's random.NewID: 16 random bytes (a UUIDv4) in base32 with the alphabet
// below and the padding cut, i.e. 26 lowercase characters.
import { randomUUID } from 'node:crypto';

const ALPHABET = 'ybndrfg8ejkmcpqxot1uwisza345h769';

export function newConnID(): string {
  const bytes = Buffer.from(randomUUID().replaceAll('-', ''), 'hex');
  let out = '';
  let acc = 0;
  let bits = 0;
  for (const b of bytes) {
    acc = (acc << 8) | b;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(acc >>> (bits - 5)) & 31];
      bits -= 5;
    }
    acc &= (1 << bits) - 1;
  }
  if (bits > 0) out += ALPHABET[(acc << (5 - bits)) & 31];
  return out;
}
