// The host's web shell in real Chromium against a real host (SQLite, WebSocket, a plugin process): sign
// up through the UI, post, see another user's post arrive live, plugins plugged into the registry, slash
// commands, a WebSocket drop that resumes, paging, the System Console's settings form, logging out.
// Needs the shell bundle: run `npm run build` first.
import { after, before, describe, it } from 'node:test';
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import mm from '@mattermost/client';
import { chromium, type Browser, type Page } from 'playwright-core';
import { startHost, type HostHandle } from '../../host/src/server.js';

const root = join(dirname(fileURLToPath(import.meta.url)), '..', '..');
const artifacts = join(root, 'e2e', 'artifacts');
const fixturePlugin = join(root, 'host', 'web', 'test', 'fixtures', 'shell-plugin');
const PLUGIN_ID = 'com.example.shellplugin';
const PASSWORD = 'correct-horse-battery';

type Client = InstanceType<typeof mm.Client4>;
// What the test reads from the page's `window.shell` (documented in host/web/README.md).
type ShellWindow = { shell: { webSocket: { connectionId: string }; store: { getState(): { websocket: { connected: boolean } } } } };

describe('web shell', () => {
  let host: HostHandle;
  let dir: string;
  let browser: Browser;
  let page: Page;
  let bob: Client;
  let teamName = '';
  let townSquareId = '';
  let lastHistoryPostId = '';

  const post = (text: string) => page.locator('article.post', { hasText: text });
  const exactPost = (text: string) => page.locator('article.post .markdown').getByText(text, { exact: true });
  const status = () => page.getByTestId('shelltest-status');

  async function send(text: string): Promise<void> {
    const box = page.locator('.message-box textarea');
    await box.fill(text);
    await box.press('Enter');
  }

  before(async () => {
    assert.ok(existsSync(join(root, 'host', 'dist', 'web', 'app.js')), 'the shell bundle is missing: run `npm run build` first');
    dir = mkdtempSync(join(tmpdir(), 'shell-e2e-'));
    host = await startHost({
      listenAddress: '127.0.0.1:0',
      metrics: { enable: false },
      sql: { driver: 'sqlite', dataSource: join(dir, 'calls.sqlite') },
      logLevel: 'silent',
      passwordHashCost: 4,
      pluginDirs: [fixturePlugin],
      // The fixture's server imports @calls-ts/host/plugin-rpc; run it from source like this test.
      plugin: { execArgv: ['--conditions=development', '--import', 'tsx'] },
    });
    browser = await chromium.launch({
      executablePath: '/usr/bin/chromium',
      args: ['--no-sandbox', '--disable-gpu', '--disable-background-networking'],
    });
    const context = await browser.newContext({ viewport: { width: 1280, height: 800 } });
    page = await context.newPage();
    page.setDefaultTimeout(20_000);
    page.on('pageerror', (err) => console.error('page error:', err.message));
    mkdirSync(artifacts, { recursive: true });
  });

  after(async () => {
    await browser?.close();
    await host?.close();
    if (dir) rmSync(dir, { recursive: true, force: true });
  });

  it('signs a new user up through the UI and opens the team in Town Square', async () => {
    await page.goto(`${host.url}/`);
    await page.getByRole('heading', { name: 'Log in', exact: true }).waitFor();
    assert.match(new URL(page.url()).pathname, /^\/login/);
    await page.getByRole('link', { name: 'Create an account' }).click();
    await page.fill('input[name=email]', 'not-an-email');
    await page.fill('input[name=username]', 'alice');
    await page.fill('input[name=password]', PASSWORD);
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.getByText('Enter a valid email address.').waitFor();
    await page.fill('input[name=email]', 'alice@example.com');
    await page.getByRole('button', { name: 'Create account' }).click();
    await page.locator('.channel-header-name', { hasText: 'Town Square' }).waitFor();
    const path = new URL(page.url()).pathname;
    const m = /^\/([^/]+)\/channels\/town-square$/.exec(path);
    assert.ok(m, `unexpected landing page ${path}`);
    teamName = m[1]!;
    assert.equal(await page.locator('.sidebar-link.active').innerText(), 'Town Square');
    await page.locator('.sidebar-link', { hasText: 'Off-Topic' }).waitFor();
    // The fixture plugin's root component: its bundle was fetched, ran and initialised.
    await status().waitFor();
  });

  it('posts from the message box and shows another user’s post as it arrives', async () => {
    await send('Hello from **alice**');
    await post('Hello from alice').locator('strong', { hasText: 'alice' }).last().waitFor();

    bob = new mm.Client4();
    bob.setUrl(host.url);
    await bob.createUser({ username: 'bob', email: 'bob@example.com', password: PASSWORD } as never, '', '');
    await bob.login('bob', PASSWORD);
    const [team] = await bob.getMyTeams();
    assert.equal(team?.name, teamName);
    townSquareId = (await bob.getChannelByName(team!.id, 'town-square')).id;
    await bob.createPost({ channel_id: townSquareId, message: 'Hi alice, bob here' } as never);

    const live = post('Hi alice, bob here');
    await live.waitFor();
    assert.equal(await live.locator('.post-author').innerText(), 'bob');
    // The plugin's `posted` handler saw both posts.
    await status().filter({ hasText: 'posted:2 ' }).waitFor();

    // A post in another channel marks that channel unread until the user opens it.
    assert.equal(await page.locator('.sidebar-link.unread').count(), 0, 'a new user starts with nothing unread');
    const offTopic = await bob.getChannelByName(team!.id, 'off-topic');
    await bob.createPost({ channel_id: offTopic.id, message: 'Lunch at noon?' } as never);
    const offTopicLink = page.locator('.sidebar-link', { hasText: 'Off-Topic' });
    await page.locator('.sidebar-link.unread', { hasText: 'Off-Topic' }).waitFor();
    assert.equal(await page.locator('.sidebar-link.unread', { hasText: 'Town Square' }).count(), 0);
    await offTopicLink.click();
    await post('Lunch at noon?').waitFor();
    assert.equal(await page.locator('.sidebar-link.unread').count(), 0);
    await page.locator('.sidebar-link', { hasText: 'Town Square' }).click();
    await post('Hi alice, bob here').waitFor();
  });

  it('opens direct messages both ways and creates a private channel', async () => {
    await page.getByRole('button', { name: 'Write a direct message' }).click();
    await page.getByRole('dialog', { name: 'Direct messages' }).getByText('@bob').click();
    await page.getByRole('button', { name: 'Go' }).click();
    await page.locator('.channel-header-name', { hasText: 'bob' }).waitFor();
    assert.match(new URL(page.url()).pathname, new RegExp(`^/${teamName}/messages/@bob$`));
    await send('Private hello');
    await post('Private hello').waitFor();
    const me = await bob.getMe();
    const alice = await bob.getUserByUsername('alice');
    const dm = await bob.createDirectChannel([me.id, alice.id]);
    const seen = await bob.getPosts(dm.id);
    assert.ok(Object.values(seen.posts).some((p) => p.message === 'Private hello'), 'bob can read the DM');
    await bob.createPost({ channel_id: dm.id, message: 'Private reply' } as never);
    await post('Private reply').waitFor();

    // Someone new writes first: the conversation appears in the sidebar by itself.
    const carol = new mm.Client4();
    carol.setUrl(host.url);
    await carol.createUser({ username: 'carol', email: 'carol@example.com', password: PASSWORD } as never, '', '');
    const carolUser = await carol.login('carol', PASSWORD);
    const carolDm = await carol.createDirectChannel([carolUser.id, alice.id]);
    await carol.createPost({ channel_id: carolDm.id, message: 'Hey, carol here' } as never);
    await page.locator('.sidebar-link.unread', { hasText: 'carol' }).waitFor();

    await page.getByRole('button', { name: 'Add channels' }).click();
    await page.getByRole('menuitem', { name: 'Create new channel' }).click();
    await page.fill('input[name=channelName]', 'Design Reviews');
    await page.getByText('Private channel').click();
    await page.getByRole('dialog').getByRole('button', { name: 'Create channel' }).click();
    await page.locator('.channel-header-name', { hasText: 'Design Reviews' }).waitFor();
    assert.match(new URL(page.url()).pathname, new RegExp(`^/${teamName}/channels/design-reviews$`));
    assert.equal(await page.locator('.sidebar-link', { hasText: 'Design Reviews' }).locator('svg').count(), 1);
    await page.locator('.sidebar-link', { hasText: 'Town Square' }).click();
    await page.locator('.channel-header-name', { hasText: 'Town Square' }).waitFor();
  });

  it('renders what the plugin registered and runs its actions', async () => {
    const connectionId = await page.evaluate(() => (window as unknown as Partial<ShellWindow>).shell?.webSocket.connectionId ?? '');
    assert.match(connectionId, /^[a-z0-9]{26}$/);
    await status().filter({ hasText: `conn:${connectionId}` }).waitFor();
    await status().filter({ hasText: `channel:${townSquareId}` }).waitFor();

    await page.getByTestId('shelltest-call').click();
    await status().filter({ hasText: 'calls:1' }).waitFor();

    const headerButton = page.getByRole('button', { name: 'Mark this channel' });
    await headerButton.click();
    await page.locator('.sidebar-link', { hasText: 'Town Square' }).getByTestId('shelltest-label').waitFor();
    assert.equal(await page.locator('.sidebar-link', { hasText: 'Off-Topic' }).getByTestId('shelltest-label').count(), 0);

    await page.goto(`${host.url}/${teamName}/${PLUGIN_ID}/page`);
    await page.getByTestId('shelltest-page').waitFor();
    assert.equal(await page.locator('.channel-sidebar').count(), 0, 'a needs-team route has the whole window, as in Mattermost');
    await status().waitFor(); // root components stay
    await page.goBack();
    await page.locator('.channel-header-name', { hasText: 'Town Square' }).waitFor();
    // After that reload, read state came from the server: carol's DM was never opened, bob's was read.
    await page.locator('.sidebar-link.unread', { hasText: 'carol' }).waitFor();
    assert.equal(await page.locator('.sidebar-link.unread', { hasText: 'bob' }).count(), 0);
  });

  it('runs slash commands through plugin hooks and the server', async () => {
    await send('/shelltest refuse this');
    await page.locator('.message-box-error', { hasText: 'Refused by the shell test plugin.' }).waitFor();
    assert.equal(await page.locator('.message-box textarea').inputValue(), '/shelltest refuse this', 'the text is kept');

    await send('/shelltest local');
    await status().filter({ hasText: 'local:1' }).waitFor();

    await send('/shelltest card Weekly sync');
    await page.getByTestId('shelltest-card').filter({ hasText: 'Card: Weekly sync' }).waitFor();

    // A plugin component that throws leaves the post readable and the page working.
    await send('/shelltest broken still readable text');
    await exactPost('still readable text').waitFor();

    await send('/shelltest hello there');
    const ephemeral = post('shelltest heard: hello there');
    await ephemeral.waitFor();
    assert.match(await ephemeral.innerText(), /Only visible to you/);

    await send('/nosuchcommand');
    await page.locator('.message-box-error', { hasText: "'/nosuchcommand' not found" }).waitFor();
    await page.locator('.message-box textarea').fill('');
    await page.screenshot({ path: join(artifacts, 'shell-channel.png') });
  });

  it('resumes the same WebSocket connection after a drop and shows what was posted meanwhile', async () => {
    const before = await page.evaluate(() => (window as unknown as ShellWindow).shell.webSocket.connectionId);
    const conn = host.hub.get(before);
    assert.ok(conn?.socket, 'the server knows the page’s connection');
    conn.socket.terminate();
    await bob.createPost({ channel_id: townSquareId, message: 'Sent while alice was offline' } as never);
    await post('Sent while alice was offline').waitFor();
    await status().filter({ hasText: 'reconnects:1' }).waitFor();
    assert.equal(await page.evaluate(() => (window as unknown as ShellWindow).shell.webSocket.connectionId), before);
    assert.equal(await page.evaluate(() => (window as unknown as ShellWindow).shell.store.getState().websocket.connected), true);
  });

  it('loads older posts when the user scrolls up', async () => {
    const team = (await bob.getMyTeams())[0]!;
    const channel = await bob.createChannel({ team_id: team.id, name: 'history', display_name: 'History', type: 'O' } as never);
    for (let i = 1; i <= 75; i++) {
      const created = await bob.createPost({ channel_id: channel.id, message: `history message ${i}` } as never);
      lastHistoryPostId = created.id;
    }
    await page.goto(`${host.url}/${teamName}/channels/history`);
    await exactPost('history message 75').waitFor();
    assert.equal(await exactPost('history message 1').count(), 0, 'only the newest page is loaded at first');
    await page.locator('.post-list').evaluate((el) => {
      el.scrollTop = 0;
    });
    await page.getByRole('button', { name: 'Load older messages' }).or(page.locator('.channel-intro')).first().waitFor();
    await page.locator('.post-list').evaluate((el) => {
      el.scrollTop = 0;
    });
    await page.locator('.post-list .channel-intro').waitFor();
    await exactPost('history message 1').waitFor();
    assert.equal(await page.locator('article.post').count(), 75);
    assert.ok(await page.locator('.sidebar-link', { hasText: 'History' }).isVisible(), 'opening a public channel by URL joins it');
  });

  it('edits plugin settings in the System Console with validation', async () => {
    // An edit arrives live; the plugin's (broken) post_edited handler throws and the shell counts it.
    await bob.patchPost({ id: lastHistoryPostId, message: 'history message 75, corrected' } as never);
    const edited = post('history message 75, corrected');
    await edited.getByText('Edited').waitFor();
    await page.getByRole('button', { name: 'User menu' }).click();
    await page.getByRole('menuitem', { name: 'System Console' }).click();
    const row = page.locator(`[data-plugin-id="${PLUGIN_ID}"]`);
    await row.getByText('Webapp loaded').waitFor();
    assert.match(await page.getByTestId('shell-diagnostics').innerText(), /0 unreadable WebSocket frames dropped, 1 plugin event handler errors/);
    await row.getByRole('link', { name: 'Settings' }).click();
    await page.getByRole('heading', { name: 'Shell test plugin' }).waitFor();
    assert.ok(await page.getByRole('link', { name: 'Statistics' }).isVisible(), 'the plugin’s own console page is in the menu');

    const greeting = page.locator('#setting-Greeting');
    const maxItems = page.locator('#setting-MaxItems');
    assert.equal(await greeting.inputValue(), 'hello');
    assert.equal(await maxItems.inputValue(), '10');
    assert.equal(await page.locator('#setting-Quality').inputValue(), 'medium');
    await page.getByTestId('shelltest-secret').waitFor();

    await maxItems.fill('ten');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Max items must be a number.').waitFor();

    await maxItems.fill('25');
    await greeting.fill('a forbidden word');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.locator('.admin-save-bar [role=alert]', { hasText: 'the greeting may not contain "forbidden"' }).waitFor();

    await greeting.fill('welcome');
    await page.locator('#setting-Quality').selectOption('high');
    await page.getByLabel('Careful').check();
    await page.getByTestId('shelltest-secret').fill('s3cret');
    await page.getByRole('button', { name: 'Save' }).click();
    await page.getByText('Settings saved.').waitFor();
    await page.screenshot({ path: join(artifacts, 'shell-console.png') });

    await page.reload();
    await greeting.waitFor();
    assert.equal(await greeting.inputValue(), 'welcome');
    assert.equal(await maxItems.inputValue(), '25');
    assert.equal(await page.locator('#setting-Quality').inputValue(), 'high');
    assert.equal(await page.getByLabel('Careful').isChecked(), true);
    assert.equal(await page.getByTestId('shelltest-secret').inputValue(), 's3cret');

    await page.getByRole('link', { name: 'Statistics' }).click();
    await page.getByTestId('shelltest-page').waitFor();
  });

  it('logs out from the user menu', async () => {
    await page.getByRole('button', { name: 'User menu' }).click();
    await page.getByRole('menuitem', { name: 'Log out' }).click();
    await page.getByRole('heading', { name: 'Log in', exact: true }).waitFor();
    await page.goto(`${host.url}/${teamName}/channels/town-square`);
    await page.getByRole('heading', { name: 'Log in', exact: true }).waitFor();
    assert.match(page.url(), /\/login\?redirect_to=/);
  });
});
