// Defaults and validation of what the SFU library takes: RtcServerConfig (the `[rtc]` section of rtcd's
// config) and SessionConfig (one join). The daemon validates its file first; this is the library's own guard
// (the plugin builds configs in code), so every failure is a typed RtcError with a message naming the field.
import { isIP } from 'node:net';
import { availableParallelism } from 'node:os';
import { RtcError } from './errors.js';
import type { IceServerConfig, RtcServerConfig, SessionConfig } from './types.js';

/** The reference defaults (rtcd service/rtc/config.go), plus mediaWorkers = 0 (one per core). */
export function defaultRtcServerConfig(): RtcServerConfig {
  return {
    iceAddressUDP: [],
    icePortUDP: 8443,
    iceAddressTCP: [],
    icePortTCP: 8443,
    enableIPv6: false,
    iceHostOverride: '',
    iceHostPortOverride: '',
    iceServers: [],
    turn: { staticAuthSecret: '', credentialsExpirationMinutes: 1440 },
    udpSocketsCount: availableParallelism() * 100,
    nackBufferSize: 256,
    nackDisableCopy: true,
    mediaWorkers: 0,
  };
}

function fail(message: string): never {
  throw new RtcError('invalid_config', `invalid rtc config: ${message}`);
}

function checkAddresses(field: string, list: unknown): void {
  if (!Array.isArray(list)) fail(`${field} must be a list of IP addresses`);
  for (const a of list) {
    if (typeof a !== 'string' || isIP(a.trim()) === 0) fail(`${field}: "${String(a)}" is not an IP address`);
  }
}

function checkPort(field: string, port: unknown): void {
  // 0 = an ephemeral port (tests); the daemon enforces the reference 80..49151 range on its own config.
  if (!Number.isInteger(port) || (port as number) < 0 || (port as number) > 65535) fail(`${field} must be a port number`);
}

function checkIceServer(s: IceServerConfig, i: number): void {
  if (!s || !Array.isArray(s.urls) || s.urls.length === 0) fail(`iceServers[${i}].urls must be a non-empty list`);
  const stun = s.urls.every((u) => /^stuns?:[^\s]+$/i.test(u));
  const turn = s.urls.every((u) => /^turns?:[^\s]+$/i.test(u));
  if (!stun && !turn) fail(`iceServers[${i}]: urls must be all stun:/stuns: or all turn:/turns: (${s.urls.join(', ')})`);
}

/** Throws RtcError('invalid_config') for the first invalid field; returns the config unchanged otherwise. */
export function validateRtcServerConfig(cfg: RtcServerConfig): RtcServerConfig {
  if (!cfg || typeof cfg !== 'object') fail('missing');
  checkAddresses('iceAddressUDP', cfg.iceAddressUDP);
  checkAddresses('iceAddressTCP', cfg.iceAddressTCP);
  checkPort('icePortUDP', cfg.icePortUDP);
  checkPort('icePortTCP', cfg.icePortTCP);
  if (!Array.isArray(cfg.iceServers)) fail('iceServers must be a list');
  cfg.iceServers.forEach(checkIceServer);
  const turn = cfg.turn;
  if (!turn || typeof turn.staticAuthSecret !== 'string') fail('turn.staticAuthSecret must be a string');
  if (turn.staticAuthSecret !== '') {
    const m = turn.credentialsExpirationMinutes;
    if (!Number.isInteger(m) || m <= 0 || m >= 10080) fail('turn.credentialsExpirationMinutes must be in 1..10079');
  }
  if (!Number.isInteger(cfg.udpSocketsCount) || cfg.udpSocketsCount <= 0) fail('udpSocketsCount must be > 0');
  const n = cfg.nackBufferSize;
  const pow2 = Number.isInteger(n) && n >= 32 && n <= 8192 && (n & (n - 1)) === 0;
  if (n !== 0 && !pow2) fail('nackBufferSize must be 0 or a power of two in 32..8192');
  if (!Number.isInteger(cfg.mediaWorkers) || cfg.mediaWorkers < 0 || cfg.mediaWorkers > 256) {
    fail('mediaWorkers must be an integer in 0..256 (0 = one per core)');
  }
  return cfg;
}

/** Number of media worker threads a config asks for. */
export function mediaWorkerCount(cfg: RtcServerConfig): number {
  return cfg.mediaWorkers > 0 ? cfg.mediaWorkers : availableParallelism();
}

const MAX_ID_LENGTH = 128;

/** Throws RtcError('invalid_session_config') like the reference SessionConfig.IsValid (plus length bounds). */
export function validateSessionConfig(cfg: SessionConfig): SessionConfig {
  if (!cfg || typeof cfg !== 'object') throw new RtcError('invalid_session_config', 'invalid session config: missing');
  for (const field of ['groupID', 'callID', 'userID', 'sessionID'] as const) {
    const v = cfg[field];
    if (typeof v !== 'string' || v === '') {
      throw new RtcError('invalid_session_config', `invalid session config: ${field} should not be empty`);
    }
    if (v.length > MAX_ID_LENGTH) {
      throw new RtcError('invalid_session_config', `invalid session config: ${field} is longer than ${MAX_ID_LENGTH}`);
    }
  }
  if (cfg.props !== undefined && (cfg.props === null || typeof cfg.props !== 'object')) {
    throw new RtcError('invalid_session_config', 'invalid session config: props should be an object');
  }
  return cfg;
}
