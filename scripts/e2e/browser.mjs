// Launches the system's Chromium (the Debian package; never a downloaded browser) headless.
// Playwright starts it with a fresh temporary --user-data-dir of its own each time; every user in a
// test gets an isolated browser context (separate storage and cookies) on top of that.
import { existsSync, mkdirSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { chromium } from 'playwright-core';

export const CHROMIUM = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';

export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run',
  '--disable-background-networking', '--disable-component-update', '--disable-sync',
  '--disable-dev-shm-usage', '--disable-extensions', '--mute-audio',
];

export async function launch() {
  if (!existsSync(CHROMIUM)) throw new Error(`${CHROMIUM} is missing: apt-get install -y chromium`);
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: CHROMIUM_ARGS });
}

/** Where a failed step leaves its screenshots. */
export const ARTIFACTS = join(dirname(fileURLToPath(import.meta.url)), 'artifacts');

/** A named test step: prints ok with its time, or screenshots every page of `pages` and rethrows. */
export function stepRunner(pages) {
  return async function step(name, body) {
    const started = performance.now();
    try {
      await body();
      console.log(`  ok  ${name} (${Math.round(performance.now() - started)} ms)`);
    } catch (error) {
      mkdirSync(ARTIFACTS, { recursive: true });
      const slug = name.replace(/[^a-z0-9]+/gi, '-').toLowerCase();
      for (const [who, page] of Object.entries(pages)) {
        await page.screenshot({ path: join(ARTIFACTS, `${slug}-${who}.png`), fullPage: true }).catch(() => {});
      }
      console.log(`  FAILED ${name}; screenshots in ${ARTIFACTS}`);
      throw error;
    }
  };
}

/** A JSON API call against `base`, with an optional bearer token; throws on a non-2xx answer. */
export function apiCaller(base) {
  return async function call(method, path, body, token) {
    const response = await fetch(base + path, {
      method,
      headers: { 'Content-Type': 'application/json', ...(token ? { Authorization: `Bearer ${token}` } : {}) },
      body: body ? JSON.stringify(body) : undefined,
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${text}`);
    return text ? JSON.parse(text) : null;
  };
}
