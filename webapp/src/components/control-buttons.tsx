// The call control buttons both the widget and the expanded view show: same state, same actions, their own
// test ids (`calls-<place>-mute`, ...), icon size and hints (the widget names the global shortcuts, the
// expanded view its push-to-talk).
import type { CSSProperties } from 'react';
import { controller } from '../controller.js';
import { HandIcon, MicIcon, MicOffIcon, ScreenIcon, ScreenOffIcon } from '../ui/icons.js';
import { useCalls } from '../ui/hooks.js';
import { QUICK_REACTIONS, sendReaction, toggleHand, toggleMute, toggleScreenShare } from './controls.js';

export type ControlsPlace = 'widget' | 'expanded';

interface Look {
  iconSize: number | undefined;
  muteHint: { muted: string; unmuted: string };
  screenHint: { sharing: string; idle: string };
  handHint: { raised: string; lowered: string };
}

const LOOKS: Record<ControlsPlace, Look> = {
  widget: {
    iconSize: undefined,
    muteHint: { muted: 'Unmute (Ctrl+Shift+Space)', unmuted: 'Mute (Ctrl+Shift+Space)' },
    screenHint: { sharing: 'Stop sharing (Ctrl+Shift+E)', idle: 'Share screen (Ctrl+Shift+E)' },
    handHint: { raised: 'Lower hand (Ctrl+Shift+Y)', lowered: 'Raise hand (Ctrl+Shift+Y)' },
  },
  expanded: {
    iconSize: 20,
    muteHint: { muted: 'Unmute (hold Space to talk)', unmuted: 'Mute' },
    screenHint: { sharing: 'Stop sharing', idle: 'Share screen' },
    handHint: { raised: 'Lower hand', lowered: 'Raise hand' },
  },
};

/** My call's state, the look of `place`, and whether the peer is up (the media buttons need it). */
function useControl(place: ControlsPlace) {
  const my = useCalls((s) => s.myCall);
  return my ? { my, look: LOOKS[place], ready: !!controller().client?.peer } : undefined;
}

/** The quick reactions row, shown while the reactions picker is open. */
export function ReactionsBar({ style }: { style?: CSSProperties }) {
  const open = useCalls((s) => s.ui.reactionsOpen);
  if (!open) return null;
  return (
    <div className="calls-reactions-bar" style={style} data-testid="calls-reactions-bar">
      {QUICK_REACTIONS.map((e) => (
        <button key={e.name} type="button" className="calls-reaction-btn" data-testid="calls-reaction-button" data-emoji={e.name} title={`:${e.name}:`} onClick={() => sendReaction(e)}>
          {e.literal}
        </button>
      ))}
    </div>
  );
}

export function MuteButton({ place }: { place: ControlsPlace }) {
  const c = useControl(place);
  if (!c) return null;
  const { my, look, ready } = c;
  return (
    <button
      type="button"
      className={`calls-ctl ${my.muted ? '' : 'calls-unmuted'}`}
      data-testid={`calls-${place}-mute`}
      data-muted={String(my.muted)}
      disabled={!my.micAvailable || !ready}
      title={!my.micAvailable ? 'No microphone available' : my.muted ? look.muteHint.muted : look.muteHint.unmuted}
      aria-label={my.muted ? 'Unmute' : 'Mute'}
      aria-pressed={!my.muted}
      onClick={toggleMute}
    >
      {my.muted ? <MicOffIcon size={look.iconSize} /> : <MicIcon size={look.iconSize} />}
    </button>
  );
}

/** `blocker`: why I cannot share now ('' if I can), from screenShareBlocker. */
export function ScreenShareButton({ place, blocker }: { place: ControlsPlace; blocker: string }) {
  const c = useControl(place);
  if (!c) return null;
  const { my, look, ready } = c;
  return (
    <button
      type="button"
      className={`calls-ctl ${my.sharing ? 'calls-on' : ''}`}
      data-testid={`calls-${place}-screen`}
      data-sharing={String(my.sharing)}
      disabled={!my.sharing && (!!blocker || !ready)}
      title={my.sharing ? look.screenHint.sharing : blocker || look.screenHint.idle}
      aria-label={my.sharing ? 'Stop sharing' : 'Share screen'}
      onClick={toggleScreenShare}
    >
      {my.sharing ? <ScreenOffIcon size={look.iconSize} /> : <ScreenIcon size={look.iconSize} />}
    </button>
  );
}

export function HandButton({ place }: { place: ControlsPlace }) {
  const c = useControl(place);
  if (!c) return null;
  const { my, look } = c;
  return (
    <button
      type="button"
      className={`calls-ctl ${my.handRaised ? 'calls-hand-on' : ''}`}
      data-testid={`calls-${place}-hand`}
      data-raised={String(my.handRaised)}
      title={my.handRaised ? look.handHint.raised : look.handHint.lowered}
      aria-label={my.handRaised ? 'Lower hand' : 'Raise hand'}
      aria-pressed={my.handRaised}
      onClick={toggleHand}
    >
      <HandIcon size={look.iconSize} />
    </button>
  );
}
