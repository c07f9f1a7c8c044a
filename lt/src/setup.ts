// Users and channels for a run. With -setup (the reference's default): as the admin, find or create the
// team (-team, else the admin's first team, else a team "lt"), one open channel per call (`lt-call-<n>`,
// or -channel), and the users `<prefix><n>` (n from -offset), added to the team and to their call's
// channel; calls are turned on in those channels (the reference needs the plugin's test mode off instead).
// Then every user logs in. Without -setup the users must exist and be members already.
import { HostApi } from './host-api.js';
import type { LtConfig } from './flags.js';
import { SimUser } from './user.js';

/** Parallel logins: each costs the host a password hash; more would only queue there. */
const CONCURRENCY = 4;

async function pool<T>(items: T[], n: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const i = next++;
      await fn(items[i]!, i);
    }
  };
  await Promise.all(Array.from({ length: Math.min(n, items.length) }, worker));
}

export interface Prepared {
  users: SimUser[];
  /** Channel id of each call. */
  channels: string[];
  /** The admin's session (-setup only): it sees the plugin's whole configuration. */
  admin: HostApi | undefined;
}

export async function prepare(cfg: LtConfig, onProgress: (done: number, total: number, what: string) => void): Promise<Prepared> {
  const total = cfg.calls * cfg.usersPerCall;
  const names = Array.from({ length: total }, (_, i) => `${cfg.userPrefix}${cfg.offset + i}`);
  let channels: string[];
  let admin: HostApi | undefined;
  if (cfg.setup) {
    const api = (await HostApi.login(cfg.url, cfg.adminUsername, cfg.adminPassword)).api;
    admin = api;
    const teamId = cfg.team || (await api.myTeams())[0]?.id || ((await api.teamByName('lt')) ?? (await api.createTeam('lt'))).id;
    channels = [];
    if (cfg.channel) channels.push(cfg.channel);
    else {
      for (let c = 0; c < cfg.calls; c++) {
        const name = `lt-call-${c}`;
        channels.push(((await api.channelByName(teamId, name)) ?? (await api.createChannel(teamId, name))).id);
      }
    }
    for (const id of channels) await api.enableCalls(id);
    let done = 0;
    await pool(names, CONCURRENCY, async (username, i) => {
      const user = (await api.userByUsername(username)) ?? (await api.createUser(username, cfg.userPassword));
      await api.addToTeam(teamId, user.id);
      await api.addToChannel(channels[Math.floor(i / cfg.usersPerCall)]!, user.id);
      onProgress(++done, total * 2, 'setting up users');
    });
  } else {
    channels = [cfg.channel];
  }
  const users: SimUser[] = new Array(total);
  let done = 0;
  await pool(names, CONCURRENCY, async (username, i) => {
    const { api } = await HostApi.login(cfg.url, username, cfg.userPassword);
    const call = Math.floor(i / cfg.usersPerCall);
    const indexInCall = i % cfg.usersPerCall;
    users[i] = new SimUser(username, api.token, {
      index: i,
      call,
      indexInCall,
      unmuted: indexInCall < cfg.unmuted,
      // The first user of each of the first -screen-sharing calls shares (as the reference).
      screen: indexInCall === 0 && call < cfg.screenSharing,
    });
    onProgress(cfg.setup ? total + ++done : ++done, cfg.setup ? total * 2 : total, 'logging in');
  });
  return { users, channels, admin };
}
