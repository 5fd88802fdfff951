/**
 * Sync between tablets in real Chromium: each tablet is its own browser context,
 * tablets find each other through the project's signaling server and exchange
 * frames over real WebRTC data channels (y-webrtc connections, our protocol).
 *
 *   npx playwright test e2e/sync.spec.ts
 */
import { expect, test, type Page } from '@playwright/test';
import type { OpenOptions, Summary } from './sync-page.ts';
import { openPage, startSyncWorld, type SyncWorld } from './sync-serve.ts';

let world: SyncWorld;
/** Entries of the large book (SYNC_E2E_BIG overrides, for a quicker look). */
const BIG = Number(process.env['SYNC_E2E_BIG'] ?? 100_000);
let bookNo = 0;

test.beforeAll(async () => {
  world = await startSyncWorld();
});
test.afterAll(async () => {
  await world?.close();
});

/** A fresh book per test, so rooms never mix. */
function book(): Omit<OpenOptions, 'peer' | 'storage'> {
  bookNo++;
  return { book: `B${bookNo}-${Date.now().toString(36)}`, secret: `secret-${bookNo}`, signaling: [world.signaling.url] };
}

async function tablet(b: Omit<OpenOptions, 'peer' | 'storage'>, peer: string, storage: OpenOptions['storage'] = 'memory'): Promise<Page> {
  const page = await world.tablet();
  await page.evaluate((o) => window.syncTablet.open(o), { ...b, peer, storage });
  return page;
}

const summary = (page: Page, withBooks = true): Promise<Summary> => page.evaluate((w) => window.syncTablet.summary(w), withBooks);
const count = (page: Page): Promise<number> => page.evaluate(() => window.syncTablet.count());
const post = (page: Page, n: number, amount = 100): Promise<void> => page.evaluate(([k, a]) => window.syncTablet.post(k, a), [n, amount] as const);

async function waitCount(page: Page, n: number, timeoutMs = 60_000): Promise<number> {
  const ms = await page.evaluate(([k, t]) => window.syncTablet.waitCount(k, t), [n, timeoutMs] as const);
  expect(ms, `a tablet reaches ${n} entries (it holds ${await count(page)})`).toBeGreaterThanOrEqual(0);
  return ms;
}

test('two tablets online: an entry posted on one appears on the other, and the books agree', async () => {
  const b = book();
  const t1 = await tablet(b, 'T1');
  const t2 = await tablet(b, 'T2');
  await expect.poll(() => t1.evaluate(() => window.syncTablet.peers()), { timeout: 20_000 }).toBe(1);
  await t1.evaluate(() => window.syncTablet.genesis(['T2']));
  await waitCount(t2, 2, 10_000);
  const start = Date.now();
  await post(t1, 1, 250);
  await waitCount(t2, 3, 10_000);
  console.log(`  one entry, tablet to tablet: ${Date.now() - start} ms`);
  await post(t2, 3);
  await waitCount(t1, 6, 10_000);
  const [s1, s2] = [await summary(t1), await summary(t2)];
  expect(s2).toEqual(s1);
  expect(s1.trial).toContain('"debitTotal":"553"');
  const presence = await t1.evaluate(() => window.syncTablet.presence());
  expect(presence).toEqual({ online: ['T2'], missing: [] });
});

test('a third tablet joins a book of 100k entries and catches up completely', async () => {
  test.setTimeout(600_000);
  const b = book();
  const t1 = await tablet(b, 'T1');
  await t1.evaluate(() => window.syncTablet.genesis(['T2', 'T3', 'S1']));
  const t2 = await tablet(b, 'T2');
  await waitCount(t2, 4);
  // Both hold the same 100k entries of a device S1 (made alike on each, faster than syncing them).
  const seedMs = await Promise.all([t1, t2].map((t) => t.evaluate((n) => window.syncTablet.seed('S1', n), BIG)));
  console.log(`  seeding ${BIG} entries per tablet (made and ingested in page): ${seedMs.map((ms) => ms.toFixed(0)).join(', ')} ms`);
  const total = await count(t1);
  expect(total).toBe(BIG + 4);
  const t3 = await tablet(b, 'T3');
  const ms = await waitCount(t3, total, Number(process.env["SYNC_E2E_WAIT"] ?? 300_000)).catch(async (error: unknown) => {
    console.log(JSON.stringify(await t3.evaluate(() => [window.syncTablet.logs(), window.syncTablet.stats()])).slice(0, 3000));
    console.log(JSON.stringify(await t1.evaluate(() => [window.syncTablet.logs().slice(-20), window.syncTablet.stats()])).slice(0, 3000));
    console.log(`peers: ${await t1.evaluate(() => window.syncTablet.peers())}, ${await t2.evaluate(() => window.syncTablet.peers())}, ${await t3.evaluate(() => window.syncTablet.peers())}; signaling: ${JSON.stringify(world.signaling.stats())} ${world.signalingLog.join('; ')}`);
    throw error;
  });
  const stats = await t3.evaluate(() => window.syncTablet.stats());
  const received = stats.reduce((n, s) => n + s.entriesIn, 0);
  const bytes = stats.reduce((n, s) => n + s.bytesIn, 0);
  const entryBytes = stats.reduce((n, s) => n + s.entryBytesIn, 0);
  console.log(`  ${BIG} catch-up, tablet to tablet (memory journals): ${ms.toFixed(0)} ms; ${received} entries received from ${stats.length} peers; wire ${(bytes / entryBytes).toFixed(3)}x canonical`);
  const [s1, s3] = [await summary(t1, false), await summary(t3, false)];
  expect(s3).toEqual(s1);
  // Each range was asked of one peer only.
  expect(received).toBeLessThan(total * 1.05);
});

test('partition: a tablet cut off keeps posting; on reconnection every tablet holds the same set and books', async () => {
  const b = book();
  const [t1, t2, t3] = [await tablet(b, 'T1'), await tablet(b, 'T2'), await tablet(b, 'T3')];
  await t1.evaluate(() => window.syncTablet.genesis(['T2', 'T3']));
  await Promise.all([waitCount(t2, 3), waitCount(t3, 3)]);
  await t3.evaluate(() => window.syncTablet.offline());
  await Promise.all([post(t1, 20, 100), post(t2, 15, 200), post(t3, 10, 300)]);
  await waitCount(t2, 38);
  await waitCount(t1, 38);
  expect(await count(t3)).toBe(13);
  const missing = await t1.evaluate(() => window.syncTablet.presence());
  expect(missing.online).toEqual(['T2']);
  await t3.evaluate(() => window.syncTablet.online());
  await Promise.all([t1, t2, t3].map((t) => waitCount(t, 48, 30_000)));
  const [s1, s2, s3] = [await summary(t1), await summary(t2), await summary(t3)];
  expect(s2).toEqual(s1);
  expect(s3).toEqual(s1);
  expect(s1.count).toBe(48);
});

test('a tablet that restarts mid-sync loses nothing and duplicates nothing', async () => {
  test.setTimeout(600_000);
  const b = book();
  const t1 = await tablet(b, 'T1');
  await t1.evaluate(() => window.syncTablet.genesis(['T2', 'S1']));
  await t1.evaluate(() => window.syncTablet.seed('S1', 20_000));
  const t2 = await tablet(b, 'T2', 'idb');
  await waitCount(t2, 2000, 120_000);
  const before = await count(t2);
  expect(before).toBeLessThan(20_003);
  // Restart: the page goes away in the middle of the catch-up and comes back on the same storage.
  await openPage(t2, world.origin);
  await t2.evaluate((o) => window.syncTablet.open(o), { ...b, peer: 'T2', storage: 'idb' as const });
  expect(await count(t2)).toBeGreaterThanOrEqual(before);
  await post(t1, 5);
  await waitCount(t2, 20_008, 240_000);
  const [s1, s2] = [await summary(t1, false), await summary(t2, false)];
  expect(s2).toEqual(s1);
  console.log(`  restarted at ${before} of 20,003 entries; converged`);
});

test('a peer that sends an unbalanced entry, a garbage frame and an oversized frame is refused each time; the honest tablets converge', async () => {
  const b = book();
  const [t1, t2] = [await tablet(b, 'T1'), await tablet(b, 'T2')];
  await t1.evaluate(() => window.syncTablet.genesis(['T2']));
  await waitCount(t2, 2);
  const evil = await world.tablet();
  await evil.evaluate((o) => window.syncTablet.evil(o), b);
  const cutOffs = async (t: Page) => (await t.evaluate(() => window.syncTablet.logs())).filter((l) => l.event === 'cut-off').map((l) => l.detail.split(':')[0]);
  await expect.poll(async () => [...(await cutOffs(t1)), ...(await cutOffs(t2))].sort(), { timeout: 60_000 }).toEqual(expect.arrayContaining(['garbage', 'oversized']));
  const quarantined = [...(await t1.evaluate(() => window.syncTablet.quarantine())), ...(await t2.evaluate(() => window.syncTablet.quarantine()))];
  expect(quarantined).toContainEqual({ from: 'EVIL', code: 'unbalanced' });
  console.log(`  cut-offs: T1 ${JSON.stringify(await cutOffs(t1))}, T2 ${JSON.stringify(await cutOffs(t2))}`);
  await Promise.all([post(t1, 5), post(t2, 5)]);
  await Promise.all([waitCount(t1, 12), waitCount(t2, 12)]);
  const [s1, s2] = [await summary(t1), await summary(t2)];
  expect({ ...s2, quarantined: 0 }).toEqual({ ...s1, quarantined: 0 });
});
