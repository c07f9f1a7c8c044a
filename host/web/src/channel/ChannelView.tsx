// The center of a channel: header, plugin channel toasts, the posts and the message box.
import { useEffect } from 'react';
import type { Team } from '@mattermost/types/teams';
import { siteName } from '../auth/AuthLayout.js';
import { PluginSlot } from '../plugins/PluginSlot.js';
import { useSelector, useSession } from '../store/hooks.js';
import { ChannelHeader } from './ChannelHeader.js';
import { MessageBox } from './MessageBox.js';
import { PostList } from './PostList.js';

export function ChannelView({ team, channelId }: { team: Team; channelId: string }) {
  const session = useSession();
  const channel = useSelector((s) => s.entities.channels.channels[channelId]);
  const site = useSelector((s) => siteName(s.entities.general.config));
  const name = channel ? session.displayName(channel) : '';

  useEffect(() => {
    document.title = `${name} - ${team.display_name} ${site}`;
  }, [name, team.display_name, site]);

  // Posts that arrived while the tab was hidden marked the channel unread; coming back reads them.
  useEffect(() => {
    const onVisible = () => {
      if (!document.hidden) session.markViewed(channelId);
    };
    document.addEventListener('visibilitychange', onVisible);
    return () => document.removeEventListener('visibilitychange', onVisible);
  }, [session, channelId]);

  if (!channel) return null;
  const archived = channel.delete_at > 0;
  return (
    <section className="channel-view" aria-label={name}>
      <ChannelHeader channel={channel} />
      <div className="channel-toasts">
        <PluginSlot name="ChannelToast" where="channel toast" />
      </div>
      <PostList channel={channel} />
      {archived ? (
        <div className="archived-notice">You are viewing an archived channel. New messages cannot be posted.</div>
      ) : (
        <MessageBox channel={channel} placeholderName={channel.type === 'D' ? `@${name}` : name} />
      )}
    </section>
  );
}
