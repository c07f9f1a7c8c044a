// Getting an authorised link to one rtcd address (`registerRTCDClient` in the reference): under the
// cluster mutex `rtcd_registration`, try to connect; if rtcd does not know our credentials (first use, or it
// restarted with an empty store), POST /register, store the credentials in KV, and connect again.
// Every plugin node runs this for every rtcd address it talks to, so the mutex keeps two nodes from
// registering different keys for the same client id at the same time.
import type { Logger } from 'pino';
import type { RtcdCredentials } from './credentials.js';
import { RtcdHttpError, type RtcdHttpApi, urlForAddress } from './http-api.js';
import type { RtcdMetrics } from './metrics.js';
import { RtcdLink, RtcdLinkError, type RtcdLinkOptions } from './rtcd-link.js';

/** A cluster-wide lock (the plugin's ClusterMutex fits). */
export interface Mutex {
  lock(timeoutMs?: number): Promise<void>;
  unlock(): Promise<void>;
}
/** Builds a named mutex (`clusterMutexFactory(...)` of plugin/src/cluster fits). */
export type MutexFactory = (name: string) => Mutex;

/** The reference's mutex name (its KV key is `mutex_rtcd_registration`, its metrics group the same). */
export const REGISTRATION_MUTEX = 'rtcd_registration';
/** The reference's `lockTimeout`. */
const LOCK_TIMEOUT_MS = 10_000;

export type LinkTuning = Pick<RtcdLinkOptions, 'connectTimeoutMs' | 'pingIntervalMs' | 'maxQueuedFrames'>;

/** Credentials that rtcd refuses and cannot re-register (the client id exists there with another key). */
export class RtcdAuthError extends Error {
  override readonly name = 'RtcdAuthError';
}

export interface RegistrarOptions {
  credentials: RtcdCredentials;
  wsURL: string;
  lock: MutexFactory;
  metrics: RtcdMetrics;
  log: Logger;
  link: LinkTuning;
}

export class RtcdRegistrar {
  constructor(private readonly opts: RegistrarOptions) {}

  get clientID(): string {
    return this.opts.credentials.clientID;
  }

  get authorization(): string {
    return this.opts.credentials.authorization;
  }

  /** An open link to `http.ip`, registering first if needed. Rejects with RtcdLinkError, RtcdAuthError or Error. */
  async connect(http: RtcdHttpApi, log: Logger): Promise<RtcdLink> {
    const { credentials, metrics } = this.opts;
    const mutex = this.opts.lock(REGISTRATION_MUTEX);
    try {
      await mutex.lock(LOCK_TIMEOUT_MS);
    } catch (err) {
      metrics.error('mutex');
      throw new Error(`failed to take the rtcd registration lock: ${(err as Error).message}`);
    }
    try {
      if (await credentials.refreshFromStore()) log.info('using the rtcd auth key another plugin node stored');
      try {
        return await this.open(http.ip, log);
      } catch (err) {
        if (!(err instanceof RtcdLinkError) || err.kind !== 'unauthorized') throw err;
        log.warn({ err: err.message }, 'rtcd does not accept our credentials, registering the client');
      }
      try {
        await http.register(credentials.clientID, credentials.authKey);
      } catch (err) {
        metrics.error('register');
        const msg = (err as Error).message;
        if (err instanceof RtcdHttpError && err.status === 400 && /already registered/.test(msg)) {
          throw new RtcdAuthError(
            `${msg}: rtcd knows client "${credentials.clientID}" with another auth key (set the key rtcd has, ` +
              'e.g. MM_CALLS_RTCD_AUTH_KEY or clientID:authKey@ in RTCDServiceURL, or unregister the client on rtcd)',
          );
        }
        if (err instanceof RtcdHttpError && (err.status === 401 || err.status === 403)) {
          throw new RtcdAuthError(`${msg}: rtcd does not allow self-registration; register the client on rtcd or set its credentials`);
        }
        throw err;
      }
      await credentials.persist();
      log.info({ clientID: credentials.clientID }, 'rtcd client registered');
      return await this.open(http.ip, log);
    } finally {
      await mutex.unlock().catch((err: unknown) => log.warn({ err: (err as Error).message }, 'failed to release the rtcd registration lock'));
    }
  }

  private async open(ip: string, log: Logger): Promise<RtcdLink> {
    const { metrics } = this.opts;
    try {
      return await RtcdLink.open({
        ...this.opts.link,
        wsURL: urlForAddress(this.opts.wsURL, ip),
        ip,
        authorization: this.opts.credentials.authorization,
        clientID: this.opts.credentials.clientID,
        metrics,
        log,
      });
    } catch (err) {
      metrics.error(err instanceof RtcdLinkError && err.kind === 'unauthorized' ? 'unauthorized' : 'connect');
      throw err;
    }
  }
}
