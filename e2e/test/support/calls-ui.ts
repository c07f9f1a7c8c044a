// A user of our Calls UI in their own browser context, driven through the selectors the webapp publishes
// (webapp/README.md, `data-testid` contract) and read back through what the page shows. Media truth comes
// from WebRTC's getStats (media-stats.ts), never from the UI's own claims.
import type { Channel } from '@mattermost/types/channels';
import type { Locator, Page } from 'playwright-core';
import type { TestUser } from '../../../plugin/test/helpers/harness.js';
import { waitFor } from '../../../rtcd/test/helpers/wait.js';
import { type InboundAudio, type InboundVideo, pageInbound, waitHearing, waitSeeingVideo } from './media-stats.js';
import type { E2EWorld } from './world.js';

export const TEAM = 'calls';

type ShellWindow = {
  shell: {
    navigate(path: string): void;
    webSocket: { connectionId: string; status: string; onConnect(l: (info: { reconnected: boolean }) => void): () => void };
  };
};

export class CallsUser {
  /** My call session id (the widget's `data-session-id`) once joined. */
  sessionId = '';

  private constructor(
    readonly world: E2EWorld,
    readonly page: Page,
    readonly user: TestUser,
  ) {}

  /** Logs `user` in, in a new browser context, and opens `channel` (or Town Square). */
  static async open(world: E2EWorld, user: TestUser, channel?: Channel): Promise<CallsUser> {
    const page = await world.browse(user);
    const u = new CallsUser(world, page, user);
    await page.goto(`${world.url}/${TEAM}/channels/${channel?.name ?? 'town-square'}`);
    await u.ready();
    return u;
  }

  /**
   * The page is usable for calls: the channel is shown, the Calls bundle registered its header button and
   * has its configuration (events that arrive before that are a page still loading, not a user's page).
   */
  async ready(): Promise<void> {
    await this.page.locator('.channel-header-name').first().waitFor();
    await this.callButton.waitFor();
    await this.page.waitForFunction(() => !!(window as unknown as { callsDebug?: { store(): { config?: unknown } } }).callsDebug?.store().config);
  }

  get name(): string {
    return this.user.user.username;
  }

  get id(): string {
    return this.user.user.id;
  }

  tid(id: string): Locator {
    return this.page.getByTestId(id);
  }

  /**
   * Opens a channel (client-side navigation, as a sidebar click: the page and any call stay). A DM's header
   * shows the other user's name, so the caller says what to wait for.
   */
  async openChannel(channel: Channel, headerText = channel.display_name): Promise<void> {
    const path = channel.type === 'D' ? `/${TEAM}/channels/${channel.id}` : `/${TEAM}/channels/${channel.name}`;
    await this.page.evaluate((p) => (window as unknown as ShellWindow).shell.navigate(p), path);
    await this.page.locator('.channel-header-name', { hasText: headerText }).first().waitFor();
  }

  /** The id of the page's WebSocket connection to the host (the shell's). */
  wsConnectionId(): Promise<string> {
    return this.page.evaluate(() => (window as unknown as ShellWindow).shell.webSocket.connectionId);
  }

  /** Counts the shell's WebSocket reconnects from now on; the returned function reads the count. */
  async countReconnects(): Promise<() => Promise<number>> {
    const read = () => this.page.evaluate(() => (window as unknown as { __e2eReconnects?: number }).__e2eReconnects ?? 0);
    await this.page.evaluate(() => {
      const w = window as unknown as ShellWindow & { __e2eReconnects?: number };
      if (w.__e2eReconnects !== undefined) return;
      w.__e2eReconnects = 0;
      w.shell.webSocket.onConnect((info) => {
        if (info.reconnected) w.__e2eReconnects = (w.__e2eReconnects ?? 0) + 1;
      });
    });
    const baseline = await read();
    return async () => (await read()) - baseline;
  }

  wsStatus(): Promise<string> {
    return this.page.evaluate(() => (window as unknown as ShellWindow).shell.webSocket.status);
  }

  get callButton(): Locator {
    return this.tid('calls-call-button');
  }

  get widget(): Locator {
    return this.tid('calls-widget');
  }

  /** Clicks the channel header's call button ("Start call" / "Join call") and waits to be connected. */
  async joinFromHeader(): Promise<string> {
    await this.callButton.and(this.page.locator('[data-state="start"], [data-state="join"]')).click();
    return this.connected();
  }

  /** Waits for the widget to show a connected call; records and returns my session id. */
  async connected(): Promise<string> {
    await this.widget.and(this.page.locator('[data-status="connected"]')).waitFor({ timeout: 45_000 });
    this.sessionId = (await this.widget.getAttribute('data-session-id')) ?? '';
    if (!this.sessionId) throw new Error(`${this.name}: the widget shows no session id`);
    return this.sessionId;
  }

  async unmute(): Promise<void> {
    const mute = this.tid('calls-widget-mute');
    await mute.and(this.page.locator('[data-muted="true"]')).click();
    await mute.and(this.page.locator('[data-muted="false"]')).waitFor();
  }

  async mute(): Promise<void> {
    const mute = this.tid('calls-widget-mute');
    await mute.and(this.page.locator('[data-muted="false"]')).click();
    await mute.and(this.page.locator('[data-muted="true"]')).waitFor();
  }

  async raiseHand(): Promise<void> {
    const hand = this.tid('calls-widget-hand');
    await hand.and(this.page.locator('[data-raised="false"]')).click();
    await hand.and(this.page.locator('[data-raised="true"]')).waitFor();
  }

  async lowerHand(): Promise<void> {
    const hand = this.tid('calls-widget-hand');
    await hand.and(this.page.locator('[data-raised="true"]')).click();
    await hand.and(this.page.locator('[data-raised="false"]')).waitFor();
  }

  async shareScreen(): Promise<void> {
    const screen = this.tid('calls-widget-screen');
    await screen.and(this.page.locator('[data-sharing="false"]')).click();
    await screen.and(this.page.locator('[data-sharing="true"]')).waitFor();
  }

  async stopScreen(): Promise<void> {
    const screen = this.tid('calls-widget-screen');
    await screen.and(this.page.locator('[data-sharing="true"]')).click();
    await screen.and(this.page.locator('[data-sharing="false"]')).waitFor();
  }

  async leave(): Promise<void> {
    await this.tid('calls-widget-leave').click();
    await this.widget.waitFor({ state: 'detached' });
    this.sessionId = '';
  }

  /** Opens the widget's participants list (no-op when open). */
  async openParticipants(): Promise<Locator> {
    const list = this.tid('calls-participants-list');
    if (!(await list.isVisible())) await this.tid('calls-widget-participants-toggle').click();
    await list.waitFor();
    return list;
  }

  async closeParticipants(): Promise<void> {
    if (await this.tid('calls-participants-list').isVisible()) await this.tid('calls-widget-participants-toggle').click();
    await this.tid('calls-participants-list').waitFor({ state: 'hidden' });
  }

  /** A participant row of the open list (or the expanded view's panel). */
  participant(sessionId: string): Locator {
    return this.page.locator(`[data-testid="calls-participant"][data-session-id="${sessionId}"]`);
  }

  /** Waits until the participant row of `sessionId` has every attribute value in `attrs`. */
  async seesParticipant(sessionId: string, attrs: Record<string, string>, timeout = 30_000): Promise<void> {
    await this.openParticipants();
    const sel = Object.entries(attrs)
      .map(([k, v]) => `[data-${k}="${v}"]`)
      .join('');
    await this.page.locator(`[data-testid="calls-participant"][data-session-id="${sessionId}"]${sel}`).waitFor({ timeout });
  }

  /** Host controls: opens the "⋯" menu on a participant's row and picks `item` (`calls-host-mute`, ...). */
  async hostAction(sessionId: string, item: string): Promise<void> {
    await this.openParticipants();
    await this.participant(sessionId).getByTestId('calls-participant-host-menu').click();
    await this.tid(item).click();
  }

  /** Opens the expanded view from the widget. */
  async expand(): Promise<Locator> {
    await this.tid('calls-widget-expand').click();
    const view = this.tid('calls-expanded-view');
    await view.waitFor();
    return view;
  }

  /** Inbound audio of my call's peer connection(s). */
  async inboundAudio(): Promise<InboundAudio[]> {
    return (await pageInbound(this.page)).audio;
  }

  /** Waits until I hear `count` voices, from the given sessions if any (their ids appear in the track ids). */
  hears(opts: { count?: number; from?: string[] } = {}): Promise<InboundAudio[]> {
    return waitHearing(this.name, () => this.inboundAudio(), { ...opts, page: this.page });
  }

  seesScreen(from?: string): Promise<InboundVideo> {
    return waitSeeingVideo(this.name, this.page, from);
  }

  /** The `calls-banner` of `kind` is shown. */
  async banner(kind: string, timeout = 30_000): Promise<Locator> {
    const b = this.page.locator(`[data-testid="calls-banner"][data-kind="${kind}"]`);
    await b.first().waitFor({ timeout });
    return b.first();
  }

  /**
   * After a failed scenario: closes dialogs and leaves whatever call this window is in, so the next
   * scenario starts clean instead of failing for this one's leftovers.
   */
  async reset(): Promise<void> {
    for (const id of ['calls-switch-cancel', 'calls-remove-cancel', 'calls-end-cancel']) {
      const b = this.tid(id);
      if (await b.isVisible()) await b.click();
    }
    if (await this.tid('calls-expanded-leave').isVisible()) await this.tid('calls-expanded-leave').click();
    else if (await this.tid('calls-widget-leave').isVisible()) await this.tid('calls-widget-leave').click();
    this.sessionId = '';
    await this.waitNotInCall();
    await this.page.goto(`${this.world.url}/${TEAM}/channels/town-square`);
    await this.ready();
  }

  async waitNotInCall(): Promise<void> {
    await waitFor(`${this.name} out of the call`, async () => (await this.widget.count()) === 0, 30_000);
  }
}
