/**
 * The update flow (issue #6): a new version is deployed while a tablet has the
 * app open. The tablet must not reload by itself (a clerk may be mid-sale); it
 * shows a banner that a new version is ready (the app renders it through the
 * callback of app/sw-register.ts), and applying it reloads once into the new
 * version, which then also starts offline.
 *
 * Two builds of the same sources that differ only in DAYBOOK_VERSION, served one
 * after the other from the same origin.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { BrowserContext, Page } from 'playwright-core';
import { firstPage, freshProfile, launchPersistent } from './support/chromium.ts';
import { buildApp, pageVersion, REPO, serveApp, waitForControl, type AppServer } from './support/app-server.ts';

const BUILDS = join(REPO, '.data', 'pwa-update');
const V1 = { version: 'update-test-1', dir: join(BUILDS, 'v1') };
const V2 = { version: 'update-test-2', dir: join(BUILDS, 'v2') };
/** How long the page is watched for a reload it must not do by itself. */
const settleMs = 2_000;

let server: AppServer;
let profile: string;
let context: BrowserContext;
let page: Page;

test.beforeAll(async () => {
  test.setTimeout(600_000);
  for (const build of [V1, V2]) await buildApp({ outDir: build.dir, version: build.version });
  server = await serveApp({ dir: V1.dir });
});

test.afterAll(async () => {
  await server?.close();
  rmSync(BUILDS, { recursive: true, force: true });
});

test.beforeEach(async () => {
  const testInfo = test.info();
  server.switchTo(V1.dir);
  profile = freshProfile(testInfo.title);
  context = await launchPersistent(profile);
  page = await firstPage(context);
});

test.afterEach(async () => {
  const testInfo = test.info();
  await context.close();
  if (testInfo.status === testInfo.expectedStatus) rmSync(profile, { recursive: true, force: true });
});

/** The app's "apply the update" control, inside the banner the app shows when a new version waits (app/ui/app.tsx). */
function updateButton(p: Page) {
  return p.getByRole('status').filter({ hasText: /new version/i }).getByRole('button');
}

/**
 * Open the app as a tablet that already keeps a book (the app shows its banner in
 * the book's shell, not on the first-start setup screen): the device identity the
 * setup screen would have written (app/model/identity.ts), with no peers to reach.
 */
async function openAsTablet(p: Page): Promise<void> {
  await p.goto(server.url());
  await p.evaluate(() =>
    localStorage.setItem('daybook:device', JSON.stringify({ book: 'update-book', peer: 'T1', name: 'Till 1', secret: 'update-test', signaling: [], hubs: [] })),
  );
  await p.reload();
  await waitForControl(p);
}

test('a new version waits for the user, then one reload brings it in', async () => {
  const testInfo = test.info();
  await openAsTablet(page);
  expect(await pageVersion(page)).toBe(V1.version);
  await expect(updateButton(page)).toHaveCount(0);

  server.switchTo(V2.dir);
  // A navigation makes the browser check sw.js: the new worker installs and waits.
  await page.reload();
  await expect(updateButton(page)).toBeVisible({ timeout: 30_000 });
  await page.screenshot({ path: testInfo.outputPath('update-banner.png') });

  // Nothing reloads by itself: the page (and what a clerk typed) stays on version 1.
  await page.evaluate(() => ((window as unknown as { unsavedWork: string }).unsavedWork = 'half a sale'));
  await page.waitForTimeout(settleMs);
  expect(await page.evaluate(() => (window as unknown as { unsavedWork?: string }).unsavedWork)).toBe('half a sale');
  expect(await pageVersion(page)).toBe(V1.version);

  const reloaded = page.waitForEvent('load');
  await updateButton(page).click();
  await reloaded;
  await page.waitForLoadState('load');
  expect(await pageVersion(page)).toBe(V2.version);
  expect(await page.evaluate(() => (window as unknown as { unsavedWork?: string }).unsavedWork)).toBeUndefined();
  await waitForControl(page);
  await expect(updateButton(page)).toHaveCount(0);

  // The new version is what starts offline now.
  await context.setOffline(true);
  await page.reload();
  expect(await pageVersion(page)).toBe(V2.version);
});

test('a tab opened while a version waits is offered it too; each tab reloads when its user applies it', async () => {
  await openAsTablet(page);
  server.switchTo(V2.dir);
  await page.reload();
  await expect(updateButton(page)).toBeVisible({ timeout: 30_000 });

  const second = await context.newPage();
  await second.goto(server.url());
  expect(await pageVersion(second)).toBe(V1.version);
  await expect(updateButton(second)).toBeVisible({ timeout: 30_000 });

  // Applying in one tab moves the worker; the other tab's banner stays until its user acts.
  const reloaded = second.waitForEvent('load');
  await updateButton(second).click();
  await reloaded;
  expect(await pageVersion(second)).toBe(V2.version);
  await page.waitForTimeout(settleMs);
  expect(await pageVersion(page)).toBe(V1.version);
  await expect(updateButton(page)).toBeVisible();

  // Nothing waits any more, so applying there is just the reload into the active version.
  const firstReloaded = page.waitForEvent('load');
  await updateButton(page).click();
  await firstReloaded;
  expect(await pageVersion(page)).toBe(V2.version);
});

test('once every window of the app was closed, the next start runs the new version', async () => {
  await openAsTablet(page);
  server.switchTo(V2.dir);
  await page.reload();
  await expect(updateButton(page)).toBeVisible({ timeout: 30_000 });

  // Closing the app is a natural moment to update: nobody is mid-sale.
  await context.close();
  context = await launchPersistent(profile);
  page = await firstPage(context);
  await openAsTablet(page);
  expect(await pageVersion(page)).toBe(V2.version);
  await expect(updateButton(page)).toHaveCount(0);
});
