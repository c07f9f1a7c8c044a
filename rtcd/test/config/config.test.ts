import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { ConfigError, defaultConfig, loadConfig, toRtcServerConfig } from '../../src/config/index.js';

const dir = mkdtempSync(join(tmpdir(), 'rtcd-config-'));
function file(text: string): string {
  const p = join(dir, `${Math.random().toString(36).slice(2)}.toml`);
  writeFileSync(p, text);
  return p;
}
function expectError(fn: () => unknown, match: RegExp) {
  assert.throws(fn, (err: unknown) => err instanceof ConfigError && match.test(err.message));
}

test('missing file: reference defaults and a notice', () => {
  const { config, notices } = loadConfig({ path: join(dir, 'nope.toml'), env: {} });
  assert.deepEqual(config, defaultConfig());
  assert.equal(config.api.http.listenAddress, ':8045');
  assert.equal(config.rtc.icePortUDP, 8443);
  assert.equal(config.store.dataSource, '/tmp/rtcd_db');
  assert.equal(config.logger.consoleLevel, 'info');
  assert.match(notices[0]!, /config file not found at .*nope\.toml, using defaults/);
});

test('the sample config loads and matches the defaults where the reference sample does', () => {
  const sample = fileURLToPath(new URL('../../config/config.sample.toml', import.meta.url));
  const { config, notices } = loadConfig({ path: sample, env: {} });
  assert.deepEqual(notices, []);
  assert.equal(config.logger.fileLevel, 'debug');
  assert.equal(config.rtc.nackDisableCopy, false);
  assert.equal(config.logger.enableColor, true);
});

test('TOML dotted keys and tables, ice servers as strings and tables', () => {
  const p = file(`
[api]
http.listen_address = "127.0.0.1:9000"
security.session_cache.expiration_minutes = 5
[rtc]
ice_address_udp = "10.0.0.1, 10.0.0.2"
ice_port_udp = 9443
ice_host_port_override = 8444
ice_servers = ["stun:stun.example.com:3478", {urls = ["turn:turn.example.com:3478"], username = "u", credential = "p"}]
[rtc.turn]
static_auth_secret = "s"
[Logger]
Console_Level = "WARN"
bogus = 1
`);
  const { config, notices } = loadConfig({ path: p, env: {} });
  assert.equal(config.api.http.listenAddress, '127.0.0.1:9000');
  assert.equal(config.api.security.sessionCache.expirationMinutes, 5);
  assert.deepEqual(config.rtc.iceAddressUDP, ['10.0.0.1', '10.0.0.2']);
  assert.equal(config.rtc.iceHostPortOverride, '8444');
  assert.deepEqual(config.rtc.iceServers, [
    { urls: ['stun:stun.example.com:3478'] },
    { urls: ['turn:turn.example.com:3478'], username: 'u', credential: 'p' },
  ]);
  assert.equal(config.logger.consoleLevel, 'warn');
  assert.deepEqual(notices, ['unknown config key logger.bogus ignored']);
  const rtc = toRtcServerConfig(config);
  assert.equal(rtc.icePortUDP, 9443);
  assert.equal(rtc.turn.staticAuthSecret, 's');
  assert.equal('drainTimeoutSeconds' in rtc, false);
});

test('RTCD_* env overrides with the reference names win over the file', () => {
  const p = file('[rtc]\nice_port_udp = 9443\n');
  const { config } = loadConfig({
    path: p,
    env: {
      RTCD_API_HTTP_LISTENADDRESS: ':9045',
      RTCD_RTC_ICEPORTUDP: '10443',
      RTCD_API_SECURITY_ALLOWSELFREGISTRATION: 'true',
      RTCD_API_SECURITY_SESSIONCACHE_EXPIRATIONMINUTES: '60',
      RTCD_RTC_TURNCONFIG_STATICAUTHSECRET: 'sec',
      RTCD_RTC_ICESERVERS: '["stun:a:3478","stun:b:3478"]',
      RTCD_RTC_MEDIAWORKERS: '2',
      RTCD_RTC_DRAINTIMEOUTSECONDS: '30',
      RTCD_API_METRICS_ALLOWEDIPS: '127.0.0.1,10.0.0.0/8',
      RTCD_LOGGER_ENABLEFILE: 'F',
      RTCD_LOGGER_CONSOLELEVEL: 'debug',
      RTCD_STORE_DATASOURCE: '/var/lib/rtcd',
    },
  });
  assert.equal(config.api.http.listenAddress, ':9045');
  assert.equal(config.rtc.icePortUDP, 10443);
  assert.equal(config.api.security.allowSelfRegistration, true);
  assert.equal(config.api.security.sessionCache.expirationMinutes, 60);
  assert.equal(config.rtc.turn.staticAuthSecret, 'sec');
  // a JSON list of URLs is ONE server with those URLs (the reference's ICEServers.Decode)
  assert.deepEqual(config.rtc.iceServers, [{ urls: ['stun:a:3478', 'stun:b:3478'] }]);
  assert.equal(config.rtc.mediaWorkers, 2);
  assert.equal(config.rtc.drainTimeoutSeconds, 30);
  assert.deepEqual(config.api.metrics.allowedIPs, ['127.0.0.1', '10.0.0.0/8']);
  assert.equal(config.logger.enableFile, false);
  assert.equal(config.logger.consoleLevel, 'debug');
  assert.equal(config.store.dataSource, '/var/lib/rtcd');

  const objs = loadConfig({ path: p, env: { RTCD_RTC_ICESERVERS: '[{"urls":["turn:t:3478"],"username":"u","credential":"c"}]' } });
  assert.deepEqual(objs.config.rtc.iceServers, [{ urls: ['turn:t:3478'], username: 'u', credential: 'c' }]);
});

test('invalid values: one clear message naming the key and the env variable', () => {
  const none = join(dir, 'none.toml');
  expectError(() => loadConfig({ path: none, env: { RTCD_RTC_ICEPORTUDP: '70' } }), /rtc\.ice_port_udp \(RTCD_RTC_ICEPORTUDP\): 70 is not in allowed range \[80, 49151\]/);
  expectError(() => loadConfig({ path: none, env: { RTCD_RTC_ICEPORTUDP: 'abc' } }), /env RTCD_RTC_ICEPORTUDP: "abc" is not an integer/);
  expectError(() => loadConfig({ path: none, env: { RTCD_API_SECURITY_ENABLEADMIN: 'yes' } }), /RTCD_API_SECURITY_ENABLEADMIN: "yes" is not a boolean/);
  expectError(() => loadConfig({ path: none, env: { RTCD_API_SECURITY_ENABLEADMIN: 'true' } }), /admin_secret_key.*should not be empty/);
  expectError(() => loadConfig({ path: none, env: { RTCD_API_HTTP_LISTENADDRESS: '' } }), /listen_address.*should not be empty/);
  expectError(() => loadConfig({ path: none, env: { RTCD_API_HTTP_LISTENADDRESS: 'nonsense' } }), /listen_address.*not host:port/);
  expectError(() => loadConfig({ path: none, env: { RTCD_API_SECURITY_SESSIONCACHE_EXPIRATIONMINUTES: '0' } }), /expiration_minutes.*positive/);
  expectError(() => loadConfig({ path: none, env: { RTCD_RTC_ICEADDRESSUDP: '1.2.3.4,not-an-ip' } }), /ice_address_udp.*"not-an-ip" is not a valid IP/);
  expectError(() => loadConfig({ path: none, env: { RTCD_RTC_ICESERVERS: '["stun:a","turn:b"]' } }), /ice_servers.*not all STUN or all TURN/);
  expectError(() => loadConfig({ path: none, env: { RTCD_RTC_ICESERVERS: '{oops' } }), /RTCD_RTC_ICESERVERS: not valid JSON/);
  expectError(() => loadConfig({ path: none, env: { RTCD_RTC_TURNCONFIG_STATICAUTHSECRET: 's', RTCD_RTC_TURNCONFIG_CREDENTIALSEXPIRATIONMINUTES: '10080' } }), /credentials_expiration_minutes/);
  expectError(() => loadConfig({ path: none, env: { RTCD_RTC_NACKBUFFERSIZE: '100' } }), /nack_buffer_size.*power of two/);
  expectError(() => loadConfig({ path: none, env: { RTCD_RTC_ICEHOSTPORTOVERRIDE: '10.0.0.1/8443,10.0.0.1/8444' } }), /duplicate IP/);
  expectError(() => loadConfig({ path: none, env: { RTCD_RTC_ICEHOSTOVERRIDE: '1.2.3.4/nope' } }), /ice_host_override/);
  expectError(() => loadConfig({ path: none, env: { RTCD_API_METRICS_ALLOWEDIPS: '10.0.0.0/33' } }), /allowed_ips.*prefix length/);
  expectError(() => loadConfig({ path: none, env: { RTCD_LOGGER_ENABLECONSOLE: 'false', RTCD_LOGGER_ENABLEFILE: 'false' } }), /at least one/);
  expectError(() => loadConfig({ path: none, env: { RTCD_LOGGER_CONSOLELEVEL: 'loud' } }), /unknown log level "loud"/);
  expectError(() => loadConfig({ path: none, env: { RTCD_API_HTTP_TLS_ENABLE: 'true', RTCD_API_HTTP_TLS_CERTFILE: '/nope', RTCD_API_HTTP_TLS_CERTKEY: '/nope' } }), /failed to load key pair/);
  expectError(() => loadConfig({ path: file('[rtc]\nice_port_udp = "8443"\n'), env: {} }), /config key rtc\.ice_port_udp: expected an integer, got string/);
  expectError(() => loadConfig({ path: file('[rtc\n'), env: {} }), /failed to parse config file/);
  // nack_buffer_size 0 means the default
  assert.equal(loadConfig({ path: none, env: { RTCD_RTC_NACKBUFFERSIZE: '0' } }).config.rtc.nackBufferSize, 256);
});
