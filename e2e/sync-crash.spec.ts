/**
 * A crash, not a reload: a tablet's whole Chromium is SIGKILLed in the middle of a
 * catch-up of thousands of entries (no unload, no flush, no goodbye to the peer),
 * relaunched on the same profile, and must catch up with nothing lost or duplicated.
 *
 *   npx playwright test e2e/sync-crash.spec.ts
 */
import { rmSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import { firstPage, freshProfile, spawnChromium, type OwnedChromium } from './support/chromium.ts';
import type { OpenOptions, Summary } from './sync-page.ts';
import { openPage, startSyncWorld, type SyncWorld } from './sync-serve.ts';

let world: SyncWorld;
const SEEDED = 6000;

test.beforeAll(async () => {
  world = await startSyncWorld();
});
test.afterAll(async () => {
  await world?.close();
});

const count = (page: Page): Promise<number> => page.evaluate(() => window.syncTablet.count());
const summary = (page: Page): Promise<Summary> => page.evaluate(() => window.syncTablet.summary(false));

async function openTablet(owned: OwnedChromium, o: OpenOptions): Promise<Page> {
  const page = await firstPage(owned.context);
  await openPage(page, world.origin);
  await page.evaluate((opts) => window.syncTablet.open(opts), o);
  return page;
}

test('a tablet whose browser is SIGKILLed mid-sync catches up after relaunch: nothing lost, nothing duplicated', async () => {
  test.setTimeout(150_000);
  const b = { book: `CR-${Date.now().toString(36)}`, secret: 'crash-secret', signaling: [world.signaling.url] };
  const t1 = await world.tablet();
  await t1.evaluate((o) => window.syncTablet.open(o), { ...b, peer: 'T1', storage: 'memory' as const });
  await t1.evaluate(() => window.syncTablet.genesis(['T2', 'S1']));
  await t1.evaluate((n) => window.syncTablet.seed('S1', n), SEEDED);
  const total = SEEDED + 3;
  expect(await count(t1)).toBe(total);

  const profile = freshProfile('sync-crash');
  let owned: OwnedChromium | undefined = await spawnChromium(profile);
  try {
    const t2 = await openTablet(owned, { ...b, peer: 'T2', storage: 'idb' });
    // Kill as soon as part of the book has arrived.
    await expect.poll(() => count(t2), { timeout: 60_000, intervals: [50] }).toBeGreaterThanOrEqual(300);
    await owned.kill();
    owned = undefined;
    // Meanwhile the book moves on.
    await t1.evaluate(() => window.syncTablet.post(5));

    owned = await spawnChromium(profile);
    const again = await openTablet(owned, { ...b, peer: 'T2', storage: 'idb' });
    const survived = await count(again);
    console.log(`  killed mid-sync; ${survived} of ${total} entries survived the crash in IndexedDB`);
    expect(survived).toBeLessThan(total);
    const ms = await again.evaluate((n) => window.syncTablet.waitCount(n, 90_000), total + 5);
    expect(ms, `the relaunched tablet catches up (it holds ${await count(again)})`).toBeGreaterThanOrEqual(0);
    const [s1, s2] = [await summary(t1), await summary(again)];
    expect(s2).toEqual(s1);
    expect(s2.count).toBe(total + 5);
    expect(s2.quarantined).toBe(0);
    // Still live after the catch-up: a new entry on the relaunched tablet reaches the other.
    await again.evaluate(() => window.syncTablet.post(1, 4242));
    expect(await t1.evaluate((n) => window.syncTablet.waitCount(n, 20_000), total + 6)).toBeGreaterThanOrEqual(0);
  } finally {
    await owned?.browser.close().catch(() => undefined);
    await owned?.kill();
    rmSync(profile, { recursive: true, force: true });
  }
});
