/**
 * Launching the Debian Chromium for tests and benchmarks. `npx playwright install`
 * cannot work here (no internet but the npm registry), so every launch points
 * playwright-core at /usr/bin/chromium with the same flags.
 *
 * Durability tests need a persistent context: a plain browser context keeps
 * IndexedDB in memory ("off the record").
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';

export const CHROMIUM = '/usr/bin/chromium';
export const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-quic',
  '--no-first-run',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
];

const DATA = join(import.meta.dirname, '..', '..', '.data');

/** A fresh, empty user data directory under .data/profiles. */
export function freshProfile(label: string): string {
  const root = join(DATA, 'profiles');
  mkdirSync(root, { recursive: true });
  return mkdtempSync(join(root, `${label.replace(/[^a-z0-9-]+/gi, '-').slice(0, 40)}-`));
}

/** A persistent context on `userDataDir` (it survives closing and relaunching). */
export function launchPersistent(userDataDir: string): Promise<BrowserContext> {
  return chromium.launchPersistentContext(userDataDir, { executablePath: CHROMIUM, args: FLAGS, headless: true });
}

/** A Chromium process this code started itself, so a test can SIGKILL it by pid. */
export interface OwnedChromium {
  process: ChildProcess;
  browser: Browser;
  context: BrowserContext;
  /** SIGKILL the browser process and wait until it is gone. */
  kill(): Promise<void>;
}

/**
 * Start Chromium on `userDataDir` as a child process with a DevTools port, and
 * connect to it. Killing `process` is a crash of the whole browser: no unload, no
 * flush, no goodbye.
 */
export async function spawnChromium(userDataDir: string): Promise<OwnedChromium> {
  const child = spawn(CHROMIUM, [...FLAGS, `--user-data-dir=${userDataDir}`, '--remote-debugging-port=0', 'about:blank'], {
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  const endpoint = await new Promise<string>((resolve, reject) => {
    let seen = '';
    const timer = setTimeout(() => reject(new Error(`Chromium did not start: ${seen.slice(-500)}`)), 30_000);
    child.stderr.on('data', (chunk: Buffer) => {
      seen += chunk.toString();
      const match = /DevTools listening on (ws:\/\/\S+)/.exec(seen);
      if (match) {
        clearTimeout(timer);
        resolve(match[1]!);
      }
    });
    child.once('exit', (code) => reject(new Error(`Chromium exited (${code}) before it listened: ${seen.slice(-500)}`)));
  });
  const browser = await chromium.connectOverCDP(endpoint);
  const context = browser.contexts()[0]!;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  return {
    process: child,
    browser,
    context,
    kill: async () => {
      child.kill('SIGKILL');
      await exited;
      // The browser's helper processes notice their parent died and exit on their own.
      await new Promise((resolve) => setTimeout(resolve, 500));
    },
  };
}

/** The context's first page (a persistent context opens one), or a new one. */
export async function firstPage(context: BrowserContext): Promise<Page> {
  return context.pages()[0] ?? (await context.newPage());
}

/**
 * Let the origin ask for persistent storage without a prompt (headless answers
 * false otherwise). The session stays attached: detaching it drops the grant.
 */
export async function grantDurableStorage(page: Page, origin: string): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Browser.grantPermissions', { origin, permissions: ['durableStorage'] });
}

/**
 * Make the origin's storage quota `quotaBytes` (undefined: back to normal), to
 * provoke QuotaExceededError. Writes obey it; estimate() keeps reporting the real
 * quota. IndexedDB compresses values, so only incompressible data fills it fast.
 */
export async function overrideQuota(page: Page, origin: string, quotaBytes: number | undefined): Promise<void> {
  const cdp = await page.context().newCDPSession(page);
  await cdp.send('Storage.overrideQuotaForOrigin', quotaBytes === undefined ? { origin } : { origin, quotaSize: quotaBytes });
}
