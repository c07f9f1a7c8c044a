import type { ChannelRecord, PostQuery, PostRecord, Store } from '../store/index.js';
import { newId } from '../ids.js';
import { badRequest, forbidden, notFound } from '../errors.js';
import type { EventPublisher } from '../websocket/events.js';
import { WsEvents } from '../websocket/events.js';
import { toPostJson } from './models.js';
import { isSystemAdmin, type Actor, type Permissions } from './permissions.js';

export interface NewPost {
  channel_id: string;
  message: string;
  root_id?: string;
  props?: Record<string, unknown>;
  /** Only plugins set a type (e.g. `custom_calls`); users post plain messages. */
  type?: string;
  pending_post_id?: string;
}

export interface PostPatch {
  message?: string;
  props?: Record<string, unknown>;
  is_pinned?: boolean;
}

export const MAX_MESSAGE_LENGTH = 16383;
const MAX_PROPS_BYTES = 64 * 1024;

function checkContent(message: string, props: Record<string, unknown> | undefined): void {
  if (message.length > MAX_MESSAGE_LENGTH) {
    throw badRequest('model.post.is_valid.msg.app_error', `Message must be at most ${MAX_MESSAGE_LENGTH} characters.`);
  }
  if (props && JSON.stringify(props).length > MAX_PROPS_BYTES) {
    throw badRequest('model.post.is_valid.props.app_error', 'Post props are too large.');
  }
}

/** Posts: create, list, edit, delete, and ephemeral posts (sent to one user over the WebSocket, never stored). */
export class Posts {
  constructor(
    private readonly store: Store,
    private readonly events: EventPublisher,
    private readonly perms: Permissions,
  ) {}

  /** A user posting through the API: members only, plain messages only. */
  async createByUser(actor: Actor, input: NewPost): Promise<PostRecord> {
    if (input.type) {
      throw badRequest('api.post.create_post.type.app_error', 'Posts created through the API cannot set a type.');
    }
    const channel = await this.store.channels.get(input.channel_id);
    if (!channel || !(await this.perms.isMember(actor.userId, channel.id))) throw forbidden();
    if (channel.delete_at) throw badRequest('api.post.create_post.can_not_post_to_deleted.error', 'Cannot post in an archived channel.');
    if (!input.message.trim() && !input.props) throw badRequest('model.post.is_valid.msg.app_error', 'A post needs a message.');
    return this.create(actor.userId, channel, input);
  }

  /** A plugin posting as any user (its bot, typically); any type. */
  async createByPlugin(input: NewPost & { user_id: string }): Promise<PostRecord> {
    const channel = await this.store.channels.get(input.channel_id);
    if (!channel) throw notFound('Channel', 'app.channel.get.existing.app_error');
    const user = await this.store.users.get(input.user_id);
    if (!user) throw notFound('User', 'app.user.missing_account.const');
    return this.create(user.id, channel, input);
  }

  private async create(userId: string, channel: ChannelRecord, input: NewPost): Promise<PostRecord> {
    checkContent(input.message, input.props);
    const rootId = input.root_id ?? '';
    if (rootId) {
      const root = await this.store.posts.get(rootId);
      if (!root || root.channel_id !== channel.id || root.delete_at) {
        throw badRequest('api.post.create_post.root_id.app_error', 'Invalid root_id: the post to reply to is not in this channel.');
      }
    }
    const now = Date.now();
    const post: PostRecord = {
      id: newId(), create_at: now, update_at: now, edit_at: 0, delete_at: 0, is_pinned: false, user_id: userId,
      channel_id: channel.id, root_id: rootId, original_id: '', message: input.message, type: input.type ?? '',
      props: input.props ?? {}, hashtags: '',
    };
    await this.store.transaction(async (tx) => {
      await tx.posts.create(post);
      await tx.channels.recordPost(channel.id, now, !rootId);
    });
    const sender = await this.store.users.get(userId);
    const json = { ...toPostJson(post), pending_post_id: input.pending_post_id ?? '' };
    await this.events.publish(
      WsEvents.Posted,
      {
        channel_display_name: channel.display_name,
        channel_name: channel.name,
        channel_type: channel.type,
        post: JSON.stringify(json),
        sender_name: sender ? `@${sender.username}` : '',
        set_online: true,
        team_id: channel.team_id,
      },
      { channelId: channel.id },
    );
    return post;
  }

  async get(actor: Actor, postId: string): Promise<PostRecord> {
    const post = await this.store.posts.get(postId);
    if (!post) throw notFound('Post', 'app.post.get.app_error');
    await this.perms.requireReadChannel(actor, post.channel_id);
    return post;
  }

  async list(actor: Actor, channelId: string, query: PostQuery): Promise<PostRecord[]> {
    await this.perms.requireReadChannel(actor, channelId);
    return this.store.posts.listForChannel(channelId, query);
  }

  /** Edits by a user: authors (and admins) edit plain posts; typed posts belong to plugins. */
  async patchByUser(actor: Actor, postId: string, patch: PostPatch): Promise<PostRecord> {
    const post = await this.store.posts.get(postId);
    if (!post || post.delete_at) throw notFound('Post', 'app.post.get.app_error');
    await this.perms.requireReadChannel(actor, post.channel_id);
    if (post.user_id !== actor.userId && !isSystemAdmin(actor.roles)) throw forbidden();
    if (post.type !== '') throw forbidden('This post belongs to a plugin and cannot be edited.', 'api.post.update_post.permissions_details.app_error');
    return this.applyPatch(post, patch);
  }

  /** Plugins update any post (Calls rewrites its call cards). */
  async updateByPlugin(update: { id: string } & PostPatch & { type?: string }): Promise<PostRecord> {
    const post = await this.store.posts.get(update.id);
    if (!post || post.delete_at) throw notFound('Post', 'app.post.get.app_error');
    if (update.type !== undefined) post.type = update.type;
    return this.applyPatch(post, update);
  }

  private async applyPatch(post: PostRecord, patch: PostPatch): Promise<PostRecord> {
    checkContent(patch.message ?? post.message, patch.props);
    const now = Date.now();
    if (patch.message !== undefined && patch.message !== post.message) {
      post.message = patch.message;
      post.edit_at = now;
    }
    if (patch.props !== undefined) post.props = patch.props;
    if (patch.is_pinned !== undefined) post.is_pinned = patch.is_pinned;
    post.update_at = now;
    await this.store.posts.update(post);
    await this.events.publish(WsEvents.PostEdited, { post: JSON.stringify(toPostJson(post)) }, { channelId: post.channel_id });
    return post;
  }

  async delete(actor: Actor, postId: string): Promise<PostRecord> {
    const post = await this.store.posts.get(postId);
    if (!post || post.delete_at) throw notFound('Post', 'app.post.get.app_error');
    await this.perms.requireReadChannel(actor, post.channel_id);
    if (post.user_id !== actor.userId && !isSystemAdmin(actor.roles)) throw forbidden();
    const now = Date.now();
    post.delete_at = now;
    post.update_at = now;
    await this.store.posts.update(post);
    await this.events.publish(
      WsEvents.PostDeleted,
      { post: JSON.stringify(toPostJson(post)), delete_by: actor.userId },
      { channelId: post.channel_id },
    );
    return post;
  }

  /** An ephemeral post: shown to one user, over the WebSocket only. */
  async sendEphemeral(userId: string, input: NewPost & { user_id?: string }): Promise<PostRecord> {
    checkContent(input.message, input.props);
    const now = Date.now();
    const post: PostRecord = {
      id: newId(), create_at: now, update_at: now, edit_at: 0, delete_at: 0, is_pinned: false,
      user_id: input.user_id ?? '', channel_id: input.channel_id, root_id: input.root_id ?? '', original_id: '',
      message: input.message, type: 'system_ephemeral', props: input.props ?? {}, hashtags: '',
    };
    await this.events.publish(WsEvents.EphemeralMessage, { post: JSON.stringify(toPostJson(post)) }, { userId });
    return post;
  }
}
