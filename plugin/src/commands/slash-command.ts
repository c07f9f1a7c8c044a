// The `/call` slash command. The webapp handles start/join/leave itself (it owns the WebSocket and the
// media); the server answers what it can do alone: link, stats pretty-printing, end (host or admin), host.
import type { Command, CommandArgs, CommandResponse, PluginAPI } from '@calls-ts/host/plugin-rpc';
import { CallError, type CallService } from '../calls/call-service.js';
import type { HostControls } from '../calls/host-controls.js';

const SUBCOMMANDS = ['start', 'join', 'leave', 'link', 'end', 'stats', 'host'];

export const CALL_COMMAND: Command = {
  trigger: 'call',
  display_name: 'Call',
  description: 'Start, join or leave a call',
  auto_complete: true,
  auto_complete_desc: `Available commands: ${SUBCOMMANDS.join(', ')}`,
  auto_complete_hint: '[command]',
};

const ephemeral = (text: string): CommandResponse => ({ response_type: 'ephemeral', text });

export class SlashCommand {
  constructor(
    private readonly api: PluginAPI,
    private readonly calls: CallService,
    private readonly host: HostControls,
  ) {}

  async execute(args: CommandArgs): Promise<CommandResponse> {
    const fields = args.command.trim().split(/\s+/);
    const root = (fields[0] ?? '').replace(/^\//, '');
    if (root !== CALL_COMMAND.trigger) return ephemeral(`Unknown command: ${root}`);
    if (fields.length < 2) return ephemeral('Invalid number of arguments provided');
    const sub = fields[1]!;
    try {
      switch (sub) {
        case 'start':
          if (await this.calls.store.getCallActive(args.channel_id)) return ephemeral('A call is already ongoing in the channel.');
          return {};
        case 'join':
        case 'leave':
          return {};
        case 'link':
          return await this.link(args);
        case 'stats':
          return this.stats(fields);
        case 'end':
          await this.host.end(args.user_id, args.channel_id);
          return {};
        case 'host': {
          if (fields.length !== 3) throw new CallError('invalid number of arguments provided');
          const username = fields[2]!.replace(/^@/, '');
          const user = await this.api.getUserByUsername(username).catch(() => undefined);
          if (!user) throw new CallError(`could not find user "${username}"`);
          await this.host.makeHost(args.user_id, args.channel_id, user.id);
          return {};
        }
        default:
          return ephemeral(`Invalid subcommand: ${sub}`);
      }
    } catch (err) {
      return ephemeral(`Error: ${(err as Error).message}`);
    }
  }

  private async link(args: CommandArgs): Promise<CommandResponse> {
    const channel = await this.api.getChannel(args.channel_id);
    const team = await this.api.getTeam(args.team_id || channel.team_id);
    return ephemeral(`Call link: ${args.site_url}/${team.name}/channels/${channel.id}?join_call=true`);
  }

  /** The webapp rewrites `/call stats` to `/call stats <base64(JSON)>`; we print it back readably. */
  private stats(fields: string[]): CommandResponse {
    if (fields.length !== 3) throw new CallError('invalid number of arguments provided');
    const raw = Buffer.from(fields[2]!, 'base64').toString('utf8');
    let value: unknown;
    try {
      value = JSON.parse(raw);
    } catch {
      throw new CallError('invalid stats object');
    }
    if (!value || typeof value !== 'object' || Object.keys(value).length === 0) throw new CallError('empty stats object');
    return ephemeral('```json\n' + JSON.stringify(value, null, 1) + '\n```');
  }
}
