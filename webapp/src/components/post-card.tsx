// The `custom_calls` post: the call's card in the channel. Live while the call runs (who is in it, for how
// long, Join / Leave), then "Call ended" with how long it lasted and who took part.
import { useEffect } from 'react';
import type { Post } from '@mattermost/types/posts';
import { controller } from '../controller.js';
import { usersOf } from '../state/reducer.js';
import { formatAgo, formatDuration } from '../util/format.js';
import { AvatarStack } from '../ui/common.js';
import { useCalls, useNow } from '../ui/hooks.js';
import { LeaveIcon, PhoneIcon } from '../ui/icons.js';
import { useAvailability } from './channel.js';

type CallPostProps = { start_at?: unknown; end_at?: unknown; title?: unknown; participants?: unknown };

function time(ms: number): string {
  return new Date(ms).toLocaleTimeString([], { hour: 'numeric', minute: '2-digit' });
}

export function CallPostCard({ post }: { post: Post }) {
  const props = (post.props ?? {}) as CallPostProps;
  const startAt = Number(props.start_at) || post.create_at;
  const endAt = Number(props.end_at) || 0;
  const title = typeof props.title === 'string' && props.title ? props.title : '';
  const call = useCalls((s) => {
    const c = s.calls[post.channel_id];
    return c && (c.postId === post.id || (c.postId === '' && c.startAt === startAt)) ? c : undefined;
  });
  const inIt = useCalls((s) => s.myCall?.channelId === post.channel_id);
  const loaded = useCalls((s) => s.loaded);
  const now = useNow(endAt ? 3_600_000 : 1000);
  const a = useAvailability(post.channel_id);
  // Without end_at, a call we do not know of has ended too (its post update may still be on its way).
  const ended = endAt > 0 || (loaded && !call && now - startAt > 5_000);

  const participants = Array.isArray(props.participants) ? (props.participants as unknown[]).filter((x): x is string => typeof x === 'string') : [];
  const participantsKey = participants.join(',');
  useEffect(() => {
    if (participantsKey) controller().ensureProfiles(participantsKey.split(','));
  }, [participantsKey]);

  if (ended) {
    return (
      <div className="calls-card calls-ended" data-testid="calls-post-card" data-post-id={post.id} data-state="ended">
        <div className="calls-card-top">
          <span className="calls-card-icon">
            <PhoneIcon size={20} />
          </span>
          <div>
            <div className="calls-card-title" data-testid="calls-post-ended">
              Call ended{title ? `: ${title}` : ''}
            </div>
            <div className="calls-card-sub" data-testid="calls-post-duration">
              {endAt ? `Ended at ${time(endAt)} · Lasted ${formatDuration(endAt - startAt)}` : `Started at ${time(startAt)}`}
            </div>
          </div>
        </div>
        {participants.length > 0 && (
          <div className="calls-card-bottom">
            <AvatarStack userIds={participants} />
          </div>
        )}
      </div>
    );
  }

  const users = usersOf(call);
  return (
    <div className="calls-card" data-testid="calls-post-card" data-post-id={post.id} data-state="active">
      <div className="calls-card-top">
        <span className="calls-card-icon">
          <PhoneIcon size={20} />
        </span>
        <div>
          <div className="calls-card-title">{title || 'Call started'}</div>
          <div className="calls-card-sub" data-testid="calls-post-duration">
            Started {formatAgo(now - startAt)} · {time(startAt)}
          </div>
        </div>
      </div>
      <div className="calls-card-bottom">
        <AvatarStack userIds={users} />
        <span className="calls-card-sub">{users.length > 0 ? `${users.length} ${users.length === 1 ? 'person' : 'people'} in the call` : ''}</span>
        <span className="calls-spacer" />
        {inIt ? (
          <button type="button" className="calls-btn calls-btn-danger" data-testid="calls-post-join" data-state="leave" onClick={() => controller().leaveCall()}>
            <LeaveIcon size={15} />
            Leave call
          </button>
        ) : (
          <button
            type="button"
            className="calls-btn calls-btn-join"
            data-testid="calls-post-join"
            data-state="join"
            disabled={!!a.reason}
            title={a.reason || undefined}
            onClick={() => void controller().joinCall(post.channel_id)}
          >
            <PhoneIcon size={15} />
            Join call
          </button>
        )}
      </div>
    </div>
  );
}
