// Runs the built lt CLI (lt/dist/cli.js, `npm run build`) in a process of its own, as an operator would, and
// collects its exit code and output. Not a test file itself.
import { spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { REPO_ROOT } from '../../../plugin/test/helpers/harness.js';

const CLI = join(REPO_ROOT, 'lt', 'dist', 'cli.js');

export interface LtRun {
  code: number | null;
  stdout: string;
  stderr: string;
}

export function runLt(args: string[]): Promise<LtRun> {
  if (!existsSync(CLI)) throw new Error(`${CLI} is missing: run \`npm run build\` first`);
  return new Promise((resolve) => {
    const child = spawn(process.execPath, [CLI, ...args], { cwd: REPO_ROOT, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    child.on('exit', (code) => resolve({ code, stdout, stderr }));
  });
}
