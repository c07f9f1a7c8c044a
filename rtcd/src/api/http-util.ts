// Small helpers shared by the routes: bounded JSON bodies and the reference's response envelopes.
import type { Context } from 'koa';
import { z } from 'zod';

export const MAX_BODY_BYTES = 16 * 1024;

export class HttpError extends Error {
  override readonly name = 'HttpError';
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

/**
 * Reads a JSON body of at most MAX_BODY_BYTES; the reference decodes these bodies into map[string]string.
 * An oversized body is refused from its Content-Length, or read to the end and discarded (breaking off
 * the read would destroy the socket before the 413 could be sent).
 */
export async function readStringMap(ctx: Context): Promise<Record<string, string>> {
  const declared = Number(ctx.get('content-length') || 0);
  if (declared > MAX_BODY_BYTES) {
    ctx.set('Connection', 'close');
    throw new HttpError(413, `request body larger than ${MAX_BODY_BYTES} bytes`);
  }
  const body = await new Promise<Buffer | undefined>((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    ctx.req.on('data', (chunk: Buffer) => {
      size += chunk.length;
      if (size <= MAX_BODY_BYTES) chunks.push(chunk);
    });
    ctx.req.on('end', () => resolve(size <= MAX_BODY_BYTES ? Buffer.concat(chunks) : undefined));
    ctx.req.on('error', reject);
  });
  if (body === undefined) throw new HttpError(413, `request body larger than ${MAX_BODY_BYTES} bytes`);
  let json: unknown;
  try {
    json = JSON.parse(body.toString('utf8'));
  } catch {
    throw new HttpError(400, 'invalid JSON body');
  }
  const parsed = z.record(z.string(), z.string()).safeParse(json);
  if (!parsed.success) throw new HttpError(400, 'body must be a JSON object of string values');
  return parsed.data;
}

/**
 * The envelope of /register, /unregister and /login (the reference's httpAudit): a flat JSON object of
 * strings with `code` = the status and, on failure, `error`; keys sorted as Go's encoder writes maps.
 */
export function sendEnvelope(ctx: Context, status: number, data: Record<string, string>, error?: string): void {
  const out: Record<string, string> = { ...data, code: String(status) };
  if (error !== undefined) out.error = error;
  const sorted = Object.fromEntries(Object.entries(out).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
  ctx.status = status;
  ctx.body = JSON.stringify(sorted) + '\n';
  ctx.set('Content-Type', 'application/json');
}

/** Go's http.Error: a plain-text line. */
export function sendText(ctx: Context, status: number, text: string): void {
  ctx.status = status;
  ctx.type = 'text/plain; charset=utf-8';
  ctx.body = text + '\n';
}

/** JSON with a trailing newline, as Go's json.Encoder writes it. */
export function sendJson(ctx: Context, value: unknown, status = 200): void {
  ctx.status = status;
  ctx.body = JSON.stringify(value) + '\n';
  ctx.set('Content-Type', 'application/json');
}
