// SRTP key derivation (RFC 3711 §4.3 with key_derivation_rate 0, the only one DTLS-SRTP uses): the AES-CM
// PRF keyed with the master key over (master salt ⊕ label·2^48), label 0-2 for SRTP, 3-5 for SRTCP.
import { createCipheriv } from 'node:crypto';

export const PROFILE_AES_CM_128_HMAC_SHA1_80 = 0x0001;
export const PROFILE_AEAD_AES_128_GCM = 0x0007;
export type SrtpProfileId = typeof PROFILE_AES_CM_128_HMAC_SHA1_80 | typeof PROFILE_AEAD_AES_128_GCM;

export interface SessionKeys {
  key: Buffer; // 16 bytes
  salt: Buffer; // 14 bytes (AES-CM) or 12 (GCM)
  auth: Buffer; // 20 bytes (HMAC-SHA1), empty for GCM
}

export function masterSaltLength(profile: SrtpProfileId): number {
  return profile === PROFILE_AEAD_AES_128_GCM ? 12 : 14;
}

/** PRF output of `length` bytes for `label` (RFC 3711 §4.3.1/§4.3.3). */
function prf(masterKey: Buffer, masterSalt: Buffer, label: number, length: number): Buffer {
  const x = Buffer.alloc(16);
  masterSalt.copy(x, 0, 0, Math.min(14, masterSalt.length)); // a 12-byte GCM salt is zero-padded to 112 bits
  x[7] ^= label; // label sits at bit 48 counted from the right of the 112-bit value: byte 7 of 14
  const blocks = Math.ceil(length / 16);
  const input = Buffer.alloc(blocks * 16);
  for (let i = 0; i < blocks; i++) {
    x.copy(input, i * 16);
    input.writeUInt16BE(i, i * 16 + 14);
  }
  const ecb = createCipheriv('aes-128-ecb', masterKey, null);
  ecb.setAutoPadding(false);
  return ecb.update(input).subarray(0, length);
}

export function deriveSessionKeys(
  profile: SrtpProfileId,
  masterKey: Buffer,
  masterSalt: Buffer,
): { rtp: SessionKeys; rtcp: SessionKeys } {
  if (masterKey.length !== 16) throw new Error(`SRTP master key must be 16 bytes, got ${masterKey.length}`);
  if (masterSalt.length !== masterSaltLength(profile)) {
    throw new Error(`SRTP master salt must be ${masterSaltLength(profile)} bytes for profile ${profile}, got ${masterSalt.length}`);
  }
  const saltLen = masterSaltLength(profile);
  const authLen = profile === PROFILE_AEAD_AES_128_GCM ? 0 : 20;
  const derive = (base: number): SessionKeys => ({
    key: prf(masterKey, masterSalt, base, 16),
    salt: prf(masterKey, masterSalt, base + 2, saltLen),
    auth: authLen ? prf(masterKey, masterSalt, base + 1, authLen) : Buffer.alloc(0),
  });
  return { rtp: derive(0), rtcp: derive(3) };
}
