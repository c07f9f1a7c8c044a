// The little STUN (RFC 5389 / 8489) the shared port needs before werift sees a datagram: tell STUN from
// DTLS/RTP (RFC 7983), read USERNAME to find the owning session, check MESSAGE-INTEGRITY so a forged
// request cannot bind an address to someone else's session, and build/parse the Binding request used for
// public-address discovery. werift keeps doing the real ICE work on the datagrams we hand it.
import { createHmac, randomBytes, timingSafeEqual } from 'node:crypto';

export const STUN_MAGIC_COOKIE = 0x2112a442;
const HEADER = 20;
const ATTR_MAPPED_ADDRESS = 0x0001;
const ATTR_USERNAME = 0x0006;
const ATTR_MESSAGE_INTEGRITY = 0x0008;
const ATTR_XOR_MAPPED_ADDRESS = 0x0020;
const METHOD_BINDING = 0x001;

export enum StunClass {
  Request = 0,
  Indication = 1,
  Success = 2,
  Error = 3,
}

/** What the router needs from a STUN message; offsets point into the original buffer. */
export interface StunInfo {
  cls: StunClass;
  method: number;
  /** Offsets of the USERNAME value, or -1. */
  usernameStart: number;
  usernameEnd: number;
  /** Offset of the MESSAGE-INTEGRITY attribute header, or -1. */
  integrityOffset: number;
}

/** RFC 7983 first-byte ranges: what kind of packet arrived on the port. */
export enum PacketKind {
  Stun,
  Dtls,
  Media,
  Unknown,
}

export function packetKind(firstByte: number): PacketKind {
  if (firstByte < 4) return PacketKind.Stun;
  if (firstByte >= 20 && firstByte < 64) return PacketKind.Dtls;
  if (firstByte >= 128 && firstByte < 192) return PacketKind.Media;
  return PacketKind.Unknown;
}

/**
 * Parses the header and walks the attributes. Returns null for anything that is not a well-formed STUN
 * message (wrong cookie, length not matching the datagram, attribute running past the end).
 */
export function parseStun(buf: Uint8Array): StunInfo | null {
  if (buf.length < HEADER || (buf[0] & 0xc0) !== 0) return null;
  const len = (buf[2] << 8) | buf[3];
  if (len + HEADER !== buf.length || (len & 3) !== 0) return null;
  const cookie = ((buf[4] << 24) | (buf[5] << 16) | (buf[6] << 8) | buf[7]) >>> 0;
  if (cookie !== STUN_MAGIC_COOKIE) return null;
  const type = (buf[0] << 8) | buf[1];
  const cls = (((type >> 7) & 0x2) | ((type >> 4) & 0x1)) as StunClass;
  const method = (type & 0x000f) | ((type >> 1) & 0x0070) | ((type >> 2) & 0x0f80);
  const info: StunInfo = { cls, method, usernameStart: -1, usernameEnd: -1, integrityOffset: -1 };
  let off = HEADER;
  while (off < buf.length) {
    if (off + 4 > buf.length) return null;
    const atype = (buf[off] << 8) | buf[off + 1];
    const alen = (buf[off + 2] << 8) | buf[off + 3];
    const end = off + 4 + alen;
    if (end > buf.length) return null;
    // Attributes after MESSAGE-INTEGRITY (other than FINGERPRINT) are ignored per RFC 5389 §15.4.
    if (info.integrityOffset < 0) {
      if (atype === ATTR_USERNAME && info.usernameStart < 0) {
        info.usernameStart = off + 4;
        info.usernameEnd = end;
      } else if (atype === ATTR_MESSAGE_INTEGRITY) {
        if (alen !== 20) return null;
        info.integrityOffset = off;
      }
    }
    off = end + ((4 - (alen & 3)) & 3);
  }
  return info;
}

export function isBindingRequest(info: StunInfo): boolean {
  return info.cls === StunClass.Request && info.method === METHOD_BINDING;
}

/** The USERNAME of an ICE check is `<receiver ufrag>:<sender ufrag>`: the first half names our session. */
export function localUfragOf(buf: Uint8Array, info: StunInfo): string | null {
  if (info.usernameStart < 0) return null;
  const raw = Buffer.from(buf.buffer, buf.byteOffset + info.usernameStart, info.usernameEnd - info.usernameStart);
  const colon = raw.indexOf(0x3a);
  if (colon <= 0) return null;
  return raw.toString('latin1', 0, colon);
}

/** Short-term credential check (RFC 5389 §15.4): HMAC-SHA1 keyed with the receiver's ICE password. */
export function verifyIntegrity(buf: Uint8Array, info: StunInfo, key: Buffer): boolean {
  const at = info.integrityOffset;
  if (at < 0) return false;
  const header = Buffer.from(buf.subarray(0, HEADER));
  // The length used for the HMAC covers everything up to and including MESSAGE-INTEGRITY.
  header.writeUInt16BE(at + 24 - HEADER, 2);
  const mac = createHmac('sha1', key).update(header).update(buf.subarray(HEADER, at)).digest();
  return timingSafeEqual(mac, Buffer.from(buf.buffer, buf.byteOffset + at + 4, 20));
}

/** A bare Binding request (no attributes), as the reference sends for public-address discovery. */
export function buildBindingRequest(): { bytes: Buffer; transactionId: Buffer } {
  const bytes = Buffer.alloc(HEADER);
  bytes.writeUInt16BE(METHOD_BINDING, 0);
  bytes.writeUInt32BE(STUN_MAGIC_COOKIE, 4);
  const transactionId = randomBytes(12);
  transactionId.copy(bytes, 8);
  return { bytes, transactionId };
}

/**
 * Reads XOR-MAPPED-ADDRESS (or MAPPED-ADDRESS) from a Binding success response matching `transactionId`.
 * Returns null when the datagram is not that response.
 */
export function readMappedAddress(buf: Buffer, transactionId: Buffer): { address: string; port: number } | null {
  const info = parseStun(buf);
  if (!info || info.cls !== StunClass.Success || info.method !== METHOD_BINDING) return null;
  if (!buf.subarray(8, 20).equals(transactionId)) return null;
  let mapped: { address: string; port: number } | null = null;
  let off = HEADER;
  while (off + 4 <= buf.length) {
    const atype = buf.readUInt16BE(off);
    const alen = buf.readUInt16BE(off + 2);
    const v = buf.subarray(off + 4, off + 4 + alen);
    if ((atype === ATTR_XOR_MAPPED_ADDRESS || atype === ATTR_MAPPED_ADDRESS) && v.length >= 8) {
      const xor = atype === ATTR_XOR_MAPPED_ADDRESS;
      const family = v[1];
      let port = v.readUInt16BE(2);
      if (xor) port ^= STUN_MAGIC_COOKIE >>> 16;
      let address: string | null = null;
      if (family === 1) {
        const ip = Buffer.from(v.subarray(4, 8));
        if (xor) for (let i = 0; i < 4; i++) ip[i] ^= buf[4 + i];
        address = Array.from(ip).join('.');
      } else if (family === 2 && v.length >= 20) {
        const ip = Buffer.from(v.subarray(4, 20));
        if (xor) for (let i = 0; i < 16; i++) ip[i] ^= buf[4 + i];
        const parts: string[] = [];
        for (let i = 0; i < 16; i += 2) parts.push(ip.readUInt16BE(i).toString(16));
        address = parts.join(':');
      }
      if (address) {
        mapped = { address, port };
        if (xor) return mapped; // XOR-MAPPED wins over the legacy attribute
      }
    }
    off += 4 + alen + ((4 - (alen & 3)) & 3);
  }
  return mapped;
}
