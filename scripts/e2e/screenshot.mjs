// Makes docs/screenshot.png: two people in a chat, seen by one of them.
// Usage: node screenshot.mjs http://127.0.0.1:8000 ../../docs/screenshot.png
import { apiCaller, launch } from './browser.mjs';

const base = process.argv[2] ?? 'http://127.0.0.1:8000';
const out = process.argv[3] ?? 'screenshot.png';
const width = Number(process.env.WIDTH ?? 1280);
const height = Number(process.env.HEIGHT ?? 760);
const password = 'correct-horse-battery';
const suffix = Date.now().toString(36).slice(-4);

const call = apiCaller(base);

async function user(username, first, last) {
  await call('POST', '/auth/users/', { username, password, email: `${username}@example.com`, first_name: first, last_name: last });
  const tokens = await call('POST', '/auth/jwt/create/', { username, password });
  return { username, ...tokens };
}

const ada = await user(`ada${suffix}`, 'Ada', 'Lovelace');
const grace = await user(`grace${suffix}`, 'Grace', 'Hopper');
const older = await call('POST', '/api/chats/', null, ada.access);
await call('PATCH', `/api/chats/${older.uri}/`, {}, grace.access);
await call('POST', `/api/chats/${older.uri}/messages/`, { message: 'Notes from the compiler meetup are in the shared folder.' }, grace.access);
const chat = await call('POST', '/api/chats/', null, ada.access);
await call('PATCH', `/api/chats/${chat.uri}/`, {}, grace.access);
const lines = [
  [grace, 'Morning! Did the new build go out?'],
  [ada, 'It did, about ten minutes ago 🎉'],
  [ada, 'The analytical engine benchmarks look great: 3× faster on the Bernoulli numbers.'],
  [grace, 'Nice. I found a moth in relay #70 again, by the way.'],
  [grace, 'Logging it as the first actual case of a bug found.'],
  [ada, 'Ha! Send me the photo, I want it for the release notes.'],
];
for (const [who, message] of lines) await call('POST', `/api/chats/${chat.uri}/messages/`, { message }, who.access);

const browser = await launch();
const context = await browser.newContext({ viewport: { width, height }, deviceScaleFactor: 1, colorScheme: process.env.SCHEME ?? 'light' });
const page = await context.newPage();
await page.goto(base + '/');
await page.getByLabel('Username').fill(ada.username);
await page.getByLabel('Password').fill(password);
await page.getByRole('button', { name: 'Sign in' }).click();
await page.getByRole('button', { name: 'Start chatting' }).first().waitFor();
await page.goto(`${base}/chats/${chat.uri}/`);
// Grace is online too.
const other = await (await browser.newContext()).newPage();
await other.goto(base + '/');
await other.getByLabel('Username').fill(grace.username);
await other.getByLabel('Password').fill(password);
await other.getByRole('button', { name: 'Sign in' }).click();
await other.getByRole('button', { name: 'Start chatting' }).first().waitFor();
await other.goto(`${base}/chats/${chat.uri}/`);
await page.locator('.presence .avatar').first().waitFor();
await page.locator('.msg').nth(lines.length - 1).waitFor();
await page.getByRole('textbox', { name: 'Message' }).fill('On it. ');
await page.waitForTimeout(300);
await page.screenshot({ path: out });
await browser.close();
console.log(`wrote ${out}`);
