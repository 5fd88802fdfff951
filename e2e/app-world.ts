/**
 * What the app's browser tests need from Node: the PWA built by Vite (E's
 * vite.config.ts) into .data/app-dist, served from 127.0.0.1 with the project's
 * signaling relay mounted at /signaling (as the hub serves it), and tablets: each
 * its own persistent Chromium profile (real IndexedDB on disk), durable storage
 * granted, the app open.
 */
import { execFileSync } from 'node:child_process';
import { existsSync, readFileSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';
import { test } from '@playwright/test';
import type { BrowserContext, Page } from 'playwright-core';
import { createSignalingRelay, type SignalingRelay } from '../src/sync/signaling-server.ts';
import { firstPage, freshProfile, grantDurableStorage, launchPersistent } from './support/chromium.ts';

const ROOT = join(import.meta.dirname, '..');
export const APP_DIST = join(ROOT, '.data', 'app-dist');

const TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript',
  '.css': 'text/css',
  '.json': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.map': 'application/json',
};

let built = false;

/** Build the app once per worker process (skipped when DAYBOOK_APP_PREBUILT=1 and a build exists). */
export function buildApp(): void {
  if (built || (process.env['DAYBOOK_APP_PREBUILT'] === '1' && existsSync(join(APP_DIST, 'index.html')))) return;
  built = true;
  execFileSync(join(ROOT, 'node_modules', '.bin', 'vite'), ['build', '--outDir', APP_DIST, '--logLevel', 'warn'], { cwd: ROOT, stdio: 'inherit' });
}

export interface AppServer {
  origin: string;
  relay: SignalingRelay;
  close(): Promise<void>;
}

/** Serve the built app (unknown paths get index.html) and signaling at /signaling. */
export async function serveApp(): Promise<AppServer> {
  const relay = createSignalingRelay();
  const server: Server = createServer((req, res) => {
    const path = normalize(decodeURIComponent((req.url ?? '/').split('?')[0]!)).replace(/^(\.\.[/\\])+/, '');
    let file = join(APP_DIST, path);
    if (!file.startsWith(APP_DIST) || !existsSync(file) || statSync(file).isDirectory()) file = join(APP_DIST, 'index.html');
    const type = TYPES[extname(file)] ?? 'application/octet-stream';
    res.writeHead(200, { 'content-type': type, 'cache-control': file.endsWith('index.html') || file.endsWith('sw.js') ? 'no-cache' : 'max-age=3600' });
    res.end(readFileSync(file));
  });
  server.on('upgrade', (req, socket, head) => {
    if ((req.url ?? '').startsWith('/signaling')) relay.handleUpgrade(req, socket, head);
    else socket.destroy();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    origin: `http://127.0.0.1:${address.port}`,
    relay,
    close: async () => {
      await relay.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
    },
  };
}

export interface Tablet {
  context: BrowserContext;
  page: Page;
  profile: string;
  close(): Promise<void>;
}

/** A tablet: a fresh persistent profile, durable storage granted, the app loaded (at `path`, default /). */
export async function openTablet(server: AppServer, label: string, path = '/'): Promise<Tablet> {
  const profile = freshProfile(`app-${label}`);
  const context = await launchPersistent(profile);
  const page = await firstPage(context);
  await page.setViewportSize({ width: 1280, height: 800 });
  page.on('pageerror', (error) => console.log(`[${label} page error] ${error.message}`));
  await grantDurableStorage(page, server.origin);
  await page.goto(`${server.origin}${path}`);
  return { context, page, profile, close: () => context.close() };
}

/** Create a new store book on this tablet through the setup screen; resolves when the Post screen shows. */
export async function createStoreBook(page: Page, storeName: string, deviceName: string, period: 'day' | 'month' = 'day'): Promise<void> {
  await page.getByLabel('Store name').fill(storeName);
  await page.getByLabel('Time zone').fill('UTC');
  await page.getByLabel('Close the books every').selectOption(period);
  await page.getByLabel('Name of this tablet').fill(deviceName);
  await page.getByRole('button', { name: 'Create the book' }).click();
  await page.getByRole('heading', { name: 'Post', exact: true }).waitFor();
}

/** Post a template entry (cash sale, card sale, refund, …) through the Post screen. */
export async function postTemplate(page: Page, template: string, amount: string, memo = ''): Promise<void> {
  await page.goto(`${new URL(page.url()).origin}/#/post`);
  await page.getByRole('radio', { name: new RegExp(`^${template}`) }).check();
  await page.getByLabel(/^Amount/).fill(amount);
  await page.getByLabel('Memo (optional)').fill(memo);
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  await page.getByTestId('feedback').filter({ hasText: 'Posted' }).waitFor();
}

/** A screenshot kept as a test artifact (the test's folder under .data/playwright-results), attached to the report. */
export async function shot(page: Page, name: string): Promise<void> {
  const path = test.info().outputPath(`${name}.png`);
  await page.screenshot({ path, fullPage: false });
  await test.info().attach(name, { path, contentType: 'image/png' });
}

/** The number of entries the journal screen counts (it reads the query store). */
export async function journalCount(page: Page): Promise<number> {
  const text = (await page.getByTestId('journal-count').textContent()) ?? '';
  return Number(/^(\d+)/.exec(text)?.[1] ?? NaN);
}

/** Go to a screen through the navigation bar. */
export async function nav(page: Page, screen: string): Promise<void> {
  await page.getByRole('navigation', { name: 'Screens' }).getByRole('link', { name: screen, exact: true }).click();
  await page.getByRole('heading', { level: 2 }).first().waitFor();
}
