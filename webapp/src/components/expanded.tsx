// The expanded view (the reference's needs-team route /<team>/com.mattermost.calls/expanded/<channelId>):
// everyone in a grid, or the shared screen large with a strip of speakers; reactions (quick emojis and the
// stream of everyone's), the participants panel, and the full set of controls. Space is push-to-talk here.
import { useEffect, useState } from 'react';
import { controller } from '../controller.js';
import type { SessionState } from '../state/types.js';
import { formatClock } from '../util/format.js';
import { Avatar, QualityBars } from '../ui/common.js';
import { displayName, useCalls, useIsAdmin, useMe, useMediaVersion, useNow, useProfile } from '../ui/hooks.js';
import { CollapseIcon, HandIcon, LeaveIcon, MicIcon, MicOffIcon, PeopleIcon, SmileIcon, PhoneIcon } from '../ui/icons.js';
import { channelPath, emojiGlyph, screenShareBlocker } from './controls.js';
import { HandButton, MuteButton, ReactionsBar, ScreenShareButton } from './control-buttons.js';
import { orderedSessions, ParticipantsList } from './participants.js';
import { StreamVideo, screenStreamFor } from './video.js';
import { useChannelName, useEndCall, useTeamName } from './widget.js';

function channelFromPath(): string {
  const m = /\/com\.mattermost\.calls\/expanded\/([a-z0-9]{26})/.exec(window.location.pathname);
  return m?.[1] ?? '';
}

function Tile({ s, isHost, me, small }: { s: SessionState; isHost: boolean; me: boolean; small?: boolean }) {
  const user = useProfile(s.userId);
  const speaking = s.voice && s.unmuted;
  return (
    <div
      className={`calls-tile${speaking ? ' calls-speaking' : ''}`}
      data-testid="calls-expanded-tile"
      data-session-id={s.sessionId}
      data-user-id={s.userId}
      data-speaking={String(speaking)}
      data-muted={String(!s.unmuted)}
      data-hand={String(s.raisedHand > 0)}
    >
      <span className="calls-tile-icons">
        {s.raisedHand > 0 && (
          <span className="calls-hand" title="Hand raised">
            <HandIcon size={15} />
          </span>
        )}
        <span title={s.unmuted ? 'Unmuted' : 'Muted'}>{s.unmuted ? <MicIcon size={15} /> : <MicOffIcon size={15} />}</span>
      </span>
      <Avatar userId={s.userId} size={small ? 40 : 72} />
      <span className="calls-tile-name">
        {displayName(user, s.userId)}
        {me && ' (you)'}
        {isHost && <span className="calls-badge">Host</span>}
      </span>
    </div>
  );
}

function ReactionStream({ channelId }: { channelId: string }) {
  const reactions = useCalls((s) => s.reactions);
  const mine = reactions.filter((r) => r.channelId === channelId).slice(-8);
  return (
    <div className="calls-stream" data-testid="calls-reaction-stream" aria-live="polite">
      {[...mine].reverse().map((r) => (
        <ReactionItem key={r.id} userId={r.userId} emoji={r.emoji} />
      ))}
    </div>
  );
}

function ReactionItem({ userId, emoji }: { userId: string; emoji: { name: string; literal?: string; unified?: string } }) {
  const user = useProfile(userId);
  const me = useMe();
  return (
    <div className="calls-stream-item" data-testid="calls-reaction-item" data-user-id={userId} data-emoji={emoji.name}>
      <span className="calls-emoji">{emojiGlyph(emoji)}</span>
      {userId === me ? 'You' : displayName(user, userId)}
    </div>
  );
}

export function ExpandedView() {
  const [channelId, setChannelId] = useState(channelFromPath);
  const my = useCalls((s) => s.myCall);
  const team = useTeamName();
  useEffect(() => {
    const update = () => setChannelId(channelFromPath());
    window.addEventListener('popstate', update);
    return () => window.removeEventListener('popstate', update);
  }, []);
  const inCall = !!my && my.channelId === channelId;
  useEffect(() => {
    if (!inCall) return;
    controller().dispatch({ type: 'CALLS_UI', patch: { expandedChannelId: channelId } });
    return () => controller().dispatch({ type: 'CALLS_UI', patch: { expandedChannelId: null } });
  }, [inCall, channelId]);
  const name = useChannelName(channelId);
  if (!inCall) {
    return (
      <div className="calls-expanded" data-testid="calls-expanded-view" data-channel-id={channelId} data-layout="none">
        <div className="calls-expanded-empty">
          <PhoneIcon size={40} />
          <div>You are not in the call of {name}.</div>
          <div style={{ display: 'flex', gap: 8 }}>
            <button type="button" className="calls-btn calls-btn-join calls-btn-lg" onClick={() => void controller().joinCall(channelId)}>
              Join call
            </button>
            <button type="button" className="calls-btn calls-btn-tertiary calls-btn-lg" onClick={() => controller().shell.navigate(channelPath(team, channelId))}>
              Back to the channel
            </button>
          </div>
        </div>
      </div>
    );
  }
  return <ExpandedCall channelId={channelId} />;
}

function ExpandedCall({ channelId }: { channelId: string }) {
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
  const [panel, setPanel] = useState(true);
  const end = useEndCall(channelId);
  const sessions = orderedSessions(call);
  const sharerId = call?.screenSharingSessionId ?? '';
  const sharerUser = useProfile(sharerId ? call?.sessions[sharerId]?.userId ?? '' : '');
  const client = controller().client;
  const screen = screenStreamFor({ sharingSessionId: sharerId, mySessionId: my.sessionId, local: client?.localScreen ?? null, remote: client?.remoteScreens });
  const isHost = call?.hostId === me;
  const blocker = screenShareBlocker({ allowed: config?.AllowScreenSharing !== false, sharingSessionId: sharerId, mySessionId: my.sessionId, sharerName: displayName(sharerUser, sharerId) });
  const close = () => controller().shell.navigate(channelPath(team, channelId));
  const cols = Math.min(4, Math.max(1, Math.ceil(Math.sqrt(sessions.length))));

  // Push-to-talk: hold Space while muted (not while typing).
  useEffect(() => {
    let held = false;
    const typing = (t: EventTarget | null) => t instanceof HTMLElement && (t.isContentEditable || /^(INPUT|TEXTAREA|SELECT|BUTTON)$/.test(t.tagName));
    const down = (e: KeyboardEvent) => {
      if (e.code !== 'Space' || e.repeat || held || typing(e.target) || e.ctrlKey || e.metaKey || e.altKey || e.shiftKey) return;
      if (controller().state.myCall?.muted !== true) return;
      held = true;
      e.preventDefault();
      controller().client?.unmute();
    };
    const up = (e: KeyboardEvent) => {
      if (e.code !== 'Space' || !held) return;
      held = false;
      controller().client?.mute();
    };
    window.addEventListener('keydown', down);
    window.addEventListener('keyup', up);
    return () => {
      window.removeEventListener('keydown', down);
      window.removeEventListener('keyup', up);
    };
  }, []);

  return (
    <div className="calls-expanded" data-testid="calls-expanded-view" data-channel-id={channelId} data-layout={screen ? 'screen' : 'grid'}>
      <div className="calls-expanded-head">
        <PhoneIcon size={18} />
        <h2>{name}</h2>
        <span className="calls-widget-meta">
          <QualityBars level={quality.level} sample={quality.sample} />
          {formatClock(now - (call?.startAt || my.joinedAt))} · {sessions.length} participant{sessions.length === 1 ? '' : 's'}
          {my.status !== 'connected' && <span className="calls-widget-status"> · {my.status === 'connecting' ? 'Connecting…' : 'Reconnecting…'}</span>}
        </span>
        <span className="calls-spacer" />
        <button type="button" className="calls-icon-btn" data-testid="calls-expanded-close" title="Back to the channel" aria-label="Close the expanded view" onClick={close}>
          <CollapseIcon />
        </button>
      </div>
      <div className="calls-expanded-body">
        <div className="calls-expanded-main">
          {screen ? (
            <>
              <div className="calls-screen">
                <div className="calls-screen-frame">
                  <StreamVideo stream={screen} testid="calls-screen-video" sessionId={sharerId} local={sharerId === my.sessionId} />
                  <span className="calls-screen-label">{sharerId === my.sessionId ? 'You are sharing your screen' : `${displayName(sharerUser, sharerId)}'s screen`}</span>
                </div>
              </div>
              <div className="calls-strip" data-testid="calls-speaker-strip">
                {sessions.map((s) => (
                  <Tile key={s.sessionId} s={s} isHost={call?.hostId === s.userId} me={s.sessionId === my.sessionId} small />
                ))}
              </div>
            </>
          ) : (
            <div className="calls-grid" style={{ ['--calls-cols' as string]: cols }}>
              {sessions.map((s) => (
                <Tile key={s.sessionId} s={s} isHost={call?.hostId === s.userId} me={s.sessionId === my.sessionId} />
              ))}
            </div>
          )}
          <ReactionStream channelId={channelId} />
        </div>
        {panel && (
          <aside className="calls-expanded-panel" aria-label="Participants">
            <ParticipantsList channelId={channelId} />
          </aside>
        )}
      </div>
      <div className="calls-expanded-controls">
        <ReactionsBar />
        <MuteButton place="expanded" />
        <ScreenShareButton place="expanded" blocker={blocker} />
        <HandButton place="expanded" />
        <button
          type="button"
          className={`calls-ctl ${ui.reactionsOpen ? 'calls-on' : ''}`}
          data-testid="calls-expanded-reactions"
          title="Reactions (Ctrl+Shift+X)"
          aria-label="Reactions"
          onClick={() => controller().dispatch({ type: 'CALLS_UI', patch: { reactionsOpen: !ui.reactionsOpen } })}
        >
          <SmileIcon size={20} />
        </button>
        <button
          type="button"
          className={`calls-ctl ${panel ? 'calls-on' : ''}`}
          data-testid="calls-expanded-participants"
          title="Participants"
          aria-label="Participants"
          aria-pressed={panel}
          onClick={() => setPanel(!panel)}
        >
          <PeopleIcon size={20} />
          {sessions.length}
        </button>
        <span className="calls-sep" />
        {(isHost || admin) && (
          <button type="button" className="calls-ctl" data-testid="calls-expanded-end" title="End call for everyone" onClick={end.ask}>
            End call
          </button>
        )}
        <button
          type="button"
          className="calls-ctl calls-leave"
          data-testid="calls-expanded-leave"
          title="Leave call"
          onClick={() => {
            controller().leaveCall();
            close();
          }}
        >
          <LeaveIcon size={20} /> Leave
        </button>
      </div>
      {end.modal}
    </div>
  );
}
