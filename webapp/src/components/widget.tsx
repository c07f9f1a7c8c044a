// The call widget: a small floating panel shown on every page while I am in a call (it steps aside for the
// expanded view). Who is talking, the shared screen, and the controls: mute, participants, screen share,
// hand, devices and "end for everyone" (host), leave.
import { useCallback, useEffect, useRef, useState, type ReactElement } from 'react';
import type { AudioDevices } from '../client/devices.js';
import { chosenInput, chosenOutput } from '../client/devices.js';
import { controller } from '../controller.js';
import { sessionsOf } from '../state/reducer.js';
import { formatClock } from '../util/format.js';
import { Avatar, ConfirmModal, QualityBars } from '../ui/common.js';
import { displayName, useCalls, useDismiss, useIsAdmin, useMe, useMediaVersion, useNow, useProfile, useShell } from '../ui/hooks.js';
import { CheckIcon, DotsIcon, ExpandIcon, LeaveIcon, MicOffIcon, PeopleIcon } from '../ui/icons.js';
import { channelPath, expandedPath, screenShareBlocker } from './controls.js';
import { HandButton, MuteButton, ReactionsBar, ScreenShareButton } from './control-buttons.js';
import { ParticipantsList } from './participants.js';
import { StreamVideo, screenStreamFor } from './video.js';

export function useChannelName(channelId: string): string {
  const me = useMe();
  return useShell((s) => {
    const ch = s.entities.channels.channels[channelId];
    if (!ch) return 'Call';
    if (ch.type === 'D') {
      const other = ch.name.split('__').find((id) => id !== me) ?? me;
      return s.entities.users.profiles[other]?.username ?? ch.display_name ?? 'Direct message';
    }
    return ch.display_name || ch.name;
  });
}

export function useTeamName(): string {
  return useShell((s) => s.entities.teams.teams[s.entities.teams.currentTeamId]?.name ?? '');
}

/** The "who is talking" line. */
export function Speaking({ channelId }: { channelId: string }) {
  const call = useCalls((s) => s.calls[channelId]);
  const my = useCalls((s) => s.myCall);
  const speakers = sessionsOf(call).filter((s) => s.voice && s.unmuted);
  const first = speakers[0];
  const firstUser = useProfile(first?.userId ?? '');
  const mine = first && first.sessionId === my?.sessionId;
  let text: string;
  if (!first) text = my?.muted === false ? 'No one is talking' : 'You are muted';
  else if (mine) text = 'You are talking…';
  else text = `${displayName(firstUser, first.userId)} is talking…`;
  if (speakers.length > 1) text += ` (+${speakers.length - 1})`;
  return (
    <div className="calls-widget-speaking" data-testid="calls-widget-speaking" data-speaking={String(!!first)} data-speaker-ids={speakers.map((s) => s.userId).join(',')}>
      {first ? <Avatar userId={first.userId} size={24} className="calls-speaking-ring" /> : <MicOffIcon size={18} />}
      <span className={first ? 'calls-speaking-name' : ''}>{text}</span>
    </div>
  );
}

function DeviceMenu({ devices, onClose, isHost, onEnd }: { devices: AudioDevices; onClose: () => void; isHost: boolean; onEnd: () => void }) {
  const input = chosenInput();
  const output = chosenOutput();
  const pick = (kind: 'mic' | 'speaker', id: string) => {
    onClose();
    const client = controller().client;
    const p = kind === 'mic' ? client?.setMicrophone(id) : client?.setSpeaker(id);
    p?.catch((err: unknown) => controller().dispatch({ type: 'CALLS_BANNER', kind: 'error', message: (err as Error).message, now: Date.now() }));
  };
  const list = (kind: 'mic' | 'speaker', items: MediaDeviceInfo[], selected: string | null) =>
    items.map((d, i) => {
      const isSel = selected ? selected === d.deviceId : i === 0;
      return (
        <button
          key={d.deviceId || i}
          type="button"
          role="menuitemradio"
          aria-checked={isSel}
          className="calls-menu-item"
          data-testid={kind === 'mic' ? 'calls-device-mic-option' : 'calls-device-speaker-option'}
          data-device-id={d.deviceId}
          data-selected={String(isSel)}
          onClick={() => pick(kind, d.deviceId)}
        >
          {d.label || (kind === 'mic' ? `Microphone ${i + 1}` : `Speaker ${i + 1}`)}
          {isSel && <CheckIcon size={16} className="calls-check" />}
        </button>
      );
    });
  return (
    <div className="calls-popover calls-popover-side" role="menu" style={{ width: 280 }}>
      <div className="calls-menu-title">Microphone</div>
      {devices.inputs.length ? list('mic', devices.inputs, input) : <div className="calls-menu-item">No microphone found</div>}
      <div className="calls-menu-sep" />
      <div className="calls-menu-title">Speaker</div>
      {devices.outputs.length ? list('speaker', devices.outputs, output) : <div className="calls-menu-item">Default speaker</div>}
      {isHost && (
        <>
          <div className="calls-menu-sep" />
          <button type="button" role="menuitem" className="calls-menu-item calls-danger" data-testid="calls-end-call" onClick={onEnd}>
            <LeaveIcon size={16} />
            End call for everyone
          </button>
        </>
      )}
    </div>
  );
}

export function useEndCall(channelId: string): { ask: () => void; modal: ReactElement | null } {
  const [open, setOpen] = useState(false);
  const modal = open ? (
    <ConfirmModal
      title="End call for everyone"
      testid="calls-end"
      confirmText="End call"
      danger
      onCancel={() => setOpen(false)}
      onConfirm={() => {
        setOpen(false);
        void controller().hostAction('end', channelId);
      }}
    >
      The call ends for all participants and they are disconnected.
    </ConfirmModal>
  ) : null;
  return { ask: () => setOpen(true), modal };
}

export function CallWidget() {
  const my = useCalls((s) => s.myCall);
  const expanded = useCalls((s) => s.ui.expandedChannelId);
  if (!my || expanded === my.channelId) return null;
  return <WidgetBody channelId={my.channelId} />;
}

function WidgetBody({ channelId }: { channelId: string }) {
  const my = useCalls((s) => s.myCall)!;
  const call = useCalls((s) => s.calls[channelId]);
  const config = useCalls((s) => s.config);
  const quality = useCalls((s) => s.quality);
  const ui = useCalls((s) => s.ui);
  const me = useMe();
  const admin = useIsAdmin();
  const now = useNow(1000);
  useMediaVersion();
  const name = useChannelName(channelId);
  const team = useTeamName();
  const [menu, setMenu] = useState<AudioDevices | null>(null);
  const menuRef = useRef<HTMLDivElement>(null);
  const menuBtnRef = useRef<HTMLDivElement>(null);
  const partRef = useRef<HTMLDivElement>(null);
  const partBtnRef = useRef<HTMLDivElement>(null);
  const closeMenu = useCallback(() => setMenu(null), []);
  const closeParticipants = useCallback(() => controller().dispatch({ type: 'CALLS_UI', patch: { participantsOpen: false } }), []);
  useDismiss(!!menu, [menuRef, menuBtnRef], closeMenu);
  useDismiss(ui.participantsOpen, [partRef, partBtnRef], closeParticipants);
  const end = useEndCall(channelId);
  const sharerId = call?.screenSharingSessionId ?? '';
  const sharer = useProfile(sharerId ? call?.sessions[sharerId]?.userId ?? '' : '');
  const client = controller().client;
  const screen = screenStreamFor({ sharingSessionId: sharerId, mySessionId: my.sessionId, local: client?.localScreen ?? null, remote: client?.remoteScreens });
  const count = call ? Object.keys(call.sessions).length : 1;
  const isHost = call?.hostId === me;
  const blocker = screenShareBlocker({ allowed: config?.AllowScreenSharing !== false, sharingSessionId: sharerId, mySessionId: my.sessionId, sharerName: displayName(sharer, sharerId) });
  const openExpanded = () => controller().shell.navigate(expandedPath(team, channelId));

  useEffect(() => {
    if (!ui.reactionsOpen) return;
    const t = setTimeout(() => controller().dispatch({ type: 'CALLS_UI', patch: { reactionsOpen: false } }), 6000);
    return () => clearTimeout(t);
  }, [ui.reactionsOpen]);

  const status = my.status === 'connecting' ? 'Connecting…' : my.status === 'reconnecting' ? 'Reconnecting…' : '';
  return (
    <div className="calls-widget" data-testid="calls-widget" data-channel-id={channelId} data-session-id={my.sessionId} data-status={my.status} role="region" aria-label="Call controls">
      <div className="calls-widget-head">
        <div className="calls-widget-title">
          <button type="button" className="calls-widget-channel" title={`Go to ${name}`} onClick={() => controller().shell.navigate(channelPath(team, channelId))}>
            {name}
          </button>
          <div className="calls-widget-meta">
            <QualityBars level={quality.level} sample={quality.sample} />
            <span data-testid="calls-widget-duration">{formatClock(now - (call?.startAt || my.joinedAt))}</span>
            <span>· {count} {count === 1 ? 'person' : 'people'}</span>
            {status && <span className="calls-widget-status">· {status}</span>}
          </div>
        </div>
        <button type="button" className="calls-icon-btn" data-testid="calls-widget-expand" title="Open the call in the expanded view" aria-label="Expand" onClick={openExpanded}>
          <ExpandIcon size={16} />
        </button>
      </div>
      <Speaking channelId={channelId} />
      {screen && (
        <div className="calls-widget-preview" data-testid="calls-widget-screen-preview" data-session-id={sharerId} onClick={openExpanded} title="Open the shared screen">
          <StreamVideo stream={screen} testid="calls-widget-screen-video" sessionId={sharerId} local={sharerId === my.sessionId} />
          <span>{sharerId === my.sessionId ? 'You are sharing your screen' : `${displayName(sharer, sharerId)} is sharing`}</span>
        </div>
      )}
      <div className="calls-widget-controls">
        <ReactionsBar style={{ position: 'absolute', bottom: 'calc(100% + 6px)', left: 8 }} />
        <MuteButton place="widget" />
        <div ref={partBtnRef} style={{ position: 'relative' }}>
          <button
            type="button"
            className={`calls-ctl ${ui.participantsOpen ? 'calls-on' : ''}`}
            data-testid="calls-widget-participants-toggle"
            data-count={count}
            title="Participants (Alt+P)"
            aria-expanded={ui.participantsOpen}
            onClick={() => {
              setMenu(null);
              controller().dispatch({ type: 'CALLS_UI', patch: { participantsOpen: !ui.participantsOpen } });
            }}
          >
            <PeopleIcon />
          </button>
        </div>
        <ScreenShareButton place="widget" blocker={blocker} />
        <HandButton place="widget" />
        <div ref={menuBtnRef}>
          <button
            type="button"
            className={`calls-ctl ${menu ? 'calls-on' : ''}`}
            data-testid="calls-widget-menu"
            title="Devices and more"
            aria-label="More"
            aria-expanded={!!menu}
            onClick={() => {
              if (menu) return setMenu(null);
              closeParticipants();
              void controller().client?.devices().then(setMenu);
            }}
          >
            <DotsIcon />
          </button>
        </div>
        <span className="calls-spacer" />
        <button type="button" className="calls-ctl calls-leave" data-testid="calls-widget-leave" title="Leave call (Ctrl+Shift+L)" aria-label="Leave call" onClick={() => controller().leaveCall()}>
          <LeaveIcon />
        </button>
      </div>
      {menu && (
        <div ref={menuRef}>
          <DeviceMenu
            devices={menu}
            isHost={isHost || admin}
            onClose={closeMenu}
            onEnd={() => {
              setMenu(null);
              end.ask();
            }}
          />
        </div>
      )}
      {ui.participantsOpen && (
        <div className="calls-popover calls-popover-side" ref={partRef}>
          <ParticipantsList channelId={channelId} />
        </div>
      )}
      {end.modal}
    </div>
  );
}
