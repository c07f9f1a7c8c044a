// The plugin's HTTP routes under /plugins/com.mattermost.calls (reference §2). Thin: permission checks and
// body validation here, the logic in the calls domain.
import type { PluginAPI } from '@calls-ts/host/plugin-rpc';
import { z } from 'zod';
import type { CallService } from '../calls/call-service.js';
import { CallError } from '../calls/call-service.js';
import type { HostControls } from '../calls/host-controls.js';
import { adminConfig, clientConfig, turnConfigsForCredentials, turnCredentials } from '../config/client-config.js';
import type { CallsConfig } from '../config/config.js';
import type { EnvOverrides } from '../config/env.js';
import type { MediaBackend } from '../media/media-backend.js';
import type { PluginMetrics } from '../metrics/metrics.js';
import type { CallsEvents } from '../signaling/events.js';
import type { Store } from '../store/index.js';
import { ApiError, body, idSchema, json, ok, type Ctx } from './http.js';
import { Router } from './router.js';

export interface ApiDeps {
  api: PluginAPI;
  config: () => CallsConfig;
  envOverrides: () => EnvOverrides;
  calls: CallService;
  host: HostControls;
  store: Store;
  media: MediaBackend;
  events: CallsEvents;
  metrics: PluginMetrics;
  version: string;
  /** Refreshes the aggregate gauges if calls changed since the last scrape. */
  beforeMetrics: () => Promise<void>;
}

const sessionBody = z.object({ session_id: idSchema });
const makeHostBody = z.object({ new_host_id: idSchema });
const channelBody = z.object({ enabled: z.boolean(), props: z.record(z.string(), z.unknown()).nullish() });

/** CallError → HTTP (their statuses are already HTTP-like). */
async function domain<T>(fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    if (err instanceof CallError) throw new ApiError(err.status, err.message);
    throw err;
  }
}

export function buildRouter(d: ApiDeps): Router {
  const r = new Router();
  const isAdmin = (userId: string) => (userId ? d.api.hasPermissionTo(userId, 'manage_system') : Promise.resolve(false));
  const requireAdmin = async (ctx: Ctx) => {
    if (!(await isAdmin(ctx.userId))) throw new ApiError(403, 'Forbidden');
  };
  const requireRead = async (ctx: Ctx) => {
    if (!(await d.api.hasPermissionToChannel(ctx.userId, ctx.params.channel_id!, 'read_channel'))) throw new ApiError(403, 'Forbidden');
  };

  r.add('GET', '/version', async () => {
    const versions = Object.values(d.media.info().rtcdVersions ?? {})[0];
    return json(200, {
      version: d.version,
      build: '',
      ...(versions ? { rtcd_version: versions.buildVersion ?? '', rtcd_build: versions.buildHash ?? '' } : {}),
    });
  }, { isPublic: true });

  r.add('GET', '/metrics', async () => {
    await d.beforeMetrics();
    return { status: 200, headers: { 'content-type': d.metrics.contentType }, body: await d.metrics.render() };
  }, { isPublic: true });

  r.add('GET', '/config', async (ctx) => json(200, (await isAdmin(ctx.userId)) ? adminConfig(d.config()) : clientConfig(d.config())));

  r.add('GET', '/env', async (ctx) => {
    await requireAdmin(ctx);
    return json(200, d.envOverrides());
  });

  r.add('GET', '/channels', async (ctx) => {
    const member = new Set<string>();
    for (let page = 0; ; page++) {
      const ms = await d.api.getChannelMembersForUser(ctx.userId, page, 200);
      for (const m of ms) member.add(m.channel_id);
      if (ms.length < 200) break;
    }
    const channels = (await d.store.calls.getAllCallsChannels()).filter((c) => member.has(c.channel_id));
    const active = new Map((await d.store.calls.getAllActiveCalls()).filter((c) => member.has(c.channel_id)).map((c) => [c.channel_id, c]));
    const out: Record<string, unknown>[] = [];
    const callView = async (channelID: string) => (await d.calls.loadState(channelID))?.clientState(ctx.userId);
    for (const c of channels) {
      const entry: Record<string, unknown> = { channel_id: c.channel_id, enabled: c.enabled };
      if (active.delete(c.channel_id)) {
        const call = await callView(c.channel_id);
        if (call) entry.call = call;
      }
      out.push(entry);
    }
    for (const channelID of active.keys()) {
      const call = await callView(channelID);
      if (call) out.push({ channel_id: channelID, call });
    }
    return json(200, out);
  });

  r.add('GET', '/:channel_id', async (ctx) => {
    await requireRead(ctx);
    const channelID = ctx.params.channel_id!;
    const stored = await d.store.calls.getCallsChannel(channelID);
    const channel = stored ?? { channel_id: channelID, enabled: d.config().DefaultEnabled };
    const state = await d.calls.loadState(channelID);
    if (!state) return json(200, channel);
    return json(200, { channel_id: channelID, enabled: channel.enabled, call: state.clientState(ctx.userId) });
  });

  r.add('POST', '/:channel_id', async (ctx) => {
    const channelID = ctx.params.channel_id!;
    if (!(await canEnableDisable(d, ctx.userId, channelID))) throw new ApiError(403, 'Forbidden');
    const b = body(ctx, channelBody);
    const stored = await d.store.calls.getCallsChannel(channelID);
    const next = { channel_id: channelID, enabled: b.enabled, props: b.props ?? null };
    if (stored) await d.store.calls.updateCallsChannel(next);
    else await d.store.calls.createCallsChannel(next);
    d.events.publish(next.enabled ? 'channel_enable_voice' : 'channel_disable_voice', {}, { channelId: channelID });
    return json(200, next);
  });

  r.add('GET', '/calls/:channel_id/active', async (ctx) => {
    await requireRead(ctx);
    return json(200, { active: await d.store.calls.getCallActive(ctx.params.channel_id!) });
  });

  r.add('POST', '/calls/:channel_id/dismiss-notification', async (ctx) => {
    await requireRead(ctx);
    await domain(() => d.calls.dismissNotification(ctx.userId, ctx.params.channel_id!));
    return ok();
  });

  const hostRoute = (path: string, fn: (ctx: Ctx, channelID: string) => Promise<void>) =>
    r.add('POST', `/calls/:channel_id${path}`, async (ctx) => {
      await requireRead(ctx);
      await domain(() => fn(ctx, ctx.params.channel_id!));
      return ok();
    });
  hostRoute('/host/make', (ctx, ch) => d.host.makeHost(ctx.userId, ch, body(ctx, makeHostBody).new_host_id));
  hostRoute('/host/mute', (ctx, ch) => d.host.mute(ctx.userId, ch, body(ctx, sessionBody).session_id));
  hostRoute('/host/mute-others', (ctx, ch) => d.host.muteOthers(ctx.userId, ch));
  hostRoute('/host/screen-off', (ctx, ch) => d.host.screenOff(ctx.userId, ch, body(ctx, sessionBody).session_id));
  hostRoute('/host/lower-hand', (ctx, ch) => d.host.lowerHand(ctx.userId, ch, body(ctx, sessionBody).session_id));
  hostRoute('/host/remove', (ctx, ch) => d.host.remove(ctx.userId, ch, body(ctx, sessionBody).session_id));
  hostRoute('/host/end', (ctx, ch) => d.host.end(ctx.userId, ch));
  // Legacy route of mobile clients before 2.18.
  hostRoute('/end', (ctx, ch) => d.host.end(ctx.userId, ch));

  r.add('GET', '/turn-credentials', async (ctx) => {
    const cfg = d.config();
    if (!cfg.TURNStaticAuthSecret) throw new ApiError(403, 'TURNStaticAuthSecret should be set');
    if (turnConfigsForCredentials(cfg).length === 0) throw new ApiError(403, 'No TURN server was configured');
    const user = await d.api.getUser(ctx.userId);
    return json(200, turnCredentials(cfg, user.username));
  });

  r.add('GET', '/stats', async (ctx) => {
    await requireAdmin(ctx);
    return json(200, await d.store.stats.getCallsStats());
  });

  return r;
}

/**
 * Who may enable or disable calls in a channel: system admins always; otherwise only outside test mode
 * (DefaultEnabled=true), and then channel admins, team admins, and members of a DM/GM.
 */
async function canEnableDisable(d: ApiDeps, userId: string, channelID: string): Promise<boolean> {
  if (await d.api.hasPermissionTo(userId, 'manage_system')) return true;
  if (!d.config().DefaultEnabled) return false;
  const channel = await d.api.getChannel(channelID).catch(() => undefined);
  if (!channel) return false;
  const member = await d.api.getChannelMember(channelID, userId).catch(() => undefined);
  if (!member) return false;
  if (member.scheme_admin) return true;
  if (channel.team_id && (await d.api.hasPermissionToTeam(userId, channel.team_id, 'manage_team'))) return true;
  if (channel.type === 'D' || channel.type === 'G') return d.api.hasPermissionToChannel(userId, channelID, 'create_post');
  return false;
}
