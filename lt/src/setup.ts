// Users and channels for a run. With -setup (the reference's default): as the admin, find or create the
// team (-team, else the admin's first team, else a team "lt"), one open channel per call (`lt-call-<n>`,
// or -channel), and the users `<prefix><n>` (n from -offset), added to the team and to their call's
// channel. Then every user logs in. Without -setup the users must exist and be members already.
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
}

export async function prepare(cfg: LtConfig, onProgress: (done: number, total: number, what: string) => void): Promise<Prepared> {
  const total = cfg.calls * cfg.usersPerCall;
  const names = Array.from({ length: total }, (_, i) => `${cfg.userPrefix}${cfg.offset + i}`);
  let channels: string[];
  if (cfg.setup) {
    const { api: admin } = await HostApi.login(cfg.url, cfg.adminUsername, cfg.adminPassword);
    const teamId = cfg.team || (await admin.myTeams())[0]?.id || ((await admin.teamByName('lt')) ?? (await admin.createTeam('lt'))).id;
    channels = [];
    if (cfg.channel) channels.push(cfg.channel);
    else {
      for (let c = 0; c < cfg.calls; c++) {
        const name = `lt-call-${c}`;
        channels.push(((await admin.channelByName(teamId, name)) ?? (await admin.createChannel(teamId, name))).id);
      }
    }
    let done = 0;
    await pool(names, CONCURRENCY, async (username, i) => {
      const user = (await admin.userByUsername(username)) ?? (await admin.createUser(username, cfg.userPassword));
      await admin.addToTeam(teamId, user.id);
      await admin.addToChannel(channels[Math.floor(i / cfg.usersPerCall)]!, user.id);
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
      call,
      indexInCall,
      unmuted: indexInCall < cfg.unmuted,
      // The first user of each of the first -screen-sharing calls shares (as the reference).
      screen: indexInCall === 0 && call < cfg.screenSharing,
    });
    onProgress(cfg.setup ? total + ++done : ++done, cfg.setup ? total * 2 : total, 'logging in');
  });
  return { users, channels };
}
