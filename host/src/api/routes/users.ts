import Router from '@koa/router';
import { z } from 'zod';
import type { ApiDeps, Ctx, HostState } from '../context.js';
import { actorOf, idParam, pageParams, parseBody, requireAuth, sendJson, stringQuery } from '../context.js';
import { toChannelJson, toChannelMemberJson, toTeamJson, toTeamMemberJson, toUserJson } from '../../app/models.js';
import { isSystemAdmin } from '../../app/permissions.js';
import { CSRF_COOKIE, SESSION_COOKIE, USER_COOKIE } from '../auth-token.js';
import { forbidden, invalidUrlParam, notFound } from '../../errors.js';
import { isValidId } from '../../ids.js';

const newUserSchema = z.object({
  username: z.string().min(1).max(64),
  email: z.string().min(3).max(128),
  password: z.string().min(1).max(256),
  first_name: z.string().max(64).optional(),
  last_name: z.string().max(64).optional(),
  nickname: z.string().max(64).optional(),
  locale: z.string().max(5).optional(),
});
const loginSchema = z.object({ login_id: z.string().min(1).max(128), password: z.string().min(1).max(256) });
const idList = z.array(z.string().regex(/^[a-z0-9]{26}$/, 'must be a 26-character id')).max(1000);
const searchSchema = z.object({ term: z.string().max(64), team_id: z.string().optional(), limit: z.number().int().min(1).max(100).optional() });

function avatarSvg(username: string): string {
  const hue = [...username].reduce((h, c) => (h * 31 + c.charCodeAt(0)) % 360, 7);
  const letter = (username[0] ?? '?').toUpperCase().replace(/[<>&"']/g, '?');
  return `<svg xmlns="http://www.w3.org/2000/svg" width="128" height="128" viewBox="0 0 128 128"><rect width="128" height="128" rx="64" fill="hsl(${hue},45%,45%)"/><text x="64" y="84" font-family="sans-serif" font-size="60" font-weight="600" fill="#fff" text-anchor="middle">${letter}</text></svg>`;
}

export function userRoutes(router: Router<HostState>, deps: ApiDeps): void {
  const { app } = deps;

  router.post('/api/v4/users', async (ctx: Ctx) => {
    const body = parseBody(ctx, newUserSchema);
    // An admin creating accounts on a closed server; a cookie session must also pass the CSRF check.
    const auth = ctx.state.auth;
    const creator = auth && (!auth.viaCookie || auth.csrfOk) ? actorOf(auth) : undefined;
    const user = await app.users.create(body, creator);
    sendJson(ctx, 201, toUserJson(user, { self: true }));
  });

  router.post('/api/v4/users/login', async (ctx: Ctx) => {
    const body = parseBody(ctx, loginSchema);
    const { session, user } = await app.users.login(body.login_id, body.password);
    const maxAge = deps.sessionLengthMs;
    const secure = ctx.protocol === 'https';
    ctx.cookies.set(SESSION_COOKIE, session.token, { httpOnly: true, sameSite: 'lax', maxAge, secure, overwrite: true });
    ctx.cookies.set(USER_COOKIE, user.id, { httpOnly: false, sameSite: 'lax', maxAge, secure, overwrite: true });
    ctx.cookies.set(CSRF_COOKIE, session.csrf_token, { httpOnly: false, sameSite: 'lax', maxAge, secure, overwrite: true });
    ctx.set('Token', session.token);
    sendJson(ctx, 200, toUserJson(user, { self: true }));
  });

  router.post('/api/v4/users/logout', async (ctx: Ctx) => {
    const auth = ctx.state.auth;
    if (auth) {
      await app.users.logout(auth.session);
      deps.hub.closeSession(auth.session.id);
    }
    for (const name of [SESSION_COOKIE, USER_COOKIE, CSRF_COOKIE]) ctx.cookies.set(name, null, { overwrite: true });
    sendJson(ctx, 200, { status: 'OK' });
  });

  router.get('/api/v4/users', async (ctx: Ctx) => {
    requireAuth(ctx);
    const q = { ...pageParams(ctx), inTeam: stringQuery(ctx, 'in_team'), inChannel: stringQuery(ctx, 'in_channel'), notInChannel: stringQuery(ctx, 'not_in_channel') };
    for (const k of ['inTeam', 'inChannel', 'notInChannel'] as const) if (q[k] !== undefined && !isValidId(q[k])) throw invalidUrlParam(k);
    const users = await app.store.users.list(q);
    sendJson(ctx, 200, users.map((u) => toUserJson(u)));
  });

  router.post('/api/v4/users/ids', async (ctx: Ctx) => {
    requireAuth(ctx);
    const ids = parseBody(ctx, idList);
    sendJson(ctx, 200, (await app.store.users.getMany(ids)).map((u) => toUserJson(u)));
  });

  router.post('/api/v4/users/usernames', async (ctx: Ctx) => {
    requireAuth(ctx);
    const names = parseBody(ctx, z.array(z.string().max(64)).max(1000));
    sendJson(ctx, 200, (await app.store.users.getByUsernames(names)).map((u) => toUserJson(u)));
  });

  router.post('/api/v4/users/search', async (ctx: Ctx) => {
    requireAuth(ctx);
    const body = parseBody(ctx, searchSchema);
    const teamId = body.team_id && isValidId(body.team_id) ? body.team_id : undefined;
    sendJson(ctx, 200, (await app.store.users.search(body.term, body.limit ?? 50, teamId)).map((u) => toUserJson(u)));
  });

  router.post('/api/v4/users/status/ids', async (ctx: Ctx) => {
    requireAuth(ctx);
    const ids = parseBody(ctx, idList);
    sendJson(ctx, 200, ids.map((id) => ({ user_id: id, status: deps.hub.isUserConnected(id) ? 'online' : 'offline', manual: false, last_activity_at: 0 })));
  });

  router.post('/api/v4/users/tokens/revoke', async (ctx: Ctx) => {
    const auth = requireAuth(ctx);
    const body = parseBody(ctx, z.object({ token_id: z.string().regex(/^[a-z0-9]{26}$/) }));
    await app.users.revokeAccessToken(actorOf(auth), body.token_id);
    sendJson(ctx, 200, { status: 'OK' });
  });

  router.get('/api/v4/users/username/:username', async (ctx: Ctx) => {
    requireAuth(ctx);
    const user = await app.store.users.getByUsername(ctx.params.username ?? '');
    if (!user) throw notFound('User', 'app.user.get_by_username.app_error');
    sendJson(ctx, 200, toUserJson(user));
  });

  router.get('/api/v4/users/:user_id', async (ctx: Ctx) => {
    const auth = requireAuth(ctx);
    const id = idParam(ctx, 'user_id', true);
    sendJson(ctx, 200, toUserJson(await app.users.get(id), { self: id === auth.user.id }));
  });

  router.get('/api/v4/users/:user_id/image', async (ctx: Ctx) => {
    requireAuth(ctx);
    const user = await app.users.get(idParam(ctx, 'user_id', true));
    ctx.set('Content-Type', 'image/svg+xml');
    ctx.set('Cache-Control', 'max-age=300, private');
    ctx.body = avatarSvg(user.username);
  });

  router.put('/api/v4/users/:user_id/roles', async (ctx: Ctx) => {
    const auth = requireAuth(ctx);
    const body = parseBody(ctx, z.object({ roles: z.string().max(256) }));
    await app.users.updateRoles(actorOf(auth), idParam(ctx, 'user_id'), body.roles);
    sendJson(ctx, 200, { status: 'OK' });
  });

  router.post('/api/v4/users/:user_id/tokens', async (ctx: Ctx) => {
    const auth = requireAuth(ctx);
    const body = parseBody(ctx, z.object({ description: z.string().max(512) }));
    const t = await app.users.createAccessToken(actorOf(auth), idParam(ctx, 'user_id', true), body.description);
    sendJson(ctx, 201, { id: t.id, token: t.token, user_id: t.user_id, description: t.description, is_active: t.is_active });
  });

  router.get('/api/v4/users/:user_id/tokens', async (ctx: Ctx) => {
    const auth = requireAuth(ctx);
    const userId = idParam(ctx, 'user_id', true);
    if (userId !== auth.user.id && !isSystemAdmin(auth.user.roles)) throw forbidden();
    const tokens = await app.store.sessions.listAccessTokens(userId);
    sendJson(ctx, 200, tokens.map((t) => ({ id: t.id, user_id: t.user_id, description: t.description, is_active: t.is_active })));
  });

  const selfOrAdmin = (ctx: Ctx): string => {
    const auth = requireAuth(ctx);
    const userId = idParam(ctx, 'user_id', true);
    if (userId !== auth.user.id && !isSystemAdmin(auth.user.roles)) throw forbidden();
    return userId;
  };

  router.get('/api/v4/users/:user_id/teams', async (ctx: Ctx) => {
    const userId = selfOrAdmin(ctx);
    sendJson(ctx, 200, (await app.store.teams.listForUser(userId)).map(toTeamJson));
  });

  router.get('/api/v4/users/:user_id/teams/members', async (ctx: Ctx) => {
    const userId = selfOrAdmin(ctx);
    sendJson(ctx, 200, (await app.store.teams.listMembersForUser(userId)).map(toTeamMemberJson));
  });

  router.get('/api/v4/users/:user_id/teams/:team_id/channels', async (ctx: Ctx) => {
    const userId = selfOrAdmin(ctx);
    const teamId = idParam(ctx, 'team_id');
    sendJson(ctx, 200, (await app.store.channels.listForUser(userId, teamId)).map(toChannelJson));
  });

  router.get('/api/v4/users/:user_id/teams/:team_id/channels/members', async (ctx: Ctx) => {
    const userId = selfOrAdmin(ctx);
    const teamId = idParam(ctx, 'team_id');
    sendJson(ctx, 200, (await app.store.channels.listMembersForUser(userId, teamId)).map(toChannelMemberJson));
  });

  router.get('/api/v4/users/:user_id/channels', async (ctx: Ctx) => {
    const userId = selfOrAdmin(ctx);
    sendJson(ctx, 200, (await app.store.channels.listForUser(userId)).map(toChannelJson));
  });
}
