// Actions behind the call controls, shared by the widget, the expanded view and the keyboard shortcuts.
import { controller } from '../controller.js';
import type { EmojiData } from '../state/types.js';

export const QUICK_REACTIONS: EmojiData[] = [
  { name: '+1', unified: '1f44d', literal: '👍' },
  { name: 'clap', unified: '1f44f', literal: '👏' },
  { name: 'joy', unified: '1f602', literal: '😂' },
  { name: 'heart', unified: '2764-fe0f', literal: '❤️' },
  { name: 'tada', unified: '1f389', literal: '🎉' },
  { name: 'open_mouth', unified: '1f62e', literal: '😮' },
  { name: 'wave', unified: '1f44b', literal: '👋' },
];

/** The glyph of an emoji as received (literal, else from its unified code points). */
export function emojiGlyph(e: { literal?: string; unified?: string; name: string }): string {
  if (e.literal) return e.literal;
  if (e.unified) {
    try {
      return String.fromCodePoint(...e.unified.split('-').map((h) => parseInt(h, 16)));
    } catch {
      // fall through to the name
    }
  }
  return `:${e.name}:`;
}

export function toggleMute(): void {
  controller().client?.toggleMute();
}

export function toggleHand(): void {
  const c = controller();
  const raised = c.state.myCall?.handRaised ?? false;
  c.client?.setHand(!raised);
}

export function toggleScreenShare(): void {
  const c = controller();
  const client = c.client;
  if (!client) return;
  if (c.state.myCall?.sharing || client.localScreen) client.stopScreenShare();
  else void client.shareScreen();
}

export function sendReaction(e: EmojiData): void {
  controller().client?.react(e);
}

/** Why I cannot share my screen now ('' if I can). */
export function screenShareBlocker(p: { allowed: boolean; sharingSessionId: string; mySessionId: string; sharerName: string }): string {
  if (!p.allowed) return 'Screen sharing is disabled by the administrator';
  if (p.sharingSessionId && p.sharingSessionId !== p.mySessionId) return `${p.sharerName} is sharing their screen`;
  return '';
}

export function channelPath(teamName: string, channelId: string): string {
  return `/${teamName}/channels/${channelId}`;
}

export function expandedPath(teamName: string, channelId: string): string {
  return `/${teamName}/com.mattermost.calls/expanded/${channelId}`;
}
