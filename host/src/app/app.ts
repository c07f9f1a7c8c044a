import type { Store, TeamRecord, UserRecord } from '../store/index.js';
import type { EventPublisher } from '../websocket/events.js';
import { Permissions } from './permissions.js';
import { Users, type UsersOptions } from './users.js';
import { Channels } from './channels.js';
import { Teams } from './teams.js';
import { Posts } from './posts.js';

export interface AppOptions extends UsersOptions {
  /** The team every new account joins, created on first start of an empty database. */
  defaultTeam: { name: string; display_name: string };
}

/** The chat domain: one object holding each area's service, all sharing the store and the event hub. */
export class App {
  readonly perms: Permissions;
  readonly users: Users;
  readonly channels: Channels;
  readonly teams: Teams;
  readonly posts: Posts;

  constructor(
    readonly store: Store,
    events: EventPublisher,
    private readonly opts: AppOptions,
  ) {
    this.perms = new Permissions(store);
    this.channels = new Channels(store, events, this.perms);
    this.teams = new Teams(store, events, this.perms, this.channels);
    this.posts = new Posts(store, events, this.perms);
    this.users = new Users(store, events, opts, (user) => this.joinDefaultTeam(user));
  }

  /** First start on an empty database: create the default team with town-square and off-topic. */
  async bootstrap(): Promise<{ team: TeamRecord | undefined; users: number }> {
    let team = await this.store.teams.getByName(this.opts.defaultTeam.name);
    if (!team && (await this.store.teams.count()) === 0) {
      team = await this.teams.create(undefined, { ...this.opts.defaultTeam, type: 'O' });
    }
    return { team, users: await this.store.users.count() };
  }

  private async joinDefaultTeam(user: UserRecord): Promise<void> {
    const team = await this.store.teams.getByName(this.opts.defaultTeam.name);
    if (team && !team.delete_at) await this.teams.join(team, user.id, false);
  }
}
