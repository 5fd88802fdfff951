/**
 * A journal of 100k entries on a real tablet profile: the Journal screen renders a
 * few dozen rows whatever the journal holds (virtualised), scrolls to the middle,
 * filters, and the app comes back after a reload. The reload-to-journal time is
 * printed as a figure (speed goals live in benchmarks, not in assertions).
 *
 *   npx playwright test e2e/app-large.spec.ts      (APP_E2E_BIG=20000 for a quicker look)
 */
import { expect, test } from '@playwright/test';
import { businessDateFromUtcMs } from '../src/core/dates.ts';
import { makeDevEntry } from '../src/core/entry.ts';
import { formatHlc } from '../src/core/hlc.ts';
import type { BookId, Entry, EntryId, PeerId } from '../src/core/types.ts';
import { buildApp, createStoreBook, journalCount, openTablet, serveApp, shot, type AppServer, type Tablet } from './app-world.ts';
import { journalRowPx as rowHeightPx } from '../app/model/virtual.ts';

const BIG = Number(process.env['APP_E2E_BIG'] ?? 100_000);
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

/** `count` sales by device `peer`, one a minute, ending a minute ago. */
function sales(book: string, peer: string, from: number, count: number, prev: EntryId | null, endMs: number): Entry[] {
  const out: Entry[] = [];
  for (let seq = from; seq < from + count; seq++) {
    const atMs = endMs - (BIG - seq + 1) * 60_000;
    const entry = makeDevEntry({
      nonce: `s${seq}`.padEnd(21, 'x'),
      book: book as BookId,
      kind: 'txn',
      peer: peer as PeerId,
      seq,
      prev,
      hlc: formatHlc(atMs, 0),
      date: businessDateFromUtcMs(atMs, 0),
      body: { postings: [{ account: 'Assets:Cash', amount: 100 + (seq % 900) }, { account: 'Income:Sales', amount: -(100 + (seq % 900)) }], memo: `seeded sale ${seq}` },
    });
    out.push(entry);
    prev = entry.id;
  }
  return out;
}

test(`the journal stays fast and small in the page with ${BIG} entries`, async () => {
  test.setTimeout(900_000);
  tablet = await openTablet(server, 'large');
  const { page } = tablet;
  await createStoreBook(page, 'Busy shop', 'Till 1');
  const book = await page.evaluate(async () => {
    const r = window.daybookRuntime!;
    await r.append({ kind: 'join', body: { device: 'S1' as never, name: 'Seeder', key: '', roles: [] } });
    return r.identity.book;
  });
  const endMs = Date.now() - 60_000;
  const seedStart = Date.now();
  let prev: EntryId | null = null;
  let ingestMs = 0;
  for (let from = 1; from <= BIG; from += 2000) {
    const batch = sales(book, 'S1', from, Math.min(2000, BIG - from + 1), prev, endMs);
    prev = batch[batch.length - 1]!.id;
    const { accepted, ms } = await page.evaluate(async (entries) => {
      const start = performance.now();
      const report = await window.daybookRuntime!.journal.ingest(entries, 'seed');
      return { accepted: report.accepted.length, ms: performance.now() - start };
    }, batch);
    expect(accepted).toBe(batch.length);
    ingestMs += ms;
  }
  console.log(`  seeded ${BIG} entries through the journal in ${Date.now() - seedStart} ms (${ingestMs.toFixed(0)} ms of it in journal.ingest, the books' updates included)`);
  const total = BIG + 2;

  // Reload straight into the journal: the time until its newest row shows.
  const reloadStart = Date.now();
  await page.goto(`${server.origin}/#/journal`);
  await page.reload();
  await expect(page.getByRole('link', { name: new RegExp(`seeded sale ${BIG}\\b`) })).toBeVisible({ timeout: 60_000 });
  const reloadMs = Date.now() - reloadStart;
  console.log(`  reload to a journal of ${total} entries on screen: ${reloadMs} ms`);
  const marks = await page.evaluate(() => performance.getEntriesByType('mark').filter((m) => m.name.startsWith('daybook:')).map((m) => `${m.name.slice(8)} ${m.startTime.toFixed(0)}`));
  console.log(`  in the page, ms since navigation: ${marks.join(', ')}`);
  expect(await journalCount(page)).toBe(total);
  const rendered = await page.locator('.vrow').count();
  console.log(`  rows in the page: ${rendered}`);
  expect(rendered).toBeLessThan(80);

  // Scroll to the middle: the rows there are rendered, and still only a few.
  const scrollStart = Date.now();
  await page.locator('.vlist').evaluate((el, px) => {
    el.scrollTop = px;
  }, Math.floor(total / 2) * rowHeightPx);
  const middle = BIG - Math.floor(total / 2) + 1;
  await expect(page.getByRole('link', { name: new RegExp(`seeded sale ${middle}\\b`) })).toBeVisible();
  console.log(`  scroll to the middle and render: ${Date.now() - scrollStart} ms`);
  expect(await page.locator('.vrow').count()).toBeLessThan(80);
  await shot(page, 'large-01-middle');

  // Filter by memo and by amount.
  const filterStart = Date.now();
  // A seq whose decimal form is the prefix of no other seq held.
  const pick = BIG >= 77_777 ? 77_777 : BIG - 3;
  await page.getByLabel('Memo contains').fill(`seeded sale ${pick}`);
  await expect(page.getByTestId('journal-count')).toHaveText('1 entry, newest first');
  console.log(`  filter ${total} entries by memo: ${Date.now() - filterStart} ms`);
  await page.getByLabel('Memo contains').fill('');
  await page.getByLabel('Amount').fill('9.99');
  const expected = Math.floor((BIG - 899) / 900) + (BIG >= 899 ? 1 : 0);
  await expect(page.getByTestId('journal-count')).toHaveText(`${expected} entries, newest first`);
});
