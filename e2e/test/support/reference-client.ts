// Drives the reference client page (e2e/pages/reference-client: the unmodified RTCPeer of
// @mattermost/calls-common speaking the plugin's WebSocket protocol) in its own browser context.
import type { Channel } from '@mattermost/types/channels';
import type { Page } from 'playwright-core';
import type { TestUser } from '../../../plugin/test/helpers/harness.js';
import { waitFor } from '../../../rtcd/test/helpers/wait.js';
import type { RefClientApi, RefClientParams, RefClientState } from '../../pages/reference-client/client.js';
import { type InboundAudio, pageInbound, waitHearing } from './media-stats.js';
import type { E2EWorld } from './world.js';

type RefWindow = { refClient: RefClientApi };

export class ReferenceClient {
  private constructor(
    readonly page: Page,
    readonly user: TestUser,
  ) {}

  /** Opens the page for `user`, which joins the call of `channel` (starting it if there is none). */
  static async open(world: E2EWorld, user: TestUser, channel: Channel): Promise<ReferenceClient> {
    const config = (await world.calls.host.request(user, 'GET', '/config')).body as { ICEServersConfigs?: RTCIceServer[] };
    const params: RefClientParams = { url: world.url, token: user.token, channelID: channel.id, iceServers: config.ICEServersConfigs ?? [] };
    const page = await world.browse(user);
    await page.goto(world.pages.pageUrl('reference-client', params));
    return new ReferenceClient(page, user);
  }

  state(): Promise<RefClientState> {
    return this.page.evaluate(() => structuredClone((window as unknown as RefWindow).refClient.state));
  }

  /** Waits for the plugin's `join` and a connected RTCPeer; returns the session id (the connection id). */
  async joined(): Promise<string> {
    const s = await waitFor(`${this.user.user.username}'s reference client in the call`, async () => {
      const st = await this.state();
      if (st.errors.length) throw new Error(st.errors.join('; '));
      return st.joined && st.rtcConnected ? st : undefined;
    }, 30_000);
    return s.connectionId;
  }

  unmute(): Promise<void> {
    return this.page.evaluate(() => (window as unknown as RefWindow).refClient.unmute());
  }

  mute(): Promise<void> {
    return this.page.evaluate(() => (window as unknown as RefWindow).refClient.mute());
  }

  /** What its peer connection receives (media-stats.ts: tracks named as the SFU announced them). */
  async inboundAudio(): Promise<InboundAudio[]> {
    return (await pageInbound(this.page)).audio;
  }

  /** Waits until the reference client hears `count` voices (from the given session ids, if any). */
  hears(opts: { count?: number; from?: string[] } = {}): Promise<InboundAudio[]> {
    return waitHearing(`the reference client of ${this.user.user.username}`, () => this.inboundAudio(), { ...opts, page: this.page });
  }

  async errors(): Promise<string[]> {
    return (await this.state()).errors;
  }

  /** Sends `leave` and closes the tab's connection, as the reference client's leave button. */
  async leave(world: E2EWorld): Promise<void> {
    await this.page.evaluate(() => (window as unknown as RefWindow).refClient.leave());
    // The page closes its socket once the leave frame is out; closing the tab before would drop it.
    await waitFor('the reference client socket closed after leave', () => this.page.evaluate(() => !(window as unknown as RefWindow).refClient.state.socketOpen), 10_000);
    await world.closePage(this.page);
  }
}
