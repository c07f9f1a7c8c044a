#!/usr/bin/env node
// The one build: compiles the Node packages (tsc project references), type-checks the browser code and
// the tests, and bundles the browser code with esbuild. Steps whose sources do not exist yet are skipped.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const root = join(dirname(fileURLToPath(import.meta.url)), '..');
const tsc = join(root, 'node_modules', 'typescript', 'bin', 'tsc');
const started = Date.now();

function run(label, args) {
  const t0 = Date.now();
  const res = spawnSync(process.execPath, args, { cwd: root, stdio: 'inherit' });
  if (res.status !== 0) {
    console.error(`build: ${label} failed`);
    process.exit(res.status ?? 1);
  }
  console.log(`build: ${label} (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}

run('tsc -b rtcd host plugin lt', [tsc, '-b', 'tsconfig.json']);
for (const project of ['host/web', 'webapp']) {
  if (existsSync(join(root, project, 'src'))) run(`typecheck ${project}`, [tsc, '-p', project, '--noEmit']);
}
run('typecheck tests', [tsc, '-p', 'tsconfig.test.json']);

const bundles = await import('./bundles.mjs');
await bundles.buildAll(root);

console.log(`build: done in ${((Date.now() - started) / 1000).toFixed(1)} s`);
