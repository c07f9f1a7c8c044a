// rtcd's HTTP API as the plugin uses it, for one rtcd address: /version, /system, /register and
// /calls/{callID}/sessions. Requests go to the pinned IP while the URL keeps the service hostname, so the
// Host header and TLS SNI stay what the operator configured (the reference dials `ip:port` the same way).
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import { z } from 'zod';
import type { SessionConfig } from '@calls-ts/rtcd/rtc';
import { sessionConfigFromJSON } from '@calls-ts/rtcd/protocol';

/** Answers every lookup of the service hostname with one fixed IPv4 address. */
export function pinnedLookup(ip: string): LookupFunction {
  return ((_hostname: string, options: { all?: boolean }, callback: (...args: unknown[]) => void) => {
    if (options?.all) callback(null, [{ address: ip, family: 4 }]);
    else callback(null, ip, 4);
  }) as LookupFunction;
}

/**
 * The URL to use for one address: a hostname stays (the pinned lookup sends it to `ip`); an IP literal, which
 * no lookup is made for, is replaced by `ip` (a call pinned to another node than the configured address).
 */
export function urlForAddress(url: string, ip: string): string {
  const u = new URL(url);
  if (isIP(u.hostname.replace(/^\[|\]$/g, '')) === 0) return url;
  u.hostname = ip;
  return u.toString().replace(/\/$/, url.endsWith('/') ? '/' : '');
}

export class RtcdHttpError extends Error {
  override readonly name = 'RtcdHttpError';
  constructor(
    message: string,
    /** The HTTP status, or undefined when no answer came (network error, timeout). */
    readonly status: number | undefined,
  ) {
    super(message);
  }
}

const versionSchema = z.looseObject({
  buildDate: z.string().optional(),
  buildVersion: z.string(),
  buildHash: z.string().optional(),
  goVersion: z.string().optional(),
  goOS: z.string().optional(),
  goArch: z.string().optional(),
});
export type RtcdVersionInfo = z.infer<typeof versionSchema>;

const systemSchema = z.looseObject({ cpu_load: z.number().finite().nonnegative() });
const auditSchema = z.record(z.string(), z.unknown());

const MAX_RESPONSE_BYTES = 4 * 1024 * 1024;
const DEFAULT_TIMEOUT_MS = 5000;

interface Response {
  status: number;
  body: string;
}

export class RtcdHttpApi {
  private readonly agent: http.Agent;

  private readonly baseURL: string;

  constructor(
    baseURL: string,
    readonly ip: string,
    private readonly timeoutMs = DEFAULT_TIMEOUT_MS,
  ) {
    this.baseURL = urlForAddress(baseURL, ip);
    const opts = { keepAlive: true, maxSockets: 16, lookup: pinnedLookup(ip) };
    this.agent = baseURL.startsWith('https:') ? new https.Agent(opts) : new http.Agent(opts);
  }

  private request(method: 'GET' | 'POST', path: string, opts: { authorization?: string; body?: unknown; timeoutMs?: number } = {}): Promise<Response> {
    const url = new URL(path, this.baseURL);
    const body = opts.body === undefined ? undefined : JSON.stringify(opts.body);
    const headers: Record<string, string> = {};
    if (opts.authorization) headers.authorization = opts.authorization;
    if (body !== undefined) {
      headers['content-type'] = 'application/json';
      headers['content-length'] = String(Buffer.byteLength(body));
    }
    const mod = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      const req = mod.request(url, { method, headers, agent: this.agent, timeout: opts.timeoutMs ?? this.timeoutMs }, (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_RESPONSE_BYTES) {
            req.destroy(new RtcdHttpError(`${method} ${path}: response larger than ${MAX_RESPONSE_BYTES} bytes`, res.statusCode));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') }));
        res.on('error', reject);
      });
      req.on('timeout', () => req.destroy(new RtcdHttpError(`${method} ${path}: no answer from ${this.ip} within ${opts.timeoutMs ?? this.timeoutMs} ms`, undefined)));
      req.on('error', (err) =>
        reject(err instanceof RtcdHttpError ? err : new RtcdHttpError(`${method} ${path} on ${this.ip}: ${err.message}`, undefined)),
      );
      req.end(body);
    });
  }

  private static json(res: Response, what: string): unknown {
    try {
      return JSON.parse(res.body) as unknown;
    } catch {
      throw new RtcdHttpError(`${what}: answer is not JSON (status ${res.status})`, res.status);
    }
  }

  async version(): Promise<RtcdVersionInfo> {
    const res = await this.request('GET', '/version');
    if (res.status !== 200) throw new RtcdHttpError(`GET /version: status ${res.status}`, res.status);
    const parsed = versionSchema.safeParse(RtcdHttpApi.json(res, 'GET /version'));
    if (!parsed.success) throw new RtcdHttpError('GET /version: unexpected answer (no buildVersion)', res.status);
    return parsed.data;
  }

  /** rtcd's `cpu_load` (lower is less loaded). */
  async cpuLoad(timeoutMs?: number): Promise<number> {
    const res = await this.request('GET', '/system', timeoutMs === undefined ? {} : { timeoutMs });
    if (res.status !== 200) throw new RtcdHttpError(`GET /system: status ${res.status}`, res.status);
    const parsed = systemSchema.safeParse(RtcdHttpApi.json(res, 'GET /system'));
    if (!parsed.success) throw new RtcdHttpError('GET /system: unexpected answer (no cpu_load)', res.status);
    return parsed.data.cpu_load;
  }

  /** POST /register with the client's own Basic credentials, as the reference client does. */
  async register(clientID: string, authKey: string): Promise<void> {
    const res = await this.request('POST', '/register', { authorization: basicAuth(clientID, authKey), body: { clientID, authKey } });
    if (res.status === 201) return;
    let reason = `status ${res.status}`;
    try {
      const audit = auditSchema.parse(JSON.parse(res.body));
      if (typeof audit.error === 'string' && audit.error) reason = audit.error.slice(0, 200);
    } catch {
      // Not the JSON envelope: keep the status.
    }
    throw new RtcdHttpError(`rtcd refused to register client "${clientID}": ${reason}`, res.status);
  }

  /** The call's sessions on this node; an empty list when rtcd does not know the call (404). */
  async sessions(callID: string, authorization: string): Promise<SessionConfig[]> {
    const res = await this.request('GET', `/calls/${encodeURIComponent(callID)}/sessions`, { authorization });
    if (res.status === 404) return [];
    if (res.status !== 200) throw new RtcdHttpError(`GET /calls/{id}/sessions: status ${res.status}`, res.status);
    const body = RtcdHttpApi.json(res, 'GET /calls/{id}/sessions');
    if (!Array.isArray(body)) throw new RtcdHttpError('GET /calls/{id}/sessions: answer is not a list', res.status);
    try {
      return body.map((s) => sessionConfigFromJSON(s));
    } catch {
      throw new RtcdHttpError('GET /calls/{id}/sessions: unexpected session shape', res.status);
    }
  }

  close(): void {
    this.agent.destroy();
  }
}

export function basicAuth(clientID: string, authKey: string): string {
  return `Basic ${Buffer.from(`${clientID}:${authKey}`).toString('base64')}`;
}
