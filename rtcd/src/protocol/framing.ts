// The rtcd WebSocket frame: two msgpack values written back to back (`EncodeMulti(type, data)` in the
// reference), never wrapped in an array or map. Both sides of the link (rtcd and the Calls plugin) use this.
import { Decoder, Encoder } from '@msgpack/msgpack';

/** Largest inbound WebSocket frame the reference accepts (`SetReadLimit(1 MiB)`). */
export const MAX_FRAME_BYTES = 1024 * 1024;

export type ProtocolErrorReason = 'malformed' | 'unknown_type' | 'invalid_data' | 'too_large';

/** A frame or message that cannot be accepted; `reason` is a bounded label for metrics. */
export class ProtocolError extends Error {
  override readonly name = 'ProtocolError';
  constructor(
    readonly reason: ProtocolErrorReason,
    message: string,
  ) {
    super(message);
  }
}

// Sizes bounded again below the frame limit so a crafted header cannot make the decoder reserve more.
const decoder = new Decoder({
  maxStrLength: MAX_FRAME_BYTES,
  maxBinLength: MAX_FRAME_BYTES,
  maxArrayLength: 64 * 1024,
  maxMapLength: 64 * 1024,
  maxExtLength: MAX_FRAME_BYTES,
});
const encoder = new Encoder({ ignoreUndefined: true });

export interface RawFrame {
  type: string;
  data: unknown;
}

/** Encodes one msgpack value (copying out of the shared encoder buffer). */
export function encodeValue(value: unknown): Uint8Array {
  return encoder.encode(value).slice();
}

export function concatBytes(parts: Uint8Array[]): Uint8Array {
  let len = 0;
  for (const p of parts) len += p.byteLength;
  const out = new Uint8Array(len);
  let off = 0;
  for (const p of parts) {
    out.set(p, off);
    off += p.byteLength;
  }
  return out;
}

/** `<str type><data>`; `data` must already be in the wire shape (see messages.ts for typed encoders). */
export function encodeRawFrame(type: string, data: Uint8Array): Uint8Array {
  return concatBytes([encodeValue(type), data]);
}

/** Splits a binary frame into its type string and its (still untyped) data value. */
export function decodeRawFrame(buf: Uint8Array): RawFrame {
  if (buf.byteLength > MAX_FRAME_BYTES) {
    throw new ProtocolError('too_large', `frame of ${buf.byteLength} bytes exceeds ${MAX_FRAME_BYTES}`);
  }
  const values: unknown[] = [];
  try {
    for (const v of decoder.decodeMulti(buf)) {
      values.push(v);
      if (values.length > 2) break;
    }
  } catch (err) {
    throw new ProtocolError('malformed', `invalid msgpack: ${(err as Error).message}`);
  }
  if (values.length !== 2) {
    throw new ProtocolError('malformed', `expected 2 msgpack values (type, data), got ${values.length > 2 ? 'more' : values.length}`);
  }
  const [type, data] = values;
  if (typeof type !== 'string') throw new ProtocolError('malformed', 'message type is not a string');
  return { type, data };
}
