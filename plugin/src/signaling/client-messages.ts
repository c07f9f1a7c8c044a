// Client → server messages: Mattermost WebSocket requests with the action `custom_com.mattermost.calls_<type>`
// (JSON text frames, except `sdp`, a msgpack binary frame carrying zlib-compressed JSON). One zod schema per
// type; after `parseClientMessage` the rest of the plugin only sees typed, bounded data.
import { inflateSync } from 'node:zlib';
import { z } from 'zod';
import type { WebSocketRequest } from '@calls-ts/host/plugin-rpc';
import type { EmojiData } from './events.js';

export const PLUGIN_ID = 'com.mattermost.calls';
export const ACTION_PREFIX = `custom_${PLUGIN_ID}_`;

/** Decompressed SDP cap (the reference's sdpDataMaxSize). */
export const SDP_MAX_BYTES = 64 * 1024;

/** The reference's validClientMessageTypes. */
export const CLIENT_MESSAGE_TYPES = [
  'join', 'leave', 'reconnect', 'call_state', 'sdp', 'ice', 'mute', 'unmute', 'voice_on', 'voice_off', 'screen_on', 'screen_off',
  'video_on', 'video_off', 'raise_hand', 'unraise_hand', 'react', 'caption', 'metric', 'ping',
] as const;
export type ClientMessageType = (typeof CLIENT_MESSAGE_TYPES)[number];

export interface IceCandidatePairMetric {
  state: 'succeeded' | 'waiting' | 'in-progress' | 'froze' | 'failed';
  local: { type: string; protocol: string };
  remote: { type: string; protocol: string };
}

export type ClientMessage =
  | { type: 'join'; channelID: string; title: string; threadID: string; jobID: string; av1Support: boolean; dcSignaling: boolean }
  | { type: 'reconnect'; channelID: string; originalConnID: string; prevConnID: string }
  | { type: 'call_state'; channelID: string }
  /** `data`: the decompressed JSON of an RTCSessionDescription. */
  | { type: 'sdp'; data: Uint8Array }
  /** `data`: the JSON of an RTCIceCandidateInit, as the client sent it. */
  | { type: 'ice'; data: Uint8Array }
  | { type: 'screen_on'; data: Uint8Array }
  | { type: 'video_on'; data: Uint8Array }
  | { type: 'react'; emoji: EmojiData }
  | { type: 'metric'; pair: IceCandidatePairMetric }
  | { type: 'leave' | 'mute' | 'unmute' | 'screen_off' | 'video_off' | 'raise_hand' | 'unraise_hand' | 'voice_on' | 'voice_off' | 'caption' };

export type ParseResult =
  /** Not for this plugin, or Mattermost's own ping: nothing to do, nothing to count. */
  | { kind: 'ignore' }
  | { kind: 'unknown'; action: string }
  | { kind: 'invalid'; type: ClientMessageType; error: string }
  | { kind: 'ok'; msg: ClientMessage };

const id = z.string().regex(/^[a-z0-9]{26}$/, 'must be a 26-character id');
const optId = z.union([id, z.literal('')]).optional().transform((v) => v ?? '');
const jsonString = (max: number) => z.string().min(2).max(max);

const joinSchema = z.object({
  channelID: id,
  title: z.string().max(256).optional().transform((v) => v ?? ''),
  threadID: optId,
  jobID: z.string().max(64).optional().transform((v) => v ?? ''),
  av1Support: z.boolean().optional().transform((v) => v ?? false),
  dcSignaling: z.boolean().optional().transform((v) => v ?? false),
});
const reconnectSchema = z.object({ channelID: id, originalConnID: id, prevConnID: id });
const channelSchema = z.object({ channelID: id });
const dataString = (max: number) => z.object({ data: jsonString(max) });
const iceSchema = z.object({
  candidate: z.string().max(1024),
  sdpMid: z.string().max(64).nullish(),
  sdpMLineIndex: z.number().int().min(0).max(1024).nullish(),
  usernameFragment: z.string().max(256).nullish(),
});
const screenSchema = z.object({ screenStreamID: z.string().min(1).max(256) });
const videoSchema = z.object({ videoStreamID: z.string().min(1).max(256) });
const emojiSchema = z.object({
  name: z.string().min(1).max(64),
  unified: z.string().max(64),
  skin: z.string().max(32).optional(),
  literal: z.string().max(32).optional(),
});
const candidateTypes = z.enum(['host', 'srflx', 'prflx', 'relay']);
const protocols = z.enum(['udp', 'tcp']);
const pairSchema = z.object({
  state: z.enum(['succeeded', 'waiting', 'in-progress', 'froze', 'failed']),
  local: z.object({ type: candidateTypes, protocol: protocols }),
  remote: z.object({ type: candidateTypes, protocol: protocols }),
});
const metricSchema = z.object({ metric_name: z.literal('client_ice_candidate_pair'), data: jsonString(1024) });
const sdpSchema = z.object({ type: z.enum(['offer', 'answer']), sdp: z.string().min(1) });

const encoder = new TextEncoder();

function issue(err: z.ZodError): string {
  const i = err.issues[0];
  return i ? `${i.path.join('.') || 'data'}: ${i.message}` : 'invalid data';
}

function parseJsonWith<T>(text: string, schema: z.ZodType<T>, what: string): T {
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new Error(`${what} is not valid JSON`);
  }
  const r = schema.safeParse(value);
  if (!r.success) throw new Error(`${what}: ${issue(r.error)}`);
  return r.data;
}

/** zlib → JSON SDP, refusing anything over SDP_MAX_BYTES once inflated (a zip bomb stops there). */
export function unpackSdp(data: unknown): Uint8Array {
  if (!(data instanceof Uint8Array)) throw new Error('sdp data must be binary (a msgpack frame)');
  if (data.byteLength > SDP_MAX_BYTES) throw new Error(`compressed sdp exceeds ${SDP_MAX_BYTES} bytes`);
  let inflated: Buffer;
  try {
    inflated = inflateSync(data, { maxOutputLength: SDP_MAX_BYTES });
  } catch (err) {
    if ((err as { code?: string }).code === 'ERR_BUFFER_TOO_LARGE') throw new Error(`decompressed sdp exceeds ${SDP_MAX_BYTES} bytes`);
    throw new Error('sdp data is not zlib-compressed');
  }
  parseJsonWith(inflated.toString('utf8'), sdpSchema, 'sdp');
  return new Uint8Array(inflated.buffer, inflated.byteOffset, inflated.byteLength);
}

function parseTyped(type: ClientMessageType, data: Record<string, unknown>): ClientMessage {
  const check = <T>(schema: z.ZodType<T>): T => {
    const r = schema.safeParse(data);
    if (!r.success) throw new Error(issue(r.error));
    return r.data;
  };
  switch (type) {
    case 'join':
      return { type, ...check(joinSchema) };
    case 'reconnect':
      return { type, ...check(reconnectSchema) };
    case 'call_state':
      return { type, ...check(channelSchema) };
    case 'sdp':
      return { type, data: unpackSdp(data.data) };
    case 'ice': {
      const { data: text } = check(dataString(4096));
      parseJsonWith(text, iceSchema, 'ice candidate');
      return { type, data: encoder.encode(text) };
    }
    case 'screen_on': {
      const { data: text } = check(dataString(1024));
      parseJsonWith(text, screenSchema, 'screen_on data');
      return { type, data: encoder.encode(text) };
    }
    case 'video_on': {
      const { data: text } = check(dataString(1024));
      parseJsonWith(text, videoSchema, 'video_on data');
      return { type, data: encoder.encode(text) };
    }
    case 'react': {
      const { data: text } = check(dataString(1024));
      const e = parseJsonWith(text, emojiSchema, 'reaction');
      return { type, emoji: { name: e.name, unified: e.unified, skin: e.skin ?? '', literal: e.literal ?? '' } };
    }
    case 'metric': {
      const m = check(metricSchema);
      return { type, pair: parseJsonWith(m.data, pairSchema, 'metric data') };
    }
    case 'ping':
      throw new Error('unreachable');
    default:
      return { type };
  }
}

export function parseClientMessage(req: WebSocketRequest): ParseResult {
  if (typeof req?.action !== 'string' || !req.action.startsWith(ACTION_PREFIX)) return { kind: 'ignore' };
  const type = req.action.slice(ACTION_PREFIX.length);
  if (!(CLIENT_MESSAGE_TYPES as readonly string[]).includes(type)) return { kind: 'unknown', action: type.slice(0, 64) };
  const t = type as ClientMessageType;
  // Mattermost answers pings itself.
  if (t === 'ping') return { kind: 'ignore' };
  const data = req.data !== null && typeof req.data === 'object' && !Array.isArray(req.data) ? req.data : {};
  try {
    return { kind: 'ok', msg: parseTyped(t, data) };
  } catch (err) {
    return { kind: 'invalid', type: t, error: (err as Error).message };
  }
}
