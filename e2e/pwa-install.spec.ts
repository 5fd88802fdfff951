/**
 * Installability (issue #6): the app installs on a tablet. Real Chromium reads the
 * manifest the page links, and its own installability check (DevTools protocol
 * Page.getInstallabilityErrors, the same check behind the install prompt) must
 * find nothing wrong; every icon loads and has the size it claims.
 */
import { rmSync } from 'node:fs';
import { expect, test } from '@playwright/test';
import type { BrowserContext, Page } from 'playwright-core';
import { firstPage, freshProfile, launchPersistent } from './support/chromium.ts';
import { ensureDist, serveApp, waitForControl, type AppServer } from './support/app-server.ts';

interface ManifestIcon {
  src: string;
  sizes: string;
  type?: string;
  purpose?: string;
}
interface Manifest {
  id?: string;
  name?: string;
  short_name?: string;
  start_url?: string;
  scope?: string;
  display?: string;
  orientation?: string;
  theme_color?: string;
  background_color?: string;
  icons?: ManifestIcon[];
}

let server: AppServer;
let profile: string;
let context: BrowserContext;
let page: Page;

test.beforeAll(async () => {
  test.setTimeout(300_000);
  await ensureDist();
  server = await serveApp();
});

test.afterAll(async () => {
  await server?.close();
});

test.beforeEach(async () => {
  const testInfo = test.info();
  profile = freshProfile(testInfo.title);
  context = await launchPersistent(profile);
  page = await firstPage(context);
  await page.goto(server.url());
  await waitForControl(page);
});

test.afterEach(async () => {
  const testInfo = test.info();
  await context.close();
  if (testInfo.status === testInfo.expectedStatus) rmSync(profile, { recursive: true, force: true });
});

test('the linked manifest has every field an installed tablet app needs', async () => {
  const href = await page.evaluate(() => document.querySelector<HTMLLinkElement>('link[rel="manifest"]')?.href ?? null);
  expect(href).not.toBeNull();
  const response = await page.request.get(href!);
  expect(response.ok()).toBe(true);
  expect(response.headers()['content-type']).toContain('manifest+json');
  const manifest = (await response.json()) as Manifest;

  expect(manifest.name).toBe('daybook');
  expect(manifest.short_name).toBeTruthy();
  expect(manifest.short_name!.length).toBeLessThanOrEqual(12);
  expect(manifest.display).toBe('standalone');
  expect(manifest.orientation).toBe('landscape');
  expect(manifest.start_url).toBe('/');
  expect(manifest.scope).toBe('/');
  expect(manifest.theme_color).toMatch(/^#[0-9a-f]{6}$/i);
  expect(manifest.background_color).toMatch(/^#[0-9a-f]{6}$/i);
  const icons = manifest.icons ?? [];
  const sizesFor = (purpose: string): string[] => icons.filter((i) => (i.purpose ?? 'any').split(' ').includes(purpose)).map((i) => i.sizes);
  expect(sizesFor('any')).toEqual(expect.arrayContaining(['192x192', '512x512']));
  expect(sizesFor('maskable').length).toBeGreaterThan(0);
});

test('every icon loads as a PNG of the size the manifest states', async () => {
  const manifest = await page.evaluate(async () => {
    const href = document.querySelector<HTMLLinkElement>('link[rel="manifest"]')!.href;
    return { href, body: (await (await fetch(href)).json()) as Manifest };
  });
  for (const icon of manifest.body.icons ?? []) {
    const url = new URL(icon.src, manifest.href).href;
    const size = await page.evaluate(async (src) => {
      const response = await fetch(src);
      const bitmap = await createImageBitmap(await response.blob());
      return { type: response.headers.get('content-type'), width: bitmap.width, height: bitmap.height };
    }, url);
    expect(size.type, icon.src).toBe(icon.type ?? 'image/png');
    expect(`${size.width}x${size.height}`, icon.src).toBe(icon.sizes);
  }
});

test("Chromium's own installability check finds nothing missing", async () => {
  const cdp = await context.newCDPSession(page);
  const manifest = (await cdp.send('Page.getAppManifest')) as { url: string; errors: Array<{ message: string }> };
  expect(manifest.url).toBe(server.url('/manifest.webmanifest'));
  expect(manifest.errors).toEqual([]);
  const { installabilityErrors } = await cdp.send('Page.getInstallabilityErrors');
  expect(installabilityErrors).toEqual([]);
});

test('the manifest and icons are precached: an installed app shows its icon offline', async () => {
  await context.setOffline(true);
  const ok = await page.evaluate(async () => {
    const urls = ['/manifest.webmanifest', '/icon-192.png', '/icon-512.png', '/icon-maskable-512.png', '/favicon.svg'];
    const responses = await Promise.all(urls.map((u) => fetch(u).then((r) => r.ok, () => false)));
    return Object.fromEntries(urls.map((u, i) => [u, responses[i]]));
  });
  expect(ok).toEqual({ '/manifest.webmanifest': true, '/icon-192.png': true, '/icon-512.png': true, '/icon-maskable-512.png': true, '/favicon.svg': true });
});
