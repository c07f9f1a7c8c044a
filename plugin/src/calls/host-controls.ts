// What the call's host (or a system admin) may do to others: make someone else host (and lock the role to
// them), ask a session to mute / stop sharing / lower its hand, remove a session (its media is closed after
// 3 s if its client did not leave by itself), end the call for everyone (clean-up after 5 s).
import type { PluginAPI } from '@calls-ts/host/plugin-rpc';
import type { Logger } from '../log.js';
import type { CallsEvents } from '../signaling/events.js';
import { CallError, type CallService } from './call-service.js';
import type { CallState } from './call-state.js';
import type { SessionManager } from './session-manager.js';

export interface HostControlsDeps {
  api: PluginAPI;
  calls: CallService;
  sessions: SessionManager;
  events: CallsEvents;
  log: Logger;
  removeDelayMs?: number;
  endDelayMs?: number;
}

export const NO_CALL = 'no call ongoing';

export class HostControls {
  private readonly timers = new Set<NodeJS.Timeout>();
  private readonly removeDelayMs: number;
  private readonly endDelayMs: number;

  constructor(private readonly d: HostControlsDeps) {
    this.removeDelayMs = d.removeDelayMs ?? 3000;
    this.endDelayMs = d.endDelayMs ?? 5000;
  }

  private async authorize(requesterID: string, state: CallState): Promise<void> {
    if (requesterID === state.hostID) return;
    if (await this.d.api.hasPermissionTo(requesterID, 'manage_system')) return;
    throw new CallError('no permissions: only the host or a system admin can do this', 403);
  }

  private async current(channelID: string, requesterID: string): Promise<CallState> {
    const state = await this.d.calls.loadState(channelID);
    if (!state) throw new CallError(NO_CALL);
    await this.authorize(requesterID, state);
    return state;
  }

  private target(state: CallState, sessionID: string) {
    const s = state.sessions.get(sessionID);
    if (!s) throw new CallError('requested session or user is not in the call');
    return s;
  }

  private later(ms: number, fn: () => Promise<void>): void {
    const t = setTimeout(() => {
      this.timers.delete(t);
      fn().catch((err: unknown) => this.d.log.error({ err: (err as Error).message }, 'delayed host action failed'));
    }, ms);
    this.timers.add(t);
  }

  async makeHost(requesterID: string, channelID: string, newHostID: string): Promise<void> {
    await this.d.calls.withCall(channelID, async (state) => {
      if (!state) throw new CallError(NO_CALL);
      await this.authorize(requesterID, state);
      const newHost = await this.d.api.getUser(newHostID).catch(() => undefined);
      if (!newHost) throw new CallError('requested session or user is not in the call');
      if (newHost.is_bot) throw new CallError('not allowed: cannot assign a bot to be host');
      if (state.hostID === newHostID) {
        if (!state.call.props.host_locked_user_id) {
          state.call.props.host_locked_user_id = newHostID;
          await this.d.calls.store.updateCall(state.call);
        }
        return;
      }
      if (!state.isUserInCall(newHostID)) throw new CallError('requested session or user is not in the call');
      state.hostID = newHostID;
      state.call.props.host_locked_user_id = newHostID;
      await this.d.calls.store.updateCall(state.call);
      this.d.events.publish('call_host_changed', { hostID: newHostID, call_id: state.call.id }, { userIds: state.userIDs(), channelId: channelID });
    });
  }

  async mute(requesterID: string, channelID: string, sessionID: string): Promise<void> {
    const state = await this.current(channelID, requesterID);
    const s = this.target(state, sessionID);
    if (!s.unmuted) return;
    this.d.events.publish('host_mute', { channel_id: channelID, session_id: sessionID }, { userId: s.user_id });
  }

  async muteOthers(requesterID: string, channelID: string): Promise<void> {
    const state = await this.current(channelID, requesterID);
    for (const s of state.sessions.values()) {
      if (s.unmuted && s.user_id !== requesterID) this.d.events.publish('host_mute', { channel_id: channelID, session_id: s.id }, { userId: s.user_id });
    }
  }

  async screenOff(requesterID: string, channelID: string, sessionID: string): Promise<void> {
    const state = await this.current(channelID, requesterID);
    if (state.screenSharingSessionID !== sessionID) return;
    const s = this.target(state, sessionID);
    this.d.events.publish('host_screen_off', { channel_id: channelID, session_id: sessionID }, { userId: s.user_id });
  }

  async lowerHand(requesterID: string, channelID: string, sessionID: string): Promise<void> {
    const state = await this.current(channelID, requesterID);
    const s = this.target(state, sessionID);
    if (s.raised_hand === 0) return;
    this.d.events.publish(
      'host_lower_hand',
      { call_id: state.call.id, channel_id: channelID, session_id: sessionID, host_id: requesterID },
      { userId: s.user_id },
    );
  }

  async remove(requesterID: string, channelID: string, sessionID: string): Promise<void> {
    const state = await this.current(channelID, requesterID);
    const s = this.target(state, sessionID);
    // Everyone in the call sees the "was removed" notice; the removed client leaves by itself.
    this.d.events.publish(
      'host_removed',
      { call_id: state.call.id, channel_id: channelID, session_id: sessionID, user_id: s.user_id },
      { userIds: state.userIDs(), channelId: channelID },
    );
    const callID = state.call.id;
    this.later(this.removeDelayMs, async () => {
      const now = await this.d.calls.loadState(channelID);
      if (!now || now.call.id !== callID || !now.sessions.has(sessionID)) return;
      const live = this.d.sessions.bySession(sessionID);
      if (live) return live.end('kicked');
      await this.d.sessions.closeMedia(sessionID, now.call.props.rtcd_host || undefined);
      await this.d.calls.withCall(channelID, async (st) => {
        if (st && st.call.id === callID) await this.d.calls.removeUserSession(st, sessionID);
      });
    });
  }

  /** Asks every client to leave (`call_end`), then force-ends what is left after the delay. */
  async end(requesterID: string, channelID: string): Promise<void> {
    const callID = await this.d.calls.withCall(channelID, async (state) => {
      if (!state) throw new CallError(NO_CALL);
      await this.authorize(requesterID, state);
      this.d.events.publish('call_end', { channelID }, { channelId: channelID });
      return state.call.id;
    });
    this.later(this.endDelayMs, () => this.forceEnd(channelID, callID));
  }

  /** Ends a call now: its sessions' media closed, its state cleaned, the post updated. */
  async forceEnd(channelID: string, callID: string): Promise<void> {
    await this.d.calls.withCall(channelID, async (state) => {
      if (!state || state.call.id !== callID) return;
      for (const s of this.d.sessions.registry.forCall(callID)) s.end('discarded');
      const host = state.call.props.rtcd_host || undefined;
      await Promise.all([...state.sessions.keys()].map((id) => this.d.sessions.closeMedia(id, host)));
      await this.d.calls.cleanCallState(state);
    });
  }

  shutdown(): void {
    for (const t of this.timers) clearTimeout(t);
    this.timers.clear();
  }
}
