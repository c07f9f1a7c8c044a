import { createHash } from 'node:crypto';
import { EventEmitter } from 'node:events';
import type { ChannelMemberRecord, ChannelRecord, ChannelType, Store, UserRecord } from '../store/index.js';
import { UniqueViolation } from '../store/index.js';
import { newId } from '../ids.js';
import { badRequest, forbidden, notFound } from '../errors.js';
import type { EventPublisher } from '../websocket/events.js';
import { WsEvents } from '../websocket/events.js';
import { directChannelName, toChannelJson } from './models.js';
import { isSystemAdmin, type Actor, type Permissions } from './permissions.js';

export interface NewChannel {
  team_id: string;
  name: string;
  display_name: string;
  type: 'O' | 'P';
  purpose?: string;
  header?: string;
}

export interface ChannelPatch {
  display_name?: string;
  header?: string;
  purpose?: string;
}

export interface ChannelEvents {
  /** A member left or was removed (the UserHasLeftChannel hook). */
  userLeftChannel: [member: ChannelMemberRecord, actor: UserRecord | undefined];
}

const CHANNEL_NAME_RE = /^[a-z0-9]([a-z0-9_-]{0,62}[a-z0-9])?$/;
export const DEFAULT_CHANNELS = [
  { name: 'town-square', display_name: 'Town Square', purpose: 'Everyone on the team. Announcements and general chat.' },
  { name: 'off-topic', display_name: 'Off-Topic', purpose: 'Anything that is not work.' },
] as const;
const MIN_GROUP = 3;
const MAX_GROUP = 8;

function memberRecord(channelId: string, userId: string, admin: boolean, now: number): ChannelMemberRecord {
  return {
    channel_id: channelId, user_id: userId, roles: admin ? 'channel_user channel_admin' : 'channel_user',
    last_viewed_at: 0, msg_count: 0, mention_count: 0,
    notify_props: { desktop: 'default', email: 'default', push: 'default', mark_unread: 'all' },
    last_update_at: now,
  };
}

/** Public and private channels, DMs and GMs, and their members. */
export class Channels extends EventEmitter<ChannelEvents> {
  constructor(
    private readonly store: Store,
    private readonly events: EventPublisher,
    private readonly perms: Permissions,
  ) {
    super();
  }

  async create(actor: Actor, input: NewChannel): Promise<ChannelRecord> {
    const name = input.name.trim().toLowerCase();
    if (!CHANNEL_NAME_RE.test(name) || name.includes('__')) {
      throw badRequest('model.channel.is_valid.name.app_error', 'Channel names use 1 to 64 lowercase letters, numbers, "-" and "_".');
    }
    const displayName = input.display_name.trim();
    if (!displayName || displayName.length > 64) {
      throw badRequest('model.channel.is_valid.display_name.app_error', 'Display name must be 1 to 64 characters.');
    }
    const team = await this.store.teams.get(input.team_id);
    if (!team) throw notFound('Team', 'app.team.get.find.app_error');
    await this.perms.requireTeamMember(actor, team.id);
    const now = Date.now();
    const channel: ChannelRecord = {
      id: newId(), create_at: now, update_at: now, delete_at: 0, team_id: team.id, type: input.type,
      display_name: displayName, name, header: (input.header ?? '').slice(0, 1024),
      purpose: (input.purpose ?? '').slice(0, 250), last_post_at: 0, last_root_post_at: 0, total_msg_count: 0,
      creator_id: actor.userId,
    };
    try {
      await this.store.transaction(async (tx) => {
        await tx.channels.create(channel);
        await tx.channels.saveMember(memberRecord(channel.id, actor.userId, true, now));
      });
    } catch (err) {
      if (err instanceof UniqueViolation) {
        throw badRequest('store.sql_channel.save_channel.exists.app_error', 'A channel with that name already exists on the same team.');
      }
      throw err;
    }
    await this.events.publish(WsEvents.ChannelCreated, { channel_id: channel.id, team_id: team.id }, { userId: actor.userId });
    return channel;
  }

  /** Creates a team's default channels (idempotent). */
  async ensureDefaultChannels(teamId: string, creatorId: string): Promise<ChannelRecord[]> {
    const out: ChannelRecord[] = [];
    for (const def of DEFAULT_CHANNELS) {
      let channel = await this.store.channels.getByName(teamId, def.name);
      if (!channel) {
        const now = Date.now();
        channel = {
          id: newId(), create_at: now, update_at: now, delete_at: 0, team_id: teamId, type: 'O',
          display_name: def.display_name, name: def.name, header: '', purpose: def.purpose, last_post_at: 0,
          last_root_post_at: 0, total_msg_count: 0, creator_id: creatorId,
        };
        try {
          await this.store.channels.create(channel);
        } catch (err) {
          if (!(err instanceof UniqueViolation)) throw err;
          channel = (await this.store.channels.getByName(teamId, def.name))!;
        }
      }
      out.push(channel);
    }
    return out;
  }

  async getOrCreateDirect(actor: Actor, userIds: readonly string[]): Promise<{ channel: ChannelRecord; created: boolean }> {
    const ids = [...new Set(userIds)];
    if (userIds.length !== 2) {
      throw badRequest('api.channel.create_direct_channel.invalid_user.app_error', 'A direct channel needs exactly two user ids.');
    }
    if (!userIds.includes(actor.userId) && !isSystemAdmin(actor.roles)) throw forbidden();
    const users = await this.store.users.getMany(ids);
    if (users.length !== ids.length) throw badRequest('api.channel.create_direct_channel.invalid_user.app_error', 'Unknown user id.');
    const [a, b] = [userIds[0]!, userIds[1]!];
    const name = directChannelName(a, b);
    return this.getOrCreatePrivateGroup(name, 'D', '', ids, actor.userId, async (channel) => {
      const teammate = a === actor.userId ? b : a;
      await this.events.publish(WsEvents.DirectAdded, { creator_id: actor.userId, teammate_id: teammate }, { channelId: channel.id });
    });
  }

  async getOrCreateGroup(actor: Actor, userIds: readonly string[]): Promise<{ channel: ChannelRecord; created: boolean }> {
    const ids = [...new Set([...userIds, actor.userId])].sort();
    if (ids.length < MIN_GROUP || ids.length > MAX_GROUP) {
      throw badRequest('api.channel.create_group.bad_size.app_error', `Group messages must have between ${MIN_GROUP} and ${MAX_GROUP} users.`);
    }
    const users = await this.store.users.getMany(ids);
    if (users.length !== ids.length) throw badRequest('api.channel.create_group.bad_user.app_error', 'Unknown user id.');
    const name = createHash('sha1').update(ids.join(',')).digest('hex');
    const displayName = users.map((u) => u.username).sort().join(', ');
    return this.getOrCreatePrivateGroup(name, 'G', displayName, ids, actor.userId, async (channel) => {
      await this.events.publish(WsEvents.GroupAdded, { teammate_ids: JSON.stringify(ids) }, { channelId: channel.id });
    });
  }

  private async getOrCreatePrivateGroup(
    name: string,
    type: ChannelType,
    displayName: string,
    members: readonly string[],
    creatorId: string,
    announce: (c: ChannelRecord) => Promise<void>,
  ): Promise<{ channel: ChannelRecord; created: boolean }> {
    const existing = await this.store.channels.getByName('', name);
    if (existing) return { channel: existing, created: false };
    const now = Date.now();
    const channel: ChannelRecord = {
      id: newId(), create_at: now, update_at: now, delete_at: 0, team_id: '', type, display_name: displayName, name,
      header: '', purpose: '', last_post_at: 0, last_root_post_at: 0, total_msg_count: 0, creator_id: creatorId,
    };
    try {
      await this.store.transaction(async (tx) => {
        await tx.channels.create(channel);
        for (const userId of members) await tx.channels.saveMember(memberRecord(channel.id, userId, false, now));
      });
    } catch (err) {
      // Both users opened the DM at the same moment: use the one that won.
      if (err instanceof UniqueViolation) return { channel: (await this.store.channels.getByName('', name))!, created: false };
      throw err;
    }
    await announce(channel);
    return { channel, created: true };
  }

  /** Adds `userId` to a public or private channel. Members of a channel may add others of its team. */
  async addMember(actor: Actor, channelId: string, userId: string): Promise<ChannelMemberRecord> {
    const channel = await this.store.channels.get(channelId);
    if (!channel || channel.delete_at) throw notFound('Channel', 'app.channel.get.existing.app_error');
    if (channel.type === 'D' || channel.type === 'G') {
      throw badRequest('api.channel.add_user.to.channel.failed.deleted.app_error', 'Members cannot be added to direct or group messages.');
    }
    const admin = isSystemAdmin(actor.roles);
    if (actor.userId === userId) {
      if (channel.type === 'P' && !admin) throw forbidden();
      await this.perms.requireTeamMember(actor, channel.team_id);
    } else if (!admin && !(await this.perms.isMember(actor.userId, channelId))) {
      throw forbidden();
    }
    const user = await this.store.users.get(userId);
    if (!user || user.delete_at) throw notFound('User', 'app.user.missing_account.const');
    if (!(await this.store.teams.getMember(channel.team_id, userId))) {
      throw badRequest('api.channel.add_members.user_denied', 'The user is not a member of the channel\'s team.');
    }
    return this.join(channel, userId, actor.userId);
  }

  /** Adds a member without permission checks (joining a team's default channels, plugins). */
  async join(channel: ChannelRecord, userId: string, actorId = userId): Promise<ChannelMemberRecord> {
    const existing = await this.store.channels.getMember(channel.id, userId);
    if (existing) return existing;
    const member = memberRecord(channel.id, userId, false, Date.now());
    await this.store.channels.saveMember(member);
    await this.events.publish(WsEvents.UserAdded, { user_id: userId, team_id: channel.team_id }, { channelId: channel.id });
    if (actorId !== userId) {
      await this.events.publish(WsEvents.ChannelCreated, { channel_id: channel.id, team_id: channel.team_id }, { userId });
    }
    return member;
  }

  async removeMember(actor: Actor, channelId: string, userId: string): Promise<void> {
    const channel = await this.store.channels.get(channelId);
    if (!channel) throw notFound('Channel', 'app.channel.get.existing.app_error');
    if (channel.type === 'D' || channel.type === 'G') {
      throw badRequest('api.channel.remove_user_from_channel.direct', 'Members cannot be removed from direct or group messages.');
    }
    if (channel.name === 'town-square') {
      throw badRequest('api.channel.remove.default.app_error', 'Nobody can leave or be removed from the default channel.');
    }
    if (actor.userId !== userId && !isSystemAdmin(actor.roles) && !(await this.perms.isMember(actor.userId, channelId))) {
      throw forbidden();
    }
    await this.leave(channel, userId, actor.userId);
  }

  /** Removes a member without permission checks and tells everyone, plugins included. */
  async leave(channel: ChannelRecord, userId: string, actorId: string): Promise<void> {
    const member = await this.store.channels.getMember(channel.id, userId);
    if (!member) return;
    await this.store.channels.removeMember(channel.id, userId);
    await this.events.publish(WsEvents.UserRemoved, { remover_id: actorId, user_id: userId }, { channelId: channel.id });
    await this.events.publish(WsEvents.UserRemoved, { remover_id: actorId, channel_id: channel.id }, { userId });
    const actor = actorId === userId ? undefined : await this.store.users.get(actorId);
    this.emit('userLeftChannel', member, actor);
  }

  async patch(actor: Actor, channelId: string, patch: ChannelPatch): Promise<ChannelRecord> {
    const channel = await this.perms.requireReadChannel(actor, channelId);
    if (patch.display_name !== undefined) {
      const dn = patch.display_name.trim();
      if (!dn || dn.length > 64 || channel.type === 'D') {
        throw badRequest('model.channel.is_valid.display_name.app_error', 'Display name must be 1 to 64 characters.');
      }
      channel.display_name = dn;
    }
    if (patch.header !== undefined) channel.header = patch.header.slice(0, 1024);
    if (patch.purpose !== undefined) channel.purpose = patch.purpose.slice(0, 250);
    channel.update_at = Date.now();
    await this.store.channels.update(channel);
    await this.events.publish(WsEvents.ChannelUpdated, { channel: JSON.stringify(toChannelJson(channel)) }, { channelId });
    return channel;
  }

  async view(actor: Actor, channelId: string): Promise<Record<string, number>> {
    const now = Date.now();
    const previous = await this.store.channels.markViewed(channelId, actor.userId, now);
    await this.events.publish(WsEvents.ChannelViewed, { channel_id: channelId }, { userId: actor.userId });
    return { [channelId]: previous };
  }
}
