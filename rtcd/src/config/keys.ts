// Every config key in one table: its TOML path, its env variable (the reference's envconfig names:
// RTCD_ + upper-cased Go field names, no word splitting), how to parse it and where it lands.
import { defaultRtcServerConfig } from '../rtc/config.js';
import type { IceServerConfig } from '../rtc/types.js';
import type { LogLevel, RtcdConfig } from './types.js';

export class ConfigError extends Error {
  override readonly name = 'ConfigError';
}

type Kind = 'string' | 'bool' | 'int' | 'list' | 'portOrString' | 'iceServers' | 'level';

export interface KeySpec {
  toml: string;
  env: string;
  kind: Kind;
  get(c: RtcdConfig): unknown;
  set(c: RtcdConfig, v: never): void;
}

function key<T>(toml: string, env: string, kind: Kind, get: (c: RtcdConfig) => T, set: (c: RtcdConfig, v: T) => void): KeySpec {
  return { toml, env, kind, get, set: set as (c: RtcdConfig, v: never) => void };
}

export const KEYS: readonly KeySpec[] = [
  key('api.http.listen_address', 'RTCD_API_HTTP_LISTENADDRESS', 'string', (c) => c.api.http.listenAddress, (c, v: string) => (c.api.http.listenAddress = v)),
  key('api.http.tls.enable', 'RTCD_API_HTTP_TLS_ENABLE', 'bool', (c) => c.api.http.tls.enable, (c, v: boolean) => (c.api.http.tls.enable = v)),
  key('api.http.tls.cert_file', 'RTCD_API_HTTP_TLS_CERTFILE', 'string', (c) => c.api.http.tls.certFile, (c, v: string) => (c.api.http.tls.certFile = v)),
  key('api.http.tls.cert_key', 'RTCD_API_HTTP_TLS_CERTKEY', 'string', (c) => c.api.http.tls.certKey, (c, v: string) => (c.api.http.tls.certKey = v)),
  key('api.security.allow_self_registration', 'RTCD_API_SECURITY_ALLOWSELFREGISTRATION', 'bool', (c) => c.api.security.allowSelfRegistration, (c, v: boolean) => (c.api.security.allowSelfRegistration = v)),
  key('api.security.enable_admin', 'RTCD_API_SECURITY_ENABLEADMIN', 'bool', (c) => c.api.security.enableAdmin, (c, v: boolean) => (c.api.security.enableAdmin = v)),
  key('api.security.admin_secret_key', 'RTCD_API_SECURITY_ADMINSECRETKEY', 'string', (c) => c.api.security.adminSecretKey, (c, v: string) => (c.api.security.adminSecretKey = v)),
  key('api.security.session_cache.expiration_minutes', 'RTCD_API_SECURITY_SESSIONCACHE_EXPIRATIONMINUTES', 'int', (c) => c.api.security.sessionCache.expirationMinutes, (c, v: number) => (c.api.security.sessionCache.expirationMinutes = v)),
  key('api.metrics.allowed_ips', 'RTCD_API_METRICS_ALLOWEDIPS', 'list', (c) => c.api.metrics.allowedIPs, (c, v: string[]) => (c.api.metrics.allowedIPs = v)),
  key('api.metrics.token', 'RTCD_API_METRICS_TOKEN', 'string', (c) => c.api.metrics.token, (c, v: string) => (c.api.metrics.token = v)),
  key('rtc.ice_address_udp', 'RTCD_RTC_ICEADDRESSUDP', 'list', (c) => c.rtc.iceAddressUDP, (c, v: string[]) => (c.rtc.iceAddressUDP = v)),
  key('rtc.ice_port_udp', 'RTCD_RTC_ICEPORTUDP', 'int', (c) => c.rtc.icePortUDP, (c, v: number) => (c.rtc.icePortUDP = v)),
  key('rtc.ice_address_tcp', 'RTCD_RTC_ICEADDRESSTCP', 'list', (c) => c.rtc.iceAddressTCP, (c, v: string[]) => (c.rtc.iceAddressTCP = v)),
  key('rtc.ice_port_tcp', 'RTCD_RTC_ICEPORTTCP', 'int', (c) => c.rtc.icePortTCP, (c, v: number) => (c.rtc.icePortTCP = v)),
  key('rtc.enable_ipv6', 'RTCD_RTC_ENABLEIPV6', 'bool', (c) => c.rtc.enableIPv6, (c, v: boolean) => (c.rtc.enableIPv6 = v)),
  key('rtc.ice_host_override', 'RTCD_RTC_ICEHOSTOVERRIDE', 'string', (c) => c.rtc.iceHostOverride, (c, v: string) => (c.rtc.iceHostOverride = v)),
  key('rtc.ice_host_port_override', 'RTCD_RTC_ICEHOSTPORTOVERRIDE', 'portOrString', (c) => c.rtc.iceHostPortOverride, (c, v: string) => (c.rtc.iceHostPortOverride = v)),
  key('rtc.ice_servers', 'RTCD_RTC_ICESERVERS', 'iceServers', (c) => c.rtc.iceServers, (c, v: IceServerConfig[]) => (c.rtc.iceServers = v)),
  key('rtc.turn.static_auth_secret', 'RTCD_RTC_TURNCONFIG_STATICAUTHSECRET', 'string', (c) => c.rtc.turn.staticAuthSecret, (c, v: string) => (c.rtc.turn.staticAuthSecret = v)),
  key('rtc.turn.credentials_expiration_minutes', 'RTCD_RTC_TURNCONFIG_CREDENTIALSEXPIRATIONMINUTES', 'int', (c) => c.rtc.turn.credentialsExpirationMinutes, (c, v: number) => (c.rtc.turn.credentialsExpirationMinutes = v)),
  key('rtc.udp_sockets_count', 'RTCD_RTC_UDPSOCKETSCOUNT', 'int', (c) => c.rtc.udpSocketsCount, (c, v: number) => (c.rtc.udpSocketsCount = v)),
  key('rtc.nack_buffer_size', 'RTCD_RTC_NACKBUFFERSIZE', 'int', (c) => c.rtc.nackBufferSize, (c, v: number) => (c.rtc.nackBufferSize = v)),
  key('rtc.nack_disable_copy', 'RTCD_RTC_NACKDISABLECOPY', 'bool', (c) => c.rtc.nackDisableCopy, (c, v: boolean) => (c.rtc.nackDisableCopy = v)),
  key('rtc.media_workers', 'RTCD_RTC_MEDIAWORKERS', 'int', (c) => c.rtc.mediaWorkers, (c, v: number) => (c.rtc.mediaWorkers = v)),
  key('rtc.drain_timeout_seconds', 'RTCD_RTC_DRAINTIMEOUTSECONDS', 'int', (c) => c.rtc.drainTimeoutSeconds, (c, v: number) => (c.rtc.drainTimeoutSeconds = v)),
  key('store.data_source', 'RTCD_STORE_DATASOURCE', 'string', (c) => c.store.dataSource, (c, v: string) => (c.store.dataSource = v)),
  key('logger.enable_console', 'RTCD_LOGGER_ENABLECONSOLE', 'bool', (c) => c.logger.enableConsole, (c, v: boolean) => (c.logger.enableConsole = v)),
  key('logger.console_json', 'RTCD_LOGGER_CONSOLEJSON', 'bool', (c) => c.logger.consoleJSON, (c, v: boolean) => (c.logger.consoleJSON = v)),
  key('logger.console_level', 'RTCD_LOGGER_CONSOLELEVEL', 'level', (c) => c.logger.consoleLevel, (c, v: LogLevel) => (c.logger.consoleLevel = v)),
  key('logger.enable_file', 'RTCD_LOGGER_ENABLEFILE', 'bool', (c) => c.logger.enableFile, (c, v: boolean) => (c.logger.enableFile = v)),
  key('logger.file_json', 'RTCD_LOGGER_FILEJSON', 'bool', (c) => c.logger.fileJSON, (c, v: boolean) => (c.logger.fileJSON = v)),
  key('logger.file_level', 'RTCD_LOGGER_FILELEVEL', 'level', (c) => c.logger.fileLevel, (c, v: LogLevel) => (c.logger.fileLevel = v)),
  key('logger.file_location', 'RTCD_LOGGER_FILELOCATION', 'string', (c) => c.logger.fileLocation, (c, v: string) => (c.logger.fileLocation = v)),
  key('logger.enable_color', 'RTCD_LOGGER_ENABLECOLOR', 'bool', (c) => c.logger.enableColor, (c, v: boolean) => (c.logger.enableColor = v)),
];

/** The reference defaults (service/*config.go SetDefaults), plus ours. */
export function defaultConfig(): RtcdConfig {
  return {
    api: {
      http: { listenAddress: ':8045', tls: { enable: false, certFile: '', certKey: '' } },
      security: { allowSelfRegistration: false, enableAdmin: false, adminSecretKey: '', sessionCache: { expirationMinutes: 1440 } },
      metrics: { allowedIPs: [], token: '' },
    },
    rtc: { ...defaultRtcServerConfig(), drainTimeoutSeconds: 0 },
    store: { dataSource: '/tmp/rtcd_db' },
    logger: {
      enableConsole: true,
      consoleJSON: false,
      consoleLevel: 'info',
      enableFile: true,
      fileJSON: true,
      fileLevel: 'debug',
      fileLocation: 'rtcd.log',
      enableColor: false,
    },
  };
}
