/**
 * Tabs of one tablet in real Chromium: two pages of one persistent browser context
 * share the IndexedDB journal, the Web Lock and the BroadcastChannel. One tab leads
 * the mesh; the other's appends reach a remote tablet through the leader; when the
 * leader closes the other takes over. And a tablet that reaches no signaling server
 * keeps appending, shares between its tabs, and catches up once signaling comes up.
 *
 *   npx playwright test e2e/sync-tabs.spec.ts
 */
import { rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { expect, test, type BrowserContext, type Page } from '@playwright/test';
import { startSignalingServer, type SignalingServer } from '../src/sync/signaling-server.ts';
import { freshProfile, launchPersistent } from './support/chromium.ts';
import type { OpenOptions, Summary } from './sync-page.ts';
import { openPage, startSyncWorld, type SyncWorld } from './sync-serve.ts';

type Book = Omit<OpenOptions, 'peer' | 'storage'>;
let world: SyncWorld;
let bookNo = 0;

test.beforeAll(async () => {
  world = await startSyncWorld();
});
test.afterAll(async () => {
  await world?.close();
});

function book(signaling = [world.signaling.url]): Book {
  bookNo++;
  return { book: `TB${bookNo}-${Date.now().toString(36)}`, secret: `secret-${bookNo}`, signaling };
}

/** A tab of `context` with the harness open on the tablet `peer`'s IndexedDB journal. */
async function tab(context: BrowserContext, b: Book, peer: string): Promise<Page> {
  const page = await context.newPage();
  page.on('pageerror', (error) => console.log(`[page error] ${error.message}`));
  await openPage(page, world.origin);
  await page.evaluate((o) => window.syncTablet.open(o), { ...b, peer, storage: 'idb' as const });
  return page;
}

/** A tablet of its own (a fresh browser context of the world's Chromium). */
async function tablet(b: Book, peer: string): Promise<Page> {
  const page = await world.tablet();
  await page.evaluate((o) => window.syncTablet.open(o), { ...b, peer, storage: 'idb' as const });
  return page;
}

const summary = (page: Page): Promise<Summary> => page.evaluate(() => window.syncTablet.summary(true));
const count = (page: Page): Promise<number> => page.evaluate(() => window.syncTablet.count());
const post = (page: Page, n: number, amount = 100): Promise<void> => page.evaluate(([k, a]) => window.syncTablet.post(k, a), [n, amount] as const);
const peers = (page: Page): Promise<number> => page.evaluate(() => window.syncTablet.peers());
const leading = (page: Page): Promise<boolean> => page.evaluate(() => window.syncTablet.leading());
const fromOtherTabs = (page: Page): Promise<number> => page.evaluate(() => window.syncTablet.fromOtherTabs());
/** Sessions the remote holds, by the device at the other end. */
const sessionPeers = async (page: Page): Promise<string[]> => (await page.evaluate(() => window.syncTablet.stats())).map((s) => s.peer ?? '?');

async function waitCount(page: Page, n: number, timeoutMs = 60_000): Promise<void> {
  const ms = await page.evaluate(([k, t]) => window.syncTablet.waitCount(k, t), [n, timeoutMs] as const);
  expect(ms, `a tab reaches ${n} entries (it holds ${await count(page)})`).toBeGreaterThanOrEqual(0);
}

async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  await new Promise((resolve) => server.close(resolve));
  if (address === null || typeof address === 'string') throw new Error('no port');
  return address.port;
}

test('two tabs of one tablet: one leads the mesh, the other posts through it, and takes over when the leader closes', async () => {
  test.setTimeout(120_000);
  const profile = freshProfile('sync-tabs');
  const context = await launchPersistent(profile);
  try {
    const b = book();
    const a = await tab(context, b, 'T1');
    await expect.poll(() => leading(a)).toBe(true);
    const second = await tab(context, b, 'T1');
    const remote = await tablet(b, 'T2');
    await expect.poll(() => peers(a), { timeout: 20_000 }).toBe(1);
    // The second tab waits for the lock: it runs no mesh and connects to nobody.
    expect(await leading(second)).toBe(false);
    expect(await peers(second)).toBe(0);
    await a.evaluate(() => window.syncTablet.genesis(['T2']));
    await waitCount(remote, 2, 20_000);
    // Appends of the second tab reach the remote tablet through the leader.
    await post(second, 10, 100);
    await waitCount(remote, 12, 20_000);
    // The leader heard of the second tab's appends (over the tab channel or its journal's discovery, once).
    expect(await fromOtherTabs(a)).toBeLessThanOrEqual(10);
    // The remote's entries reach both tabs (one ingest, in the leader; the other hears of it).
    await post(remote, 3, 700);
    await waitCount(a, 15, 20_000);
    await waitCount(second, 15, 20_000);
    // No duplicate work: the remote saw one device over one session, and nothing crossed the wire twice either way.
    expect(await sessionPeers(remote)).toEqual(['T1']);
    const remoteStats = await remote.evaluate(() => window.syncTablet.stats());
    expect(remoteStats[0]!.duplicates).toBe(0);
    expect(remoteStats[0]!.entriesIn).toBe(12);
    const leaderStats = await a.evaluate(() => window.syncTablet.stats());
    expect(leaderStats.map((st) => [st.peer, st.entriesIn, st.duplicates])).toEqual([['T2', 3, 0]]);
    expect(await peers(second)).toBe(0);

    // The leading tab closes: the second takes the lock, connects, and sync goes on.
    await a.close();
    await expect.poll(() => leading(second), { timeout: 10_000 }).toBe(true);
    await expect.poll(() => peers(second), { timeout: 30_000 }).toBe(1);
    await post(second, 4, 300);
    await post(remote, 2, 900);
    await waitCount(remote, 21, 30_000);
    await waitCount(second, 21, 30_000);
    await expect.poll(() => sessionPeers(remote), { timeout: 20_000 }).toEqual(['T1']);
    const [s1, s2] = [await summary(second), await summary(remote)];
    expect(s2).toEqual(s1);
    expect(s1.count).toBe(21);
    expect(s1.quarantined).toBe(0);
  } finally {
    await context.close();
    rmSync(profile, { recursive: true, force: true });
  }
});

test('no signaling server reachable: a tablet keeps appending, its tabs share, and it catches up when signaling comes up', async () => {
  test.setTimeout(120_000);
  const port = await freePort();
  const url = `ws://127.0.0.1:${port}`;
  const b = book([url]);
  const context = await world.browser.newContext();
  let late: SignalingServer | undefined;
  try {
    const a = await tab(context, b, 'T1');
    const second = await tab(context, b, 'T1');
    await a.evaluate(() => window.syncTablet.genesis(['T2']));
    await post(a, 5, 100);
    await post(second, 5, 200);
    // Each tab hears of the other's appends over BroadcastChannel, with no network.
    await expect.poll(() => count(second), { timeout: 10_000 }).toBe(12);
    await expect.poll(() => count(a), { timeout: 10_000 }).toBe(12);
    const remote = await tablet(b, 'T2');
    // Nobody can meet: both stay alone and keep working locally.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    expect(await peers(a)).toBe(0);
    expect(await count(remote)).toBe(0);

    // Signaling comes up on the address the tablets were given: they find each other.
    late = await startSignalingServer({ port });
    await expect.poll(async () => (await peers(a)) + (await peers(second)), { timeout: 30_000 }).toBe(1);
    await waitCount(remote, 12, 30_000);
    await post(remote, 3, 500);
    await waitCount(second, 15, 30_000);
    const [s1, s2] = [await summary(a), await summary(remote)];
    expect(s2).toEqual(s1);
    expect(s1.count).toBe(15);
  } finally {
    await context.close();
    await late?.close();
  }
});
