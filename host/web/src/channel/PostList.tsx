// The channel's posts, oldest at the top: pages of older posts load when the user scrolls up (keeping
// the view where it was), new posts keep the view at the bottom if the user was there, and day
// separators and same-author runs make it read like a conversation.
import { Fragment, useCallback, useEffect, useLayoutEffect, useRef, useState } from 'react';
import type { Channel } from '@mattermost/types/channels';
import type { Post } from '@mattermost/types/posts';
import { useSelector, useSession } from '../store/hooks.js';
import { isEphemeral } from '../store/reducer.js';
import { ChannelIntro } from './ChannelIntro.js';
import { PostItem } from './PostItem.js';

const CONTINUATION_MS = 5 * 60 * 1000;
const NEAR_BOTTOM_PX = 80;

function dayKey(ms: number): string {
  const d = new Date(ms);
  return `${d.getFullYear()}-${d.getMonth()}-${d.getDate()}`;
}

const dayFormat = new Intl.DateTimeFormat(undefined, { weekday: 'long', month: 'long', day: 'numeric' });
const dayYearFormat = new Intl.DateTimeFormat(undefined, { weekday: 'short', month: 'long', day: 'numeric', year: 'numeric' });

export function dayLabel(ms: number, now = Date.now()): string {
  const today = dayKey(now);
  if (dayKey(ms) === today) return 'Today';
  if (dayKey(ms) === dayKey(now - 86_400_000)) return 'Yesterday';
  return new Date(ms).getFullYear() === new Date(now).getFullYear() ? dayFormat.format(ms) : dayYearFormat.format(ms);
}

function isContinuation(prev: Post | undefined, post: Post): boolean {
  if (!prev || prev.user_id !== post.user_id) return false;
  if (dayKey(prev.create_at) !== dayKey(post.create_at)) return false;
  if (post.create_at - prev.create_at > CONTINUATION_MS) return false;
  const plain = (p: Post) => !p.type || (!p.type.startsWith('system_') && !p.type.startsWith('custom_'));
  return plain(prev) && plain(post) && !isEphemeral(prev) && !isEphemeral(post);
}

export function PostList({ channel }: { channel: Channel }) {
  const session = useSession();
  const list = useSelector((s) => s.entities.posts.postsInChannel[channel.id]);
  const posts = useSelector((s) => s.entities.posts.posts);
  const profiles = useSelector((s) => s.entities.users.profiles);
  const me = useSelector((s) => s.entities.users.currentUserId);
  const scroller = useRef<HTMLDivElement>(null);
  const sentinel = useRef<HTMLDivElement>(null);
  const atBottom = useRef(true);
  const anchor = useRef<{ first: string; fromBottom: number } | null>(null);
  const [loadingOlder, setLoadingOlder] = useState(false);
  const [error, setError] = useState('');

  const order = list?.order ?? [];
  const firstId = order[0];
  const lastId = order[order.length - 1];

  const loadOlder = useCallback(async () => {
    const el = scroller.current;
    if (!list || !list.hasMore || loadingOlder || !el) return;
    anchor.current = { first: list.order[0] ?? '', fromBottom: el.scrollHeight - el.scrollTop };
    setLoadingOlder(true);
    setError('');
    try {
      await session.loadPosts(channel.id, list.pagesLoaded);
    } catch (err) {
      anchor.current = null;
      setError((err as Error).message);
    } finally {
      setLoadingOlder(false);
    }
  }, [session, channel.id, list, loadingOlder]);

  // Keep the reader's place: after older posts are added above, or at the bottom when new ones arrive.
  useLayoutEffect(() => {
    const el = scroller.current;
    if (!el) return;
    const a = anchor.current;
    if (a && firstId !== a.first) {
      el.scrollTop = el.scrollHeight - a.fromBottom;
      anchor.current = null;
      return;
    }
    const lastPost = lastId ? posts[lastId] : undefined;
    if (atBottom.current || lastPost?.user_id === me) {
      el.scrollTop = el.scrollHeight;
      atBottom.current = true;
    }
  }, [firstId, lastId, posts, me]);

  // Load the next older page when the top of the list comes into view (also when a short history does
  // not fill the view). The observer is re-created after each page, so it checks again then.
  useEffect(() => {
    const el = sentinel.current;
    if (!el || !list?.hasMore) return;
    const io = new IntersectionObserver((entries) => {
      if (entries.some((e) => e.isIntersecting)) void loadOlder();
    }, { root: scroller.current, rootMargin: '200px 0px 0px 0px' });
    io.observe(el);
    return () => io.disconnect();
  }, [list?.hasMore, loadOlder]);

  const onScroll = () => {
    const el = scroller.current;
    if (el) atBottom.current = el.scrollHeight - el.scrollTop - el.clientHeight < NEAR_BOTTOM_PX;
  };

  if (!list || (list.pagesLoaded === 0 && order.length === 0)) {
    return <div className="post-list-loading">Loading messages…</div>;
  }

  let prev: Post | undefined;
  return (
    <div className="post-list" ref={scroller} onScroll={onScroll} role="log" aria-live="polite" aria-label="Messages">
      <div className="post-list-inner">
        {list.hasMore ? (
          <div ref={sentinel} className="load-older">
            {error ? (
              <span className="error-text">Could not load older messages: {error}</span>
            ) : (
              <button type="button" className="btn btn-link" disabled={loadingOlder} onClick={() => void loadOlder()}>
                {loadingOlder ? 'Loading…' : 'Load older messages'}
              </button>
            )}
          </div>
        ) : (
          <ChannelIntro channel={channel} />
        )}
        {order.map((id) => {
          const post = posts[id];
          if (!post) return null;
          const newDay = !prev || dayKey(prev.create_at) !== dayKey(post.create_at);
          const continuation = !newDay && isContinuation(prev, post);
          prev = post;
          return (
            <Fragment key={id}>
              {newDay && (
                <div className="date-separator" role="separator">
                  <span>{dayLabel(post.create_at)}</span>
                </div>
              )}
              <PostItem post={post} author={profiles[post.user_id]} continuation={continuation} mine={post.user_id === me} />
            </Fragment>
          );
        })}
      </div>
    </div>
  );
}
