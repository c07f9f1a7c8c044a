/// <reference types="node" />
// Settings forms generated from settings_schema: which fields show, starting values, checks, and what
// is sent to the config API.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import type { PluginSettingsSchema } from '@mattermost/types/plugins';
import { formSections, initialValues, toStored, validate } from '../src/admin/schema.js';

const schema = {
  header: '',
  footer: '',
  settings: [],
  sections: [
    {
      key: 'General',
      title: 'General Settings',
      settings: [
        { key: 'MaxCallParticipants', display_name: 'Max participants', type: 'number', default: 0, help_text: '', placeholder: '' },
        { key: 'AllowScreenSharing', display_name: 'Allow screen sharing', type: 'bool', default: true, help_text: '', placeholder: '' },
        {
          key: 'RecordingQuality', display_name: 'Quality', type: 'dropdown', default: 'medium', help_text: '', placeholder: '',
          options: [{ display_name: 'Low', value: 'low' }, { display_name: 'Medium', value: 'medium' }],
        },
        { key: 'CloudOnly', display_name: 'Cloud', type: 'bool', default: false, help_text: '', placeholder: '', hosting: 'cloud' },
      ],
    },
  ],
} as unknown as PluginSettingsSchema;

describe('settings schema forms', () => {
  it('uses sections, hides cloud-only settings and starts from stored values (keys case-insensitive)', () => {
    const sections = formSections(schema);
    assert.equal(sections.length, 1);
    assert.deepEqual(sections[0]!.settings.map((s) => s.key), ['MaxCallParticipants', 'AllowScreenSharing', 'RecordingQuality']);
    const values = initialValues(schema, { maxcallparticipants: 8 });
    assert.deepEqual(values, { MaxCallParticipants: 8, AllowScreenSharing: true, RecordingQuality: 'medium' });
  });

  it('flags non-numbers and unknown options, and converts types for storage', () => {
    const errors = validate(schema, { MaxCallParticipants: 'ten', AllowScreenSharing: true, RecordingQuality: 'ultra' });
    assert.match(errors.MaxCallParticipants!, /must be a number/);
    assert.match(errors.RecordingQuality!, /Choose one/);
    assert.deepEqual(toStored(schema, { MaxCallParticipants: '12', AllowScreenSharing: 'false', RecordingQuality: 'low' }), {
      MaxCallParticipants: 12,
      AllowScreenSharing: false,
      RecordingQuality: 'low',
    });
    assert.equal(toStored(schema, { MaxCallParticipants: '' }).MaxCallParticipants, null, 'an emptied number returns to its default');
  });
});
