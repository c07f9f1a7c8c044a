// RTCDServiceURL as the reference plugin reads it: `http(s)://[clientID:authKey@]host:port`. The credentials
// part is optional and stripped from the URL that is used for requests; the port is required (the
// reference splits host and port and fails without one).

export class RtcdConfigError extends Error {
  override readonly name = 'RtcdConfigError';
}

export interface RtcdServiceURL {
  /** The URL without credentials, path or trailing slash: `http://host:port`. */
  httpURL: string;
  /** `ws(s)://host:port/ws`. */
  wsURL: string;
  /** The hostname to resolve (A records); an IPv4 literal resolves to itself. */
  hostname: string;
  port: number;
  secure: boolean;
  /** Credentials embedded in the URL, if any (percent-decoded). */
  clientID: string;
  authKey: string;
}

export function parseServiceURL(raw: string): RtcdServiceURL {
  const trimmed = raw.trim();
  if (!trimmed) throw new RtcdConfigError('RTCDServiceURL is empty');
  let u: URL;
  try {
    u = new URL(trimmed);
  } catch {
    throw new RtcdConfigError(`RTCDServiceURL "${redact(trimmed)}" is not a valid URL`);
  }
  if (u.protocol !== 'http:' && u.protocol !== 'https:') {
    throw new RtcdConfigError(`RTCDServiceURL scheme must be http or https, not "${u.protocol.slice(0, -1)}"`);
  }
  if (!u.hostname) throw new RtcdConfigError('RTCDServiceURL has no host');
  // WHATWG URL drops a port equal to the scheme's default; the reference requires one to be written.
  const explicitPort = /^[a-z]+:\/\/(?:[^@/]*@)?(?:\[[^\]]*\]|[^:/?#]*):(\d+)/i.exec(trimmed)?.[1];
  if (!explicitPort) throw new RtcdConfigError(`RTCDServiceURL "${redact(trimmed)}" must include a port (e.g. http://rtcd:8045)`);
  const port = Number(explicitPort);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new RtcdConfigError(`RTCDServiceURL port ${explicitPort} is out of range`);
  const hostname = u.hostname.replace(/^\[|\]$/g, '');
  const hostPart = u.hostname.includes(':') ? `[${hostname}]` : hostname;
  const secure = u.protocol === 'https:';
  const httpURL = `${u.protocol}//${hostPart}:${port}`;
  return {
    httpURL,
    wsURL: `${secure ? 'wss' : 'ws'}://${hostPart}:${port}/ws`,
    hostname,
    port,
    secure,
    clientID: decodeURIComponent(u.username),
    authKey: decodeURIComponent(u.password),
  };
}

/** The URL with any password replaced, for logs and error messages. */
export function redact(raw: string): string {
  return raw.replace(/(\/\/[^:/@]*):[^@/]*@/, '$1:***@');
}
