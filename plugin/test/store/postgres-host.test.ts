// The plugin process on a PostgreSQL host: it opens its own connection from api.getDBSettings() (same DSN and
// schema as the host), migrates its tables next to the host's, and a call runs start to end.
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import pg from 'pg';
import { StunResponder } from '../../../rtcd/test/helpers/stun-responder.js';
import { createPgSchema } from '../../../host/test/helpers/pg.js';
import { baseEnv } from '../helpers/call-suites.js';
import { CallsClient } from '../helpers/calls-client.js';
import { CallsHost, embeddedEnv, type TestUser } from '../helpers/harness.js';

describe('the plugin on a PostgreSQL host', () => {
  let schema: Awaited<ReturnType<typeof createPgSchema>>;
  let stun: StunResponder;
  let host: CallsHost;
  let admin: TestUser;
  const clients: CallsClient[] = [];

  before(async () => {
    schema = await createPgSchema('calls_plugin_host');
    stun = await StunResponder.start();
    host = await CallsHost.start({ sql: { driver: 'postgres', dataSource: schema.dsn }, env: { ...(await embeddedEnv(stun.url)), ...baseEnv(stun.url) } });
    admin = await host.user('calladmin');
  });
  after(async () => {
    await Promise.all(clients.map((c) => c.close()));
    await host?.stop();
    await stun?.close();
    await schema?.drop();
  });

  it('a call starts, ends, and is counted; the plugin tables live in the host schema', async () => {
    const alice = await host.user('alice');
    const channel = await host.channel(alice, []);
    const a = await CallsClient.connect({ url: host.url, token: alice.token, channelID: channel.id, stunUrl: stun.url });
    clients.push(a);
    await a.join();
    const postID = (await a.waitFor('call_start')).data.post_id as string;
    a.leave();
    await a.waitFor('user_left');
    const post = await alice.client.getPost(postID);
    for (let i = 0; i < 100 && post.message !== 'Call ended'; i++) {
      await new Promise((r) => setTimeout(r, 50));
      Object.assign(post, await alice.client.getPost(postID));
    }
    assert.equal(post.message, 'Call ended');
    const stats = (await host.request(admin, 'GET', '/stats')).body;
    assert.equal(stats.total_calls, 1);
    assert.deepEqual(stats.calls_by_channel_type, { O: 1 });
    const db = new pg.Client({ connectionString: schema.dsn });
    await db.connect();
    try {
      const r = await db.query(`SELECT table_name FROM information_schema.tables WHERE table_schema = $1 AND table_name LIKE 'calls%' ORDER BY 1`, [schema.schema]);
      assert.deepEqual(r.rows.map((x: { table_name: string }) => x.table_name), ['calls', 'calls_channels', 'calls_jobs', 'calls_migrations', 'calls_sessions']);
    } finally {
      await db.end();
    }
  });
});
