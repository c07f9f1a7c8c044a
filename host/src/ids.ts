import { randomBytes } from 'node:crypto';

// Mattermost ids are 26 characters of a base32 alphabet without padding (16 random bytes). Clients and
// plugins (the Calls plugin validates `[a-z0-9]{26}`) rely on that shape, so every id we mint follows it.
const ALPHABET = 'ybndrfg8ejkmcpqxot1uwisza345h769';

function encode(bytes: Uint8Array): string {
  let out = '';
  let buffer = 0;
  let bits = 0;
  for (const byte of bytes) {
    buffer = (buffer << 8) | byte;
    bits += 8;
    while (bits >= 5) {
      out += ALPHABET[(buffer >>> (bits - 5)) & 31];
      bits -= 5;
    }
  }
  if (bits > 0) out += ALPHABET[(buffer << (5 - bits)) & 31];
  return out;
}

export function newId(): string {
  return encode(randomBytes(16)).slice(0, 26);
}

/** Session tokens and personal access tokens: same shape as ids, as in Mattermost. */
export function newToken(): string {
  return newId();
}

const ID_RE = /^[a-z0-9]{26}$/;

export function isValidId(value: unknown): value is string {
  return typeof value === 'string' && ID_RE.test(value);
}
