// The whole host on PostgreSQL (the store suite covers both databases in depth; this proves the wiring).
import { describe, it, before, after } from 'node:test';
import assert from 'node:assert/strict';
import { createPgSchema } from '../helpers/pg.js';
import { startTestHost, signUp, wsClient, type TestHost } from '../helpers/host.js';

describe('host on PostgreSQL', () => {
  let host: TestHost;
  let drop: () => Promise<void>;
  before(async () => {
    const pg = await createPgSchema('host_pg');
    drop = pg.drop;
    host = await startTestHost({ sql: { driver: 'postgres', dataSource: pg.dsn } });
  });
  after(async () => {
    await host.stop();
    await drop();
  });

  it('signs up, creates a DM, posts and delivers `posted` over the WebSocket', async () => {
    const a = await signUp(host.url, 'pgalice');
    const b = await signUp(host.url, 'pgbob');
    assert.match(a.user.roles, /system_admin/);
    const dm = await a.client.createDirectChannel([a.user.id, b.user.id]);
    const ws = wsClient(host.url, b.token);
    try {
      await ws.hello();
      await a.client.createPost({ channel_id: dm.id, message: 'stored in postgres' } as never);
      await ws.posted('stored in postgres');
      const posts = await b.client.getPosts(dm.id);
      assert.deepEqual(posts.order.map((id) => posts.posts[id]!.message), ['stored in postgres']);
      assert.equal(host.store.driverName, 'postgres');
    } finally {
      ws.ws.close();
    }
  });
});
