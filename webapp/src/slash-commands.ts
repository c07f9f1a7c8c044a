// The `/call` command's browser half (the reference's slash_commands.tsx): join, start, leave and stats act
// here; end, link and host go on to the server.
import type { CallsController } from './controller.js';
import { availabilityNow } from './components/channel.js';

type Args = { channel_id: string; team_id: string; root_id: string };
type HookResult = { message: string; args: Args } | { error: { message: string } } | Record<string, never>;

function base64(s: string): string {
  const bytes = new TextEncoder().encode(s);
  let bin = '';
  for (const b of bytes) bin += String.fromCharCode(b);
  return btoa(bin);
}

export function slashCommandHook(c: CallsController) {
  return async (message: string, args: Args): Promise<HookResult> => {
    const [cmd, sub = ''] = message.trim().split(/\s+/);
    if (cmd !== '/call') return { message, args };
    const channelId = args.channel_id;
    const call = c.state.calls[channelId];
    const my = c.state.myCall;
    switch (sub) {
      case 'join':
      case 'start': {
        if (sub === 'start' && call) return { error: { message: 'A call is already ongoing in the channel.' } };
        if (my?.channelId === channelId) return { error: { message: 'You are already in this call.' } };
        const a = availabilityNow(channelId);
        if (a.reason) return { error: { message: `${a.reason}.` } };
        const title = sub === 'start' ? message.trim().split(/\s+/).slice(2).join(' ') : '';
        void c.joinCall(channelId, { title: title || undefined, threadId: sub === 'start' ? args.root_id || undefined : undefined });
        return {};
      }
      case 'leave':
        if (my?.channelId !== channelId) return { error: { message: "You're not connected to a call in the current channel." } };
        c.leaveCall();
        return {};
      case 'stats': {
        if (!c.client?.peer) return { error: { message: "You're not connected to any call." } };
        const stats = await c.client.peer.getStats();
        const flat: Record<string, unknown> = {};
        stats.forEach((r: { id: string; type: string }) => {
          if (['inbound-rtp', 'outbound-rtp', 'candidate-pair', 'remote-inbound-rtp'].includes(r.type)) flat[r.id] = r;
        });
        return { message: `/call stats ${base64(JSON.stringify(flat))}`, args };
      }
      default:
        return { message, args };
    }
  };
}
