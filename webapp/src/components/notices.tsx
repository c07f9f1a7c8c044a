// Page-wide notices: alert banners, the incoming-call card (ringing for 30 s), the "switch call?" dialog,
// and the one component the shell renders globally, which holds them and the widget.
import { useEffect } from 'react';
import { controller } from '../controller.js';
import { joinNames } from '../util/format.js';
import { startRinging } from '../util/sounds.js';
import { Avatar, ConfirmModal } from '../ui/common.js';
import { displayName, useCalls, useMe, useNow, useProfile, useShell } from '../ui/hooks.js';
import { AlertIcon, CloseIcon, PhoneIcon } from '../ui/icons.js';
import type { IncomingCall } from '../state/types.js';
import { CallWidget, useChannelName } from './widget.js';

/** Banners that go away by themselves (the rest stay until closed). */
const AUTO_CLOSE_MS: Partial<Record<string, number>> = { 'ended-by-host': 10_000, removed: 15_000, error: 8000, 'screen-failed': 8000 };

function Banners() {
  const banners = useCalls((s) => s.banners);
  useEffect(() => {
    const timers = banners.flatMap((b) => {
      const ttl = AUTO_CLOSE_MS[b.kind];
      if (!ttl) return [];
      return [setTimeout(() => controller().dispatch({ type: 'CALLS_BANNER_DISMISS', kind: b.kind }), Math.max(0, b.at + ttl - Date.now()))];
    });
    return () => timers.forEach(clearTimeout);
  }, [banners]);
  if (!banners.length) return null;
  return (
    <div className="calls-banners" aria-live="assertive">
      {banners.map((b) => (
        <div key={b.kind} className="calls-banner" data-testid="calls-banner" data-kind={b.kind} role="alert">
          {b.kind === 'reconnecting' ? <span className="calls-spin" style={{ color: '#e0a315', marginTop: 4 }} /> : <AlertIcon size={18} />}
          <div>{b.message}</div>
          <button type="button" className="calls-icon-btn" data-testid="calls-banner-close" aria-label="Close" onClick={() => controller().dispatch({ type: 'CALLS_BANNER_DISMISS', kind: b.kind })}>
            <CloseIcon size={14} />
          </button>
        </div>
      ))}
    </div>
  );
}

function Incoming({ incoming }: { incoming: IncomingCall }) {
  const me = useMe();
  const caller = useProfile(incoming.callerId);
  const channel = useShell((s) => s.entities.channels.channels[incoming.channelId]);
  const others = useShell((s) => {
    if (channel?.type !== 'G') return '';
    const call = controller().state.calls[incoming.channelId];
    const ids = call ? [...new Set(Object.values(call.sessions).map((x) => x.userId))] : [];
    return ids.filter((id) => id !== me && id !== incoming.callerId).map((id) => s.entities.users.profiles[id]?.username ?? '').filter(Boolean).join('|');
  });
  const now = useNow(1000);
  const ringing = now < incoming.ringUntil;
  useEffect(() => {
    if (!ringing) return;
    const stop = startRinging();
    return stop;
  }, [ringing]);
  const callerName = displayName(caller, incoming.callerId);
  const title = `Call from ${callerName}`;
  const rest = others ? others.split('|') : [];
  return (
    <div className="calls-incoming" data-testid="calls-incoming" data-channel-id={incoming.channelId} data-ringing={String(ringing)} role="alertdialog" aria-label={title}>
      <div className="calls-incoming-top">
        <Avatar userId={incoming.callerId} size={44} />
        <div>
          <div className="calls-incoming-title">{title}</div>
          <div className="calls-incoming-sub">{rest.length ? `with ${joinNames(rest)}` : channel?.type === 'G' ? 'Group message' : 'Direct message'}</div>
        </div>
      </div>
      <div className="calls-incoming-actions">
        <button type="button" className="calls-btn calls-btn-tertiary calls-btn-lg" data-testid="calls-incoming-ignore" onClick={() => void controller().dismissIncoming(incoming.channelId)}>
          Ignore
        </button>
        <button
          type="button"
          className="calls-btn calls-btn-join calls-btn-lg"
          data-testid="calls-incoming-join"
          onClick={() => {
            controller().dispatch({ type: 'CALLS_INCOMING_REMOVE', channelId: incoming.channelId });
            void controller().joinCall(incoming.channelId);
          }}
        >
          <PhoneIcon size={16} />
          Join
        </button>
      </div>
    </div>
  );
}

function SwitchModal({ to }: { to: string }) {
  const from = useCalls((s) => s.myCall?.channelId ?? '');
  const fromName = useChannelName(from);
  const toName = useChannelName(to);
  return (
    <ConfirmModal
      title="You're already in a call"
      testid="calls-switch"
      confirmText="Leave and join"
      onCancel={() => controller().dispatch({ type: 'CALLS_SWITCH_PROMPT', channelId: null })}
      onConfirm={() => void controller().joinCall(to, {}, true)}
    >
      Do you want to leave the call in {fromName} and join the call in {toName}?
    </ConfirmModal>
  );
}

/** Drops reactions older than 10 s. */
function ReactionPruner() {
  const any = useCalls((s) => s.reactions.length > 0);
  useEffect(() => {
    if (!any) return;
    const t = setInterval(() => controller().dispatch({ type: 'CALLS_REACTIONS_PRUNE', now: Date.now() }), 1000);
    return () => clearInterval(t);
  }, [any]);
  return null;
}

export function CallsGlobal() {
  const incoming = useCalls((s) => s.incoming);
  const switchTo = useCalls((s) => s.switchPrompt);
  const latest = incoming[incoming.length - 1];
  return (
    <>
      <CallWidget />
      <Banners />
      {latest && <Incoming key={latest.channelId} incoming={latest} />}
      {switchTo && <SwitchModal to={switchTo} />}
      <ReactionPruner />
    </>
  );
}
