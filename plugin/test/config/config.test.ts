// Configuration: the manifest's settings and defaults, MM_CALLS_* overrides (names, parsing, the deprecated
// aliases), validation messages, and the client view.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { createHmac } from 'node:crypto';
import { ConfigError, FIELDS, defaultConfig, parseConfig } from '../../src/config/config.js';
import { envVarFor, fieldNameToEnvKey } from '../../src/config/env.js';
import { clientConfig, turnCredentials } from '../../src/config/client-config.js';

const manifest = JSON.parse(readFileSync(new URL('../../../plugin.json', import.meta.url), 'utf8')) as {
  id: string;
  server: { executable: string };
  webapp: { bundle_path: string };
  props: Record<string, string>;
  settings_schema: { sections: { key: string; settings: { key: string; type: string; default?: unknown }[] }[] };
};

describe('plugin.json', () => {
  it('declares the Calls plugin with the reference sections, keys and defaults (no recording settings yet)', () => {
    assert.equal(manifest.id, 'com.mattermost.calls');
    assert.equal(manifest.server.executable, 'plugin/dist/main.js');
    assert.equal(manifest.webapp.bundle_path, 'webapp/dist/main.js');
    assert.equal(manifest.props.min_rtcd_version, 'v0.17.0');
    assert.deepEqual(manifest.settings_schema.sections.map((s) => s.key), ['GeneralSettings', 'RTCDService', 'RTCServer', 'ICEAndTURN']);
    const settings = Object.fromEntries(manifest.settings_schema.sections.flatMap((s) => s.settings).map((s) => [s.key, s]));
    const defaults = defaultConfig() as unknown as Record<string, unknown>;
    for (const [key, def] of Object.entries(settings)) {
      assert.ok(key in FIELDS, `${key} is a configuration field`);
      if (def.default === undefined) continue;
      const expected = key === 'ICEServersConfigs' ? JSON.parse(def.default as string) : def.default;
      assert.deepEqual(defaults[key], expected, `default of ${key}`);
    }
    assert.equal(settings.DefaultEnabled!.type, 'custom');
    assert.equal(defaults.DefaultEnabled, false, 'test mode is on by default');
    for (const k of ['EnableRecordings', 'JobServiceURL', 'EnableTranscriptions', 'EnableLiveCaptions']) assert.equal(settings[k], undefined);
  });
});

describe('environment overrides', () => {
  it('names variables like the reference', () => {
    assert.equal(fieldNameToEnvKey('RTCDServiceURL'), 'RTCD_SERVICE_URL');
    assert.equal(fieldNameToEnvKey('ICEHostOverride'), 'ICE_HOST_OVERRIDE');
    assert.equal(fieldNameToEnvKey('TURNCredentialsExpirationMinutes'), 'TURN_CREDENTIALS_EXPIRATION_MINUTES');
    assert.equal(fieldNameToEnvKey('MaxCallParticipants'), 'MAX_CALL_PARTICIPANTS');
    assert.equal(envVarFor('ICEServersConfigs'), 'MM_CALLS_ICE_SERVERS_CONFIGS');
    assert.equal(envVarFor('UDPServerPort'), 'MM_CALLS_UDP_SERVER_PORT');
  });

  it('win over stored settings and are listed', () => {
    const { config, envOverrides } = parseConfig(
      { RTCDServiceURL: '', MaxCallParticipants: 5, AllowScreenSharing: true },
      { MM_CALLS_RTCD_SERVICE_URL: 'http://rtcd:8045', MM_CALLS_ALLOW_SCREEN_SHARING: 'false', MM_CALLS_ICE_SERVERS: 'stun:a:1, stun:b:2', OTHER: 'x' },
    );
    assert.equal(config.RTCDServiceURL, 'http://rtcd:8045');
    assert.equal(config.AllowScreenSharing, false);
    assert.equal(config.MaxCallParticipants, 5);
    assert.deepEqual(config.ICEServers, ['stun:a:1', 'stun:b:2']);
    assert.deepEqual(envOverrides, { RTCDServiceURL: 'http://rtcd:8045', AllowScreenSharing: 'false', ICEServers: 'stun:a:1, stun:b:2' });
  });

  it('honour the deprecated aliases only when the canonical variable is absent', () => {
    const legacy = parseConfig({}, { MM_CALLS_RTCD_URL: 'http://old:8045', MM_CALLS_MAX_PARTICIPANTS: '8' });
    assert.equal(legacy.config.RTCDServiceURL, 'http://old:8045');
    assert.equal(legacy.config.MaxCallParticipants, 8);
    assert.deepEqual(legacy.envOverrides, { RTCDServiceURL: 'http://old:8045', MaxCallParticipants: '8' });
    const both = parseConfig({}, { MM_CALLS_RTCD_URL: 'http://old:8045', MM_CALLS_RTCD_SERVICE_URL: 'http://new:8045' });
    assert.equal(both.config.RTCDServiceURL, 'http://new:8045');
  });

  it('a value that does not parse is an error naming the variable', () => {
    assert.throws(() => parseConfig({}, { MM_CALLS_UDP_SERVER_PORT: 'eighty' }), (e: Error) => e instanceof ConfigError && /MM_CALLS_UDP_SERVER_PORT: "eighty" is not an integer/.test(e.message));
    assert.throws(() => parseConfig({}, { MM_CALLS_ENABLE_RINGING: 'maybe' }), /MM_CALLS_ENABLE_RINGING: "maybe" is not true or false/);
    assert.throws(() => parseConfig({}, { MM_CALLS_ICE_SERVERS_CONFIGS: '{oops' }), /MM_CALLS_ICE_SERVERS_CONFIGS: not valid JSON/);
  });
});

describe('validation', () => {
  const bad: [Record<string, unknown>, RegExp][] = [
    [{ UDPServerPort: 79 }, /UDPServerPort is not valid: 79 is not in allowed range \[80, 49151\]/],
    [{ TCPServerPort: 49152 }, /TCPServerPort is not valid/],
    [{ UDPServerAddress: 'localhost' }, /UDPServerAddress: "localhost" is not an IP address/],
    [{ MaxCallParticipants: -2 }, /MaxCallParticipants is not valid/],
    [{ MaxCallParticipants: 2.5 }, /MaxCallParticipants: 2.5 is not an integer/],
    [{ TURNCredentialsExpirationMinutes: -1 }, /TURNCredentialsExpirationMinutes is not valid/],
    [{ ICEHostPortOverride: 22 }, /ICEHostPortOverride is not valid/],
    [{ ICEServersConfigs: '{"urls":["stun:x:1"]}' }, /must be a JSON array/],
    [{ ICEServersConfigs: '[{"urls":["https://x"]}]' }, /ICEServersConfigs\[0\]\.urls/],
    [{ ICEServersConfigs: '[{"urls":["turn:x:1"],"credential":5}]' }, /ICEServersConfigs\[0\]\.credential: must be a string/],
    [{ RTCDServiceURL: 'rtcd:8045' }, /RTCDServiceURL/],
    [{ RTCDServiceURL: 'ftp://rtcd:8045' }, /scheme must be http or https/],
    [{ RTCDServiceURL: 'https://id:key@rtcd.example.com' }, /must include a port/],
    [{ AllowScreenSharing: 'sometimes' }, /AllowScreenSharing/],
  ];
  for (const [stored, message] of bad) {
    it(`refuses ${JSON.stringify(stored)}`, () => {
      assert.throws(() => parseConfig(stored, {}), (e: Error) => e instanceof ConfigError && message.test(e.message));
    });
  }

  it('accepts the defaults, an empty number, credentials in the rtcd URL and ICEHostPortOverride 0', () => {
    assert.doesNotThrow(() => parseConfig({}, {}));
    const { config } = parseConfig({ ICEHostPortOverride: '', RTCDServiceURL: 'http://client:secret@10.0.0.1:8045' }, {});
    assert.equal(config.ICEHostPortOverride, undefined);
    assert.equal(parseConfig({ ICEHostPortOverride: 0 }, {}).config.ICEHostPortOverride, 0);
  });
});

describe('client view and TURN credentials', () => {
  it('TURN servers without credentials are left out for clients, who are told to fetch them', () => {
    const { config } = parseConfig(
      { TURNStaticAuthSecret: 's3cret', ICEServersConfigs: '[{"urls":["stun:s:1"]},{"urls":["turn:t:3478"]},{"urls":["turns:u:5349"],"username":"a","credential":"b"}]' },
      {},
    );
    const c = clientConfig(config);
    assert.equal(c.NeedsTURNCredentials, true);
    assert.deepEqual(c.ICEServersConfigs, [{ urls: ['stun:s:1'] }, { urls: ['turns:u:5349'], username: 'a', credential: 'b' }]);
    const creds = turnCredentials(config, 'alice', 1_700_000_000_000);
    const username = `${1_700_000_000 + 240 * 60}:alice`;
    assert.deepEqual(creds, [{ urls: ['turn:t:3478'], username, credential: createHmac('sha1', 's3cret').update(username).digest('base64') }]);
  });
});
