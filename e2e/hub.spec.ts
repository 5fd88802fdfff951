/**
 * The hub's end-to-end proof (issue 5): two tablets (Chromium contexts) and a store
 * hub process (`daybook hub`, PGlite) whose cloud hub is unreachable post entries and
 * keep syncing through the store hub; then the cloud hub comes up and receives every
 * entry exactly once; the store hub is SIGKILLed mid-upload and restarted on its
 * database: still exactly once (rows counted in the cloud's own database); the
 * cloud's trial balance equals the tablets'.
 *
 *   npx playwright test e2e/hub.spec.ts
 */
import { expect, test, type Page } from '@playwright/test';
import { openDatabase } from '../src/hub/db.ts';
import type { HubTabletSummary } from './hub-page.ts';
import { freePort, hubProcess, removeData, startHubWorld, type HubProcess, type HubWorld } from './hub-world.ts';

let world: HubWorld;
const hubs: HubProcess[] = [];
/**
 * Sales each tablet posts while the cloud is down (HUB_E2E_POSTS overrides). The
 * outage must be well over what one connection has in flight (the credit window, 64
 * frames of about 48 sales), or the cloud could drain everything from its socket
 * after the kill and the restart would prove nothing.
 */
const POSTS = Number(process.env['HUB_E2E_POSTS'] ?? 3000);
const AS_OF = '2030-01-01';

test.beforeAll(async () => {
  world = await startHubWorld();
});
test.afterAll(async () => {
  for (const hub of hubs) await hub.kill();
  await world?.close();
});

async function journalTotal(hub: HubProcess, book: string): Promise<number> {
  const res = await fetch(`${hub.url}/api/books/${encodeURIComponent(book)}/journal?limit=1`).catch(() => undefined);
  if (res === undefined || !res.ok) return -1;
  return ((await res.json()) as { total: number }).total;
}

async function waitCount(page: Page, n: number, timeoutMs = 120_000): Promise<void> {
  const ms = await page.evaluate(([k, t]) => window.hubTablet.waitCount(k, t), [n, timeoutMs] as const);
  expect(ms, `a tablet reaches ${n} entries (it holds ${await page.evaluate(() => window.hubTablet.count())})`).toBeGreaterThanOrEqual(0);
}

interface UpstreamLine {
  book: string;
  state: string;
  waiting: number | null;
}

/** The store hub's upstream state of `book`, from its /health. */
async function upstreamOf(hub: HubProcess, book: string): Promise<UpstreamLine | undefined> {
  const res = await fetch(`${hub.url}/health`).catch(() => undefined);
  if (res === undefined || !res.ok) return undefined;
  return ((await res.json()) as { upstream?: UpstreamLine[] }).upstream?.find((u) => u.book === book);
}

const post = (page: Page, n: number, amount: number): Promise<void> => page.evaluate(([k, a]) => window.hubTablet.post(k, a), [n, amount] as const);
const summary = (page: Page): Promise<HubTabletSummary> => page.evaluate((d) => window.hubTablet.summary(d), AS_OF);

test('tablets sync through the store hub while the cloud is down; the cloud then gets every entry exactly once, across a store hub SIGKILL', async () => {
  test.setTimeout(600_000);
  const [storePort, cloudPort] = [await freePort(), await freePort()];
  const cloud = hubProcess('cloud', cloudPort);
  const store = hubProcess('store', storePort, cloud.url);
  hubs.push(store, cloud);
  await store.start();

  const book = `shop-${Date.now().toString(36)}`;
  const open = { book, secret: 'store-secret', signaling: [`ws://127.0.0.1:${storePort}/signaling`], hubs: [`ws://127.0.0.1:${storePort}/sync/${book}`] };
  const [t1, t2] = [await world.tablet(), await world.tablet()];
  await t1.evaluate((o) => window.hubTablet.open(o), { ...open, peer: 'T1' });
  await t2.evaluate((o) => window.hubTablet.open(o), { ...open, peer: 'T2' });
  await expect.poll(() => t1.evaluate(() => window.hubTablet.hubStates()), { timeout: 20_000 }).toEqual(['open']);

  // 1. The cloud is unreachable: the tablets post, and keep in sync through the store hub.
  await t1.evaluate(() => window.hubTablet.genesis(['T2']));
  // The book and one join.
  const genesis = 2;
  await waitCount(t2, genesis);
  await Promise.all([post(t1, POSTS, 100), post(t2, POSTS, 7)]);
  const outage = genesis + 2 * POSTS;
  await Promise.all([waitCount(t1, outage), waitCount(t2, outage)]);
  await expect.poll(() => journalTotal(store, book), { timeout: 120_000 }).toBe(outage);
  expect(await journalTotal(cloud, book)).toBe(-1);
  // The store hub looks for new books every few seconds (upstreamLimits.scanIntervalMs):
  // wait until it dials the cloud for this one, then read its state.
  await expect.poll(async () => (await upstreamOf(store, book)) !== undefined, { timeout: 30_000 }).toBe(true);
  const down = await upstreamOf(store, book);
  expect(down?.state).not.toBe('open');
  expect(down?.waiting).toBeNull();

  // 2. The cloud comes up; the store hub uploads. Mid-upload, the store hub is SIGKILLed.
  await cloud.start();
  let seenMidUpload = -1;
  await expect
    .poll(
      async () => {
        seenMidUpload = await journalTotal(cloud, book);
        return seenMidUpload > 0;
      },
      { timeout: 120_000, intervals: [20] },
    )
    .toBe(true);
  await store.kill();
  const atKill = await journalTotal(cloud, book);
  // The cloud still ingests the frames that were in flight; once it settles, the rest can only come from the restarted store hub.
  let drained = atKill;
  for (let still = 0; still < 10; ) {
    await new Promise((r) => setTimeout(r, 200));
    const now = await journalTotal(cloud, book);
    still = now === drained ? still + 1 : 0;
    drained = now;
  }
  console.log(`  store hub SIGKILLed with the cloud holding ${atKill} of ${outage} entries, ${drained} once it drained its socket`);
  expect(drained).toBeLessThan(outage);

  // 3. While it is down the tablets keep posting (they still reach each other over WebRTC); then it restarts on its database.
  await Promise.all([post(t1, 20, 1000), post(t2, 20, 2000)]);
  const total = outage + 40;
  await Promise.all([waitCount(t1, total), waitCount(t2, total)]);
  await store.start();
  await expect.poll(() => journalTotal(store, book), { timeout: 120_000 }).toBe(total);
  await expect.poll(() => journalTotal(cloud, book), { timeout: 180_000 }).toBe(total);
  // The store hub reports it: connected, nothing waiting.
  await expect.poll(() => upstreamOf(store, book), { timeout: 30_000 }).toEqual({ book, state: 'open', waiting: 0 });

  // 4. The cloud's books equal the tablets'.
  const [s1, s2] = [await summary(t1), await summary(t2)];
  expect(s2).toEqual(s1);
  expect(s1.count).toBe(total);
  const res = await fetch(`${cloud.url}/api/books/${book}/trial-balance?asOf=${AS_OF.slice(0, 10)}`);
  const { asOf, lines, debitTotal, creditTotal } = (await res.json()) as Record<string, unknown>;
  expect(JSON.stringify({ asOf, lines, debitTotal, creditTotal })).toBe(s1.trial);

  // 5. Exactly once, counted in the cloud's own database: one row per entry, no id twice.
  await Promise.all([t1.evaluate(() => window.hubTablet.close()), t2.evaluate(() => window.hubTablet.close())]);
  await store.stop();
  await cloud.stop();
  const db = await openDatabase({ dataDir: cloud.dataDir });
  try {
    const { rows } = await db.query<{ rows: string; ids: string }>(`SELECT count(*)::text AS rows, count(DISTINCT id)::text AS ids FROM ${db.tables.entries} WHERE book = $1`, [book]);
    expect(rows[0]).toEqual({ rows: String(total), ids: String(total) });
  } finally {
    await db.close();
  }
  removeData(store);
  removeData(cloud);
});
