// The `calls-dc` data-channel protocol, browser side (rtcd service/rtc/dc/msg.go, calls-common dc_msg.ts):
// one binary message is a msgpack unsigned int (the type) followed by at most one msgpack payload value,
// concatenated with no wrapper. Encoding matches the Go side byte for byte (type as uint8 `0xcc n`, reports
// as float64 `0xcb`), so the server's strict decoder and metrics see exactly what the Go client sends.
import { decodeMulti, encode } from '@msgpack/msgpack';

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

export type TrackType = 'voice' | 'screen' | 'screen-audio' | 'video';

export interface TrackInfo {
  type: string;
  sender_id: string;
}

/** Transceiver mid → what the server forwards on it. */
export type MediaMap = Record<string, TrackInfo>;

export type DCMessage =
  | { type: DCMessageType.Ping }
  | { type: DCMessageType.Pong }
  /** `data`: zlib-compressed JSON of `{type, sdp}` (compression is async in browsers, so it is done outside). */
  | { type: DCMessageType.SDP; data: Uint8Array }
  | { type: DCMessageType.LossRate | DCMessageType.RoundTripTime | DCMessageType.Jitter; value: number }
  | { type: DCMessageType.Lock; acquired?: boolean }
  | { type: DCMessageType.Unlock }
  | { type: DCMessageType.MediaMap; mediaMap: MediaMap }
  | { type: DCMessageType.CodecSupportMap; codecs: Record<string, number> };

/** Anything bigger is refused before decoding (the server's own cap). */
export const MAX_DC_MESSAGE_BYTES = 256 * 1024;

export class DCMessageError extends Error {
  override readonly name = 'DCMessageError';
}

function concat(a: Uint8Array, b: Uint8Array): Uint8Array {
  const out = new Uint8Array(a.byteLength + b.byteLength);
  out.set(a, 0);
  out.set(b, a.byteLength);
  return out;
}

function float64(value: number): Uint8Array {
  const out = new Uint8Array(9);
  out[0] = 0xcb;
  new DataView(out.buffer).setFloat64(1, value, false);
  return out;
}

export function encodeDCMessage(msg: DCMessage): Uint8Array {
  const t = Uint8Array.of(0xcc, msg.type);
  switch (msg.type) {
    case DCMessageType.Ping:
    case DCMessageType.Pong:
    case DCMessageType.Unlock:
      return t;
    case DCMessageType.Lock:
      return msg.acquired === undefined ? t : concat(t, Uint8Array.of(msg.acquired ? 0xc3 : 0xc2));
    case DCMessageType.SDP:
      return concat(t, encode(msg.data));
    case DCMessageType.LossRate:
    case DCMessageType.RoundTripTime:
    case DCMessageType.Jitter:
      if (!Number.isFinite(msg.value) || msg.value < 0) throw new DCMessageError(`report value must be a non-negative number, got ${msg.value}`);
      return concat(t, float64(msg.value));
    case DCMessageType.MediaMap:
      return concat(t, encode(msg.mediaMap));
    case DCMessageType.CodecSupportMap:
      return concat(t, encode(msg.codecs));
  }
}

function isTrackInfo(v: unknown): v is TrackInfo {
  return !!v && typeof v === 'object' && typeof (v as TrackInfo).type === 'string' && typeof (v as TrackInfo).sender_id === 'string';
}

function asBytes(data: ArrayBuffer | Uint8Array): Uint8Array {
  return data instanceof Uint8Array ? data : new Uint8Array(data);
}

/** Decodes one binary message; DCMessageError on anything malformed (the caller counts and drops it). */
export function decodeDCMessage(raw: ArrayBuffer | Uint8Array): DCMessage {
  const data = asBytes(raw);
  if (data.byteLength === 0) throw new DCMessageError('empty message');
  if (data.byteLength > MAX_DC_MESSAGE_BYTES) throw new DCMessageError(`message larger than ${MAX_DC_MESSAGE_BYTES} bytes`);
  const values: unknown[] = [];
  try {
    for (const v of decodeMulti(data)) {
      values.push(v);
      if (values.length === 2) break;
    }
  } catch (err) {
    throw new DCMessageError(`invalid msgpack: ${(err as Error).message}`);
  }
  const [mt, payload] = values;
  if (typeof mt !== 'number' || !Number.isInteger(mt) || mt < 0 || mt > 255) throw new DCMessageError('message type must be an unsigned 8-bit integer');
  switch (mt) {
    case DCMessageType.Ping:
    case DCMessageType.Pong:
    case DCMessageType.Unlock:
      return { type: mt };
    case DCMessageType.Lock:
      return typeof payload === 'boolean' ? { type: mt, acquired: payload } : { type: mt };
    case DCMessageType.SDP:
      if (!(payload instanceof Uint8Array)) throw new DCMessageError('sdp: payload must be binary');
      return { type: mt, data: payload };
    case DCMessageType.LossRate:
    case DCMessageType.RoundTripTime:
    case DCMessageType.Jitter:
      if (typeof payload !== 'number' || !Number.isFinite(payload)) throw new DCMessageError('report: payload must be a number');
      return { type: mt, value: payload };
    case DCMessageType.MediaMap: {
      if (!payload || typeof payload !== 'object' || Array.isArray(payload)) throw new DCMessageError('media map: expected {mid: {type, sender_id}}');
      const map: MediaMap = {};
      for (const [mid, info] of Object.entries(payload as Record<string, unknown>)) {
        if (!isTrackInfo(info)) throw new DCMessageError(`media map: bad entry for mid ${mid}`);
        map[mid] = { type: info.type, sender_id: info.sender_id };
      }
      return { type: mt, mediaMap: map };
    }
    case DCMessageType.CodecSupportMap: {
      if (!payload || typeof payload !== 'object' || Array.isArray(payload)) throw new DCMessageError('codec support map: expected {mime: level}');
      const codecs: Record<string, number> = {};
      for (const [k, v] of Object.entries(payload as Record<string, unknown>)) {
        if (typeof v !== 'number') throw new DCMessageError(`codec support map: bad level for ${k}`);
        codecs[k] = v;
      }
      return { type: mt, codecs };
    }
    default:
      throw new DCMessageError(`unexpected dc message type: ${mt}`);
  }
}

/**
 * What a received track carries: the MediaMap entry for its transceiver's mid, else the SFU's track id
 * `<type>_<senderSessionID>_<random>` (the msid the browser exposes as `track.id`).
 */
export function trackInfoFor(mediaMap: MediaMap, mid: string | null, trackId: string): TrackInfo | undefined {
  if (mid !== null && mediaMap[mid]) return mediaMap[mid];
  const m = /^(voice|screen-audio|screen|video)_([a-z0-9]+)_[A-Za-z0-9]+$/.exec(trackId);
  return m ? { type: m[1]!, sender_id: m[2]! } : undefined;
}
