// One post in the list: avatar, name and time (or a compact continuation of the same author's run),
// then the body: a plugin's component for its post type, a system message, or markdown.
import { memo } from 'react';
import type { Post } from '@mattermost/types/posts';
import type { UserProfile } from '@mattermost/types/users';
import { isEphemeral } from '../store/reducer.js';
import { useSelector } from '../store/hooks.js';
import { Avatar } from '../ui/Avatar.js';
import { PluginBoundary } from '../ui/PluginBoundary.js';
import { InfoIcon } from '../ui/icons.js';
import { Markdown } from './markdown.js';

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const fullFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });

export function formatTime(ms: number): string {
  return timeFormat.format(new Date(ms));
}

function PostBody({ post }: { post: Post }) {
  const postTypes = useSelector((s) => s.plugins.postTypes);
  // The latest registration for a type wins, as in Mattermost.
  const entry = [...postTypes].reverse().find((e) => e.type === post.type);
  if (entry) {
    const Component = entry.component;
    return (
      <PluginBoundary pluginId={entry.pluginId} where={`post type ${post.type}`} fallback={<Markdown text={post.message} />}>
        <Component post={post} isRHS={false} compactDisplay={false} />
      </PluginBoundary>
    );
  }
  return <Markdown text={post.message} />;
}

type Props = { post: Post; author: UserProfile | undefined; continuation: boolean; mine: boolean };

export const PostItem = memo(function PostItem({ post, author, continuation, mine }: Props) {
  const ephemeral = isEphemeral(post);
  const system = post.type.startsWith('system_') && !ephemeral;
  const fromWebhook = typeof post.props?.['override_username'] === 'string';
  const name = fromWebhook ? String(post.props['override_username']) : ephemeral ? 'System' : author?.username ?? '…';
  const compact = continuation && !ephemeral && !system;
  const classes = ['post', compact ? 'post-continuation' : '', system ? 'post-system' : '', ephemeral ? 'post-ephemeral' : '', mine ? 'post-mine' : '']
    .filter(Boolean)
    .join(' ');
  return (
    <article className={classes} data-post-id={post.id} data-post-type={post.type || undefined}>
      <div className="post-gutter">
        {compact ? (
          <time className="post-hover-time" dateTime={new Date(post.create_at).toISOString()} title={fullFormat.format(new Date(post.create_at))}>
            {formatTime(post.create_at)}
          </time>
        ) : ephemeral || system ? (
          <span className="post-system-icon">
            <InfoIcon size={20} />
          </span>
        ) : (
          <Avatar user={author} userId={post.user_id} size={36} />
        )}
      </div>
      <div className="post-content">
        {!compact && (
          <div className="post-header">
            <span className="post-author">{name}</span>
            {author?.is_bot && <span className="badge">BOT</span>}
            <time dateTime={new Date(post.create_at).toISOString()} title={fullFormat.format(new Date(post.create_at))}>
              {formatTime(post.create_at)}
            </time>
          </div>
        )}
        <div className="post-body">
          <PostBody post={post} />
          {post.edit_at > 0 && <span className="post-edited">Edited</span>}
        </div>
        {ephemeral && <div className="post-ephemeral-note">(Only visible to you)</div>}
      </div>
    </article>
  );
});
