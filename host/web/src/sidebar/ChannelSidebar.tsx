// The left sidebar of a team: team name with its menu, then channels (public and private) and direct
// messages (DMs and GMs), each link carrying what plugins registered as sidebar channel labels.
import { useState, type ReactNode } from 'react';
import type { Channel } from '@mattermost/types/channels';
import type { Team } from '@mattermost/types/teams';
import { Link, navigate } from '../app/router.js';
import { PluginSlot } from '../plugins/PluginSlot.js';
import { useSelector, useSession } from '../store/hooks.js';
import { channelDisplayName, dmTeammateId, myChannelsIn } from '../store/state.js';
import { Avatar } from '../ui/Avatar.js';
import { ChevronDownIcon, GlobeIcon, LockIcon, PlusIcon } from '../ui/icons.js';
import { Menu, MenuDivider, MenuItem } from '../ui/Menu.js';
import { BrowseChannelsModal } from './BrowseChannelsModal.js';
import { CreateChannelModal } from './CreateChannelModal.js';
import { DirectMessageModal } from './DirectMessageModal.js';

type Dialog = 'create' | 'browse' | 'dm' | null;

export function ChannelSidebar({ team }: { team: Team }) {
  const [dialog, setDialog] = useState<Dialog>(null);
  const state = useSelector((s) => s.entities);
  const unread = useSelector((s) => s.views.unreadChannels);
  const mine = myChannelsIn(state.channels, team.id);
  const byName = (a: Channel, b: Channel) => channelDisplayName(state, a).localeCompare(channelDisplayName(state, b));
  const channels = mine.filter((c) => c.type === 'O' || c.type === 'P').sort(byName);
  const direct = mine.filter((c) => c.type === 'D' || c.type === 'G').sort((a, b) => b.last_post_at - a.last_post_at || byName(a, b));
  const current = state.channels.currentChannelId;

  return (
    <nav className="channel-sidebar" aria-label="Channels">
      <Menu
        className="sidebar-header-anchor"
        trigger={(open, toggle) => (
          <button type="button" className={`sidebar-header${open ? ' active' : ''}`} onClick={toggle} aria-expanded={open}>
            <span className="sidebar-team-name">{team.display_name}</span>
            <ChevronDownIcon size={18} />
          </button>
        )}
      >
        {(close) => (
          <>
            <MenuItem onSelect={() => (close(), setDialog('create'))}>Create new channel</MenuItem>
            <MenuItem onSelect={() => (close(), setDialog('browse'))}>Browse channels</MenuItem>
            <MenuDivider />
            <MenuItem onSelect={() => (close(), navigate('/select_team'))}>Join or create another team</MenuItem>
          </>
        )}
      </Menu>
      <div className="sidebar-scroll">
        <SidebarSection
          title="Channels"
          addLabel="Add channels"
          add={(close) => (
            <>
              <MenuItem icon={<PlusIcon />} onSelect={() => (close(), setDialog('create'))}>
                Create new channel
              </MenuItem>
              <MenuItem icon={<GlobeIcon />} onSelect={() => (close(), setDialog('browse'))}>
                Browse channels
              </MenuItem>
            </>
          )}
        >
          {channels.map((c) => (
            <ChannelLink key={c.id} team={team} channel={c} active={c.id === current} unread={!!unread[c.id]} />
          ))}
        </SidebarSection>
        <SidebarSection title="Direct messages" addLabel="Write a direct message" onAdd={() => setDialog('dm')}>
          {direct.map((c) => (
            <ChannelLink key={c.id} team={team} channel={c} active={c.id === current} unread={!!unread[c.id]} />
          ))}
          {direct.length === 0 && <li className="sidebar-empty">No conversations yet</li>}
        </SidebarSection>
      </div>
      {dialog === 'create' && <CreateChannelModal team={team} onClose={() => setDialog(null)} />}
      {dialog === 'browse' && <BrowseChannelsModal team={team} onClose={() => setDialog(null)} />}
      {dialog === 'dm' && <DirectMessageModal team={team} onClose={() => setDialog(null)} />}
    </nav>
  );
}

function SidebarSection(props: {
  title: string;
  addLabel: string;
  onAdd?: () => void;
  add?: (close: () => void) => ReactNode;
  children: ReactNode;
}) {
  const [collapsed, setCollapsed] = useState(false);
  return (
    <section className="sidebar-section">
      <div className="sidebar-section-header">
        <button type="button" className="sidebar-section-title" onClick={() => setCollapsed((c) => !c)} aria-expanded={!collapsed}>
          <ChevronDownIcon size={14} className={collapsed ? 'rotated' : ''} />
          {props.title}
        </button>
        {props.add ? (
          <Menu
            align="right"
            trigger={(_open, toggle) => (
              <button type="button" className="sidebar-add" aria-label={props.addLabel} title={props.addLabel} onClick={toggle}>
                <PlusIcon size={16} />
              </button>
            )}
          >
            {props.add}
          </Menu>
        ) : (
          <button type="button" className="sidebar-add" aria-label={props.addLabel} title={props.addLabel} onClick={props.onAdd}>
            <PlusIcon size={16} />
          </button>
        )}
      </div>
      {!collapsed && <ul className="sidebar-list">{props.children}</ul>}
    </section>
  );
}

function ChannelLink({ team, channel, active, unread }: { team: Team; channel: Channel; active: boolean; unread: boolean }) {
  const session = useSession();
  const me = useSelector((s) => s.entities.users.currentUserId);
  const profiles = useSelector((s) => s.entities.users.profiles);
  const name = session.displayName(channel);
  let icon: ReactNode;
  if (channel.type === 'O') icon = <GlobeIcon />;
  else if (channel.type === 'P') icon = <LockIcon />;
  else if (channel.type === 'D') {
    const other = dmTeammateId(me, channel) ?? me;
    icon = <Avatar user={profiles[other]} userId={other} size={20} />;
  } else {
    icon = <span className="gm-count">{Math.max(2, channel.display_name.split(',').length - 1)}</span>;
  }
  const label = channel.type === 'D' && dmTeammateId(me, channel) === me ? `${name} (you)` : name;
  return (
    <li>
      <Link
        to={session.channelPath(team.name, channel)}
        className={`sidebar-link${active ? ' active' : ''}${unread ? ' unread' : ''}`}
        aria-current={active ? 'page' : undefined}
        data-channel-name={channel.name}
      >
        <span className="sidebar-link-icon">{icon}</span>
        <span className="sidebar-link-name">{label}</span>
        <span className="sidebar-link-labels">
          <PluginSlot name="SidebarChannelLinkLabel" where="sidebar channel label" props={{ channel }} />
        </span>
      </Link>
    </li>
  );
}
