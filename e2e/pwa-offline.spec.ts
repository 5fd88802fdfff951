/**
 * Offline start (issue #6): a tablet that loaded the app once starts with the
 * network gone. Real Chromium on a persistent profile, the built app (dist/)
 * served over http://127.0.0.1 (a secure context), its own service worker.
 *
 * What the test proves: after the first load the worker controls the page; with
 * the context offline, a reload and a deep link both start the app, and not one
 * request reaches the server; a store's book opens offline on the Journal screen
 * with what was posted, and posting still works; the hub's live endpoints (/api,
 * /sync, /signaling) are never answered from a cache, online or offline.
 *
 * The book is made and used through the app's own screens (app/screens/setup.tsx,
 * post.tsx, journal.tsx), by their labels, as a clerk would.
 */
import { rmSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import type { BrowserContext, Page } from 'playwright-core';
import { firstPage, freshProfile, launchPersistent } from './support/chromium.ts';
import { ensureDist, serveApp, waitForControl, type AppServer } from './support/app-server.ts';

let server: AppServer;
let profile: string;
let context: BrowserContext;
let page: Page;

test.beforeAll(async () => {
  test.setTimeout(300_000);
  await ensureDist();
  server = await serveApp({
    extra: { '/api/ping': { type: 'application/json', body: '{"pong":true}' } },
  });
});

test.afterAll(async () => {
  await server?.close();
});

test.beforeEach(async () => {
  const testInfo = test.info();
  profile = freshProfile(testInfo.title);
  context = await launchPersistent(profile);
  page = await firstPage(context);
});

test.afterEach(async () => {
  const testInfo = test.info();
  await page.screenshot({ path: testInfo.outputPath('last.png') }).catch(() => undefined);
  await context.close();
  if (testInfo.status === testInfo.expectedStatus) rmSync(profile, { recursive: true, force: true });
});

/** The app's root has rendered something (D's screens; any app content counts). */
async function expectAppRendered(p: Page): Promise<void> {
  await p.waitForFunction(() => (document.getElementById('app')?.childElementCount ?? 0) > 0, undefined, { timeout: 15_000 });
}

/** Create a new store book on the setup screen; this tablet becomes its owner. */
async function createBook(p: Page, storeName: string): Promise<void> {
  await p.getByLabel('Store name').fill(storeName);
  await p.getByRole('button', { name: 'Create the book' }).click();
  await expect(p.getByRole('heading', { name: storeName })).toBeVisible();
}

/** Post a cash sale of `amount` (text, in the book's currency) with `memo` on the Post screen. */
async function postCashSale(p: Page, amount: string, memo: string): Promise<void> {
  await p.goto(server.url('/#/post'));
  await p.getByRole('radio', { name: /Cash sale/ }).check();
  await p.getByLabel(/^Amount/).fill(amount);
  await p.getByLabel(/^Memo/).fill(memo);
  await p.getByRole('button', { name: 'Post', exact: true }).click();
  await expect(p.getByTestId('feedback')).toContainText('Posted');
}

/** The rows of the Journal screen. */
function journalRows(p: Page) {
  return p.getByRole('list', { name: 'Entries' }).getByRole('listitem');
}

test('offline, the book opens on the Journal screen and posting still works', async () => {
  const testInfo = test.info();
  await page.goto(server.url());
  await waitForControl(page);
  await createBook(page, 'Corner shop');
  await postCashSale(page, '12.50', 'Morning paper and coffee');

  await context.setOffline(true);
  await page.goto(server.url('/#/journal'));
  await page.reload();
  await expect(journalRows(page).filter({ hasText: 'Morning paper and coffee' })).toBeVisible();
  await page.screenshot({ path: testInfo.outputPath('offline-journal.png') });

  await postCashSale(page, '3.20', 'Sale while the internet is down');
  await page.goto(server.url('/#/journal'));
  await expect(journalRows(page).filter({ hasText: 'Sale while the internet is down' })).toBeVisible();
  await expect(journalRows(page).filter({ hasText: 'Morning paper and coffee' })).toBeVisible();

  // And what was posted offline survives the next offline start.
  await page.reload();
  await expect(journalRows(page).filter({ hasText: 'Sale while the internet is down' })).toBeVisible();
});

test('a reload with the network gone starts the app from the service worker', async () => {
  const testInfo = test.info();
  await page.goto(server.url());
  await expectAppRendered(page);
  await waitForControl(page);

  await context.setOffline(true);
  const seen = server.requests.length;
  await page.reload();
  await expectAppRendered(page);
  expect(await page.evaluate(() => navigator.onLine)).toBe(false);
  expect(await page.evaluate(() => navigator.serviceWorker.controller !== null)).toBe(true);
  await page.screenshot({ path: testInfo.outputPath('offline-start.png') });
  // Everything came from the precache: the server saw nothing while offline.
  expect(server.requests.slice(seen)).toEqual([]);
});

test('a deep link opens the app shell offline', async () => {
  await page.goto(server.url());
  await waitForControl(page);
  await context.setOffline(true);
  await page.goto(server.url('/journal?filter=cash'));
  await expectAppRendered(page);
  expect(await page.title()).toBe('daybook');
});

test('the app starts offline after the whole browser was closed and reopened', async () => {
  await page.goto(server.url());
  await waitForControl(page);
  await context.close();
  context = await launchPersistent(profile);
  await context.setOffline(true);
  page = await firstPage(context);
  await page.goto(server.url());
  await expectAppRendered(page);
});

test('the hub endpoints are never answered from a cache', async () => {
  await page.goto(server.url());
  await waitForControl(page);
  const ping = (): Promise<string> => page.evaluate(() => fetch('/api/ping').then((r) => r.text(), (e: unknown) => `failed: ${String(e)}`));

  const before = server.requests.filter((r) => r === 'GET /api/ping').length;
  expect(await ping()).toBe('{"pong":true}');
  expect(await ping()).toBe('{"pong":true}');
  expect(server.requests.filter((r) => r === 'GET /api/ping').length).toBe(before + 2);

  await context.setOffline(true);
  expect(await ping()).toMatch(/^failed/);
  // A navigation to a live endpoint does not get the app shell either.
  const response = await page.goto(server.url('/api/ping')).catch(() => null);
  expect(response).toBeNull();
});
