// @calls-ts/rtcd/protocol: the rtcd WebSocket wire codec, shared by rtcd and the Calls plugin's rtcd client.
export { MAX_FRAME_BYTES, ProtocolError, type ProtocolErrorReason, type RawFrame, decodeRawFrame, encodeRawFrame } from './framing.js';
export {
  CLIENT_MESSAGE_TYPES,
  type ClientMessage,
  type ClientMessageType,
  type HelloData,
  type JoinData,
  type SessionRef,
  MessageType,
  type RtcMessage,
  decodeClientMessage,
  encodeClientMessage,
  encodeRtcMessageData,
} from './messages.js';
export { type SessionConfigJSON, sessionConfigFromJSON, sessionConfigToJSON } from './session-config.js';
