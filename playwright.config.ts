/**
 * Browser tests (e2e/*.spec.ts) in the Debian Chromium: `npx playwright test`.
 * Browsers are launched by the tests themselves (e2e/support/chromium.ts), with
 * persistent profiles under .data/profiles, because durability needs them.
 * One worker: the machine is small and shared, and the kill test must not race
 * another browser for the disk.
 */
import { defineConfig } from '@playwright/test';

export default defineConfig({
  testDir: 'e2e',
  testMatch: '*.spec.ts',
  workers: 1,
  fullyParallel: false,
  timeout: 300_000,
  expect: { timeout: 10_000 },
  reporter: [['list']],
  outputDir: '.data/playwright-results',
  globalSetup: './e2e/support/global-setup.ts',
});
