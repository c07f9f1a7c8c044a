// What a channel shows: the header call button, the sidebar indicator, the toast over the posts.
import type { Channel } from '@mattermost/types/channels';
import { controller } from '../controller.js';
import { formatAgo } from '../util/format.js';
import { CloseIcon, PhoneIcon, SpeakerIcon } from '../ui/icons.js';
import { useCalls, useMe, useNow, useShell } from '../ui/hooks.js';
import { callAvailability, type Availability } from './availability.js';

function dmTeammateId(me: string, channel: Channel | undefined): string | undefined {
  if (!channel || channel.type !== 'D') return undefined;
  const [a, b] = channel.name.split('__');
  return a === me ? b : a;
}

/** Availability of the current channel's call, for the button and its action. */
export function useAvailability(channelId: string): Availability {
  const calls = useCalls((s) => s);
  const me = useMe();
  const channel = useShell((s) => s.entities.channels.channels[channelId]);
  const meProfile = useShell((s) => s.entities.users.profiles[me]);
  const mate = useShell((s) => {
    const id = dmTeammateId(me, channel);
    return id ? s.entities.users.profiles[id] : undefined;
  });
  return callAvailability({ calls, channel, me: meProfile, dmTeammate: mate });
}

export function availabilityNow(channelId: string): Availability {
  const c = controller();
  const s = c.store.getState();
  const channel = s.entities.channels.channels[channelId];
  const mateId = dmTeammateId(c.me, channel);
  return callAvailability({ calls: c.state, channel, me: s.entities.users.profiles[c.me], dmTeammate: mateId ? s.entities.users.profiles[mateId] : undefined });
}

export function CallButton() {
  const channelId = useShell((s) => s.entities.channels.currentChannelId);
  const a = useAvailability(channelId);
  const label = a.state === 'in-call' ? 'In call' : a.state === 'join' ? 'Join call' : 'Start call';
  const cls = a.state === 'in-call' ? 'calls-btn-secondary calls-in-call' : a.state === 'join' ? 'calls-btn-join' : 'calls-btn-secondary';
  return (
    <button
      type="button"
      className={`calls-btn calls-header-button ${cls}`}
      data-testid="calls-call-button"
      data-state={a.state}
      disabled={!!a.reason}
      title={a.reason || (a.state === 'join' ? `Join the call (${a.participants} in it)` : 'Start a call in this channel')}
      aria-label={label}
    >
      <PhoneIcon size={15} />
      {label}
      {a.state === 'join' && a.participants > 0 && <span className="calls-count">{a.participants}</span>}
    </button>
  );
}

/** The call button's action (the shell's wrapper calls it on click). */
export function onCallButton(channel: Channel): void {
  const a = availabilityNow(channel.id);
  if (a.reason) return;
  void controller().joinCall(channel.id);
}

export function SidebarIndicator({ channel }: { channel: Channel }) {
  const count = useCalls((s) => {
    const call = s.calls[channel.id];
    return call && call.id !== '' ? Object.keys(call.sessions).length : 0;
  });
  const mine = useCalls((s) => s.myCall?.channelId === channel.id);
  if (!count) return null;
  return (
    <span
      className={`calls-sidebar-indicator${mine ? ' calls-mine' : ''}`}
      data-testid="calls-sidebar-indicator"
      data-channel-id={channel.id}
      data-participants={count}
      title={mine ? 'You are in this call' : `Call in progress · ${count} participant${count === 1 ? '' : 's'}`}
    >
      <SpeakerIcon size={12} />
      {count}
    </span>
  );
}

export function ChannelToast() {
  const channelId = useShell((s) => s.entities.channels.currentChannelId);
  const call = useCalls((s) => s.calls[channelId]);
  const inIt = useCalls((s) => s.myCall?.channelId === channelId);
  const dismissed = useCalls((s) => !!call && !!s.toastDismissed[call.id]);
  const me = useMe();
  const now = useNow(15_000);
  const a = useAvailability(channelId);
  if (!call || call.id === '' || inIt || dismissed || Object.keys(call.sessions).length === 0) return null;
  if (Object.values(call.sessions).some((s) => s.userId === me)) return null; // in it from another tab
  return (
    <div className="calls-toast" data-testid="calls-channel-toast" data-channel-id={channelId} role="status">
      <PhoneIcon size={16} />
      <strong>Call in progress</strong>
      <span className="calls-toast-time">Started {formatAgo(now - call.startAt)}</span>
      <span className="calls-spacer" />
      <button
        type="button"
        className="calls-btn"
        data-testid="calls-channel-toast-join"
        disabled={!!a.reason}
        title={a.reason || undefined}
        onClick={() => void controller().joinCall(channelId)}
      >
        Join call
      </button>
      <button
        type="button"
        className="calls-icon-btn"
        data-testid="calls-channel-toast-dismiss"
        aria-label="Dismiss"
        onClick={() => controller().dispatch({ type: 'CALLS_TOAST_DISMISS', callId: call.id })}
      >
        <CloseIcon size={16} />
      </button>
    </div>
  );
}
