// `node host/dist/main.js` as `npm start` runs it (built JavaScript, defaults relative to the working
// directory), on free ports: startup lines, the web app and API served, a clean SIGTERM shutdown.
import { describe, it, after } from 'node:test';
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createInterface } from 'node:readline';

const MAIN = join(import.meta.dirname, '..', 'dist', 'main.js');

describe('host main (npm start)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'host-main-'));
  let child: ChildProcess | undefined;
  after(() => {
    child?.kill('SIGKILL');
    rmSync(dir, { recursive: true, force: true });
  });

  it('starts with SQLite under ./data, logs the URL and how to log in, serves the app and API, stops on SIGTERM', async () => {
    assert.ok(existsSync(MAIN), 'host/dist/main.js exists (run npm run build first)');
    child = spawn(process.execPath, [MAIN], {
      cwd: dir,
      env: {
        PATH: process.env.PATH,
        MM_SERVICESETTINGS_LISTENADDRESS: '127.0.0.1:0',
        MM_METRICSSETTINGS_LISTENADDRESS: '127.0.0.1:0',
        MM_PLUGINSETTINGS_DIRECTORIES: join(import.meta.dirname, 'fixtures', 'unbuilt-plugin'),
      },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const lines: { msg?: string; url?: string; metrics?: string; level?: number }[] = [];
    createInterface({ input: child.stdout! }).on('line', (l) => {
      try {
        lines.push(JSON.parse(l));
      } catch {
        // not a log line
      }
    });
    const exited = new Promise<number | null>((r) => child!.once('exit', (code) => r(code)));
    const started = await new Promise<{ url: string; metrics: string }>((resolve, reject) => {
      const timer = setInterval(() => {
        const l = lines.find((x) => x.msg?.startsWith('Calls host listening on'));
        if (l) {
          clearInterval(timer);
          resolve({ url: l.url!, metrics: l.metrics! });
        }
      }, 20);
      void exited.then((code) => {
        clearInterval(timer);
        reject(new Error(`host exited early with ${code}`));
      });
    });
    assert.ok(lines.some((l) => /sign up: the first account becomes the system admin/.test(l.msg ?? '')), 'says how to get in');
    assert.ok(lines.some((l) => l.level === 40 && /server executable .* does not exist/.test(l.msg ?? '')), 'an unbuilt plugin is a warning');
    assert.ok(existsSync(join(dir, 'data', 'calls.sqlite')), 'SQLite file under ./data of the working directory');

    const home = await fetch(`${started.url}/`);
    assert.equal(home.status, 200);
    assert.match(home.headers.get('content-type') ?? '', /text\/html/);
    const deep = await fetch(`${started.url}/calls/channels/town-square`);
    assert.match(deep.headers.get('content-type') ?? '', /text\/html/, 'client-side routes get the app');
    const missing = await fetch(`${started.url}/api/v4/nope`);
    assert.equal(missing.status, 404);
    assert.equal(((await missing.json()) as { status_code: number }).status_code, 404);
    const signup = await fetch(`${started.url}/api/v4/users`, { method: 'POST', body: JSON.stringify({ username: 'first', email: 'first@example.com', password: 'a-long-password' }) });
    assert.equal(signup.status, 201);
    assert.match(((await signup.json()) as { roles: string }).roles, /system_admin/);
    assert.equal((await fetch(`${started.metrics}/metrics`)).status, 200);

    child.kill('SIGTERM');
    assert.equal(await exited, 0);
  });
});
