// Browser bundles built with esbuild: the host's web shell and the Calls webapp plugin bundle.
// The webapp bundle does not ship its own React: the shell exposes React on window (as Mattermost does),
// so both share one React instance.
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import * as esbuild from 'esbuild';

const common = {
  bundle: true,
  format: 'iife',
  platform: 'browser',
  target: ['chrome120'],
  sourcemap: true,
  minify: process.env.NODE_ENV === 'production',
  legalComments: 'none',
  logLevel: 'warning',
  define: { 'process.env.NODE_ENV': JSON.stringify(process.env.NODE_ENV ?? 'production') },
};

// Maps `react`, `react-dom` and `react/jsx-runtime` imports to the shell's globals.
const sharedReact = {
  name: 'shared-react',
  setup(build) {
    const globals = {
      react: 'window.React',
      'react-dom': 'window.ReactDOM',
      'react-dom/client': 'window.ReactDOM',
      'react/jsx-runtime': 'window.ReactJSXRuntime',
    };
    build.onResolve({ filter: /^react(-dom)?(\/.*)?$/ }, (args) =>
      globals[args.path] ? { path: args.path, namespace: 'shared-react' } : undefined,
    );
    build.onLoad({ filter: /.*/, namespace: 'shared-react' }, (args) => ({
      contents: `module.exports = ${globals[args.path]};`,
      loader: 'js',
    }));
  },
};

export async function buildAll(root) {
  const t0 = Date.now();
  const jobs = [];
  const shellEntry = join(root, 'host/web/src/main.tsx');
  if (existsSync(shellEntry)) {
    jobs.push(
      esbuild.build({
        ...common,
        entryPoints: { app: shellEntry },
        outdir: join(root, 'host/dist/web'),
        loader: { '.svg': 'dataurl', '.png': 'dataurl', '.mp3': 'file', '.woff2': 'file' },
      }),
    );
  }
  const webappEntry = join(root, 'webapp/src/index.tsx');
  if (existsSync(webappEntry)) {
    jobs.push(
      esbuild.build({
        ...common,
        entryPoints: { main: webappEntry },
        outdir: join(root, 'webapp/dist'),
        plugins: [sharedReact],
        loader: { '.svg': 'dataurl', '.png': 'dataurl', '.mp3': 'dataurl' },
      }),
    );
  }
  await Promise.all(jobs);
  if (jobs.length) console.log(`build: esbuild ${jobs.length} bundle(s) (${((Date.now() - t0) / 1000).toFixed(1)} s)`);
}
