// Typed messages of the rtcd WebSocket protocol (shared/reference/rtcd.md §3.2) for both directions:
// rtcd decodes join/reconnect/leave/rtc and encodes hello/close/rtc/vad; the plugin does the opposite.
// Every decoded value goes through one zod schema per message type before the rest of the code sees it.
import { z } from 'zod';
import { MessageType, type RtcMessage } from '../rtc/types.js';
import { ProtocolError, concatBytes, decodeRawFrame, encodeRawFrame, encodeValue } from './framing.js';

export { MessageType, type RtcMessage };

export interface HelloData {
  clientID: string;
  connID: string;
}
export interface JoinData {
  callID: string;
  userID: string;
  sessionID: string;
  channelID?: string;
  av1Support?: boolean;
  dcSignaling?: boolean;
}
export interface SessionRef {
  sessionID: string;
}

export type ClientMessage =
  | { type: 'hello'; data: HelloData }
  | { type: 'join'; data: JoinData }
  | { type: 'reconnect'; data: SessionRef }
  | { type: 'leave'; data: SessionRef }
  | { type: 'close'; data: SessionRef }
  | { type: 'rtc'; data: RtcMessage }
  | { type: 'vad'; data: RtcMessage };

export type ClientMessageType = ClientMessage['type'];
export const CLIENT_MESSAGE_TYPES: readonly ClientMessageType[] = ['hello', 'join', 'reconnect', 'leave', 'close', 'rtc', 'vad'];

const nonEmpty = z.string().min(1).max(256);
// hello/reconnect/leave/close are homogeneous str→str maps on the wire (Go decodes them with DecodeTypedMap).
const strMap = z.record(z.string(), z.string());
const helloSchema = strMap.pipe(z.object({ clientID: z.string().max(256), connID: nonEmpty }));
const sessionRefSchema = strMap.pipe(z.object({ sessionID: nonEmpty }));
// join is str→any: the plugin sends the booleans as msgpack bools; a nil value means "not set".
const optBool = z.union([z.boolean(), z.null()]).optional().transform((v) => v ?? undefined);
const joinSchema = z.object({
  callID: nonEmpty,
  userID: nonEmpty,
  sessionID: nonEmpty,
  channelID: z.union([z.string().max(256), z.null()]).optional().transform((v) => v ?? undefined),
  av1Support: optBool,
  dcSignaling: optBool,
});
const maxType = Math.max(...Object.values(MessageType).filter((v): v is number => typeof v === 'number'));
const textEncoder = new TextEncoder();
// rtc.Message: snake_case keys; Go decodes any int width for `type` and accepts str or bin for `data`.
const rtcWireSchema = z
  .object({
    group_id: z.string().max(256).optional(),
    user_id: z.string().max(256).optional(),
    session_id: nonEmpty,
    call_id: z.string().max(256).optional(),
    type: z.number().int().min(1).max(maxType),
    data: z.union([z.instanceof(Uint8Array), z.string(), z.null()]).optional(),
  })
  .transform(
    (m): RtcMessage => ({
      groupID: m.group_id ?? '',
      userID: m.user_id ?? '',
      sessionID: m.session_id,
      callID: m.call_id ?? '',
      type: m.type as MessageType,
      ...(m.data == null || m.data.length === 0
        ? {}
        : { data: typeof m.data === 'string' ? textEncoder.encode(m.data) : m.data }),
    }),
  );

const schemas = {
  hello: helloSchema,
  join: joinSchema,
  reconnect: sessionRefSchema,
  leave: sessionRefSchema,
  close: sessionRefSchema,
  rtc: rtcWireSchema,
  vad: rtcWireSchema,
} satisfies Record<ClientMessageType, z.ZodType>;

function isKnownType(t: string): t is ClientMessageType {
  return Object.hasOwn(schemas, t);
}

/**
 * Decodes and validates one binary frame. Throws ProtocolError with reason `malformed` (not msgpack, not
 * two values, type not a string), `unknown_type` (its `type` is not one of ours; `.type` on the error
 * says which) or `invalid_data` (the data does not match the message's schema).
 */
export function decodeClientMessage(buf: Uint8Array): ClientMessage {
  const raw = decodeRawFrame(buf);
  if (!isKnownType(raw.type)) {
    throw new ProtocolError('unknown_type', `unknown message type ${JSON.stringify(raw.type.slice(0, 64))}`);
  }
  const parsed = schemas[raw.type].safeParse(raw.data);
  if (!parsed.success) {
    const first = parsed.error.issues[0];
    const where = first?.path.length ? first.path.join('.') : 'data';
    throw new ProtocolError('invalid_data', `invalid ${raw.type} message: ${where}: ${first?.message ?? 'invalid'}`);
  }
  return { type: raw.type, data: parsed.data } as ClientMessage;
}

// Go's encoder writes the MessageType (an int) as int64 0xd3; we emit the same bytes so that a byte-level
// comparison against the reference holds, and because every msgpack decoder accepts it.
function int64Bytes(n: number): Uint8Array {
  const out = new Uint8Array(9);
  out[0] = 0xd3;
  new DataView(out.buffer).setBigInt64(1, BigInt(n));
  return out;
}

/** rtc.Message as the reference's struct encodes it: fields in declaration order, `data` omitted when empty. */
export function encodeRtcMessageData(m: RtcMessage): Uint8Array {
  const hasData = m.data !== undefined && m.data.byteLength > 0;
  const parts: Uint8Array[] = [
    Uint8Array.of(0x80 | (hasData ? 6 : 5)),
    encodeValue('group_id'),
    encodeValue(m.groupID),
    encodeValue('user_id'),
    encodeValue(m.userID),
    encodeValue('session_id'),
    encodeValue(m.sessionID),
    encodeValue('call_id'),
    encodeValue(m.callID),
    encodeValue('type'),
    int64Bytes(m.type),
  ];
  if (hasData) parts.push(encodeValue('data'), encodeValue(m.data!));
  return concatBytes(parts);
}

/** Encodes a typed message into one binary frame. */
export function encodeClientMessage(msg: ClientMessage): Uint8Array {
  switch (msg.type) {
    case 'rtc':
    case 'vad':
      return encodeRawFrame(msg.type, encodeRtcMessageData(msg.data));
    case 'join': {
      // Strings first, then the optional booleans, as the plugin's map[string]any carries them.
      const d: Record<string, string | boolean> = {
        callID: msg.data.callID,
        userID: msg.data.userID,
        sessionID: msg.data.sessionID,
      };
      if (msg.data.channelID !== undefined) d.channelID = msg.data.channelID;
      if (msg.data.av1Support !== undefined) d.av1Support = msg.data.av1Support;
      if (msg.data.dcSignaling !== undefined) d.dcSignaling = msg.data.dcSignaling;
      return encodeRawFrame('join', encodeValue(d));
    }
    case 'hello':
      return encodeRawFrame('hello', encodeValue({ clientID: msg.data.clientID, connID: msg.data.connID }));
    case 'reconnect':
    case 'leave':
    case 'close':
      return encodeRawFrame(msg.type, encodeValue({ sessionID: msg.data.sessionID }));
  }
}
