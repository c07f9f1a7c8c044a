// Call state that outlived its media: at activation (this process restarted, or the host restarted it after a
// crash) every active call in the database is checked against the media side. A call whose sessions the media
// side no longer has is ended (call_end, post updated); a call still alive there (rtcd keeps calls while the
// plugin restarts) is resumed with the sessions that are still alive. When an rtcd node is gone for good, the
// calls pinned to it are ended the same way. Nothing stays "active" without media behind it.
import type { Logger } from '../log.js';
import type { MediaBackend } from '../media/media-backend.js';
import type { CallsEvents } from '../signaling/events.js';
import type { CallService } from './call-service.js';
import type { CallState } from './call-state.js';
import type { SessionManager } from './session-manager.js';

export interface ReconcileDeps {
  calls: CallService;
  sessions: SessionManager;
  media: MediaBackend;
  events: CallsEvents;
  log: Logger;
  /** Wait before asking again about calls whose media node did not answer. */
  retryDelayMs?: number;
}

export interface ReconcileResult {
  ended: number;
  resumed: number;
}

export class CallReconciler {
  constructor(private readonly d: ReconcileDeps) {}

  /** Ends a call right away: clients are told (`call_end`), sessions dropped, the post updated. Under the lock. */
  async endNow(state: CallState, reason: string): Promise<void> {
    const channelID = state.call.channel_id;
    for (const s of this.d.sessions.registry.forCall(state.call.id)) s.end('discarded');
    this.d.events.publish('call_end', { channelID }, { channelId: channelID });
    await this.d.calls.cleanCallState(state);
    this.d.log.info({ call_id: state.call.id, channel_id: channelID, reason }, 'call ended by reconciliation');
  }

  /** Checks every active call once (and the unanswered ones once more after a pause). */
  async reconcileAll(): Promise<ReconcileResult> {
    const result: ReconcileResult = { ended: 0, resumed: 0 };
    const calls = await this.d.calls.store.getAllActiveCalls();
    let unanswered = await this.pass(calls.map((c) => c.channel_id), result, false);
    if (unanswered.length > 0) {
      await new Promise((r) => setTimeout(r, this.d.retryDelayMs ?? 2000));
      unanswered = await this.pass(unanswered, result, true);
    }
    return result;
  }

  /** Returns the channels whose media node could not tell (only when `final` is false). */
  private async pass(channelIDs: string[], result: ReconcileResult, final: boolean): Promise<string[]> {
    const unanswered: string[] = [];
    for (const channelID of channelIDs) {
      try {
        await this.d.calls.withCall(channelID, async (state) => {
          if (!state) return;
          const host = state.call.props.rtcd_host || undefined;
          const alive = await this.d.media.callSessions(state.call.id, host).catch(() => undefined);
          if (alive === undefined && !final) {
            unanswered.push(channelID);
            return;
          }
          const aliveIDs = new Set((alive ?? []).map((s) => s.sessionID));
          const kept = [...state.sessions.keys()].filter((id) => aliveIDs.has(id));
          if (kept.length === 0) {
            await this.endNow(state, alive === undefined ? 'media node unreachable' : 'no media sessions left');
            result.ended++;
            return;
          }
          for (const id of [...state.sessions.keys()]) if (!aliveIDs.has(id)) await this.d.calls.removeUserSession(state, id);
          for (const id of kept) if (!this.d.sessions.bySession(id)) this.d.sessions.resume(state, id);
          result.resumed++;
        });
      } catch (err) {
        this.d.log.error({ err: (err as Error).message, channel_id: channelID }, 'call reconciliation failed');
      }
    }
    return unanswered;
  }

  /** rtcd: a media node is gone for good; end its calls. */
  async hostGone(host: string): Promise<number> {
    let ended = 0;
    for (const call of await this.d.calls.store.getAllActiveCalls()) {
      if (call.props.rtcd_host !== host) continue;
      await this.d.calls.withCall(call.channel_id, async (state) => {
        if (state && state.call.id === call.id) {
          await this.endNow(state, `media node ${host} is gone`);
          ended++;
        }
      });
    }
    return ended;
  }
}
