// The RTP header one receiver sees for one outgoing track, built once and patched per packet: version, the
// receiver leg's payload type and SSRC, and only the header extensions this SFU writes on that leg with that
// leg's negotiated ids — `sdes:mid` (the receiver's transceiver mid) and the transport-wide sequence number.
// Nothing of the ingest packet's header survives (werift.md §2.9-2): the audio level, rid, abs-send-time or
// mid of the sender's leg are not copied. Per packet only marker/PT, sequence number, timestamp and the
// transport-wide sequence number change (RFC 3550 §5.1, RFC 8285 one- or two-byte elements).

export const MID_URI = 'urn:ietf:params:rtp-hdrext:sdes:mid';
export const TWCC_URI = 'http://www.ietf.org/id/draft-holmer-rmcat-transport-wide-cc-extensions-01';

export interface NegotiatedExtension {
  id: number;
  uri: string;
}

export interface HeaderTemplate {
  /** The header bytes (length `length`); patch with writeHeaderFields. */
  bytes: Buffer;
  length: number;
  /** Offset of the 16-bit transport-wide sequence number, -1 when not negotiated. */
  twccAt: number;
}

/** Largest template (fixed header + a 16-byte mid and a sequence number in two-byte form, padded). */
const MAX_TEMPLATE = 12 + 4 + (2 + 16) + (2 + 2) + 3;

/**
 * Builds the header of an outgoing stream. `mid` is written when the leg negotiated sdes:mid, the
 * transport-wide sequence number when it negotiated transport-cc. Ids above 14 or a mid longer than 16 bytes
 * use the two-byte element form (RFC 8285 §4.3); everything else the one-byte form.
 */
export function buildHeaderTemplate(ssrc: number, payloadType: number, exts: readonly NegotiatedExtension[], mid: string | null | undefined): HeaderTemplate {
  const elements: { id: number; data: Buffer; twcc: boolean }[] = [];
  const midExt = exts.find((e) => e.uri === MID_URI);
  if (midExt && mid) {
    const data = Buffer.from(mid, 'utf8');
    if (data.length > 0 && data.length <= 255) elements.push({ id: midExt.id, data, twcc: false });
  }
  const twccExt = exts.find((e) => e.uri === TWCC_URI);
  if (twccExt) elements.push({ id: twccExt.id, data: Buffer.alloc(2), twcc: true });
  elements.sort((a, b) => a.id - b.id);

  const bytes = Buffer.alloc(Math.max(MAX_TEMPLATE, 16 + elements.reduce((n, e) => n + 2 + e.data.length, 0) + 3));
  bytes[0] = elements.length ? 0x90 : 0x80;
  bytes[1] = payloadType & 0x7f;
  bytes.writeUInt32BE(ssrc >>> 0, 8);
  if (!elements.length) return { bytes, length: 12, twccAt: -1 };

  const oneByte = elements.every((e) => e.id >= 1 && e.id <= 14 && e.data.length <= 16);
  bytes.writeUInt16BE(oneByte ? 0xbede : 0x1000, 12);
  let o = 16;
  let twccAt = -1;
  for (const e of elements) {
    if (oneByte) {
      bytes[o++] = (e.id << 4) | (e.data.length - 1);
    } else {
      bytes[o++] = e.id;
      bytes[o++] = e.data.length;
    }
    if (e.twcc) twccAt = o;
    e.data.copy(bytes, o);
    o += e.data.length;
  }
  const words = Math.ceil((o - 16) / 4);
  const end = 16 + words * 4;
  bytes.fill(0, o, end); // padding elements (id 0)
  bytes.writeUInt16BE(words, 14);
  return { bytes, length: end, twccAt };
}

/** Patches the per-packet fields of a template in place (no allocation). */
export function writeHeaderFields(t: Buffer, marker: boolean, payloadType: number, seq: number, timestamp: number): void {
  t[1] = (marker ? 0x80 : 0) | (payloadType & 0x7f);
  t[2] = (seq >>> 8) & 0xff;
  t[3] = seq & 0xff;
  t[4] = (timestamp >>> 24) & 0xff;
  t[5] = (timestamp >>> 16) & 0xff;
  t[6] = (timestamp >>> 8) & 0xff;
  t[7] = timestamp & 0xff;
}
