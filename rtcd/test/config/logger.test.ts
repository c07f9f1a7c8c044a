// Logging per the reference logger.* keys: JSON or readable lines, per-destination levels.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../src/logger/index.js';

const base = {
  enableConsole: false,
  consoleJSON: false,
  consoleLevel: 'info' as const,
  enableColor: false,
};

test('file logging: JSON records at or above file_level', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'rtcd-log-')), 'sub', 'rtcd.log');
  const { logger, flush } = createLogger({ ...base, enableFile: true, fileJSON: true, fileLevel: 'warn', fileLocation: file });
  logger.info('hidden');
  logger.warn({ sessionID: 's1' }, 'shown');
  flush();
  const lines = readFileSync(file, 'utf8').trim().split('\n').map((l) => JSON.parse(l) as Record<string, unknown>);
  assert.equal(lines.length, 1);
  assert.equal(lines[0]!.msg, 'shown');
  assert.equal(lines[0]!.sessionID, 's1');
  assert.equal(lines[0]!.level, 40);
});

test('file logging without JSON: one readable line per record with its fields', () => {
  const file = join(mkdtempSync(join(tmpdir(), 'rtcd-log-')), 'rtcd.log');
  const { logger, flush } = createLogger({ ...base, enableFile: true, fileJSON: false, fileLevel: 'debug', fileLocation: file });
  logger.debug({ connID: 'abc', n: 2 }, 'hello there');
  flush();
  const text = readFileSync(file, 'utf8');
  assert.match(text, /^\d{4}-\d\d-\d\dT[\d:.]+Z debug hello there connID="abc" n=2\n$/);
});
