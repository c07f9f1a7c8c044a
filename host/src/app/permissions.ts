import type { ChannelRecord, Store } from '../store/index.js';
import { forbidden, notFound } from '../errors.js';

/** Who is acting: a user with their system roles (from the session or the store). */
export interface Actor {
  userId: string;
  roles: string;
}

export const isSystemAdmin = (roles: string): boolean => roles.split(' ').includes('system_admin');

// The permission names plugins ask about (Mattermost's ids). Anything else is refused.
const CHANNEL_PERMISSIONS = new Set(['read_channel', 'create_post', 'read_channel_content', 'use_slash_commands']);
const CHANNEL_ADMIN_PERMISSIONS = new Set([
  'manage_public_channel_properties',
  'manage_private_channel_properties',
  'manage_public_channel_members',
  'manage_private_channel_members',
  'manage_channel_roles',
]);

/**
 * Who may do what. Rules: members read and post in a channel; public channels are visible (not readable)
 * to their team; channel admins (the creator) and team admins manage channels; system admins may do
 * everything, as in Mattermost.
 */
export class Permissions {
  constructor(private readonly store: Store) {}

  async isMember(userId: string, channelId: string): Promise<boolean> {
    return (await this.store.channels.getMember(channelId, userId)) !== undefined;
  }

  /** The channel if the actor may read its posts; 403 otherwise (404 only for admins, who may see everything). */
  async requireReadChannel(actor: Actor, channelId: string): Promise<ChannelRecord> {
    const channel = await this.store.channels.get(channelId);
    if (isSystemAdmin(actor.roles)) {
      if (!channel) throw notFound('Channel', 'app.channel.get.existing.app_error');
      return channel;
    }
    if (!channel || !(await this.isMember(actor.userId, channelId))) throw forbidden();
    return channel;
  }

  /** The channel if the actor may see its metadata: members, or team members for public channels. */
  async requireViewChannel(actor: Actor, channelId: string): Promise<ChannelRecord> {
    const channel = await this.store.channels.get(channelId);
    if (channel && channel.type === 'O' && (await this.store.teams.getMember(channel.team_id, actor.userId))) return channel;
    return this.requireReadChannel(actor, channelId);
  }

  async requireTeamMember(actor: Actor, teamId: string): Promise<void> {
    if (isSystemAdmin(actor.roles)) return;
    if (!(await this.store.teams.getMember(teamId, actor.userId))) throw forbidden();
  }

  async isTeamAdmin(actor: Actor, teamId: string): Promise<boolean> {
    if (isSystemAdmin(actor.roles)) return true;
    const m = await this.store.teams.getMember(teamId, actor.userId);
    return !!m && m.roles.split(' ').includes('team_admin');
  }

  async isChannelAdmin(actor: Actor, channel: ChannelRecord): Promise<boolean> {
    if (channel.team_id && (await this.isTeamAdmin(actor, channel.team_id))) return true;
    if (isSystemAdmin(actor.roles)) return true;
    const m = await this.store.channels.getMember(channel.id, actor.userId);
    return !!m && m.roles.split(' ').includes('channel_admin');
  }

  // --- the plugin API's HasPermissionTo* family ---

  async hasPermissionTo(userId: string, permission: string): Promise<boolean> {
    const user = await this.store.users.get(userId);
    if (!user || user.delete_at) return false;
    if (isSystemAdmin(user.roles)) return true;
    return permission === 'create_team' || permission === 'create_direct_channel' || permission === 'create_group_channel';
  }

  async hasPermissionToTeam(userId: string, teamId: string, permission: string): Promise<boolean> {
    const user = await this.store.users.get(userId);
    if (!user || user.delete_at) return false;
    const actor = { userId, roles: user.roles };
    if (isSystemAdmin(user.roles)) return true;
    const member = await this.store.teams.getMember(teamId, userId);
    if (!member) return false;
    if (permission === 'view_team' || permission === 'create_public_channel' || permission === 'create_private_channel') return true;
    return this.isTeamAdmin(actor, teamId);
  }

  async hasPermissionToChannel(userId: string, channelId: string, permission: string): Promise<boolean> {
    const [user, channel] = await Promise.all([this.store.users.get(userId), this.store.channels.get(channelId)]);
    if (!user || user.delete_at || !channel) return false;
    if (isSystemAdmin(user.roles)) return true;
    const actor = { userId, roles: user.roles };
    const member = await this.store.channels.getMember(channelId, userId);
    if (CHANNEL_PERMISSIONS.has(permission)) return !!member && (permission !== 'create_post' || channel.delete_at === 0);
    if (CHANNEL_ADMIN_PERMISSIONS.has(permission)) return this.isChannelAdmin(actor, channel);
    return false;
  }
}
