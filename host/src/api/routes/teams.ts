import Router from '@koa/router';
import { z } from 'zod';
import type { ApiDeps, Ctx, HostState } from '../context.js';
import { actorOf, idParam, pageParams, parseBody, requireAuth, sendJson } from '../context.js';
import { toChannelJson, toTeamJson, toTeamMemberJson } from '../../app/models.js';
import { isSystemAdmin } from '../../app/permissions.js';
import { notFound } from '../../errors.js';

const newTeamSchema = z.object({
  name: z.string().min(1).max(64),
  display_name: z.string().min(1).max(64),
  type: z.enum(['O', 'I']).optional(),
  description: z.string().max(255).optional(),
});
const memberSchema = z.object({ user_id: z.string().regex(/^[a-z0-9]{26}$/), team_id: z.string().optional() });

export function teamRoutes(router: Router<HostState>, deps: ApiDeps): void {
  const { app } = deps;

  router.post('/api/v4/teams', async (ctx: Ctx) => {
    const auth = requireAuth(ctx);
    const team = await app.teams.create(actorOf(auth), parseBody(ctx, newTeamSchema));
    sendJson(ctx, 201, toTeamJson(team));
  });

  router.get('/api/v4/teams', async (ctx: Ctx) => {
    const auth = requireAuth(ctx);
    const teams = await app.store.teams.list(pageParams(ctx), !isSystemAdmin(auth.user.roles));
    sendJson(ctx, 200, teams.map(toTeamJson));
  });

  router.get('/api/v4/teams/name/:team_name', async (ctx: Ctx) => {
    const auth = requireAuth(ctx);
    const team = await app.store.teams.getByName(ctx.params.team_name ?? '');
    if (!team) throw notFound('Team', 'app.team.get_by_name.missing.app_error');
    sendJson(ctx, 200, toTeamJson(await app.teams.get(actorOf(auth), team.id)));
  });

  router.get('/api/v4/teams/name/:team_name/channels/name/:channel_name', async (ctx: Ctx) => {
    const auth = requireAuth(ctx);
    const team = await app.store.teams.getByName(ctx.params.team_name ?? '');
    const channel = team && (await app.store.channels.getByName(team.id, ctx.params.channel_name ?? ''));
    if (!channel) throw notFound('Channel', 'app.channel.get_by_name.missing.app_error');
    sendJson(ctx, 200, toChannelJson(await app.perms.requireViewChannel(actorOf(auth), channel.id)));
  });

  router.get('/api/v4/teams/:team_id', async (ctx: Ctx) => {
    const auth = requireAuth(ctx);
    sendJson(ctx, 200, toTeamJson(await app.teams.get(actorOf(auth), idParam(ctx, 'team_id'))));
  });

  router.post('/api/v4/teams/:team_id/members', async (ctx: Ctx) => {
    const auth = requireAuth(ctx);
    const body = parseBody(ctx, memberSchema);
    const member = await app.teams.addMember(actorOf(auth), idParam(ctx, 'team_id'), body.user_id);
    sendJson(ctx, 201, toTeamMemberJson(member));
  });

  router.get('/api/v4/teams/:team_id/members', async (ctx: Ctx) => {
    const auth = requireAuth(ctx);
    const teamId = idParam(ctx, 'team_id');
    await app.perms.requireTeamMember(actorOf(auth), teamId);
    sendJson(ctx, 200, (await app.store.teams.listMembers(teamId, pageParams(ctx))).map(toTeamMemberJson));
  });

  router.get('/api/v4/teams/:team_id/members/:user_id', async (ctx: Ctx) => {
    const auth = requireAuth(ctx);
    const teamId = idParam(ctx, 'team_id');
    await app.perms.requireTeamMember(actorOf(auth), teamId);
    const member = await app.store.teams.getMember(teamId, idParam(ctx, 'user_id', true));
    if (!member) throw notFound('Team member', 'app.team.get_member.missing.app_error');
    sendJson(ctx, 200, toTeamMemberJson(member));
  });

  router.delete('/api/v4/teams/:team_id/members/:user_id', async (ctx: Ctx) => {
    const auth = requireAuth(ctx);
    await app.teams.removeMember(actorOf(auth), idParam(ctx, 'team_id'), idParam(ctx, 'user_id', true));
    sendJson(ctx, 200, { status: 'OK' });
  });

  router.get('/api/v4/teams/:team_id/channels', async (ctx: Ctx) => {
    const auth = requireAuth(ctx);
    const teamId = idParam(ctx, 'team_id');
    await app.perms.requireTeamMember(actorOf(auth), teamId);
    sendJson(ctx, 200, (await app.store.channels.listPublic(teamId, pageParams(ctx))).map(toChannelJson));
  });

  router.get('/api/v4/teams/:team_id/channels/name/:channel_name', async (ctx: Ctx) => {
    const auth = requireAuth(ctx);
    const channel = await app.store.channels.getByName(idParam(ctx, 'team_id'), ctx.params.channel_name ?? '');
    if (!channel) throw notFound('Channel', 'app.channel.get_by_name.missing.app_error');
    sendJson(ctx, 200, toChannelJson(await app.perms.requireViewChannel(actorOf(auth), channel.id)));
  });

  router.get('/api/v4/teams/:team_id/commands/autocomplete', async (ctx: Ctx) => {
    const auth = requireAuth(ctx);
    await app.perms.requireTeamMember(actorOf(auth), idParam(ctx, 'team_id'));
    sendJson(ctx, 200, deps.commands.list());
  });
}
