// HTTP plumbing for the plugin's routes (requests arrive through the ServeHTTP hook as whole messages): the
// request context, JSON responses in the reference's shapes, and typed errors.
import type { PluginHttpRequest, PluginHttpResponse } from '@calls-ts/host/plugin-rpc';
import { z } from 'zod';

export interface Ctx {
  req: PluginHttpRequest;
  /** '' for anonymous requests (public routes only). */
  userId: string;
  params: Record<string, string>;
  query: URLSearchParams;
  /** The matched route template, e.g. `/calls/:channel_id/active` (metrics label). */
  route: string;
}

export type Handler = (ctx: Ctx) => Promise<PluginHttpResponse>;
export type Middleware = (ctx: Ctx, next: () => Promise<PluginHttpResponse>) => Promise<PluginHttpResponse>;

/** A refusal with an HTTP status: rendered as `{message, status_code}` (the reference's httpResponse). */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = 'ApiError';
  }
}

export function json(status: number, body: unknown, headers: Record<string, string> = {}): PluginHttpResponse {
  return { status, headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) };
}

/** The reference's httpResponse: `{message, status_code}`. */
export function message(status: number, text: string): PluginHttpResponse {
  return json(status, { message: text, status_code: status });
}

export const ok = (): PluginHttpResponse => message(200, 'success');

const decoder = new TextDecoder();

/** Parses the JSON body with a schema; ApiError 400 naming the first problem. */
export function body<T>(ctx: Ctx, schema: z.ZodType<T>): T {
  let value: unknown;
  try {
    value = JSON.parse(decoder.decode(ctx.req.body));
  } catch {
    throw new ApiError(400, 'invalid request body: not JSON');
  }
  const r = schema.safeParse(value);
  if (!r.success) {
    const i = r.error.issues[0];
    throw new ApiError(400, `invalid request body: ${i ? `${i.path.join('.') || 'body'}: ${i.message}` : 'invalid'}`);
  }
  return r.data;
}

export const idSchema = z.string().regex(/^[a-z0-9]{26}$/, 'must be a 26-character id');
