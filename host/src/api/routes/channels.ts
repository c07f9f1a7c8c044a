import Router from '@koa/router';
import { z } from 'zod';
import type { ApiDeps, Ctx, HostState } from '../context.js';
import { actorOf, idParam, intQuery, pageParams, parseBody, requireAuth, sendJson, stringQuery } from '../context.js';
import { toChannelJson, toChannelMemberJson, toPostJson } from '../../app/models.js';
import { badRequest, forbidden, invalidUrlParam, notFound } from '../../errors.js';
import { isValidId } from '../../ids.js';
import type { PostQuery } from '../../store/index.js';

const id = z.string().regex(/^[a-z0-9]{26}$/, 'must be a 26-character id');
const newChannelSchema = z.object({
  team_id: id,
  name: z.string().min(1).max(64),
  display_name: z.string().min(1).max(64),
  type: z.enum(['O', 'P']),
  purpose: z.string().max(250).optional(),
  header: z.string().max(1024).optional(),
});
const patchSchema = z.object({
  display_name: z.string().max(64).optional(),
  header: z.string().max(1024).optional(),
  purpose: z.string().max(250).optional(),
});

export function channelRoutes(router: Router<HostState>, deps: ApiDeps): void {
  const { app } = deps;

  router.post('/api/v4/channels', async (ctx: Ctx) => {
    const auth = requireAuth(ctx);
    const channel = await app.channels.create(actorOf(auth), parseBody(ctx, newChannelSchema));
    sendJson(ctx, 201, toChannelJson(channel));
  });

  router.post('/api/v4/channels/direct', async (ctx: Ctx) => {
    const auth = requireAuth(ctx);
    const ids = parseBody(ctx, z.array(id).length(2));
    const { channel } = await app.channels.getOrCreateDirect(actorOf(auth), ids);
    sendJson(ctx, 201, toChannelJson(channel));
  });

  router.post('/api/v4/channels/group', async (ctx: Ctx) => {
    const auth = requireAuth(ctx);
    const ids = parseBody(ctx, z.array(id).min(2).max(8));
    const { channel } = await app.channels.getOrCreateGroup(actorOf(auth), ids);
    sendJson(ctx, 201, toChannelJson(channel));
  });

  router.post('/api/v4/channels/members/:user_id/view', async (ctx: Ctx) => {
    const auth = requireAuth(ctx);
    if (idParam(ctx, 'user_id', true) !== auth.user.id) throw forbidden();
    const body = parseBody(ctx, z.object({ channel_id: id, prev_channel_id: z.string().optional() }).loose());
    const times = await app.channels.view(actorOf(auth), body.channel_id);
    sendJson(ctx, 200, { status: 'OK', last_viewed_at_times: times });
  });

  router.get('/api/v4/channels/:channel_id', async (ctx: Ctx) => {
    const auth = requireAuth(ctx);
    sendJson(ctx, 200, toChannelJson(await app.perms.requireViewChannel(actorOf(auth), idParam(ctx, 'channel_id'))));
  });

  router.put('/api/v4/channels/:channel_id/patch', async (ctx: Ctx) => {
    const auth = requireAuth(ctx);
    const channel = await app.channels.patch(actorOf(auth), idParam(ctx, 'channel_id'), parseBody(ctx, patchSchema));
    sendJson(ctx, 200, toChannelJson(channel));
  });

  router.get('/api/v4/channels/:channel_id/members', async (ctx: Ctx) => {
    const auth = requireAuth(ctx);
    const channelId = idParam(ctx, 'channel_id');
    await app.perms.requireViewChannel(actorOf(auth), channelId);
    sendJson(ctx, 200, (await app.store.channels.listMembers(channelId, pageParams(ctx))).map(toChannelMemberJson));
  });

  router.get('/api/v4/channels/:channel_id/members/:user_id', async (ctx: Ctx) => {
    const auth = requireAuth(ctx);
    const channelId = idParam(ctx, 'channel_id');
    const userId = idParam(ctx, 'user_id', true);
    if (userId !== auth.user.id) await app.perms.requireViewChannel(actorOf(auth), channelId);
    const member = await app.store.channels.getMember(channelId, userId);
    if (!member) throw notFound('Channel member', 'app.channel.get_member.missing.app_error');
    sendJson(ctx, 200, toChannelMemberJson(member));
  });

  router.post('/api/v4/channels/:channel_id/members', async (ctx: Ctx) => {
    const auth = requireAuth(ctx);
    const body = parseBody(ctx, z.object({ user_id: id }).loose());
    const member = await app.channels.addMember(actorOf(auth), idParam(ctx, 'channel_id'), body.user_id);
    sendJson(ctx, 201, toChannelMemberJson(member));
  });

  router.delete('/api/v4/channels/:channel_id/members/:user_id', async (ctx: Ctx) => {
    const auth = requireAuth(ctx);
    await app.channels.removeMember(actorOf(auth), idParam(ctx, 'channel_id'), idParam(ctx, 'user_id', true));
    sendJson(ctx, 200, { status: 'OK' });
  });

  router.get('/api/v4/channels/:channel_id/posts', async (ctx: Ctx) => {
    const auth = requireAuth(ctx);
    const channelId = idParam(ctx, 'channel_id');
    const query: PostQuery = pageParams(ctx, 200);
    const since = intQuery(ctx, 'since', -1, 0, Number.MAX_SAFE_INTEGER);
    if (since >= 0) query.since = since;
    for (const [param, field] of [['before', 'beforeCreateAt'], ['after', 'afterCreateAt']] as const) {
      const postId = stringQuery(ctx, param);
      if (postId === undefined) continue;
      if (!isValidId(postId)) throw invalidUrlParam(param);
      const anchor = await app.store.posts.get(postId);
      if (!anchor || anchor.channel_id !== channelId) throw badRequest('api.post.get_posts.anchor', `The ${param} post is not in this channel.`);
      query[field] = anchor.create_at;
    }
    const posts = await app.posts.list(actorOf(auth), channelId, query);
    // Mattermost's PostList: order is newest first; next/prev let clients page.
    sendJson(ctx, 200, {
      order: posts.map((p) => p.id),
      posts: Object.fromEntries(posts.map((p) => [p.id, toPostJson(p)])),
      next_post_id: '',
      prev_post_id: posts.length === query.perPage ? posts[posts.length - 1]!.id : '',
      has_next: posts.length === query.perPage,
      first_inaccessible_post_time: 0,
    });
  });
}
