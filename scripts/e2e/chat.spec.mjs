// End-to-end test of the built-in web client in headless Chromium.
// Needs a running server: CHATIRE_URL=http://127.0.0.1:PORT node --test chat.spec.mjs
// (run-e2e.sh builds and starts one). Screenshots of every page are saved to artifacts/ on failure.
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { launch, stepRunner } from './browser.mjs';

const BASE = (process.env.CHATIRE_URL ?? 'http://127.0.0.1:8000').replace(/\/$/, '');
const PASSWORD = 'correct-horse-battery';
const TIMEOUT = 20_000;
const run = Date.now().toString(36);

test('two people sign up, chat in real time, survive a dropped socket and sign out', { timeout: 180_000 }, async (t) => {
  const browser = await launch();
  const pages = {};
  const problems = [];
  const foreign = [];
  t.after(() => browser.close());

  async function person(name) {
    const context = await browser.newContext({ viewport: { width: 1200, height: 800 } });
    context.setDefaultTimeout(TIMEOUT);
    const page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`${name}: page error: ${error.message}`));
    page.on('console', (message) => {
      const text = message.text();
      if (/Content Security Policy|Refused to/i.test(text)) problems.push(`${name}: ${text}`);
    });
    page.on('request', (request) => {
      const url = request.url();
      const origin = new URL(BASE);
      if (!url.startsWith(BASE + '/') && !url.startsWith(`ws://${origin.host}/`) && !url.startsWith('data:')) foreign.push(`${name}: ${url}`);
    });
    pages[name] = page;
    return page;
  }

  const step = stepRunner(pages);

  const messageText = (page) => page.locator('ol.messages:not(.pending-list) .msg .text');
  const composer = (page) => page.getByRole('textbox', { name: 'Message' });
  const waitForText = (page, text) => messageText(page).filter({ hasText: text }).first().waitFor();
  const countText = (page, text) => page.locator('ol.messages .msg .text').filter({ hasText: text }).count();
  const socketState = (page) => page.evaluate(() => window.chatireDebug.socketState());
  const waitForSocket = (page, state) => page.waitForFunction((s) => window.chatireDebug.socketState() === s, state, { timeout: TIMEOUT });

  const ada = { username: `ada_${run}`, email: `ada_${run}@example.com` };
  const bob = { username: `bob_${run}`, email: `bob_${run}@example.com` };
  const a = await person('ada');
  const b = await person('bob');
  let chatUrl;

  await step('a signed-out visitor is sent to the sign-in view', async () => {
    await a.goto(BASE + '/');
    await a.getByRole('heading', { name: 'Welcome back' }).waitFor();
    assert.equal(await a.getByRole('button', { name: 'Start chatting' }).count(), 0);
  });

  await step('ada signs up and is signed in at once', async () => {
    await a.getByRole('button', { name: 'Create an account' }).click();
    await a.getByLabel('Email').fill(ada.email);
    await a.getByLabel('Username').fill(ada.username);
    await a.getByLabel('Password').fill(PASSWORD);
    await a.getByRole('button', { name: 'Create account' }).click();
    await a.getByRole('button', { name: 'Start chatting' }).first().waitFor();
    await a.getByText(`@${ada.username}`).waitFor();
  });

  await step('"Start chatting" creates a chat and moves to its shareable URL', async () => {
    await a.getByRole('button', { name: 'Start chatting' }).first().click();
    await a.waitForURL(/\/chats\/[0-9a-f]{15}\/$/);
    chatUrl = a.url();
    assert.equal(await a.getByRole('textbox', { name: 'Link to this chat' }).inputValue(), chatUrl);
    await waitForSocket(a, 'open');
    await a.locator('.empty-chat').getByText('No messages yet').waitFor();
  });

  await step('bob opens the shared URL, sees the API field errors, signs up and joins', async () => {
    await b.goto(chatUrl);
    await b.getByRole('heading', { name: 'Sign in to join the chat' }).waitFor();
    await b.getByRole('button', { name: 'Create an account' }).click();
    await b.getByLabel('Email').fill(bob.email);
    await b.getByLabel('Username').fill(ada.username);
    await b.getByLabel('Password').fill('12345678');
    await b.getByRole('button', { name: 'Create account' }).click();
    const usernameError = b.locator('#signup-username-error');
    const passwordError = b.locator('#signup-password-error');
    await usernameError.waitFor();
    await passwordError.waitFor();
    assert.match(await usernameError.textContent(), /\S/);
    assert.match(await passwordError.textContent(), /\S/);
    assert.equal(await b.getByLabel('Password').getAttribute('aria-invalid'), 'true');
    await b.getByLabel('Username').fill(bob.username);
    await b.getByLabel('Password').fill(PASSWORD);
    await b.getByRole('button', { name: 'Create account' }).click();
    await b.getByRole('textbox', { name: 'Message' }).waitFor();
    assert.equal(b.url(), chatUrl);
    await b.getByRole('heading', { name: ada.username }).waitFor();
    await waitForSocket(b, 'open');
  });

  await step('ada sees bob join and come online', async () => {
    await a.getByRole('heading', { name: bob.username }).waitFor();
    await a.getByText(`${bob.username} is online`).first().waitFor();
    await a.locator('.notice').filter({ hasText: `${bob.username} joined the chat` }).waitFor();
  });

  await step('messages travel both ways in real time (Enter sends; own messages on the right)', async () => {
    await composer(a).fill('Hello Bob, welcome!');
    await composer(a).press('Enter');
    await waitForText(b, 'Hello Bob, welcome!');
    await composer(b).fill('Hi Ada 👋\nTwo lines.');
    await b.getByRole('button', { name: 'Send message' }).click();
    await waitForText(a, 'Hi Ada 👋');
    assert.equal(await a.locator('.msg.mine .text').filter({ hasText: 'Hello Bob, welcome!' }).count(), 1);
    assert.equal(await a.locator('.msg:not(.mine) .text').filter({ hasText: 'Hi Ada' }).count(), 1);
    assert.equal(await messageText(a).filter({ hasText: 'Hi Ada' }).textContent(), 'Hi Ada 👋\nTwo lines.');
    assert.equal(await composer(a).inputValue(), '');
  });

  await step('text is always shown as text, never as markup', async () => {
    const hostile = '<img src=x onerror="window.__owned=1"><b>bold?</b>';
    await composer(b).fill(hostile);
    await composer(b).press('Enter');
    await waitForText(a, '<b>bold?</b>');
    assert.equal(await messageText(a).filter({ hasText: '<b>bold?</b>' }).textContent(), hostile);
    assert.equal(await a.locator('ol.messages img, ol.messages b').count(), 0);
    assert.equal(await a.evaluate(() => window.__owned), undefined);
  });

  await step('a reload shows the history', async () => {
    await a.reload();
    await waitForText(a, 'Hello Bob, welcome!');
    await waitForText(a, 'Hi Ada 👋');
    assert.equal(await messageText(a).count(), 3);
    await waitForSocket(a, 'open');
  });

  await step('an expired access token is refreshed silently, for the socket and the API', async () => {
    const before = await a.evaluate(() => JSON.parse(localStorage.getItem('chatire.session')).refresh);
    await a.evaluate(() => {
      window.chatireDebug.spoilAccessToken();
      window.chatireDebug.dropSocket(0);
    });
    await a.waitForFunction(() => window.chatireDebug.socketState() !== 'open');
    await waitForSocket(a, 'open');
    const after = await a.evaluate(() => JSON.parse(localStorage.getItem('chatire.session')));
    assert.notEqual(after.refresh, before);
    assert.doesNotMatch(after.access, /^expired-/);
    await composer(a).fill('Still here after a token refresh');
    await composer(a).press('Enter');
    await waitForText(b, 'Still here after a token refresh');
  });

  await step('a dropped socket reconnects and catches up: nothing lost, nothing doubled', async () => {
    // Held closed until released, so the test decides what happens while ada is away.
    await a.evaluate(() => window.chatireDebug.dropSocket(120_000));
    await a.waitForFunction(() => window.chatireDebug.socketState() !== 'open');
    await a.getByText('Connection lost. Reconnecting…').waitFor();
    // Posted while ada is away; and ada writes one herself, which waits in her outbox.
    await composer(b).fill('Sent while you were away');
    await composer(b).press('Enter');
    await waitForText(b, 'Sent while you were away');
    await composer(a).fill('Queued while disconnected');
    await composer(a).press('Enter');
    await a.locator('.pending-list .msg').filter({ hasText: 'Queued while disconnected' }).waitFor();
    assert.equal(await socketState(a), 'reconnecting');
    assert.equal(await countText(b, 'Queued while disconnected'), 0);
    await a.evaluate(() => window.chatireDebug.releaseSocket());
    await waitForSocket(a, 'open');
    await waitForText(a, 'Sent while you were away');
    await waitForText(b, 'Queued while disconnected');
    await a.waitForFunction(() => document.querySelectorAll('.pending-list .msg').length === 0);
    await a.waitForFunction(() => window.chatireDebug.chat().outbox().length === 0);
    assert.equal(await countText(a, 'Sent while you were away'), 1);
    assert.equal(await countText(a, 'Queued while disconnected'), 1);
    assert.equal(await countText(b, 'Queued while disconnected'), 1);
    const ids = await a.evaluate(() => Array.from(document.querySelectorAll('ol.messages .msg[data-id]'), (el) => Number(el.dataset.id)));
    assert.equal(ids.length, 6);
    assert.deepEqual(ids, [...ids].sort((x, y) => x - y));
    assert.equal(new Set(ids).size, ids.length);
  });

  await step('my chats list shows the chat with its last message', async () => {
    const item = a.locator('a.chat-item').filter({ hasText: bob.username });
    await item.waitFor();
    await item.filter({ hasText: 'Queued while disconnected' }).waitFor();
  });

  await step('sign out returns to the sign-in view and revokes the session', async () => {
    const refresh = await a.evaluate(() => JSON.parse(localStorage.getItem('chatire.session')).refresh);
    await a.getByRole('button', { name: 'Sign out' }).click();
    await a.getByRole('heading', { name: /Welcome back|Sign in to join the chat/ }).waitFor();
    assert.equal(await a.evaluate(() => localStorage.getItem('chatire.session')), null);
    const reply = await a.evaluate(async (token) => (await fetch('/auth/jwt/refresh/', { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ refresh: token }) })).status, refresh);
    assert.equal(reply, 401);
    await a.goto(chatUrl);
    await a.getByRole('heading', { name: 'Sign in to join the chat' }).waitFor();
  });

  await step('no CSP violations, no script errors, no requests beyond the server', async () => {
    assert.deepEqual(problems, []);
    assert.deepEqual(foreign, []);
  });
});
