// One end-to-end world per media mode: a real host with the Calls plugin process (plugin/test/helpers,
// `startWorld`), the mode's media (embedded SFU, or a real rtcd daemon), one Chromium, the test-page server
// and the metrics endpoints. Users get their own browser context (their own cookies, devices, tabs).
// Needs built code: `npm run build` (host, plugin, rtcd dist; the shell and Calls webapp bundles).
import { existsSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startWorld, type CallWorld } from '../../../plugin/test/helpers/call-suites.js';
import { REPO_ROOT, type TestUser } from '../../../plugin/test/helpers/harness.js';
import type { MediaMode } from '../../../plugin/test/helpers/media-modes.js';
import { daemons } from '../../../plugin/test/rtcd/support/rtcd-mode.js';
import type { RtcdProcess } from '../../../plugin/test/rtcd/support/rtcd-process.js';
import { capturePeerConnections } from './media-stats.js';
import { CallsMetrics } from './metrics.js';
import { PageServer } from './page-server.js';

export const ARTIFACTS = join(REPO_ROOT, 'e2e', 'artifacts');
export const SCREENSHOTS = join(REPO_ROOT, 'docs', 'screenshots');
// The password CallsHost.user gives every account it signs up.
export const PASSWORD = 'calls-test-password';

/**
 * Chromium as the issue prescribes: fake microphone (a beep), camera and screen (getDisplayMedia returns a
 * 1280×720 test pattern with the fake UI), no permission prompts.
 */
export const CHROMIUM_ARGS = [
  '--no-sandbox',
  '--use-fake-ui-for-media-stream',
  '--use-fake-device-for-media-stream',
  '--disable-background-networking',
  '--disable-gpu',
  // Remote audio is only decoded while an element plays it; pages play it without a click.
  '--autoplay-policy=no-user-gesture-required',
];

export class E2EWorld {
  private readonly contexts: BrowserContext[] = [];

  private constructor(
    readonly mode: MediaMode,
    readonly calls: CallWorld,
    readonly browser: Browser,
    readonly pages: PageServer,
    readonly rtcd: RtcdProcess | undefined,
    readonly metrics: CallsMetrics,
  ) {}

  /** `env`: extra plugin environment (MM_CALLS_*), on top of the mode's. */
  static async start(mode: MediaMode, env: Record<string, string> = {}): Promise<E2EWorld> {
    for (const f of ['host/dist/web/app.js', 'webapp/dist/main.js', 'plugin/dist/main.js', 'rtcd/dist/main.js']) {
      if (!existsSync(join(REPO_ROOT, f))) throw new Error(`${f} is missing: run \`npm run build\` first`);
    }
    mkdirSync(ARTIFACTS, { recursive: true });
    const before = daemons.length;
    const calls = await startWorld(mode, env);
    // rtcd mode registers the daemon it started; it is the one this world's plugin talks to.
    const rtcd = daemons.length > before ? daemons[daemons.length - 1] : undefined;
    let browser: Browser | undefined;
    try {
      browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: CHROMIUM_ARGS });
      const pages = await PageServer.start(['reference-client']);
      return new E2EWorld(mode, calls, browser, pages, rtcd, new CallsMetrics(calls.host, rtcd));
    } catch (err) {
      await browser?.close();
      await calls.close();
      throw err;
    }
  }

  get url(): string {
    return this.calls.host.url;
  }

  /** Signs a user up (the first of a world is its system admin). */
  user(name: string): Promise<TestUser> {
    return this.calls.host.user(name);
  }

  /** A new browser context (own cookies) and page, logged in as `u` through the REST API it shares cookies with. */
  async browse(u: TestUser): Promise<Page> {
    const context = await this.browser.newContext({ viewport: { width: 1280, height: 800 }, permissions: ['microphone', 'camera'] });
    this.contexts.push(context);
    await capturePeerConnections(context);
    const res = await context.request.post(`${this.url}/api/v4/users/login`, { data: { login_id: u.user.username, password: PASSWORD } });
    if (!res.ok()) throw new Error(`login of ${u.user.username} failed: HTTP ${res.status()} ${await res.text()}`);
    const page = await context.newPage();
    page.setDefaultTimeout(30_000);
    const who = u.user.username;
    page.on('pageerror', (err) => console.error(`[${who}] page error: ${err.message}`));
    page.on('console', (msg) => {
      if (msg.type() === 'error') console.error(`[${who}] console: ${msg.text()}`);
    });
    return page;
  }

  /** Closes a page's whole context (the user closes the window). */
  async closePage(page: Page): Promise<void> {
    const ctx = page.context();
    const i = this.contexts.indexOf(ctx);
    if (i >= 0) this.contexts.splice(i, 1);
    await ctx.close();
  }

  async close(): Promise<void> {
    for (const c of this.contexts.splice(0)) await c.close().catch(() => undefined);
    await this.browser.close().catch(() => undefined);
    await this.pages.close();
    await this.calls.close();
  }
}
