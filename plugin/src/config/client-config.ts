// What clients see of the configuration (GET /config): the reference's ClientConfig for users, and for
// admins the whole configuration with the client view merged over it (Go's embedded struct). No licence
// gates here: host controls and group calls are always allowed.
import { createHmac } from 'node:crypto';
import type { CallsConfig, ICEServerConfig } from './config.js';

const isTurn = (s: ICEServerConfig): boolean => s.urls.length > 0 && s.urls.every((u) => /^turns?:/i.test(u));

/** TURN entries without their own credentials: the ones /turn-credentials generates credentials for. */
export function turnConfigsForCredentials(cfg: CallsConfig): ICEServerConfig[] {
  return cfg.ICEServersConfigs.filter((s) => isTurn(s) && !s.username && !s.credential);
}

/** ICE servers; for clients, TURN entries lacking credentials are left out (they get them from /turn-credentials). */
export function iceServers(cfg: CallsConfig, forClient: boolean): ICEServerConfig[] {
  const out = cfg.ICEServersConfigs.filter((s) => !(forClient && isTurn(s) && !s.username && !s.credential)).map((s) => ({ ...s, urls: [...s.urls] }));
  if (cfg.ICEServers.length > 0) out.push({ urls: [...cfg.ICEServers] });
  return out;
}

export interface ClientConfig {
  ICEServers: string[];
  ICEServersConfigs: ICEServerConfig[];
  AllowEnableCalls: boolean;
  DefaultEnabled: boolean;
  MaxCallParticipants: number;
  NeedsTURNCredentials: boolean;
  AllowScreenSharing: boolean;
  EnableRecordings: boolean;
  EnableTranscriptions: boolean;
  EnableLiveCaptions: boolean;
  MaxRecordingDuration: number;
  EnableSimulcast: boolean;
  EnableRinging: boolean;
  sku_short_name: string;
  HostControlsAllowed: boolean;
  EnableAV1: boolean;
  GroupCallsAllowed: boolean;
  EnableDCSignaling: boolean;
  EnableVideo: boolean;
}

export function clientConfig(cfg: CallsConfig): ClientConfig {
  return {
    ICEServers: [...cfg.ICEServers],
    ICEServersConfigs: iceServers(cfg, true),
    AllowEnableCalls: true,
    DefaultEnabled: cfg.DefaultEnabled,
    MaxCallParticipants: cfg.MaxCallParticipants,
    NeedsTURNCredentials: cfg.TURNStaticAuthSecret !== '' && turnConfigsForCredentials(cfg).length > 0,
    AllowScreenSharing: cfg.AllowScreenSharing,
    // Recordings, transcriptions and live captions are a later stage: reported as off.
    EnableRecordings: false,
    EnableTranscriptions: false,
    EnableLiveCaptions: false,
    MaxRecordingDuration: 60,
    EnableSimulcast: cfg.EnableSimulcast,
    EnableRinging: cfg.EnableRinging,
    // Nothing is licence-gated here, which is what an Enterprise SKU means to clients.
    sku_short_name: 'enterprise',
    HostControlsAllowed: true,
    EnableAV1: cfg.EnableAV1,
    GroupCallsAllowed: true,
    EnableDCSignaling: cfg.EnableDCSignaling,
    EnableVideo: cfg.EnableVideo,
  };
}

export function adminConfig(cfg: CallsConfig): Record<string, unknown> {
  return { ...structuredClone(cfg), ICEHostPortOverride: cfg.ICEHostPortOverride ?? null, ...clientConfig(cfg) };
}

export interface TurnCredentials {
  urls: string[];
  username: string;
  credential: string;
}

/** TURN REST credentials (draft-uberti-behave-turn-rest): username `<expiry>:<user>`, HMAC-SHA1 of it, base64. */
export function turnCredentials(cfg: CallsConfig, username: string, now = Date.now()): TurnCredentials[] {
  const expiry = Math.floor(now / 1000) + cfg.TURNCredentialsExpirationMinutes * 60;
  const user = `${expiry}:${username}`;
  const credential = createHmac('sha1', cfg.TURNStaticAuthSecret).update(user).digest('base64');
  return turnConfigsForCredentials(cfg).map((s) => ({ urls: [...s.urls], username: user, credential }));
}
