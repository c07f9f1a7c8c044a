// lt's command line: the reference tool's flags and defaults (with our host's port), Go-style spellings, and
// a clear LtUsageError for every bad input.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { FLAGS, LtUsageError, parseDuration, parseFlags, usage } from '../src/flags.js';

const usageError = (argv: string[], message: RegExp) => assert.throws(() => parseFlags(argv), (err: unknown) => err instanceof LtUsageError && !err.help && message.test(err.message));

describe('lt flags', () => {
  it('defaults to the reference tool\'s values, with the site on our host\'s port 8065', () => {
    const c = parseFlags([]);
    assert.equal(c.url, 'http://localhost:8065');
    assert.equal(c.team, '');
    assert.equal(c.channel, '');
    assert.equal(c.calls, 1);
    assert.equal(c.usersPerCall, 1);
    assert.equal(c.unmuted, 0);
    assert.equal(c.screenSharing, 0);
    assert.equal(c.durationMs, 60_000);
    assert.equal(c.joinDurationMs, 30_000);
    assert.equal(c.setup, true);
    assert.equal(c.adminUsername, 'sysadmin');
    assert.equal(c.adminPassword, 'Sys@dmin-sample1');
    assert.equal(c.userPrefix, 'testuser-');
    assert.equal(c.userPassword, 'testPass123$');
    assert.equal(c.offset, 0);
    assert.match(c.speechFile, /lt\/samples\/speech_0\.ogg$/);
    assert.match(c.screenFile, /lt\/samples\/screen_h\.ivf$/);
    // Found at run time (rtcd's or the plugin's endpoint).
    assert.deepEqual(c.metricsUrls, []);
    assert.equal(c.json, '');
    assert.equal(c.progress, true);
  });

  it('takes every reference flag, as -name value, -name=value and --name', () => {
    const full = parseFlags([
      '-url', 'http://chat.example.com:8065/',
      '--team=t1',
      '-calls', '1',
      '-users-per-call=10',
      '-unmuted', '2',
      '-screen-sharing', '1',
      '-duration', '2m30s',
      '-join-duration=45s',
      '-setup=false',
      '-channel', 'c1',
      '-admin-username', 'root',
      '-admin-password', 'pw',
      '-user-prefix', 'load-',
      '-user-password', 'secret',
      '-offset', '100',
      '-metrics-url', 'http://rtcd-a:8045/metrics, http://rtcd-b:8045/metrics',
      '--json', 'out.json',
      '-progress=false',
    ]);
    assert.equal(full.url, 'http://chat.example.com:8065', 'trailing slash dropped');
    assert.equal(full.team, 't1');
    assert.equal(full.channel, 'c1');
    assert.equal(full.calls, 1);
    assert.equal(full.usersPerCall, 10);
    assert.equal(full.unmuted, 2);
    assert.equal(full.screenSharing, 1);
    assert.equal(full.durationMs, 150_000);
    assert.equal(full.joinDurationMs, 45_000);
    assert.equal(full.setup, false);
    assert.equal(full.adminUsername, 'root');
    assert.equal(full.adminPassword, 'pw');
    assert.equal(full.userPrefix, 'load-');
    assert.equal(full.userPassword, 'secret');
    assert.equal(full.offset, 100);
    assert.deepEqual(full.metricsUrls, ['http://rtcd-a:8045/metrics', 'http://rtcd-b:8045/metrics']);
    assert.equal(full.json, 'out.json');
    assert.equal(full.progress, false);
    // A bare boolean flag means true.
    assert.equal(parseFlags(['-setup']).setup, true);
  });

  it('reads Go-style durations', () => {
    assert.equal(parseDuration('90s'), 90_000);
    assert.equal(parseDuration('1m30s'), 90_000);
    assert.equal(parseDuration('1h'), 3_600_000);
    assert.equal(parseDuration('500ms'), 500);
    assert.equal(parseDuration('1.5s'), 1500);
    assert.equal(parseDuration('20'), 20_000, 'a bare number is seconds');
    for (const bad of ['', 'soon', '10x', '5s later', '-5s']) assert.throws(() => parseDuration(bad), LtUsageError, bad);
  });

  it('refuses bad input with a message naming the flag', () => {
    usageError(['-users-per-call', 'many'], /-users-per-call: "many" is not an integer/);
    usageError(['-setup=maybe'], /-setup: "maybe" is not a boolean/);
    usageError(['-duration', 'soon'], /invalid duration "soon"/);
    usageError(['-calls'], /-calls needs a value/);
    usageError(['-bogus', '1'], /unknown flag -bogus/);
    usageError(['stray'], /unexpected argument "stray"/);
    usageError(['-url', 'not a url'], /-url: "not a url" is not a URL/);
    usageError(['-url', 'ftp://x'], /-url must be http\(s\)/);
    usageError(['-calls', '0'], /-calls must be at least 1/);
    usageError(['-users-per-call', '0'], /-users-per-call must be at least 1/);
    usageError(['-users-per-call', '2', '-unmuted', '3'], /-unmuted must be between 0 and -users-per-call/);
    usageError(['-calls', '2', '-screen-sharing', '3'], /-screen-sharing must be between 0 and -calls/);
    usageError(['-offset', '-1'], /-offset must not be negative/);
    usageError(['-calls', '2', '-channel', 'abc'], /-channel requires -calls 1/);
    usageError(['-setup=false', '-team', 't'], /-setup=false requires both -team and -channel/);
    usageError(['-duration', '10s', '-join-duration', '10s'], /-join-duration must be shorter than -duration/);
    usageError(['-calls', '100', '-users-per-call', '100'], /at most 5000 simulated users per agent/);
    usageError(['-metrics-url', 'nope'], /-metrics-url: "nope" is not a URL/);
  });

  it('answers -help with the usage, listing every flag', () => {
    assert.throws(() => parseFlags(['-help']), (err: unknown) => err instanceof LtUsageError && err.help);
    const text = usage();
    for (const name of Object.keys(FLAGS)) assert.match(text, new RegExp(`-${name} `));
    assert.match(text, /\(default http:\/\/localhost:8065\)/);
  });
});
