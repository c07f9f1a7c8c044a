import Router from '@koa/router';
import { z } from 'zod';
import { isDeepStrictEqual } from 'node:util';
import type { ApiDeps, Ctx, HostState } from '../context.js';
import { actorOf, parseBody, requireAuth, sendJson } from '../context.js';
import { isSystemAdmin } from '../../app/permissions.js';
import { AppError, badRequest, forbidden, notFound } from '../../errors.js';
import { hookFailure, pluginContext } from '../plugin-proxy.js';
import type { CommandArgs, CommandResponse } from '../../plugin-rpc/protocol.js';

const executeSchema = z
  .object({
    command: z.string().min(2).max(4096),
    channel_id: z.string().regex(/^[a-z0-9]{26}$/, 'must be a 26-character id'),
    team_id: z.string().optional(),
    root_id: z.string().optional(),
    parent_id: z.string().optional(),
  })
  .loose();
const configSchema = z.object({ PluginSettings: z.object({ Plugins: z.record(z.string(), z.record(z.string(), z.unknown())).optional() }).loose().optional() }).loose();

export function systemRoutes(router: Router<HostState>, deps: ApiDeps): void {
  const { app, plugins } = deps;

  const requireAdmin = (ctx: Ctx) => {
    const auth = requireAuth(ctx);
    if (!isSystemAdmin(auth.user.roles)) throw forbidden('You need the system admin role for this.', 'api.context.permissions.app_error');
    return auth;
  };

  const fullConfig = async () => {
    const server = deps.serverConfig();
    const pluginConfigs: Record<string, Record<string, unknown>> = {};
    const states: Record<string, { Enable: boolean }> = {};
    for (const p of plugins.list()) {
      pluginConfigs[p.id] = await plugins.getConfig(p.id);
      states[p.id] = { Enable: true };
    }
    return { ...server, PluginSettings: { Enable: true, Plugins: pluginConfigs, PluginStates: states } };
  };

  router.get('/api/v4/system/ping', (ctx: Ctx) => sendJson(ctx, 200, { status: 'OK', ActiveSearchBackend: 'database' }));

  router.get('/api/v4/config/client', (ctx: Ctx) => {
    sendJson(ctx, 200, {
      SiteURL: deps.siteUrl(), SiteName: 'Calls', Version: deps.version, BuildNumber: deps.version, BuildHash: '',
      BuildEnterpriseReady: 'false', EnableSignUpWithEmail: 'true', EnableSignInWithUsername: 'true',
      EnableSignInWithEmail: 'true', EnableUserCreation: 'true', DiagnosticsEnabled: 'false', NoAccounts: 'false',
      EnableCustomEmoji: 'false', FeatureFlagCallsEnabled: 'true',
    });
  });

  router.get('/api/v4/config', async (ctx: Ctx) => {
    requireAdmin(ctx);
    sendJson(ctx, 200, await fullConfig());
  });

  // Only PluginSettings.Plugins changes at runtime; any other difference is refused rather than ignored.
  const putConfig = (patch: boolean) => async (ctx: Ctx) => {
    requireAdmin(ctx);
    const body = parseBody(ctx, configSchema);
    const current = await fullConfig();
    for (const [section, value] of Object.entries(body)) {
      if (section === 'PluginSettings') continue;
      const known = (current as Record<string, unknown>)[section];
      if (known === undefined || !isDeepStrictEqual({ ...(known as object), ...(value as object) }, known)) {
        throw badRequest('api.config.update.read_only', `${section} cannot be changed at runtime; only PluginSettings.Plugins can.`);
      }
    }
    for (const [id, cfg] of Object.entries(body.PluginSettings?.Plugins ?? {})) {
      if (!plugins.get(id)) throw notFound(`Plugin ${id}`, 'app.plugin.not_installed.app_error');
      await plugins.updateConfig(id, cfg, !patch);
    }
    sendJson(ctx, 200, await fullConfig());
  };
  router.put('/api/v4/config', putConfig(false));
  router.put('/api/v4/config/patch', putConfig(true));

  router.get('/api/v4/plugins', (ctx: Ctx) => {
    requireAdmin(ctx);
    sendJson(ctx, 200, { active: plugins.manifests(), inactive: [] });
  });

  router.get('/api/v4/plugins/statuses', (ctx: Ctx) => {
    requireAdmin(ctx);
    sendJson(ctx, 200, plugins.statuses());
  });

  router.get('/api/v4/plugins/webapp', (ctx: Ctx) => sendJson(ctx, 200, plugins.webappManifests()));

  router.get('/api/v4/plugins/:plugin_id/config', async (ctx: Ctx) => {
    requireAdmin(ctx);
    const id = ctx.params.plugin_id ?? '';
    sendJson(ctx, 200, { config: await plugins.getConfig(id), settings_schema: plugins.require(id).loaded.manifest.settings_schema ?? null });
  });

  router.put('/api/v4/plugins/:plugin_id/config', async (ctx: Ctx) => {
    requireAdmin(ctx);
    const body = parseBody(ctx, z.record(z.string(), z.unknown()));
    sendJson(ctx, 200, { config: await plugins.updateConfig(ctx.params.plugin_id ?? '', body) });
  });

  router.post('/api/v4/commands/execute', async (ctx: Ctx) => {
    const auth = requireAuth(ctx);
    const body = parseBody(ctx, executeSchema);
    const line = body.command.trim();
    const trigger = /^\/([^\s]+)/.exec(line)?.[1]?.toLowerCase();
    if (!trigger) throw badRequest('api.command.execute_command.start.app_error', 'A command starts with "/".');
    const channel = await app.perms.requireReadChannel(actorOf(auth), body.channel_id);
    const owner = deps.commands.find(trigger);
    if (!owner) throw new AppError(404, 'api.command.execute_command.not_found.app_error', `Command with a trigger of '/${trigger}' not found.`);
    const args: CommandArgs = {
      user_id: auth.user.id, channel_id: channel.id, team_id: channel.team_id || (body.team_id ?? ''),
      root_id: body.root_id ?? '', parent_id: body.parent_id ?? '', command: line, site_url: deps.siteUrl(),
      session_id: auth.session.id,
    };
    let res: CommandResponse;
    try {
      res = await plugins.runningProcess(owner.pluginId).call('ExecuteCommand', pluginContext(ctx), args);
    } catch (err) {
      throw hookFailure(err, owner.pluginId);
    }
    res = res ?? {};
    if (res.text) {
      if (res.response_type === 'in_channel') {
        await app.posts.createByPlugin({ user_id: auth.user.id, channel_id: channel.id, message: res.text, type: res.type, props: res.props });
      } else {
        await app.posts.sendEphemeral(auth.user.id, { channel_id: channel.id, message: res.text, props: res.props, root_id: args.root_id || undefined });
      }
    }
    sendJson(ctx, 200, res);
  });
}
