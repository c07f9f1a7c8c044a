// Whether this user can start or join the call of a channel, and why not (the header button's tooltip,
// the post card, the toast, the slash command all say the same thing).
import type { Channel } from '@mattermost/types/channels';
import type { UserProfile } from '@mattermost/types/users';
import type { CallsState } from '../state/types.js';

export interface Availability {
  state: 'start' | 'join' | 'in-call';
  /** Why the button is disabled ('' when it is not). */
  reason: string;
  participants: number;
}

export function callAvailability(p: {
  calls: CallsState;
  channel: Channel | undefined;
  me: UserProfile | undefined;
  /** The other side of a DM, to refuse calls with deactivated users. */
  dmTeammate?: UserProfile;
}): Availability {
  const { calls, channel } = p;
  if (!channel) return { state: 'start', reason: 'Loading…', participants: 0 };
  const call = calls.calls[channel.id];
  const participants = call ? Object.keys(call.sessions).length : 0;
  if (calls.myCall?.channelId === channel.id) return { state: 'in-call', reason: 'You are in this call', participants };
  const state = call ? 'join' : 'start';
  const no = (reason: string): Availability => ({ state, reason, participants });
  if (channel.delete_at > 0) return no('Calls are not available in archived channels');
  if (p.dmTeammate && p.dmTeammate.delete_at > 0) return no('Calls are not available with a deactivated user');
  const cfg = calls.config;
  if (cfg && call && cfg.MaxCallParticipants > 0 && participants >= cfg.MaxCallParticipants) {
    return no(`This call is at its maximum capacity of ${cfg.MaxCallParticipants} participants`);
  }
  if (!call) {
    const explicit = calls.enabled[channel.id];
    if (explicit === false) return no('Calls are disabled in this channel');
    const admin = !!p.me?.roles?.split(' ').includes('system_admin');
    if (cfg && !cfg.DefaultEnabled && explicit !== true && !admin) return no('Calls are in test mode: only system admins can start them');
  }
  return { state, reason: '', participants };
}
