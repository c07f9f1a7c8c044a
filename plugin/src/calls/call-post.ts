// The `custom_calls` post: created when a call starts (in the given thread, or as a new root post), updated
// when it ends ("Call ended", end_at, participants). The webapp's call card renders these props.
import type { PluginAPI } from '@calls-ts/host/plugin-rpc';

export const CALL_POST_TYPE = 'custom_calls';

function attachment(text: string) {
  return [{ fallback: text, title: text, text }];
}

export class CallPosts {
  constructor(private readonly api: PluginAPI) {}

  /** Creates the post; resolves with its id and the call's thread id (the given thread, or the post itself). */
  async created(p: { userID: string; channelID: string; startAt: number; title: string; threadID: string }): Promise<{ postID: string; threadID: string }> {
    const user = await this.api.getUser(p.userID);
    const message = `${user.username} started a call`;
    const post = await this.api.createPost({
      user_id: p.userID,
      channel_id: p.channelID,
      root_id: p.threadID,
      message,
      type: CALL_POST_TYPE,
      props: { attachments: attachment(message), start_at: p.startAt, title: p.title },
    });
    return { postID: post.id, threadID: p.threadID || post.id };
  }

  /** Marks the post ended; resolves with the call's duration in seconds (from the post's start_at). */
  async ended(postID: string, participants: string[], now = Date.now()): Promise<number> {
    const post = await this.api.getPost(postID);
    const message = 'Call ended';
    const props = { ...(post.props ?? {}), attachments: attachment(message), end_at: now, participants };
    await this.api.updatePost({ id: postID, message, props });
    const startAt = Number((post.props as { start_at?: unknown } | undefined)?.start_at ?? 0);
    return startAt > 0 ? (now - startAt) / 1000 : 0;
  }
}
