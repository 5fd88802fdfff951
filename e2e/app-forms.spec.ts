/**
 * Bad input in the Post form: unbalanced, empty, absurd amounts, malformed accounts,
 * a date beyond the skew limit, a memo too long. Each gets a clear message at the
 * field and nothing is saved (the journal holds exactly what it held before). Then
 * the corrected entry posts, and a back-dated one is explained.
 *
 *   npx playwright test e2e/app-forms.spec.ts
 */
import { expect, test, type Page } from '@playwright/test';
import { buildApp, createStoreBook, openTablet, serveApp, shot, type AppServer, type Tablet } from './app-world.ts';

let server: AppServer;
let tablet: Tablet | undefined;

test.beforeAll(async () => {
  buildApp();
  server = await serveApp();
});
test.afterAll(async () => {
  await tablet?.close();
  await server?.close();
});

/** Entries and drafts held by the tablet's journal (read from IndexedDB, not the screen). */
async function held(page: Page): Promise<{ entries: number; drafts: number }> {
  return page.evaluate(async () => {
    const runtime = window.daybookRuntime!;
    return { entries: await runtime.journal.count(), drafts: (await runtime.journal.drafts.list()).length };
  });
}

async function expectRefused(page: Page, message: RegExp, before: { entries: number; drafts: number }): Promise<void> {
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  const alert = page.getByRole('alert');
  await expect(alert).toContainText('Nothing was saved');
  await expect(alert).toContainText(message);
  expect(await held(page)).toEqual(before);
}

test('bad input gets clear messages and saves nothing', async () => {
  tablet = await openTablet(server, 'forms');
  const { page } = tablet;
  await createStoreBook(page, 'Form shop', 'Till 1');
  const before = await held(page);
  expect(before).toEqual({ entries: 1, drafts: 0 });

  // Template: empty, not a number, too many decimals, negative, zero, absurd.
  const amount = page.getByLabel(/^Amount/);
  await expectRefused(page, /Enter an amount/, before);
  await expect(amount).toHaveAttribute('aria-invalid', 'true');
  for (const [text, message] of [
    ['twelve', /is not an amount/],
    ['12.505', /At most 2 digits after the decimal point/],
    ['-5', /without a minus sign/],
    ['0', /more than zero/],
    ['99999999999', /largest amount one line may hold/],
  ] as const) {
    await amount.fill(text);
    await expectRefused(page, message, before);
  }
  await shot(page, 'forms-01-absurd-amount');

  // A date beyond the skew limit.
  await amount.fill('5.00');
  await page.getByLabel('Set an earlier date (default: now)').check();
  const now = new Date();
  const future = new Date(now.getTime() + 3 * 3600_000).toISOString().slice(0, 16);
  await page.getByLabel('Business date and time').fill(future);
  await expectRefused(page, /in the future/, before);
  await shot(page, 'forms-02-future-date');
  await page.getByLabel('Set an earlier date (default: now)').uncheck();

  // The free form: empty, unbalanced, bad account, both sides on one line, memo too long.
  await page.getByRole('radio', { name: /^Other entry/ }).check();
  await expectRefused(page, /at least two lines/, before);
  await page.getByLabel('Account, line 1').fill('Assets:Cash');
  await page.getByLabel('Debit, line 1').fill('10.00');
  await page.getByLabel('Account, line 2').fill('Income:Sales');
  await page.getByLabel('Credit, line 2').fill('9.00');
  await expect(page.getByTestId('balance')).toHaveText('Still off by 1.00 on the credit side.');
  await expectRefused(page, /Debits and credits must be equal/, before);
  await shot(page, 'forms-03-unbalanced');
  await page.getByLabel('Account, line 2').fill('sales');
  await page.getByLabel('Credit, line 2').fill('10.00');
  await expectRefused(page, /Line 2/, before);
  await expect(page.getByLabel('Account, line 2')).toHaveAttribute('aria-invalid', 'true');
  await page.getByLabel('Account, line 2').fill('Income:Sales');
  await page.getByLabel('Debit, line 2').fill('1');
  await expectRefused(page, /either a debit or a credit, not both/, before);
  await page.getByLabel('Debit, line 2').fill('');
  await page.getByLabel('Memo (optional)').fill('m'.repeat(501));
  await expectRefused(page, /memo is too long/, before);

  // Fixed: it posts, exactly one entry more.
  await page.getByLabel('Memo (optional)').fill('Fixed at last');
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  await expect(page.getByTestId('feedback')).toContainText('Posted');
  expect(await held(page)).toEqual({ entries: before.entries + 1, drafts: 0 });

  // Back-dating is allowed, and explained.
  await page.getByRole('radio', { name: /^Cash sale/ }).check();
  await page.getByLabel(/^Amount/).fill('3.00');
  await page.getByLabel('Set an earlier date (default: now)').check();
  const earlier = new Date(now.getTime() - 30 * 3600_000).toISOString().slice(0, 16);
  await page.getByLabel('Business date and time').fill(earlier);
  await expect(page.getByText(/Back-dated/)).toBeVisible();
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  await expect(page.getByTestId('feedback')).toContainText('Posted');
  expect(await held(page)).toEqual({ entries: before.entries + 2, drafts: 0 });
});
