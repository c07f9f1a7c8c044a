import { decode } from '@msgpack/msgpack';
import { z } from 'zod';

/** A client request frame, Mattermost's WebSocketRequest: `{seq, action, data}`. */
export interface WebSocketRequest {
  seq: number;
  action: string;
  data: Record<string, unknown>;
}

const requestSchema = z.object({
  seq: z.number().int().min(0).max(Number.MAX_SAFE_INTEGER),
  action: z.string().min(1).max(128),
  data: z.record(z.string(), z.unknown()).nullish(),
});

export class FrameError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'FrameError';
  }
}

/**
 * Decodes a text (JSON) or binary (msgpack) request frame. Binary values inside msgpack frames stay
 * Uint8Arrays (the Calls `sdp` action carries compressed SDP that way) all the way to the plugin.
 */
export function decodeRequest(raw: Buffer, isBinary: boolean): WebSocketRequest {
  let value: unknown;
  try {
    value = isBinary ? decode(raw) : JSON.parse(raw.toString('utf8'));
  } catch (err) {
    throw new FrameError(`cannot decode ${isBinary ? 'msgpack' : 'JSON'} frame: ${(err as Error).message}`);
  }
  const parsed = requestSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    throw new FrameError(`invalid request: ${issue ? `${issue.path.join('.') || 'frame'}: ${issue.message}` : 'bad shape'}`);
  }
  return { seq: parsed.data.seq, action: parsed.data.action, data: parsed.data.data ?? {} };
}
