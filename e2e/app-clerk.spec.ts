/**
 * A clerk's day on one tablet, through the screens only: create the store's book,
 * post sales and a refund, an expense in the free double-entry form, keep a sale as a
 * draft and post it later, negate a mistake with a reason; the trial balance is right
 * to the cent, and it survives a reload (real IndexedDB on disk).
 *
 *   npx playwright test e2e/app-clerk.spec.ts
 */
import { expect, test } from '@playwright/test';
import { buildApp, createStoreBook, journalCount, nav, openTablet, postTemplate, serveApp, shot, type AppServer, type Tablet } from './app-world.ts';

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

test('a clerk posts, drafts, negates, and the books are right to the cent', async () => {
  tablet = await openTablet(server, 'clerk');
  const { page } = tablet;
  await page.getByRole('heading', { name: 'Welcome to daybook' }).waitFor();
  await shot(page, 'clerk-01-setup');
  await createStoreBook(page, 'Corner shop', 'Till 1');
  await expect(page.getByRole('heading', { name: 'Corner shop' })).toBeVisible();

  await postTemplate(page, 'Cash sale', '12.50', 'Bread and coffee');
  await postTemplate(page, 'Card sale', '34.90', 'Flowers');
  await postTemplate(page, 'Cash sale', '99.00', 'Cheese');
  await postTemplate(page, 'Refund', '2.50', 'Stale bread');

  // The free form: the balance check speaks money while the clerk types.
  await page.getByRole('radio', { name: /^Other entry/ }).check();
  await page.getByLabel('Account, line 1').fill('Expenses:Supplies');
  await page.getByLabel('Debit, line 1').fill('8');
  await expect(page.getByTestId('balance')).toHaveText('Still off by 8.00 on the credit side.');
  await page.getByLabel('Account, line 2').fill('Assets:Cash');
  await page.getByLabel('Credit, line 2').fill('8.00');
  await expect(page.getByTestId('balance')).toHaveText('Balanced: 8.00 debit, 8.00 credit.');
  await page.getByLabel('Memo (optional)').fill('Milk for the coffee machine');
  await shot(page, 'clerk-02-free-form-balanced');
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  await expect(page.getByTestId('feedback')).toContainText('Posted');

  // A draft: kept on the tablet, not in the books until posted.
  await page.getByRole('radio', { name: /^Cash sale/ }).check();
  await page.getByLabel(/^Amount/).fill('9.90');
  await page.getByLabel('Memo (optional)').fill('Cheese, keyed right');
  await page.getByRole('button', { name: 'Save as draft' }).click();
  await expect(page.getByTestId('feedback')).toContainText('Kept as a draft');
  await nav(page, 'Drafts');
  await expect(page.getByRole('listitem', { name: 'Draft: Cheese, keyed right' })).toBeVisible();
  await shot(page, 'clerk-03-drafts');
  await page.getByRole('button', { name: 'Post draft Cheese, keyed right' }).click();
  await expect(page.getByRole('status')).toContainText('now a permanent entry');
  await expect(page.getByText('No drafts.')).toBeVisible();

  // Negate the 99.00 mistake, with its reason.
  await nav(page, 'Journal');
  await expect.poll(() => journalCount(page)).toBe(7); // genesis + 6 txns
  await page.getByRole('link', { name: /Cheese\b(?!,)/ }).click();
  await page.getByRole('button', { name: 'Negate…' }).click();
  await page.getByRole('button', { name: 'Negate this entry' }).click();
  await expect(page.getByRole('alert')).toContainText('Say why');
  await page.getByLabel(/Why is this entry wrong/).fill('Typed 99.00 for 9.90');
  await page.getByRole('button', { name: 'Negate this entry' }).click();
  await expect(page.getByTestId('entry-status')).toContainText('Negated');
  await shot(page, 'clerk-04-journal-negated');

  // The books: cash 12.50 + 99.00 - 99.00 - 2.50 - 8.00 + 9.90 = 11.90.
  await nav(page, 'Books');
  const trial = page.getByTestId('trial-balance');
  const line = (account: string) => trial.locator(`tr[data-account="${account}"]`);
  await expect(line('Assets:Cash')).toContainText('11.90');
  await expect(line('Assets:Card-Clearing')).toContainText('34.90');
  await expect(line('Expenses:Supplies')).toContainText('8.00');
  await expect(line('Income:Sales')).toContainText('54.80');
  await expect(page.getByTestId('debit-total')).toHaveText('54.80');
  await expect(page.getByTestId('credit-total')).toHaveText('54.80');
  await page.getByRole('link', { name: 'Assets:Cash' }).click();
  const register = page.getByTestId('register');
  await expect(register.locator('tbody tr')).toHaveCount(6);
  await expect(register.locator('tbody tr').last().locator('td').last()).toHaveText('11.90');
  await shot(page, 'clerk-05-books');

  // Export: the day as CSV and as an hledger journal, made on the tablet, downloaded.
  await nav(page, 'Export');
  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export' }).click();
  expect((await download).suggestedFilename()).toMatch(/^corner-shop-.*\.csv$/);
  await expect(page.getByTestId('export-preview')).toContainText('Bread and coffee');
  await expect(page.getByTestId('export-preview')).toContainText('Typed 99.00 for 9.90');
  await page.getByLabel('Format').selectOption('hledger');
  await page.getByLabel(/^Period/).fill('2025-13-01');
  await page.getByRole('button', { name: 'Export' }).click();
  await expect(page.getByRole('alert')).toContainText('YYYY-MM-DD');
  await shot(page, 'clerk-06-export');

  // A reload reads the same books back from IndexedDB.
  await page.reload();
  await nav(page, 'Books');
  await expect(page.getByTestId('debit-total')).toHaveText('54.80');
  await expect(page.getByTestId('trial-balance').locator('tr[data-account="Assets:Cash"]')).toContainText('11.90');

  // A second tab of the same tablet sees what the first one posts (one journal, two windows).
  const other = await tablet.context.newPage();
  await other.goto(`${server.origin}/#/journal`);
  await expect.poll(() => journalCount(other)).toBe(8);
  await postTemplate(page, 'Cash in', '50.00', 'Float from the safe');
  await expect(other.getByRole('link', { name: /Float from the safe/ })).toBeVisible();
  await expect.poll(() => journalCount(other)).toBe(9);
  await other.close();
});
