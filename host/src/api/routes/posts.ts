import Router from '@koa/router';
import { z } from 'zod';
import type { ApiDeps, Ctx, HostState } from '../context.js';
import { actorOf, idParam, parseBody, requireAuth, sendJson } from '../context.js';
import { toPostJson } from '../../app/models.js';
import { isSystemAdmin } from '../../app/permissions.js';
import { badRequest, forbidden } from '../../errors.js';

const id = z.string().regex(/^[a-z0-9]{26}$/, 'must be a 26-character id');
const props = z.record(z.string(), z.unknown());
const newPostSchema = z
  .object({
    channel_id: id,
    message: z.string().max(16383),
    root_id: id.or(z.literal('')).optional(),
    props: props.optional(),
    type: z.string().max(64).optional(),
    pending_post_id: z.string().max(64).optional(),
  })
  .loose();
const patchSchema = z.object({ message: z.string().max(16383).optional(), props: props.optional(), is_pinned: z.boolean().optional() }).loose();

export function postRoutes(router: Router<HostState>, deps: ApiDeps): void {
  const { app } = deps;

  router.post('/api/v4/posts', async (ctx: Ctx) => {
    const auth = requireAuth(ctx);
    const body = parseBody(ctx, newPostSchema);
    const post = await app.posts.createByUser(actorOf(auth), {
      channel_id: body.channel_id, message: body.message, root_id: body.root_id || undefined,
      props: body.props, type: body.type || undefined, pending_post_id: body.pending_post_id,
    });
    sendJson(ctx, 201, { ...toPostJson(post), pending_post_id: body.pending_post_id ?? '' });
  });

  router.post('/api/v4/posts/ephemeral', async (ctx: Ctx) => {
    const auth = requireAuth(ctx);
    if (!isSystemAdmin(auth.user.roles)) throw forbidden();
    const body = parseBody(ctx, z.object({ user_id: id, post: z.object({ channel_id: id, message: z.string().max(16383), props: props.optional() }) }));
    const post = await app.posts.sendEphemeral(body.user_id, { ...body.post, user_id: auth.user.id });
    sendJson(ctx, 201, toPostJson(post));
  });

  router.get('/api/v4/posts/:post_id', async (ctx: Ctx) => {
    const auth = requireAuth(ctx);
    sendJson(ctx, 200, toPostJson(await app.posts.get(actorOf(auth), idParam(ctx, 'post_id'))));
  });

  const update = async (ctx: Ctx) => {
    const auth = requireAuth(ctx);
    const postId = idParam(ctx, 'post_id');
    const body = parseBody(ctx, patchSchema);
    if ((body as { id?: unknown }).id !== undefined && (body as { id?: unknown }).id !== postId) {
      throw badRequest('api.post.update_post.id_mismatch', 'The post id in the body does not match the URL.');
    }
    const post = await app.posts.patchByUser(actorOf(auth), postId, { message: body.message, props: body.props, is_pinned: body.is_pinned });
    sendJson(ctx, 200, toPostJson(post));
  };
  router.put('/api/v4/posts/:post_id', update);
  router.put('/api/v4/posts/:post_id/patch', update);

  router.delete('/api/v4/posts/:post_id', async (ctx: Ctx) => {
    const auth = requireAuth(ctx);
    await app.posts.delete(actorOf(auth), idParam(ctx, 'post_id'));
    sendJson(ctx, 200, { status: 'OK' });
  });
}
