import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { extname, join, resolve, sep } from 'node:path';
import type Koa from 'koa';
import type { PluginManager } from '../plugins/plugin-manager.js';
import { notFound } from '../errors.js';
import type { Ctx, HostState } from './context.js';

const MIME: Record<string, string> = {
  '.js': 'application/javascript; charset=utf-8',
  '.mjs': 'application/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.map': 'application/json',
  '.json': 'application/json',
  '.html': 'text/html; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.woff': 'font/woff',
  '.mp3': 'audio/mpeg',
  '.wasm': 'application/wasm',
  '.txt': 'text/plain; charset=utf-8',
};

/** Serves `rel` from inside `root` only (no `..` escapes); false when there is no such file. */
async function serveFile(ctx: Ctx, root: string, rel: string, cache: string): Promise<boolean> {
  let decoded: string;
  try {
    decoded = decodeURIComponent(rel);
  } catch {
    return false;
  }
  if (decoded.includes('\0')) return false;
  const base = resolve(root);
  const file = resolve(base, `.${sep}${decoded}`);
  if (file !== base && !file.startsWith(base + sep)) return false;
  const info = await stat(file).catch(() => undefined);
  if (!info?.isFile()) return false;
  ctx.status = 200;
  ctx.set('Content-Type', MIME[extname(file).toLowerCase()] ?? 'application/octet-stream');
  ctx.set('Cache-Control', cache);
  ctx.length = info.size;
  ctx.body = ctx.method === 'HEAD' ? null : createReadStream(file);
  return true;
}

const FALLBACK_PAGE = `<!doctype html><html><head><meta charset="utf-8"><title>Calls</title></head>
<body style="font-family:sans-serif;max-width:40em;margin:4em auto">
<h1>Calls host is running</h1><p>The web app is not built yet. Run <code>npm run build</code> and reload.</p>
<p>The REST API is under <code>/api/v4</code>.</p></body></html>`;

/**
 * `/static/plugins/<id>/*` (plugin webapp bundles), `/static/*` (the shell's built assets) and, for any
 * other GET outside `/api`, `/plugins` and `/static`, the shell's index.html (single-page app routes).
 */
export function staticFiles(opts: { webDir: string; webDistDir: string; plugins: PluginManager }): Koa.Middleware<HostState> {
  return async (ctx, next) => {
    const c = ctx as Ctx;
    if (ctx.method !== 'GET' && ctx.method !== 'HEAD') return next();
    const path = ctx.path;
    const pluginStatic = /^\/static\/plugins\/([^/]+)\/(.+)$/.exec(path);
    if (pluginStatic) {
      c.state.route = '/static/plugins';
      const dir = opts.plugins.staticDir(decodeURIComponent(pluginStatic[1]!));
      if (dir && (await serveFile(c, dir, pluginStatic[2]!, 'no-cache'))) return;
      throw notFound('File', 'api.static.not_found');
    }
    if (path.startsWith('/static/')) {
      c.state.route = '/static';
      if (await serveFile(c, opts.webDistDir, path.slice('/static/'.length), 'no-cache')) return;
      throw notFound('File', 'api.static.not_found');
    }
    if (path.startsWith('/api/') || path === '/api' || path.startsWith('/plugins/')) return next();
    c.state.route = '/ (web app)';
    if (await serveFile(c, opts.webDir, 'index.html', 'no-cache')) return;
    ctx.status = 200;
    ctx.set('Content-Type', 'text/html; charset=utf-8');
    ctx.body = FALLBACK_PAGE;
  };
}

export const webPaths = (hostRoot: string) => ({ webDir: join(hostRoot, 'web'), webDistDir: join(hostRoot, 'dist', 'web') });
