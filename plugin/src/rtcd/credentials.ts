// The plugin's identity on rtcd (its clientID, which rtcd uses as the group id, and the auth key), found
// as the reference plugin finds it (calls-plugin.md §6 "Credentials"):
//   clientID: MM_CLOUD_INSTALLATION_ID, else MM_CALLS_RTCD_CLIENT_ID, else the URL's user part, else the
//             server's diagnostic id (ours: else the one stored in KV, else a new id);
//   authKey:  MM_CALLS_RTCD_AUTH_KEY, else the URL's password, else KV `rtcd_config`, else 32 random chars.
// KV holds the reference's JSON (`rtcd.ClientConfig`: ClientID, AuthKey, URL, ReconnectInterval in ns) so
// that an installation moving between implementations keeps its registration.
import { randomBytes } from 'node:crypto';
import type { Logger } from 'pino';
import { z } from 'zod';
import { newId } from '@calls-ts/rtcd/rtc';
import type { RtcdMetrics } from './metrics.js';
import type { RtcdServiceURL } from './service-url.js';

export const RTCD_CONFIG_KEY = 'rtcd_config';
export const AUTH_KEY_LENGTH = 32;

/** The part of the PluginAPI this module needs. */
export interface RtcdKV {
  kvGet(key: string): Promise<Uint8Array | null>;
  kvSet(key: string, value: Uint8Array | string): Promise<void>;
}

export type CredentialSource = 'env' | 'url' | 'diagnostic' | 'kv' | 'generated';

const storedSchema = z.looseObject({
  ClientID: z.string().max(256).optional(),
  AuthKey: z.string().max(256).optional(),
});

/** `random.NewSecureString`: base64url of random bytes, cut to `length` (6 bits of entropy per char). */
export function newSecureString(length: number): string {
  return randomBytes(1 + Math.ceil((length * 3) / 4)).toString('base64url').slice(0, length);
}

export interface CredentialsOptions {
  kv: RtcdKV;
  url: RtcdServiceURL;
  env: NodeJS.ProcessEnv;
  diagnosticID?: string;
  /** Jitter of the reconnect interval, stored with the config as the reference does (ns in KV). */
  reconnectIntervalMs: number;
  metrics: RtcdMetrics;
  log: Logger;
}

export class RtcdCredentials {
  clientID = '';
  authKey = '';
  clientIDSource: CredentialSource = 'generated';
  authKeySource: CredentialSource = 'generated';

  constructor(private readonly opts: CredentialsOptions) {}

  get authorization(): string {
    return `Basic ${Buffer.from(`${this.clientID}:${this.authKey}`).toString('base64')}`;
  }

  /** Finds the credentials; reads KV only when env and URL do not give both. */
  async resolve(): Promise<void> {
    const { env, url } = this.opts;
    let clientID = env.MM_CLOUD_INSTALLATION_ID ?? '';
    let idSource: CredentialSource = 'env';
    if (!clientID) clientID = env.MM_CALLS_RTCD_CLIENT_ID ?? '';
    let authKey = env.MM_CALLS_RTCD_AUTH_KEY ?? '';
    let keySource: CredentialSource = 'env';
    // As the reference: the URL's credentials count only when the environment gives neither.
    if (!clientID && !authKey) {
      clientID = url.clientID;
      authKey = url.authKey;
      idSource = keySource = 'url';
    }
    if (!clientID && this.opts.diagnosticID) {
      clientID = this.opts.diagnosticID;
      idSource = 'diagnostic';
    }
    if (!clientID || !authKey) {
      const stored = await this.readStored();
      if (!clientID && stored.ClientID) {
        clientID = stored.ClientID;
        idSource = 'kv';
      }
      if (!authKey && stored.AuthKey) {
        authKey = stored.AuthKey;
        keySource = 'kv';
      }
    }
    if (!clientID) {
      clientID = newId();
      idSource = 'generated';
    }
    if (!authKey) {
      this.opts.log.debug('no rtcd auth key configured or stored, generating one');
      authKey = newSecureString(AUTH_KEY_LENGTH);
      keySource = 'generated';
    }
    this.clientID = clientID;
    this.authKey = authKey;
    this.clientIDSource = idSource;
    this.authKeySource = keySource;
  }

  /**
   * Another plugin node may have registered (and stored) a key since we resolved ours: adopt the stored one
   * unless ours was configured explicitly. Called under the registration mutex. True when it changed.
   */
  async refreshFromStore(): Promise<boolean> {
    if (this.authKeySource !== 'kv' && this.authKeySource !== 'generated') return false;
    const stored = await this.readStored();
    if (!stored.AuthKey || stored.AuthKey === this.authKey) return false;
    if (stored.ClientID && stored.ClientID !== this.clientID) return false;
    this.authKey = stored.AuthKey;
    this.authKeySource = 'kv';
    return true;
  }

  /** Saves the credentials that rtcd just accepted (`storeConfig` in the reference). */
  async persist(): Promise<void> {
    const value = {
      ClientID: this.clientID,
      AuthKey: this.authKey,
      URL: this.opts.url.httpURL,
      ReconnectInterval: Math.round(this.opts.reconnectIntervalMs * 1e6),
    };
    this.opts.metrics.storeOp('KVSet');
    try {
      await this.opts.kv.kvSet(RTCD_CONFIG_KEY, JSON.stringify(value));
    } catch (err) {
      this.opts.metrics.error('store');
      throw new Error(`failed to store the rtcd client config: ${(err as Error).message}`);
    }
  }

  private async readStored(): Promise<z.infer<typeof storedSchema>> {
    this.opts.metrics.storeOp('KVGet');
    let raw: Uint8Array | null;
    try {
      raw = await this.opts.kv.kvGet(RTCD_CONFIG_KEY);
    } catch (err) {
      this.opts.metrics.error('store');
      throw new Error(`failed to read the rtcd client config: ${(err as Error).message}`);
    }
    if (!raw || raw.byteLength === 0) return {};
    try {
      return storedSchema.parse(JSON.parse(Buffer.from(raw).toString('utf8')));
    } catch {
      // A damaged value must not block the plugin: a new key is generated and registered instead.
      this.opts.metrics.error('store');
      this.opts.log.error({ key: RTCD_CONFIG_KEY }, 'stored rtcd client config is not valid JSON of the expected shape, ignoring it');
      return {};
    }
  }
}
