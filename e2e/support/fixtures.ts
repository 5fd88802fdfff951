/**
 * Playwright fixtures of the journal tests: the harness server (one per worker)
 * and helpers to open the harness page in a browser and wait until it is ready.
 */
import { test as base, type Page } from '@playwright/test';
import type { DaybookHarness } from '../harness/journal-page.ts';
import { serveHarness, type HarnessServer } from './serve.ts';

export const test = base.extend<object, { harness: HarnessServer }>({
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
