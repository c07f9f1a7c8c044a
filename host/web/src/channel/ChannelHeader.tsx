// The bar above the posts: channel name (with a menu of plugin actions), its header text, and the
// plugin buttons: the call button first, then channel header buttons with their tooltips.
import type { Channel } from '@mattermost/types/channels';
import { useSelector, useSession } from '../store/hooks.js';
import { dmTeammateId } from '../store/state.js';
import { Avatar } from '../ui/Avatar.js';
import { ChevronDownIcon, GlobeIcon, LockIcon } from '../ui/icons.js';
import { Menu, MenuItem } from '../ui/Menu.js';
import { PluginBoundary } from '../ui/PluginBoundary.js';
import type { ChannelAction } from '../plugins/types.js';
import { inline } from './markdown.js';

function runAction(pluginId: string, action: ChannelAction, channel: Channel, member: Parameters<ChannelAction>[1]) {
  try {
    const r = action(channel, member) as unknown;
    if (r instanceof Promise) r.catch((err) => console.error(`plugin ${pluginId}: header action failed`, err));
  } catch (err) {
    console.error(`plugin ${pluginId}: header action failed`, err);
  }
}

export function ChannelHeader({ channel }: { channel: Channel }) {
  const session = useSession();
  const state = useSelector((s) => s);
  const member = state.entities.channels.myMembers[channel.id];
  const me = state.entities.users.currentUserId;
  const { callButtons, channelHeaderButtons, channelHeaderMenu } = state.plugins;
  const menuItems = channelHeaderMenu.filter((e) => {
    try {
      return e.shouldRender(state);
    } catch {
      return false;
    }
  });
  const name = session.displayName(channel);
  const teammate = dmTeammateId(me, channel);
  const icon =
    channel.type === 'O' ? <GlobeIcon /> : channel.type === 'P' ? <LockIcon /> : teammate ? (
      <Avatar user={state.entities.users.profiles[teammate]} userId={teammate} size={24} />
    ) : null;

  const title = (
    <>
      {icon && <span className="channel-header-icon">{icon}</span>}
      <h1 className="channel-header-name">{name}</h1>
    </>
  );

  return (
    <header className="channel-header">
      <div className="channel-header-info">
        {menuItems.length ? (
          <Menu
            trigger={(open, toggle) => (
              <button type="button" className={`channel-header-title${open ? ' active' : ''}`} onClick={toggle} aria-expanded={open}>
                {title}
                <ChevronDownIcon size={16} />
              </button>
            )}
          >
            {(close) =>
              menuItems.map((e) => (
                <MenuItem
                  key={e.id}
                  onSelect={() => {
                    close();
                    try {
                      e.action(channel.id);
                    } catch (err) {
                      console.error(`plugin ${e.pluginId}: menu action failed`, err);
                    }
                  }}
                >
                  {e.text}
                </MenuItem>
              ))
            }
          </Menu>
        ) : (
          <div className="channel-header-title">{title}</div>
        )}
        {(channel.header || channel.purpose) && <div className="channel-header-text">{inline(channel.header || channel.purpose, 'h')}</div>}
      </div>
      <div className="channel-header-actions">
        {callButtons.map((e) => (
          <PluginBoundary key={e.id} pluginId={e.pluginId} where="call button">
            <div
              className="call-button-slot"
              role="presentation"
              onClick={() => runAction(e.pluginId, e.action, channel, member)}
            >
              {e.button}
            </div>
          </PluginBoundary>
        ))}
        {channelHeaderButtons.map((e) => {
          const tip = typeof e.tooltipText === 'string' ? e.tooltipText : typeof e.dropdownText === 'string' ? e.dropdownText : undefined;
          return (
            <PluginBoundary key={e.id} pluginId={e.pluginId} where="channel header button">
              <button
                type="button"
                className="channel-header-button"
                title={tip}
                aria-label={tip}
                onClick={() => runAction(e.pluginId, e.action, channel, member)}
              >
                {e.icon}
              </button>
            </PluginBoundary>
          );
        })}
      </div>
    </header>
  );
}
