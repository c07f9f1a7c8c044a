// The participants list (widget popover, expanded view panel): who is in the call, muted or talking, hand
// raised, sharing, who hosts; and for the host (or an admin) the host-controls menu on each row.
import { useCallback, useLayoutEffect, useRef, useState } from 'react';
import { createPortal } from 'react-dom';
import { controller, type HostAction } from '../controller.js';
import { sessionsOf } from '../state/reducer.js';
import type { ChannelCall, SessionState } from '../state/types.js';
import { Avatar, ConfirmModal } from '../ui/common.js';
import { displayName, useCalls, useDismiss, useIsAdmin, useMe, useProfile } from '../ui/hooks.js';
import { DotsIcon, HandIcon, MicIcon, MicOffIcon, ScreenIcon } from '../ui/icons.js';

/** Raised hands first (oldest first), then join order: who waits longest is seen first. */
export function orderedSessions(call: ChannelCall | undefined): SessionState[] {
  return sessionsOf(call).sort((a, b) => {
    if (a.raisedHand && b.raisedHand) return a.raisedHand - b.raisedHand;
    if (a.raisedHand) return -1;
    if (b.raisedHand) return 1;
    return a.order - b.order;
  });
}

function HostMenu({ call, s, isHostUser }: { call: ChannelCall; s: SessionState; isHostUser: boolean }) {
  const [open, setOpen] = useState(false);
  const [confirm, setConfirm] = useState(false);
  const [pos, setPos] = useState<{ top: number; right: number } | null>(null);
  const ref = useRef<HTMLDivElement>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const close = useCallback(() => setOpen(false), []);
  useDismiss(open, [ref, menuRef], close);
  // The menu is portalled to <body> with fixed coordinates: lists scroll, and would clip it.
  useLayoutEffect(() => {
    if (!open || !ref.current) return;
    const r = ref.current.getBoundingClientRect();
    const menuH = menuRef.current?.offsetHeight ?? 200;
    const below = r.bottom + 4 + menuH < window.innerHeight;
    setPos({ top: below ? r.bottom + 4 : Math.max(8, r.top - 4 - menuH), right: Math.max(8, window.innerWidth - r.right) });
  }, [open]);
  const name = displayName(useProfile(s.userId), s.userId);
  const run = (action: HostAction) => {
    setOpen(false);
    void controller().hostAction(action, call.channelId, { sessionId: s.sessionId, userId: s.userId });
  };
  const sharing = call.screenSharingSessionId === s.sessionId;
  return (
    <div className="calls-participant-menu" ref={ref}>
      <button type="button" className="calls-icon-btn" data-testid="calls-participant-host-menu" aria-label={`Host controls for ${name}`} aria-expanded={open} onClick={() => setOpen(!open)}>
        <DotsIcon size={16} />
      </button>
      {open &&
        createPortal(
        <div className="calls-popover" role="menu" ref={menuRef} data-calls-layer="" style={{ position: 'fixed', top: pos?.top ?? -9999, right: pos?.right ?? 0, zIndex: 1050 }}>
          {!isHostUser && (
            <button type="button" role="menuitem" className="calls-menu-item" data-testid="calls-host-make" onClick={() => run('make')}>
              Make host
            </button>
          )}
          {s.unmuted && (
            <button type="button" role="menuitem" className="calls-menu-item" data-testid="calls-host-mute" onClick={() => run('mute')}>
              Mute participant
            </button>
          )}
          {sharing && (
            <button type="button" role="menuitem" className="calls-menu-item" data-testid="calls-host-screen-off" onClick={() => run('screen-off')}>
              Stop screen share
            </button>
          )}
          {s.raisedHand > 0 && (
            <button type="button" role="menuitem" className="calls-menu-item" data-testid="calls-host-lower-hand" onClick={() => run('lower-hand')}>
              Lower hand
            </button>
          )}
          <div className="calls-menu-sep" />
          <button
            type="button"
            role="menuitem"
            className="calls-menu-item calls-danger"
            data-testid="calls-host-remove"
            onClick={() => {
              setOpen(false);
              setConfirm(true);
            }}
          >
            Remove from call
          </button>
        </div>,
          document.body,
        )}
      {confirm &&
        createPortal(
        <ConfirmModal
          title="Remove participant"
          testid="calls-remove"
          confirmText="Remove"
          danger
          onCancel={() => setConfirm(false)}
          onConfirm={() => {
            setConfirm(false);
            run('remove');
          }}
        >
          Are you sure you want to remove {name} from the call?
        </ConfirmModal>,
          document.body,
        )}
    </div>
  );
}

function ParticipantRow({ call, s, canControl, myRow }: { call: ChannelCall; s: SessionState; canControl: boolean; myRow: boolean }) {
  const user = useProfile(s.userId);
  const isHost = call.hostId === s.userId;
  const sharing = call.screenSharingSessionId === s.sessionId;
  const speaking = s.voice && s.unmuted;
  return (
    <div
      className="calls-participant"
      data-testid="calls-participant"
      data-session-id={s.sessionId}
      data-user-id={s.userId}
      data-muted={String(!s.unmuted)}
      data-speaking={String(speaking)}
      data-hand={String(s.raisedHand > 0)}
      data-host={String(isHost)}
      data-sharing={String(sharing)}
      data-me={String(myRow)}
    >
      <Avatar userId={s.userId} size={28} className={speaking ? 'calls-speaking-ring' : ''} />
      <span className="calls-participant-name">
        {displayName(user, s.userId)} {myRow && <small>(you)</small>} {isHost && <span className="calls-badge">Host</span>}
      </span>
      <span className="calls-state-icons">
        {s.raisedHand > 0 && (
          <span className="calls-hand" title="Hand raised">
            <HandIcon size={16} />
          </span>
        )}
        {sharing && (
          <span className="calls-live" title="Sharing screen">
            <ScreenIcon size={16} />
          </span>
        )}
        {s.unmuted ? (
          <span className={speaking ? 'calls-live' : ''} title={speaking ? 'Talking' : 'Unmuted'}>
            <MicIcon size={16} />
          </span>
        ) : (
          <span className="calls-muted" title="Muted">
            <MicOffIcon size={16} />
          </span>
        )}
      </span>
      {canControl && !myRow ? <HostMenu call={call} s={s} isHostUser={isHost} /> : <span style={{ width: 32 }} />}
    </div>
  );
}

export function ParticipantsList({ channelId }: { channelId: string }) {
  const call = useCalls((s) => s.calls[channelId]);
  const mySession = useCalls((s) => s.myCall?.sessionId ?? '');
  const me = useMe();
  const admin = useIsAdmin();
  if (!call) return null;
  const sessions = orderedSessions(call);
  const canControl = call.hostId === me || admin;
  const othersUnmuted = sessions.some((s) => s.unmuted && s.sessionId !== mySession);
  return (
    <div className="calls-participants" data-testid="calls-participants-list">
      <div className="calls-participants-head">
        Participants <span className="calls-badge">{sessions.length}</span>
        <span className="calls-spacer" />
        {canControl && (
          <button
            type="button"
            className="calls-btn calls-btn-tertiary"
            data-testid="calls-host-mute-others"
            disabled={!othersUnmuted}
            title={othersUnmuted ? 'Mute everyone but you' : 'Everyone else is muted'}
            onClick={() => void controller().hostAction('mute-others', channelId)}
          >
            Mute others
          </button>
        )}
      </div>
      {sessions.map((s) => (
        <ParticipantRow key={s.sessionId} call={call} s={s} canControl={canControl} myRow={s.sessionId === mySession} />
      ))}
    </div>
  );
}
