// The block at the very top of a channel's history (shown once every page is loaded).
import type { Channel } from '@mattermost/types/channels';
import { useSelector, useSession } from '../store/hooks.js';
import { dmTeammateId } from '../store/state.js';
import { Avatar } from '../ui/Avatar.js';
import { GlobeIcon, LockIcon } from '../ui/icons.js';

const dateFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'long' });

export function ChannelIntro({ channel }: { channel: Channel }) {
  const session = useSession();
  const me = useSelector((s) => s.entities.users.currentUserId);
  const profiles = useSelector((s) => s.entities.users.profiles);
  const name = session.displayName(channel);
  if (channel.type === 'D') {
    const other = dmTeammateId(me, channel) ?? me;
    return (
      <div className="channel-intro">
        <Avatar user={profiles[other]} userId={other} size={64} />
        <h2>{name}</h2>
        <p>
          {other === me
            ? 'This is your space. Draft messages, keep notes or links here.'
            : `This is the start of your direct message history with @${name}. Messages here are only seen by the two of you.`}
        </p>
      </div>
    );
  }
  if (channel.type === 'G') {
    return (
      <div className="channel-intro">
        <h2>{name}</h2>
        <p>This is the start of your group message history with {name}.</p>
      </div>
    );
  }
  const creator = profiles[channel.creator_id];
  return (
    <div className="channel-intro">
      <span className="channel-intro-icon">{channel.type === 'P' ? <LockIcon size={32} /> : <GlobeIcon size={32} />}</span>
      <h2>Beginning of {name}</h2>
      <p>
        {channel.purpose ? `${channel.purpose} ` : ''}
        This is the start of the {name} {channel.type === 'P' ? 'private ' : ''}channel
        {creator ? `, created by @${creator.username}` : ''}
        {channel.create_at ? ` on ${dateFormat.format(channel.create_at)}` : ''}.
      </p>
    </div>
  );
}
