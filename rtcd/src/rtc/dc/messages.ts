// The data-channel message protocol (reference rtcd service/rtc/dc/msg.go, calls-common src/dc_msg.ts):
// a binary message is a msgpack unsigned int (the type) followed by at most one msgpack payload value,
// concatenated, no wrapper. We encode like the Go server: type as uint8 `0xcc n`, floats as float64 `0xcb`,
// SDP as bin of zlib(JSON {type, sdp}). We decode any int width for the type (browsers send a fixint) and,
// for the float reports, the JSON-number strings that calls-common's generic encoder produces.
import { inflateSync, deflateSync } from 'node:zlib';
import { decodeMulti, encode } from '@msgpack/msgpack';
import { z } from 'zod';

export enum DCMessageType {
  Ping = 1,
  Pong = 2,
  SDP = 3,
  LossRate = 4,
  RoundTripTime = 5,
  Jitter = 6,
  Lock = 7,
  Unlock = 8,
  MediaMap = 9,
  CodecSupportMap = 10,
}

export interface TrackInfo {
  type: string;
  sender_id: string;
}
export type MediaMap = Record<string, TrackInfo>;

export interface SessionDescriptionJSON {
  type: 'offer' | 'answer';
  sdp: string;
}

export type DCMessage =
  | { type: DCMessageType.Ping }
  | { type: DCMessageType.Pong }
  | { type: DCMessageType.SDP; sdp: SessionDescriptionJSON }
  | { type: DCMessageType.LossRate | DCMessageType.RoundTripTime | DCMessageType.Jitter; value: number }
  | { type: DCMessageType.Lock; acquired?: boolean }
  | { type: DCMessageType.Unlock }
  | { type: DCMessageType.MediaMap; mediaMap: MediaMap }
  | { type: DCMessageType.CodecSupportMap; codecs: Record<string, number> };

/** Upper bounds: a DC message, and the inflated SDP inside one. */
export const MAX_DC_MESSAGE_BYTES = 256 * 1024;
export const MAX_SDP_BYTES = 1024 * 1024;

export class DCMessageError extends Error {
  override readonly name = 'DCMessageError';
}

const sdpSchema = z.object({ type: z.enum(['offer', 'answer']), sdp: z.string().max(MAX_SDP_BYTES) });
const mediaMapSchema = z.record(z.string(), z.object({ type: z.string(), sender_id: z.string() }));
const codecMapSchema = z.record(z.string(), z.number().int());

/** Parses the JSON of an SDP as sent on the wire (`{"type":"offer"|"answer","sdp":"..."}`). */
export function parseSessionDescription(json: string | Uint8Array): SessionDescriptionJSON {
  let value: unknown;
  try {
    value = JSON.parse(typeof json === 'string' ? json : Buffer.from(json).toString('utf8'));
  } catch {
    throw new DCMessageError('sdp is not valid JSON');
  }
  const r = sdpSchema.safeParse(value);
  if (!r.success) throw new DCMessageError('sdp must be {type: "offer"|"answer", sdp: string}');
  return r.data;
}

function uint8Type(t: DCMessageType): Buffer {
  return Buffer.from([0xcc, t]);
}

function float64(value: number): Buffer {
  const b = Buffer.allocUnsafe(9);
  b[0] = 0xcb;
  b.writeDoubleBE(value, 1);
  return b;
}

/** Encodes like the Go server/client: `0xcc <type>` then the payload, if any. */
export function encodeDCMessage(msg: DCMessage): Buffer {
  const t = uint8Type(msg.type);
  switch (msg.type) {
    case DCMessageType.Ping:
    case DCMessageType.Pong:
    case DCMessageType.Unlock:
      return t;
    case DCMessageType.SDP: {
      const packed = deflateSync(Buffer.from(JSON.stringify({ type: msg.sdp.type, sdp: msg.sdp.sdp })));
      return Buffer.concat([t, encode(packed)]);
    }
    case DCMessageType.LossRate:
    case DCMessageType.RoundTripTime:
    case DCMessageType.Jitter:
      return Buffer.concat([t, float64(msg.value)]);
    case DCMessageType.Lock:
      return msg.acquired === undefined ? t : Buffer.concat([t, Buffer.from([msg.acquired ? 0xc3 : 0xc2])]);
    case DCMessageType.MediaMap: {
      // Field order of Go's TrackInfo struct: type, sender_id.
      const m: Record<string, { type: string; sender_id: string }> = {};
      for (const [mid, info] of Object.entries(msg.mediaMap)) m[mid] = { type: info.type, sender_id: info.sender_id };
      return Buffer.concat([t, encode(m)]);
    }
    case DCMessageType.CodecSupportMap:
      return Buffer.concat([t, encode(msg.codecs)]);
  }
}

function reportValue(payload: unknown, name: string): number {
  const v = typeof payload === 'string' && payload.trim() !== '' ? Number(payload) : payload;
  if (typeof v !== 'number' || !Number.isFinite(v) || v < 0) throw new DCMessageError(`${name}: expected a non-negative number`);
  return v;
}

/** Decodes one binary DC message; throws DCMessageError on anything malformed. */
export function decodeDCMessage(data: Uint8Array): DCMessage {
  if (data.byteLength === 0) throw new DCMessageError('empty message');
  if (data.byteLength > MAX_DC_MESSAGE_BYTES) throw new DCMessageError(`message larger than ${MAX_DC_MESSAGE_BYTES} bytes`);
  const values: unknown[] = [];
  try {
    for (const v of decodeMulti(data)) {
      values.push(v);
      if (values.length === 2) break;
    }
  } catch (err) {
    throw new DCMessageError(`invalid msgpack: ${err instanceof Error ? err.message : String(err)}`);
  }
  const [mt, payload] = values;
  if (typeof mt !== 'number' || !Number.isInteger(mt) || mt < 0 || mt > 255) {
    throw new DCMessageError('message type must be an unsigned 8-bit integer');
  }
  switch (mt) {
    case DCMessageType.Ping:
    case DCMessageType.Pong:
    case DCMessageType.Unlock:
      return { type: mt };
    case DCMessageType.SDP: {
      if (!(payload instanceof Uint8Array)) throw new DCMessageError('sdp: payload must be binary');
      let json: Buffer;
      try {
        json = inflateSync(payload, { maxOutputLength: MAX_SDP_BYTES });
      } catch (err) {
        throw new DCMessageError(`sdp: invalid zlib data (${err instanceof Error ? err.message : String(err)})`);
      }
      return { type: DCMessageType.SDP, sdp: parseSessionDescription(json) };
    }
    case DCMessageType.LossRate:
      return { type: mt, value: reportValue(payload, 'loss rate') };
    case DCMessageType.RoundTripTime:
      return { type: mt, value: reportValue(payload, 'round trip time') };
    case DCMessageType.Jitter:
      return { type: mt, value: reportValue(payload, 'jitter') };
    case DCMessageType.Lock:
      // A request has no payload; a response carries a bool (anything else is treated as a request, like Go).
      return typeof payload === 'boolean' ? { type: mt, acquired: payload } : { type: mt };
    case DCMessageType.MediaMap: {
      const r = mediaMapSchema.safeParse(payload);
      if (!r.success) throw new DCMessageError('media map: expected {mid: {type, sender_id}}');
      return { type: mt, mediaMap: r.data };
    }
    case DCMessageType.CodecSupportMap: {
      const r = codecMapSchema.safeParse(payload);
      if (!r.success) throw new DCMessageError('codec support map: expected {mime: level}');
      return { type: mt, codecs: r.data };
    }
    default:
      throw new DCMessageError(`unexpected dc message type: ${mt}`);
  }
}
