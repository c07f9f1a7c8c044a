// Serves the e2e test pages (e2e/pages/<name>/index.html + the page's client.ts bundled by esbuild at start)
// from a small HTTP server on a free loopback port. Pages get their parameters in the URL fragment, so the
// server is static: GET /<name>/ → index.html, GET /<name>/client.js → the bundle, anything else → 404.
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import * as esbuild from 'esbuild';

const PAGES_DIR = fileURLToPath(new URL('../../pages/', import.meta.url));

interface BuiltPage {
  html: string;
  js: string;
}

async function buildPage(name: string): Promise<BuiltPage> {
  const dir = join(PAGES_DIR, name);
  const result = await esbuild.build({
    entryPoints: [join(dir, 'client.ts')],
    bundle: true,
    write: false,
    format: 'iife',
    platform: 'browser',
    target: ['chrome120'],
    sourcemap: 'inline',
    logLevel: 'silent',
    // Node's `events` does not exist in the browser; the page brings a minimal EventEmitter.
    alias: { events: join(dir, 'events-shim.ts') },
  });
  return { html: readFileSync(join(dir, 'index.html'), 'utf8'), js: result.outputFiles[0]!.text };
}

export class PageServer {
  private constructor(
    private readonly server: Server,
    readonly url: string,
  ) {}

  /** Bundles the named pages and serves them; `url` is the server's origin. */
  static async start(names: string[]): Promise<PageServer> {
    const pages = new Map<string, BuiltPage>();
    for (const name of names) pages.set(name, await buildPage(name));
    const server = createServer((req, res) => {
      if (req.url === '/favicon.ico') {
        res.writeHead(204).end();
        return;
      }
      const m = /^\/([\w-]+)\/(index\.html|client\.js)?(\?.*)?$/.exec(req.url ?? '');
      const page = m ? pages.get(m[1]!) : undefined;
      if (!m || !page || req.method !== 'GET') {
        res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
        return;
      }
      const js = m[2] === 'client.js';
      res.writeHead(200, { 'content-type': js ? 'text/javascript; charset=utf-8' : 'text/html; charset=utf-8', 'cache-control': 'no-store' });
      res.end(js ? page.js : page.html);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const { port } = server.address() as AddressInfo;
    return new PageServer(server, `http://127.0.0.1:${port}`);
  }

  pageUrl(name: string, params: unknown): string {
    return `${this.url}/${name}/#${encodeURIComponent(JSON.stringify(params))}`;
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((resolve) => this.server.close(() => resolve()));
  }
}
