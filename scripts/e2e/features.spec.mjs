// End-to-end test of the chat features beyond the original Chatire, with two people in two browser
// contexts: names, adding and removing, edits and deletes, unread badges and the new-messages
// divider, read receipts, typing, and a chat list that follows the user stream. Screenshots of the
// main views go to docs/ when CHATIRE_SCREENSHOTS is set (scripts/e2e/run-e2e.sh --screenshots).
import { test } from 'node:test';
import assert from 'node:assert/strict';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { apiCaller, launch, stepRunner } from './browser.mjs';

const BASE = (process.env.CHATIRE_URL ?? 'http://127.0.0.1:8000').replace(/\/$/, '');
const HERE = dirname(fileURLToPath(import.meta.url));
const DOCS = process.env.CHATIRE_SCREENSHOTS ? join(HERE, '..', '..', 'docs') : null;
const PASSWORD = 'correct-horse-battery';
const TIMEOUT = 15_000;
const run = Date.now().toString(36);

const call = apiCaller(BASE);

test('names, members, edits, deletes, unread, receipts, typing and a live chat list', { timeout: 180_000 }, async (t) => {
  const browser = await launch();
  const pages = {};
  const problems = [];
  t.after(() => browser.close());

  const ada = { username: `ada_${run}`, first_name: 'Ada', last_name: 'Lovelace' };
  const bob = { username: `bob_${run}`, first_name: 'Bob', last_name: 'Builder' };
  for (const who of [ada, bob]) {
    await call('POST', '/auth/users/', { ...who, password: PASSWORD });
  }

  async function person(name, user) {
    const context = await browser.newContext({ viewport: { width: 1200, height: 760 } });
    context.setDefaultTimeout(TIMEOUT);
    const page = await context.newPage();
    page.on('pageerror', (error) => problems.push(`${name}: page error: ${error.message}`));
    page.on('console', (message) => {
      if (/Content Security Policy|Refused to/i.test(message.text())) problems.push(`${name}: ${message.text()}`);
    });
    pages[name] = page;
    await page.goto(BASE + '/');
    await page.getByLabel('Username').fill(user.username);
    await page.getByLabel('Password').fill(PASSWORD);
    await page.getByRole('button', { name: 'Sign in' }).click();
    await page.getByRole('button', { name: 'Start chatting' }).first().waitFor();
    await page.waitForFunction(() => window.chatireDebug.streamState() === 'open');
    return page;
  }

  const step = stepRunner(pages);

  async function shot(page, file) {
    if (DOCS) await page.screenshot({ path: join(DOCS, file) });
  }

  const chatItem = (page, title) => page.locator('a.chat-item').filter({ hasText: title });
  const message = (page, text) => page.locator('ol.messages:not(.pending-list) .msg').filter({ hasText: text }).first();
  const socketOpen = (page) => page.waitForFunction(() => window.chatireDebug.socketState() === 'open');

  const a = await person('ada', ada);
  const b = await person('bob', bob);
  let chatUrl;

  await step('ada creates a named chat and adds bob; it appears in bob\'s list without a reload', async () => {
    await a.getByLabel('Name of the new chat').fill('Engine plans');
    await a.getByRole('button', { name: 'Start chatting' }).first().click();
    await a.waitForURL(/\/chats\/[0-9a-f]{15}\/$/);
    chatUrl = a.url();
    await a.getByRole('heading', { name: 'Engine plans' }).waitFor();
    await socketOpen(a);
    await a.getByRole('button', { name: 'Members' }).click();
    await a.getByLabel('Username to add').fill(bob.username);
    await a.getByRole('button', { name: 'Add' }).click();
    await a.locator('.member').filter({ hasText: 'Bob Builder' }).waitFor();
    await chatItem(b, 'Engine plans').waitFor();
  });

  await step('ada renames the chat; both views and both lists follow', async () => {
    await a.getByLabel('Chat name').fill('Analytical Engine');
    await a.getByRole('button', { name: 'Rename' }).click();
    await a.getByRole('heading', { name: 'Analytical Engine' }).waitFor();
    await chatItem(a, 'Analytical Engine').waitFor();
    await chatItem(b, 'Analytical Engine').waitFor();
  });

  await step('a message from ada gives bob an unread badge, which clears when he reads it', async () => {
    await a.getByRole('textbox', { name: 'Message' }).fill('Shall we compute Bernoulli numbers?');
    await a.keyboard.press('Enter');
    await chatItem(b, 'Analytical Engine').locator('.badge').filter({ hasText: '1' }).waitFor();
    await shot(b, 'screenshot-unread.png');
    await chatItem(b, 'Analytical Engine').click();
    await message(b, 'Bernoulli').waitFor();
    await socketOpen(b);
    await chatItem(b, 'Analytical Engine').locator('.badge').waitFor({ state: 'detached' });
  });

  await step('ada sees "Seen by Bob" under her message', async () => {
    await a.locator('.seen-by').filter({ hasText: 'Seen by Bob Builder' }).waitFor();
  });

  await step('bob typing shows "Bob Builder is typing…" to ada, and it goes away', async () => {
    await b.getByRole('textbox', { name: 'Message' }).pressSequentially('Yes, let', { delay: 20 });
    await a.locator('.typing').filter({ hasText: 'Bob Builder is typing…' }).waitFor();
    await a.waitForFunction(() => !document.querySelector('.typing')?.textContent, null, { timeout: 10_000 });
    await b.getByRole('textbox', { name: 'Message' }).fill('Yes, lets start with B7');
    await b.keyboard.press('Enter');
    await message(a, 'lets start with B7').waitFor();
  });

  await step('bob edits his message inline; ada sees it marked "edited"', async () => {
    const mine = message(b, 'lets start with B7');
    await mine.hover();
    await mine.getByRole('button', { name: 'Edit message' }).click();
    await b.getByLabel('Edit message text').fill("Yes, let's start with B8");
    await b.getByRole('button', { name: 'Save' }).click();
    await message(b, "let's start with B8").locator('.edited').waitFor();
    await message(a, "let's start with B8").locator('.edited').waitFor();
    assert.equal(await a.locator('ol.messages .msg').filter({ hasText: 'B7' }).count(), 0);
  });

  await step('ada deletes her message; both see the tombstone', async () => {
    const hers = message(a, 'Bernoulli');
    await hers.hover();
    await hers.getByRole('button', { name: 'Delete message' }).click();
    await a.locator('.msg.deleted .tombstone').filter({ hasText: 'Message deleted' }).waitFor();
    await b.locator('.msg.deleted .tombstone').filter({ hasText: 'Message deleted' }).waitFor();
    assert.equal(await b.locator('ol.messages .msg').filter({ hasText: 'Bernoulli' }).count(), 0);
    await shot(a, 'screenshot-chat.png');
  });

  await step('a reload shows a "New messages" divider before what bob has not read', async () => {
    await b.goto(BASE + '/');
    await b.getByRole('button', { name: 'Start chatting' }).first().waitFor();
    await a.getByRole('textbox', { name: 'Message' }).fill('Note G is ready');
    await a.keyboard.press('Enter');
    await chatItem(b, 'Analytical Engine').locator('.badge').waitFor();
    await b.goto(chatUrl);
    await b.locator('.unread-divider').filter({ hasText: 'New messages' }).waitFor();
    const order = await b.locator('ol.messages > li').evaluateAll((items) => items.map((li) => (li.classList.contains('unread-divider') ? 'divider' : li.textContent)));
    const divider = order.indexOf('divider');
    assert.ok(order.slice(divider).some((text) => text.includes('Note G')), 'the unread message follows the divider');
    assert.ok(!order.slice(divider).some((text) => text.includes("B8")), 'what bob wrote comes before it');
  });

  await step('ada removes bob; his view shows he lost access and the chat leaves his list', async () => {
    await shot(a, 'screenshot-members.png');
    await a.getByRole('button', { name: `Remove ${bob.username}` }).click();
    await b.locator('.conn-status').filter({ hasText: 'You no longer have access to this chat.' }).waitFor();
    await chatItem(b, 'Analytical Engine').waitFor({ state: 'detached' });
    assert.equal(await b.getByRole('textbox', { name: 'Message' }).isVisible(), false);
    await a.locator('.notice').filter({ hasText: 'Bob Builder left the chat' }).waitFor();
  });

  await step('no CSP violations or script errors', async () => {
    assert.deepEqual(problems, []);
  });
});
