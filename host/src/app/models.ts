import type { UserProfile } from '@mattermost/types/users';
import type { Channel, ChannelMembership } from '@mattermost/types/channels';
import type { Team, TeamMembership } from '@mattermost/types/teams';
import type { Post } from '@mattermost/types/posts';
import type {
  ChannelMemberRecord,
  ChannelRecord,
  PostRecord,
  TeamMemberRecord,
  TeamRecord,
  UserRecord,
} from '../store/index.js';

// The JSON shapes clients get: @mattermost/types models. Secrets (password hash) never appear.
export type PublicUser = Omit<UserProfile, 'password'>;
export type ChannelJson = Channel & { total_msg_count: number };

export function toUserJson(u: UserRecord, opts: { self: boolean } = { self: false }): PublicUser {
  return {
    id: u.id,
    create_at: u.create_at,
    update_at: u.update_at,
    delete_at: u.delete_at,
    username: u.username,
    auth_data: '',
    auth_service: '',
    email: u.email,
    nickname: u.nickname,
    first_name: u.first_name,
    last_name: u.last_name,
    position: u.position,
    roles: u.roles,
    props: u.props,
    notify_props: u.notify_props as PublicUser['notify_props'],
    last_password_update: opts.self ? u.last_password_update : 0,
    last_picture_update: 0,
    locale: u.locale,
    timezone: { useAutomaticTimezone: 'true', automaticTimezone: '', manualTimezone: '' },
    mfa_active: false,
    last_activity_at: 0,
    is_bot: u.is_bot,
    bot_description: u.bot_description,
    terms_of_service_id: '',
    terms_of_service_create_at: 0,
  };
}

export function toTeamJson(t: TeamRecord): Team {
  return {
    id: t.id,
    create_at: t.create_at,
    update_at: t.update_at,
    delete_at: t.delete_at,
    display_name: t.display_name,
    name: t.name,
    description: t.description,
    email: t.email,
    type: t.type,
    company_name: '',
    allowed_domains: '',
    invite_id: t.invite_id,
    allow_open_invite: t.allow_open_invite,
    scheme_id: '',
    group_constrained: false,
    policy_id: null,
  };
}

export function toTeamMemberJson(m: TeamMemberRecord): TeamMembership {
  const roles = m.roles.split(' ');
  return {
    team_id: m.team_id,
    user_id: m.user_id,
    roles: m.roles,
    delete_at: m.delete_at,
    scheme_admin: roles.includes('team_admin'),
    scheme_guest: false,
    scheme_user: true,
    mention_count: 0,
    mention_count_root: 0,
    msg_count: 0,
    msg_count_root: 0,
  } as TeamMembership;
}

export function toChannelJson(c: ChannelRecord): ChannelJson {
  return {
    id: c.id,
    create_at: c.create_at,
    update_at: c.update_at,
    delete_at: c.delete_at,
    team_id: c.team_id,
    type: c.type,
    display_name: c.display_name,
    name: c.name,
    header: c.header,
    purpose: c.purpose,
    last_post_at: c.last_post_at,
    last_root_post_at: c.last_root_post_at,
    total_msg_count: c.total_msg_count,
    creator_id: c.creator_id,
    scheme_id: '',
    group_constrained: false,
    props: {},
  };
}

export function toChannelMemberJson(m: ChannelMemberRecord): ChannelMembership {
  const roles = m.roles.split(' ');
  return {
    channel_id: m.channel_id,
    user_id: m.user_id,
    roles: m.roles,
    last_viewed_at: m.last_viewed_at,
    msg_count: m.msg_count,
    msg_count_root: m.msg_count,
    mention_count: m.mention_count,
    mention_count_root: m.mention_count,
    urgent_mention_count: 0,
    notify_props: m.notify_props as ChannelMembership['notify_props'],
    last_update_at: m.last_update_at,
    scheme_user: true,
    scheme_admin: roles.includes('channel_admin'),
  };
}

export function toPostJson(p: PostRecord): Post {
  return {
    id: p.id,
    create_at: p.create_at,
    update_at: p.update_at,
    edit_at: p.edit_at,
    delete_at: p.delete_at,
    is_pinned: p.is_pinned,
    user_id: p.user_id,
    channel_id: p.channel_id,
    root_id: p.root_id,
    original_id: p.original_id,
    message: p.message,
    type: p.type as Post['type'],
    props: p.props,
    hashtags: p.hashtags,
    pending_post_id: '',
    reply_count: 0,
    metadata: {} as Post['metadata'],
  };
}

/** A DM channel's name: the two user ids sorted and joined by `__` (Mattermost's rule). */
export function directChannelName(a: string, b: string): string {
  return a < b ? `${a}__${b}` : `${b}__${a}`;
}
