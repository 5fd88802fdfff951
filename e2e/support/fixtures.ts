/**
 * Playwright fixtures of the journal tests: the harness server (one per worker)
 * and helpers to open the harness page in a browser and wait until it is ready.
 */
import { test as base, type Page } from '@playwright/test';
import type { DaybookHarness } from '../harness/journal-page.ts';
import { rmSync } from 'node:fs';
import { freshProfile } from './chromium.ts';
import { serveHarness, type HarnessServer } from './serve.ts';

export const test = base.extend<{ profile: string }, { harness: HarnessServer }>({
  /** A fresh persistent-profile directory for the test, removed after it unless the test failed. */
  // eslint-disable-next-line no-empty-pattern
  profile: async ({}, use, testInfo) => {
    const dir = freshProfile(testInfo.title);
    await use(dir);
    if (testInfo.status === testInfo.expectedStatus) rmSync(dir, { recursive: true, force: true });
  },
  harness: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use) => {
      const server = await serveHarness();
      await use(server);
      await server.close();
    },
    { scope: 'worker' },
  ],
});

export { expect } from '@playwright/test';

/** Load the journal harness in `page` and open the journal (blocks of `blockEntries`). */
export async function openHarness(page: Page, harness: HarnessServer, blockEntries?: number): Promise<void> {
  await page.goto(harness.url('journal'));
  await page.waitForFunction(() => document.title === 'journal harness ready');
  await page.evaluate((size) => window.daybook.open(size === undefined ? {} : { blockEntries: size }), blockEntries);
}

export type { DaybookHarness };
