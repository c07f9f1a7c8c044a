/// <reference types="node" />
// The shell's store and registry in Node: what plugins see through getState/subscribe/dispatch and what
// their registrations put in the store.
import { describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { Store } from '../src/store/store.js';
import { PluginRegistry, type RegistryBackend } from '../src/plugins/registry.js';
import { MAX_POSTS_PER_CHANNEL } from '../src/store/reducer.js';
import type { Post } from '@mattermost/types/posts';

function post(id: string, channelId: string, createAt: number, extra: Partial<Post> = {}): Post {
  return {
    id, channel_id: channelId, create_at: createAt, update_at: createAt, edit_at: 0, delete_at: 0, is_pinned: false,
    user_id: 'u1', root_id: '', original_id: '', message: id, type: '', props: {}, hashtags: '', pending_post_id: '',
    reply_count: 0, metadata: {} as Post['metadata'], ...extra,
  } as Post;
}

function backend(): RegistryBackend & { ws: Map<string, unknown>; reconnect: unknown } {
  const b = {
    ws: new Map<string, unknown>(),
    reconnect: null as unknown,
    setWebSocketHandler(_p: string, event: string, h: unknown) {
      if (h) b.ws.set(event, h);
      else b.ws.delete(event);
    },
    setReconnectHandler(_p: string, h: unknown) {
      b.reconnect = h;
    },
  };
  return b;
}

describe('store', () => {
  it('keeps Mattermost entity paths and notifies subscribers only on change', () => {
    const store = new Store();
    let calls = 0;
    const unsubscribe = store.subscribe(() => calls++);
    store.dispatch({ type: 'RECEIVED_ME', user: { id: 'me', username: 'alice', roles: 'system_user' } as never });
    assert.equal(store.getState().entities.users.currentUserId, 'me');
    assert.equal(store.getState().entities.users.profiles.me?.username, 'alice');
    assert.equal(calls, 1);
    store.dispatch({ type: 'SOMETHING_UNKNOWN' });
    assert.equal(calls, 1, 'an action nobody handles does not wake subscribers');
    unsubscribe();
    store.dispatch({ type: 'SELECT_CHANNEL', channelId: 'c1' });
    assert.equal(calls, 1);
    assert.equal(store.getState().entities.channels.currentChannelId, 'c1');
  });

  it('runs thunks and plugin reducers under plugins-<id>, surviving a reducer that throws', () => {
    const store = new Store();
    store.registerReducer('com.example', (state, action) => (action.type === 'INC' ? ((state as number | undefined) ?? 0) + 1 : (state ?? 0)));
    store.registerReducer('broken', () => {
      throw new Error('boom');
    });
    store.dispatch((dispatch) => dispatch({ type: 'INC' }));
    assert.equal(store.getState()['plugins-com.example'], 1);
    assert.ok(store.reducerErrors > 0);
  });

  it('orders posts oldest first, dedupes the live copy of a fetched post and bounds memory', () => {
    const store = new Store();
    store.dispatch({ type: 'RECEIVED_POSTS_PAGE', channelId: 'c', posts: [post('b', 'c', 2), post('a', 'c', 1)], page: 0, hasMore: true });
    store.dispatch({ type: 'RECEIVED_POST', post: post('c', 'c', 3) });
    store.dispatch({ type: 'RECEIVED_POST', post: post('b', 'c', 2, { message: 'edited', edit_at: 5 }) });
    const list = store.getState().entities.posts.postsInChannel.c!;
    assert.deepEqual(list.order, ['a', 'b', 'c']);
    assert.equal(store.getState().entities.posts.posts.b?.message, 'edited');
    store.dispatch({ type: 'RECEIVED_POSTS_PAGE', channelId: 'c', posts: [post('z', 'c', 0)], page: 1, hasMore: false });
    assert.deepEqual(store.getState().entities.posts.postsInChannel.c!.order, ['z', 'a', 'b', 'c']);
    for (let i = 0; i < MAX_POSTS_PER_CHANNEL + 10; i++) store.dispatch({ type: 'RECEIVED_POST', post: post(`n${i}`, 'c', 10 + i) });
    const capped = store.getState().entities.posts.postsInChannel.c!;
    assert.equal(capped.order.length, MAX_POSTS_PER_CHANNEL);
    assert.equal(capped.hasMore, true, 'dropped posts can be paged in again');
  });
});

describe('plugin registry', () => {
  it('accepts positional and object arguments, returns ids and unregisters', () => {
    const store = new Store();
    const registry = new PluginRegistry('com.mattermost.calls', store, backend());
    const Comp = () => null;
    const rootId = registry.registerRootComponent(Comp);
    const globalId = registry.registerGlobalComponent({ component: Comp });
    const postId = registry.registerPostTypeComponent('custom_calls', Comp);
    const buttonId = registry.registerChannelHeaderButtonAction({ icon: Comp, action: () => {}, dropdownText: 'Start call', tooltipText: 'Start call' });
    registry.registerNeedsTeamRoute('/expanded', Comp);
    registry.registerCustomRoute('stats/', Comp);
    for (const id of [rootId, globalId, postId, buttonId]) assert.match(id, /^com\.mattermost\.calls_/);
    let p = store.getState().plugins;
    assert.equal(p.components.Root.length, 1);
    assert.equal(p.components.Global.length, 1);
    assert.equal(p.postTypes[0]?.type, 'custom_calls');
    assert.equal(p.channelHeaderButtons[0]?.tooltipText, 'Start call');
    assert.equal(p.needsTeamRoutes[0]?.route, 'com.mattermost.calls/expanded');
    assert.equal(p.customRoutes[0]?.route, 'com.mattermost.calls/stats');
    registry.unregisterComponent(rootId);
    registry.unregisterPostTypeComponent(postId);
    p = store.getState().plugins;
    assert.equal(p.components.Root.length, 0);
    assert.equal(p.postTypes.length, 0);
    assert.equal(p.components.Global.length, 1);
  });

  it('refuses what is not a component or a function with a clear error', () => {
    const registry = new PluginRegistry('x', new Store(), backend());
    assert.throws(() => registry.registerRootComponent('nope'), /expected a React component/);
    assert.throws(() => registry.registerWebSocketEventHandler('posted', 42), /handler must be a function/);
    assert.throws(() => registry.registerPostTypeComponent('', () => null), /type must be a string/);
  });

  it('keeps one websocket handler per event and one reconnect handler', () => {
    const b = backend();
    const registry = new PluginRegistry('x', new Store(), b);
    const h1 = () => {};
    const h2 = () => {};
    registry.registerWebSocketEventHandler('custom_x_a', h1);
    registry.registerWebSocketEventHandler('custom_x_a', h2);
    assert.equal(b.ws.get('custom_x_a'), h2);
    registry.unregisterWebSocketEventHandler('custom_x_a');
    assert.equal(b.ws.size, 0);
    registry.registerReconnectHandler(h1);
    assert.equal(b.reconnect, h1);
    registry.unregisterReconnectHandler();
    assert.equal(b.reconnect, null);
  });

  it('replaces an admin custom setting registered twice for the same key (case-insensitive)', () => {
    const store = new Store();
    const registry = new PluginRegistry('x', store, backend());
    const A = () => null;
    const B = () => null;
    registry.registerAdminConsoleCustomSetting('DefaultEnabled', A);
    registry.registerAdminConsoleCustomSetting('defaultenabled', B, { showTitle: true });
    const settings = store.getState().plugins.adminSettings;
    assert.equal(settings.length, 1);
    assert.equal(settings[0]?.component, B);
    assert.equal(settings[0]?.showTitle, true);
  });
});
