// The store suite: the same behaviour checked on SQLite and on PostgreSQL.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { openStore, UniqueViolation, type Store, type UserRecord, type ChannelRecord, type PostRecord } from '../../src/store/index.js';
import { newId } from '../../src/ids.js';
import { createPgSchema } from '../helpers/pg.js';

const bytes = (s: string) => new TextEncoder().encode(s);
const text = (b: Uint8Array | null) => (b === null ? null : new TextDecoder().decode(b));

function user(username: string, roles = 'system_user'): UserRecord {
  const now = Date.now();
  return {
    id: newId(), create_at: now, update_at: now, delete_at: 0, username, email: `${username}@example.com`, password: 'hash',
    nickname: '', first_name: 'First', last_name: 'Last', position: '', roles, locale: 'en', props: { a: 'b' },
    notify_props: { desktop: 'all' }, last_password_update: now, is_bot: false, bot_description: '', bot_owner_id: '',
  };
}

function channel(teamId: string, name: string, type: ChannelRecord['type'] = 'O'): ChannelRecord {
  const now = Date.now();
  return {
    id: newId(), create_at: now, update_at: now, delete_at: 0, team_id: teamId, type, display_name: name, name,
    header: '', purpose: '', last_post_at: 0, last_root_post_at: 0, total_msg_count: 0, creator_id: '',
  };
}

function post(channelId: string, userId: string, createAt: number, message: string): PostRecord {
  return {
    id: newId(), create_at: createAt, update_at: createAt, edit_at: 0, delete_at: 0, is_pinned: false, user_id: userId,
    channel_id: channelId, root_id: '', original_id: '', message, type: '', props: { n: message }, hashtags: '',
  };
}

function suite(name: string, open: () => Promise<{ store: Store; reopen: () => Promise<Store>; cleanup: () => Promise<void> }>) {
  describe(`store on ${name}`, () => {
    let store: Store;
    let reopen: () => Promise<Store>;
    let cleanup: () => Promise<void>;
    before(async () => ({ store, reopen, cleanup } = await open()));
    after(async () => {
      await store.close();
      await cleanup();
    });

    it('migrations are idempotent: reopening the same database works and keeps data', async () => {
      const u = user('persisted');
      await store.users.create(u);
      const again = await reopen();
      try {
        assert.equal((await again.users.get(u.id))?.username, 'persisted');
      } finally {
        await again.close();
      }
    });

    it('users: create, read back with parsed JSON and booleans, unique username and email', async () => {
      const u = user('alice', 'system_admin system_user');
      await store.users.create(u);
      const got = await store.users.get(u.id);
      assert.deepEqual(got, u);
      assert.equal((await store.users.getByUsername('ALICE'))?.id, u.id);
      assert.equal((await store.users.getByEmail('Alice@Example.com'))?.id, u.id);
      await assert.rejects(store.users.create({ ...user('alice'), id: newId() }), UniqueViolation);
      await assert.rejects(store.users.create({ ...user('alice2'), email: u.email }), UniqueViolation);
      assert.deepEqual((await store.users.getMany([u.id, newId()])).map((x) => x.id), [u.id]);
      assert.ok((await store.users.search('ALI', 10)).some((x) => x.id === u.id), 'search is case-insensitive');
      assert.ok((await store.users.listSystemAdmins()).some((x) => x.id === u.id));
      u.nickname = 'Al';
      await store.users.update(u);
      assert.equal((await store.users.get(u.id))?.nickname, 'Al');
    });

    it('sessions and access tokens', async () => {
      const u = user('sess');
      await store.users.create(u);
      const now = Date.now();
      await store.sessions.create({ id: newId(), token: 'tok-live', user_id: u.id, create_at: now, expires_at: now + 60_000, last_activity_at: now, csrf_token: 'c', is_access_token: false });
      await store.sessions.create({ id: newId(), token: 'tok-old', user_id: u.id, create_at: now, expires_at: now - 1, last_activity_at: now, csrf_token: 'c', is_access_token: false });
      assert.equal((await store.sessions.getByToken('tok-live'))?.user_id, u.id);
      assert.equal(await store.sessions.removeExpired(now), 1);
      assert.equal(await store.sessions.getByToken('tok-old'), undefined);
      await store.sessions.createAccessToken({ id: newId(), token: 'pat-1', user_id: u.id, description: 'ci', is_active: true, create_at: now });
      const pat = await store.sessions.getAccessTokenByToken('pat-1');
      assert.equal(pat?.is_active, true);
      await store.sessions.revokeAccessToken(pat!.id);
      assert.equal(await store.sessions.getAccessTokenByToken('pat-1'), undefined);
    });

    it('teams, channels, members: DMs are listed with every team, membership drives memberIds', async () => {
      const a = user('bob');
      const b = user('carol');
      await store.users.create(a);
      await store.users.create(b);
      const now = Date.now();
      const team = { id: newId(), create_at: now, update_at: now, delete_at: 0, display_name: 'T', name: `team-${newId().slice(0, 6)}`, description: '', email: '', type: 'O' as const, allow_open_invite: true, invite_id: newId() };
      await store.teams.create(team);
      await store.teams.saveMember({ team_id: team.id, user_id: a.id, roles: 'team_user', create_at: now, delete_at: 0 });
      assert.deepEqual(await store.teams.memberIds(team.id), [a.id]);
      assert.deepEqual((await store.teams.listForUser(a.id)).map((t) => t.id), [team.id]);
      await store.teams.removeMember(team.id, a.id, now);
      assert.equal(await store.teams.getMember(team.id, a.id), undefined);
      await store.teams.saveMember({ team_id: team.id, user_id: a.id, roles: 'team_user', create_at: now, delete_at: 0 });
      assert.ok(await store.teams.getMember(team.id, a.id), 'rejoining re-activates the membership');

      const pub = channel(team.id, 'general');
      const dm = channel('', `${a.id}__${b.id}`, 'D');
      await store.channels.create(pub);
      await store.channels.create(dm);
      await assert.rejects(store.channels.create({ ...channel(team.id, 'general') }), UniqueViolation);
      for (const c of [pub, dm]) {
        await store.channels.saveMember({ channel_id: c.id, user_id: a.id, roles: 'channel_user', last_viewed_at: 0, msg_count: 0, mention_count: 0, notify_props: {}, last_update_at: now });
      }
      assert.deepEqual(new Set((await store.channels.listForUser(a.id, team.id)).map((c) => c.id)), new Set([pub.id, dm.id]));
      assert.deepEqual(await store.channels.memberIds(pub.id), [a.id]);
      await store.channels.recordPost(pub.id, now + 5, true);
      await store.channels.markViewed(pub.id, a.id, now + 6);
      const m = await store.channels.getMember(pub.id, a.id);
      assert.equal(m?.msg_count, 1);
      assert.equal((await store.channels.get(pub.id))?.last_post_at, now + 5);
      assert.equal(await store.channels.removeMember(pub.id, a.id), true);
      assert.equal(await store.channels.removeMember(pub.id, a.id), false);
    });

    it('posts: newest first, paged, before/after/since, deleted hidden', async () => {
      const u = user('poster');
      await store.users.create(u);
      const c = channel(newId(), 'posts');
      await store.channels.create(c);
      const base = Date.now();
      const posts = Array.from({ length: 5 }, (_, i) => post(c.id, u.id, base + i, `m${i}`));
      for (const p of posts) await store.posts.create(p);
      const page0 = await store.posts.listForChannel(c.id, { page: 0, perPage: 2 });
      assert.deepEqual(page0.map((p) => p.message), ['m4', 'm3']);
      const page1 = await store.posts.listForChannel(c.id, { page: 1, perPage: 2 });
      assert.deepEqual(page1.map((p) => p.message), ['m2', 'm1']);
      assert.deepEqual((await store.posts.listForChannel(c.id, { page: 0, perPage: 10, beforeCreateAt: base + 2 })).map((p) => p.message), ['m1', 'm0']);
      assert.deepEqual((await store.posts.listForChannel(c.id, { page: 0, perPage: 2, afterCreateAt: base + 1 })).map((p) => p.message), ['m3', 'm2']);
      const edited = { ...posts[0]!, message: 'edited', edit_at: base + 100, update_at: base + 100, props: { x: 1 } };
      await store.posts.update(edited);
      assert.deepEqual((await store.posts.listForChannel(c.id, { page: 0, perPage: 10, since: base + 50 })).map((p) => p.message), ['edited']);
      await store.posts.update({ ...posts[1]!, delete_at: base + 200, update_at: base + 200 });
      assert.equal((await store.posts.listForChannel(c.id, { page: 0, perPage: 10 })).length, 4);
      assert.deepEqual((await store.posts.get(edited.id))?.props, { x: 1 });
    });

    it('plugin KV: get/set/delete/list, expiry, atomic create-if-absent, compare-and-set, compare-and-delete', async () => {
      const kv = store.kv;
      const p = `plugin.${newId().slice(0, 5)}`;
      const now = Date.now();
      await kv.set(p, 'a', bytes('1'), 0);
      assert.equal(text(await kv.get(p, 'a', now)), '1');
      assert.equal(await kv.get('other.plugin', 'a', now), null, 'keys are per plugin');
      await kv.set(p, 'short', bytes('x'), now + 1000);
      assert.equal(text(await kv.get(p, 'short', now)), 'x');
      assert.equal(await kv.get(p, 'short', now + 1001), null, 'expired keys read as absent');
      assert.deepEqual(await kv.list(p, { page: 0, perPage: 10 }, now + 1001), ['a']);

      const atomic = (old: string | null, exp = 0) => ({ atomic: true, oldValue: old === null ? null : bytes(old), expireInSeconds: exp });
      assert.equal(await kv.setWithOptions(p, 'lock', bytes('1'), atomic(null, 10), now), true, 'create if absent');
      assert.equal(await kv.setWithOptions(p, 'lock', bytes('2'), atomic(null, 10), now), false, 'second creator loses');
      assert.equal(await kv.setWithOptions(p, 'lock', bytes('2'), atomic(null, 10), now + 11_000), true, 'an expired lock can be taken');
      assert.equal(await kv.setWithOptions(p, 'lock', bytes('3'), atomic('wrong'), now + 11_000), false, 'compare fails');
      assert.equal(await kv.setWithOptions(p, 'lock', bytes('3'), atomic('2'), now + 11_000), true, 'compare succeeds');
      assert.equal(text(await kv.get(p, 'lock', now + 11_000)), '3');
      assert.equal(await kv.setWithOptions(p, 'lock', null, atomic('2'), now + 11_000), false, 'delete needs the current value');
      assert.equal(await kv.setWithOptions(p, 'lock', null, atomic('3'), now + 11_000), true);
      assert.equal(await kv.get(p, 'lock', now + 11_000), null);
      assert.equal(await kv.setWithOptions(p, 'plain', bytes('v'), { atomic: false, oldValue: null, expireInSeconds: 0 }, now), true);
      await kv.delete(p, 'plain');
      assert.equal(await kv.get(p, 'plain', now), null);
      await kv.deleteAll(p);
      assert.deepEqual(await kv.list(p, { page: 0, perPage: 10 }, now), []);
    });

    it('KV compare-and-set is atomic under concurrency: exactly one of many racers wins', async () => {
      const p = 'race.plugin';
      const now = Date.now();
      const results = await Promise.all(
        Array.from({ length: 20 }, (_, i) => store.kv.setWithOptions(p, 'mutex', bytes(String(i)), { atomic: true, oldValue: null, expireInSeconds: 30 }, now)),
      );
      assert.equal(results.filter(Boolean).length, 1);
    });

    it('plugin configs round-trip; transactions roll back on error', async () => {
      await store.pluginConfigs.save('x.plugin', { A: 1, B: 'two' }, Date.now());
      assert.deepEqual(await store.pluginConfigs.get('x.plugin'), { A: 1, B: 'two' });
      assert.equal(await store.pluginConfigs.get('missing.plugin'), undefined);
      const u = user('rolledback');
      await assert.rejects(
        store.transaction(async (tx) => {
          await tx.users.create(u);
          throw new Error('boom');
        }),
        /boom/,
      );
      assert.equal(await store.users.get(u.id), undefined);
    });
  });
}

suite('SQLite', async () => {
  const dir = mkdtempSync(join(tmpdir(), 'store-test-'));
  const file = join(dir, 'db.sqlite');
  return {
    store: await openStore({ driver: 'sqlite', dataSource: file }),
    reopen: () => openStore({ driver: 'sqlite', dataSource: file }),
    cleanup: async () => rmSync(dir, { recursive: true, force: true }),
  };
});

suite('PostgreSQL', async () => {
  const { dsn, drop } = await createPgSchema('store_test');
  return {
    store: await openStore({ driver: 'postgres', dataSource: dsn }),
    reopen: () => openStore({ driver: 'postgres', dataSource: dsn }),
    cleanup: drop,
  };
});
