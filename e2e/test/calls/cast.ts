// The people of the end-to-end story and what every scenario shares: one world (host + plugin + media mode
// + Chromium) per test file, users signed up once, each user's browser window opened once and reused
// across scenarios (each scenario has its own channel and call, and ends with everyone out of it).
import assert from 'node:assert/strict';
import { copyFileSync, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import type { Channel } from '@mattermost/types/channels';
import type { TestUser } from '../../../plugin/test/helpers/harness.js';
import type { MediaMode } from '../../../plugin/test/helpers/media-modes.js';
import { CallsUser } from '../support/calls-ui.js';
import { ReferenceClient } from '../support/reference-client.js';
import type { MetricsSnapshot } from '../support/metrics.js';
import { ARTIFACTS, E2EWorld, SCREENSHOTS } from '../support/world.js';

export const USERNAMES = ['calladmin', 'alice', 'bob', 'carol', 'dave'] as const;
export type Username = (typeof USERNAMES)[number];

export class Cast {
  private readonly windows = new Map<Username, CallsUser>();
  private readonly refs = new Set<ReferenceClient>();
  private channels = 0;

  private constructor(
    readonly w: E2EWorld,
    readonly users: Record<Username, TestUser>,
    /** Whether this run saves the README screenshots (one mode does). */
    readonly screenshots: boolean,
  ) {}

  static async start(mode: MediaMode, opts: { screenshots: boolean }): Promise<Cast> {
    // Ringing is off by default (as the reference); the DM scenario needs it.
    const w = await E2EWorld.start(mode, { MM_CALLS_ENABLE_RINGING: 'true' });
    try {
      const users = {} as Record<Username, TestUser>;
      // The first account of a host is its system admin.
      for (const name of USERNAMES) users[name] = await w.user(name);
      return new Cast(w, users, opts.screenshots);
    } catch (err) {
      await w.close();
      throw err;
    }
  }

  get mode(): MediaMode {
    return this.w.mode;
  }

  /** `name`'s browser window on our UI, opened on first use, then on `channel`. */
  async ui(name: Username, channel?: Channel): Promise<CallsUser> {
    let u = this.windows.get(name);
    if (!u) {
      u = await CallsUser.open(this.w, this.users[name], channel);
      this.windows.set(name, u);
    } else if (channel) {
      await u.openChannel(channel);
    }
    return u;
  }

  /** A new public channel named `displayName` (what the screenshots show), of `owner` with `members`. */
  async channel(displayName: string, owner: Username, members: Username[], purpose = ''): Promise<Channel> {
    const o = this.users[owner];
    const teamId = (await o.client.getMyTeams())[0]!.id;
    const name = `${displayName.toLowerCase().replace(/[^a-z0-9]+/g, '-')}-${++this.channels}`;
    const ch = await o.client.createChannel({ team_id: teamId, name, display_name: displayName, purpose, type: 'O' } as never);
    for (const m of members) await o.client.addToChannel(this.users[m].user.id, ch.id);
    return ch;
  }

  /** Saves a screenshot of `name`'s window to e2e/artifacts; with UPDATE_SCREENSHOTS=1 also to docs/screenshots
   * (the README's), so an ordinary test run leaves the tracked images alone. */
  async screenshot(name: Username, file: string): Promise<void> {
    if (!this.screenshots) return;
    const u = this.windows.get(name);
    assert.ok(u, `${name} has no window to photograph`);
    const path = join(ARTIFACTS, file);
    await u.page.screenshot({ path });
    if (process.env.UPDATE_SCREENSHOTS !== '1') return;
    mkdirSync(SCREENSHOTS, { recursive: true });
    copyFileSync(path, join(SCREENSHOTS, file));
  }

  /** A reference client page of `name` joining the call of `channel` (closed by `reset` if still open). */
  async reference(name: Username, channel: Channel): Promise<ReferenceClient> {
    const ref = await ReferenceClient.open(this.w, this.users[name], channel);
    this.refs.add(ref);
    return ref;
  }

  /**
   * After a scenario that failed: every window leaves its call, reference pages close, and the metrics
   * get a chance to settle, so the next scenario is judged on its own.
   */
  async reset(): Promise<void> {
    for (const ref of this.refs) await this.w.closePage(ref.page).catch(() => undefined);
    this.refs.clear();
    for (const [name, u] of this.windows) {
      await u.reset().catch((err: unknown) => console.error(`reset of ${name}'s window failed: ${String(err)}`));
    }
    await this.w.metrics.idle().catch((err: unknown) => console.error(`after reset: ${String(err)}`));
  }

  /** Ends the story: every window's context, then the world. */
  async close(): Promise<void> {
    this.windows.clear();
    await this.w.close();
  }
}

/** Counter differences between two scrapes of the plugin's websocket events. */
export function wsEventDelta(before: MetricsSnapshot, after: MetricsSnapshot, direction: 'in' | 'out', type: string): number {
  return after.wsEvents(direction, type) - before.wsEvents(direction, type);
}

/** Difference of rtcd's message counter (0 in embedded mode). */
export function rtcdMessageDelta(before: MetricsSnapshot, after: MetricsSnapshot, direction: 'in' | 'out', type: string): number {
  return after.rtcdMessages(direction, type) - before.rtcdMessages(direction, type);
}
