import assert from 'node:assert/strict';
import { test } from 'node:test';
import { formatAgo, formatClock, formatDuration, formatSeconds, joinNames } from '../src/util/format.js';

test('the widget clock', () => {
  assert.equal(formatClock(0), '0:00');
  assert.equal(formatClock(-5000), '0:00');
  assert.equal(formatClock(65_400), '1:05');
  assert.equal(formatClock(3_600_000 + 62_000), '1:01:02');
});

test('how long a call lasted', () => {
  assert.equal(formatDuration(20_000), 'a few seconds');
  assert.equal(formatDuration(60_000), '1 minute');
  assert.equal(formatDuration(12 * 60_000 + 59_000), '12 minutes');
  assert.equal(formatDuration(3_600_000), '1 hour');
  assert.equal(formatDuration(2 * 3_600_000 + 5 * 60_000), '2 hours 5 minutes');
});

test('when a call started, averages, names', () => {
  assert.equal(formatAgo(30_000), 'just now');
  assert.equal(formatAgo(5 * 60_000), '5 min ago');
  assert.equal(formatAgo(3 * 3_600_000), '3 hr ago');
  assert.equal(formatAgo(49 * 3_600_000), '2 days ago');
  assert.equal(formatSeconds(35.4), '35s');
  assert.equal(formatSeconds(250), '4m 10s');
  assert.equal(formatSeconds(3900), '1h 05m');
  assert.equal(joinNames([]), '');
  assert.equal(joinNames(['ann']), 'ann');
  assert.equal(joinNames(['ann', 'bo']), 'ann and bo');
  assert.equal(joinNames(['ann', 'bo', 'cy', 'di']), 'ann, bo and 2 others');
});
