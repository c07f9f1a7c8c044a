import type { Store, TeamRecord, TeamMemberRecord } from '../store/index.js';
import { UniqueViolation } from '../store/index.js';
import { newId } from '../ids.js';
import { badRequest, forbidden, notFound } from '../errors.js';
import type { EventPublisher } from '../websocket/events.js';
import { WsEvents } from '../websocket/events.js';
import type { Channels } from './channels.js';
import { isSystemAdmin, type Actor, type Permissions } from './permissions.js';

export interface NewTeam {
  name: string;
  display_name: string;
  type?: 'O' | 'I';
  description?: string;
}

const TEAM_NAME_RE = /^[a-z0-9]([a-z0-9-]{0,62}[a-z0-9])?$/;

/** Teams and team membership. Joining a team joins its default channels, as in Mattermost. */
export class Teams {
  constructor(
    private readonly store: Store,
    private readonly events: EventPublisher,
    private readonly perms: Permissions,
    private readonly channels: Channels,
  ) {}

  async create(actor: Actor | undefined, input: NewTeam): Promise<TeamRecord> {
    const name = input.name.trim().toLowerCase();
    if (!TEAM_NAME_RE.test(name) || name.length < 2) {
      throw badRequest('model.team.is_valid.name.app_error', 'Team names use 2 to 64 lowercase letters, numbers and "-".');
    }
    const displayName = input.display_name.trim();
    if (!displayName || displayName.length > 64) {
      throw badRequest('model.team.is_valid.characters.app_error', 'Team display name must be 1 to 64 characters.');
    }
    const now = Date.now();
    const team: TeamRecord = {
      id: newId(), create_at: now, update_at: now, delete_at: 0, display_name: displayName, name,
      description: (input.description ?? '').slice(0, 255), email: '', type: input.type ?? 'O',
      allow_open_invite: (input.type ?? 'O') === 'O', invite_id: newId(),
    };
    try {
      await this.store.teams.create(team);
    } catch (err) {
      if (err instanceof UniqueViolation) throw badRequest('store.sql_team.save_team.existing.app_error', 'A team with that name already exists.');
      throw err;
    }
    await this.channels.ensureDefaultChannels(team.id, actor?.userId ?? '');
    if (actor) await this.join(team, actor.userId, true);
    return team;
  }

  async get(actor: Actor, teamId: string): Promise<TeamRecord> {
    const team = await this.store.teams.get(teamId);
    if (!team) throw notFound('Team', 'app.team.get.find.app_error');
    if (!team.allow_open_invite) await this.perms.requireTeamMember(actor, teamId);
    return team;
  }

  /** Adds a user to a team: themselves to an open team, or anyone when the actor is a team admin. */
  async addMember(actor: Actor, teamId: string, userId: string): Promise<TeamMemberRecord> {
    const team = await this.store.teams.get(teamId);
    if (!team || team.delete_at) throw notFound('Team', 'app.team.get.find.app_error');
    // Open teams: anyone may join, and any member may bring someone in. Otherwise team admins decide.
    const allowed =
      (team.allow_open_invite && (actor.userId === userId || (await this.store.teams.getMember(teamId, actor.userId)))) ||
      (await this.perms.isTeamAdmin(actor, teamId));
    if (!allowed) throw forbidden();
    const user = await this.store.users.get(userId);
    if (!user || user.delete_at) throw notFound('User', 'app.user.missing_account.const');
    return this.join(team, userId, false);
  }

  /** Joins without permission checks (sign-up into the default team, bots). */
  async join(team: TeamRecord, userId: string, admin: boolean): Promise<TeamMemberRecord> {
    const existing = await this.store.teams.getMember(team.id, userId);
    if (existing) return existing;
    const member: TeamMemberRecord = {
      team_id: team.id, user_id: userId, roles: admin ? 'team_user team_admin' : 'team_user', create_at: Date.now(),
      delete_at: 0,
    };
    await this.store.teams.saveMember(member);
    await this.events.publish(WsEvents.AddedToTeam, { team_id: team.id, user_id: userId }, { userId });
    const defaults = await this.channels.ensureDefaultChannels(team.id, '');
    for (const channel of defaults) await this.channels.join(channel, userId);
    return member;
  }

  async removeMember(actor: Actor, teamId: string, userId: string): Promise<void> {
    if (actor.userId !== userId && !(await this.perms.isTeamAdmin(actor, teamId))) throw forbidden();
    const member = await this.store.teams.getMember(teamId, userId);
    if (!member) throw notFound('Team member');
    for (const channel of await this.store.channels.listForUser(userId, teamId)) {
      if (channel.team_id === teamId) await this.channels.leave(channel, userId, actor.userId);
    }
    await this.store.teams.removeMember(teamId, userId, Date.now());
    await this.events.publish(WsEvents.LeaveTeam, { team_id: teamId, user_id: userId }, { teamId });
    await this.events.publish(WsEvents.LeaveTeam, { team_id: teamId, user_id: userId }, { userId });
  }

  async listForUser(actor: Actor, userId: string): Promise<TeamRecord[]> {
    if (actor.userId !== userId && !isSystemAdmin(actor.roles)) throw forbidden();
    return this.store.teams.listForUser(userId);
  }
}
