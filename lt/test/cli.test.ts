// lt's command line as an operator meets it, through the built CLI in a process of its own: usage errors
// exit with code 2 and one clear line, -help prints the usage, an unreachable site is named.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { createServer, type AddressInfo } from 'node:net';
import { runLt as lt } from './helpers/lt-cli.js';

describe('lt command line', () => {
  it('exits with code 2 and says what is wrong on bad flags', async () => {
    const calls = await lt(['-calls', '2', '-channel', 'abc']);
    assert.equal(calls.code, 2);
    assert.equal(calls.stderr.trim(), '-channel requires -calls 1');
    const users = await lt(['-users-per-call', 'many']);
    assert.equal(users.code, 2);
    assert.equal(users.stderr.trim(), '-users-per-call: "many" is not an integer');
    const unknown = await lt(['-video', '1']);
    assert.equal(unknown.code, 2);
    assert.match(unknown.stderr, /^unknown flag -video\n\nusage: npm run lt -- \[flags\]/);
    assert.equal(unknown.stdout, '');
  });

  it('prints the usage on -help and exits 0', async () => {
    const help = await lt(['-help']);
    assert.equal(help.code, 0);
    assert.match(help.stdout, /^usage: npm run lt -- \[flags\]/);
    assert.match(help.stdout, /-users-per-call +participants per call \(default 1\)/);
  });

  it('says which site it cannot reach', async () => {
    // A port that was free a moment ago: nothing listens there.
    const srv = createServer();
    await new Promise<void>((resolve) => srv.listen(0, '127.0.0.1', resolve));
    const port = (srv.address() as AddressInfo).port;
    await new Promise((resolve) => srv.close(resolve));
    const r = await lt(['-url', `http://127.0.0.1:${port}`, '-duration', '5s', '-join-duration', '1s', '-progress=false']);
    assert.equal(r.code, 1);
    assert.equal(r.stderr, `lt: cannot reach http://127.0.0.1:${port} (connect ECONNREFUSED 127.0.0.1:${port})\n`);
  });
});
