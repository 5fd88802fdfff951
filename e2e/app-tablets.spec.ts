/**
 * Two tablets side by side (separate persistent Chromium profiles, WebRTC between
 * them, signaling relayed by the app's own server at /signaling): the manager creates
 * the book and enrols a till with a pairing link; what one posts appears on the
 * other's screen; then the close of the day: the manager proposes, both acknowledge,
 * the manager seals, and both screens show the day final with the same digest.
 *
 *   npx playwright test e2e/app-tablets.spec.ts
 */
import { expect, test } from '@playwright/test';
import { buildApp, createStoreBook, journalCount, nav, openTablet, postTemplate, serveApp, shot, type AppServer, type Tablet } from './app-world.ts';

let server: AppServer;
const tablets: Tablet[] = [];

test.beforeAll(async () => {
  buildApp();
  server = await serveApp();
});
test.afterAll(async () => {
  for (const t of tablets) await t.close().catch(() => undefined);
  await server?.close();
});

test('what one tablet posts appears on the other, and both close the day together', async () => {
  test.setTimeout(180_000);
  const manager = await openTablet(server, 'manager');
  tablets.push(manager);
  const m = manager.page;
  await createStoreBook(m, 'Two tills', 'Manager');

  // Enrol the till: the link carries the book, its secret, signaling, and the device id.
  await nav(m, 'Devices');
  await m.getByLabel('Name of the new tablet').fill('Till 2');
  await m.getByRole('button', { name: 'Enrol and make a pairing link' }).click();
  const link = await m.getByTestId('pairing-link').inputValue();
  expect(link).toContain('#pair=');
  await shot(m, 'tablets-01-enrol');

  const till = await openTablet(server, 'till', `/${link.slice(link.indexOf('#'))}`);
  tablets.push(till);
  const t = till.page;
  await expect(t.getByLabel(/Pairing link/)).toHaveValue(/#pair=/);
  await expect(t.getByText(/as “Till 2”/)).toBeVisible();
  await t.getByRole('button', { name: 'Join' }).click();
  // The book arrives from the manager's tablet over WebRTC.
  await expect(t.getByRole('heading', { name: 'Two tills' })).toBeVisible({ timeout: 30_000 });
  await expect(t.getByTestId('peers')).toHaveText('1 device connected', { timeout: 30_000 });
  await expect(m.getByTestId('peers')).toHaveText('1 device connected', { timeout: 30_000 });

  // Posting on one shows on the other's journal.
  await postTemplate(m, 'Cash sale', '12.50', 'Sold by the manager');
  await nav(t, 'Journal');
  await expect(t.getByRole('link', { name: /Sold by the manager/ })).toBeVisible({ timeout: 15_000 });
  await postTemplate(t, 'Card sale', '20.00', 'Sold at till 2');
  await nav(m, 'Journal');
  await expect(m.getByRole('link', { name: /Sold at till 2/ })).toBeVisible({ timeout: 15_000 });
  await expect.poll(() => journalCount(m)).toBe(4); // book, join, two sales
  await nav(t, 'Journal');
  await expect.poll(() => journalCount(t)).toBe(4);
  await shot(t, 'tablets-02-till-journal');
  // Neither tablet holds entries the other lacks now.
  await expect(t.getByTestId('at-risk')).toHaveText('Everything is on another device', { timeout: 15_000 });
  await expect(m.getByTestId('at-risk')).toHaveText('Everything is on another device', { timeout: 15_000 });

  // Close of day: propose, both acknowledge, seal, final on both screens.
  await nav(m, 'Close');
  const day = await m.getByLabel('Day to close').inputValue();
  await m.getByRole('button', { name: 'Propose close' }).click();
  const mPeriod = m.getByTestId(`period-${day}`);
  await expect(mPeriod.getByTestId('period-status')).toHaveText(/Closing/);
  await nav(t, 'Close');
  const tPeriod = t.getByTestId(`period-${day}`);
  await expect(tPeriod.getByTestId('period-status')).toHaveText(/Closing/, { timeout: 15_000 });
  await t.getByRole('button', { name: `Acknowledge close of ${day}` }).click();
  await m.getByRole('button', { name: `Acknowledge close of ${day}` }).click();
  await expect(mPeriod.getByRole('list', { name: `Acknowledgements of ${day}` })).toContainText('Till 2: acknowledged', { timeout: 15_000 });
  await expect(mPeriod.getByRole('list', { name: `Acknowledgements of ${day}` })).toContainText('Manager: acknowledged');
  await shot(m, 'tablets-03-acks');
  await m.getByRole('button', { name: `Seal ${day}`, exact: true }).click();
  await expect(mPeriod.getByTestId('period-status')).toHaveText('Final');
  await expect(tPeriod.getByTestId('period-status')).toHaveText('Final', { timeout: 15_000 });
  const digest = await mPeriod.getByTestId('digest').textContent();
  expect(digest).toMatch(/^[0-9a-f]{64}$/);
  await expect(tPeriod.getByTestId('digest')).toHaveText(digest!);
  await expect(tPeriod.getByTestId('closing-balances')).toContainText('Assets:Cash');
  await expect(tPeriod.getByTestId('closing-balances')).toContainText('12.50');
  await expect(tPeriod.getByTestId('closing-balances')).toContainText('-32.50');
  await shot(t, 'tablets-04-final-on-till');
});
