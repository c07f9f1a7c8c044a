// The reference's keyboard shortcuts (shortcuts.ts): Ctrl/Cmd+Alt+S joins the current channel's call; in a
// call, Ctrl/Cmd+Shift+Space mutes/unmutes, +Y raises/lowers the hand, +X opens the reactions, +E shares the
// screen, +L leaves, Alt+P (or Ctrl/Cmd+Shift+P) toggles the participants list.
import type { CallsController } from './controller.js';
import { toggleHand, toggleMute, toggleScreenShare } from './components/controls.js';
import { availabilityNow } from './components/channel.js';

export type ShortcutAction = 'join' | 'mute' | 'hand' | 'reactions' | 'screen' | 'participants' | 'leave';

/** Which shortcut a key event is (pure: `mac` picks Cmd over Ctrl). */
export function shortcutOf(e: Pick<KeyboardEvent, 'code' | 'key' | 'ctrlKey' | 'metaKey' | 'altKey' | 'shiftKey'>, mac: boolean): ShortcutAction | undefined {
  const mod = mac ? e.metaKey : e.ctrlKey;
  const code = e.code || '';
  if (mod && e.altKey && !e.shiftKey && code === 'KeyS') return 'join';
  if (e.altKey && !mod && !e.shiftKey && code === 'KeyP') return 'participants';
  if (!mod || !e.shiftKey || e.altKey) return undefined;
  switch (code) {
    case 'Space':
      return 'mute';
    case 'KeyY':
      return 'hand';
    case 'KeyX':
      return 'reactions';
    case 'KeyE':
      return 'screen';
    case 'KeyL':
      return 'leave';
    case 'KeyP':
      return 'participants';
    default:
      return undefined;
  }
}

export function installShortcuts(c: CallsController): () => void {
  const mac = /Mac|iPhone|iPad/.test(navigator.platform || navigator.userAgent);
  const onKey = (e: KeyboardEvent) => {
    const action = shortcutOf(e, mac);
    if (!action) return;
    const my = c.state.myCall;
    if (action === 'join') {
      const channelId = c.store.getState().entities.channels.currentChannelId;
      if (!channelId || my?.channelId === channelId || availabilityNow(channelId).reason) return;
      e.preventDefault();
      void c.joinCall(channelId);
      return;
    }
    if (!my) return;
    e.preventDefault();
    switch (action) {
      case 'mute':
        return toggleMute();
      case 'hand':
        return toggleHand();
      case 'screen':
        return toggleScreenShare();
      case 'leave':
        return c.leaveCall();
      case 'reactions':
        return c.dispatch({ type: 'CALLS_UI', patch: { reactionsOpen: !c.state.ui.reactionsOpen } });
      case 'participants':
        return c.dispatch({ type: 'CALLS_UI', patch: { participantsOpen: !c.state.ui.participantsOpen } });
    }
  };
  window.addEventListener('keydown', onKey);
  return () => window.removeEventListener('keydown', onKey);
}
