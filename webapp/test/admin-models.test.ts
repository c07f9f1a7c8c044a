// The settings form's rules and the statistics page's series, from the real manifest.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { test } from 'node:test';
import { checkIceServers, initialValues, patchOf, sectionsOf, validateAll, validateField } from '../src/admin/settings-model.js';
import { byChannelType, dailySeries, monthlySeries, niceTicks } from '../src/admin/stats-model.js';

const manifest = JSON.parse(readFileSync(new URL('../../plugin.json', import.meta.url), 'utf8'));
const schema = manifest.settings_schema;

test('the manifest becomes typed sections; DefaultEnabled is "Test mode"', () => {
  const sections = sectionsOf(schema);
  const fields = Object.fromEntries(sections.flatMap((s) => s.fields).map((f) => [f.key, f]));
  assert.equal(fields.DefaultEnabled!.kind, 'test-mode');
  assert.equal(fields.DefaultEnabled!.label, 'Test mode');
  assert.equal(fields.AllowScreenSharing!.kind, 'toggle');
  assert.equal(fields.UDPServerPort!.kind, 'number');
  assert.equal(fields.ICEServersConfigs!.kind, 'json');
  assert.equal(fields.TURNStaticAuthSecret!.kind, 'secret');
  assert.ok(sections.every((s) => s.title !== ''));
});

test('initial values: stored (lower-cased keys too) over defaults; only changes are sent, typed', () => {
  const sections = sectionsOf(schema);
  const initial = initialValues(sections, { udpserverport: 9443, DefaultEnabled: true }, schema);
  assert.equal(initial.UDPServerPort, '9443');
  assert.equal(initial.TCPServerPort, '8443');
  assert.equal(initial.DefaultEnabled, true);
  assert.equal(initial.AllowScreenSharing, true);
  const patch = patchOf(sections, initial, { ...initial, UDPServerPort: '10000', DefaultEnabled: false, MaxCallParticipants: '' });
  assert.deepEqual(patch, { UDPServerPort: 10000, DefaultEnabled: false, MaxCallParticipants: null });
});

test('the Calls rules name what is wrong', () => {
  const all = {};
  assert.match(validateField('UDPServerPort', '70', all), /between 80 and 49151/);
  assert.match(validateField('TCPServerPort', '8443x', all), /whole number/);
  assert.equal(validateField('ICEHostPortOverride', '0', all), '');
  assert.match(validateField('MaxCallParticipants', '-1', all), /0 or more/);
  assert.match(validateField('UDPServerAddress', 'example.com', all), /not an IP address/);
  assert.equal(validateField('UDPServerAddress', '10.0.0.1', all), '');
  assert.match(validateField('RTCDServiceURL', 'http://rtcd', all), /include a port/);
  assert.match(validateField('RTCDServiceURL', 'ftp://rtcd:8045', all), /http/);
  assert.equal(validateField('RTCDServiceURL', 'http://id:key@rtcd:8045', all), '');
  assert.match(validateField('TURNCredentialsExpirationMinutes', '20000', { ServerSideTURN: true, TURNStaticAuthSecret: 's' }), /one week/);
  assert.equal(checkIceServers('[{"urls":["stun:stun.example.com:3478"]},{"urls":"turn:t.example.com","username":"u","credential":"c"}]'), '');
  assert.match(checkIceServers('{"urls":[]}'), /JSON array/);
  assert.match(checkIceServers('[{"urls":["http://x"]}]'), /Entry 1/);
  assert.match(checkIceServers('[{'), /Not valid JSON/);
  const sections = sectionsOf(schema);
  const values = initialValues(sections, {}, schema);
  assert.deepEqual(validateAll(sections, values), {}, 'the defaults are valid');
  assert.deepEqual(Object.keys(validateAll(sections, { ...values, UDPServerPort: '1' })), ['UDPServerPort']);
});

test('statistics series are continuous (missing days are zero) and axes round', () => {
  const now = new Date(Date.UTC(2026, 2, 2, 15));
  const days = dailySeries({ '2026-03-01': 4, '2026-02-28': 2, '2025-01-01': 9 }, now, 4);
  assert.deepEqual(days.map((d) => [d.key, d.value]), [['2026-02-27', 0], ['2026-02-28', 2], ['2026-03-01', 4], ['2026-03-02', 0]]);
  assert.equal(days[1]!.label, 'Feb 28');
  const months = monthlySeries({ '2025-12': 3, '2026-03': 1 }, now, 4);
  assert.deepEqual(months.map((m) => [m.key, m.value]), [['2025-12', 3], ['2026-01', 0], ['2026-02', 0], ['2026-03', 1]]);
  assert.deepEqual(byChannelType({ O: 3, D: 1 }).map((t) => t.value), [3, 0, 1, 0]);
  assert.deepEqual(niceTicks(0), [0, 1]);
  assert.deepEqual(niceTicks(2), [0, 1, 2]);
  assert.deepEqual(niceTicks(7), [0, 2, 4, 6, 8]);
  assert.deepEqual(niceTicks(95), [0, 20, 40, 60, 80, 100]);
});
