/**
 * A partition that cuts the network, not the app: the third tablet runs in its own
 * Chromium inside a network namespace (e2e/sync-netns.ts) and the cable to it is
 * pulled. Nobody tells the app: its WebRTC connections and its signaling socket just
 * stop carrying anything. All three keep posting; the cable goes back in; every
 * tablet must end with the same set, digest and trial balance.
 *
 *   npx playwright test e2e/sync-partition.spec.ts   (needs root for `ip netns`)
 */
import { expect, test, type Browser, type Page } from '@playwright/test';
import type { OpenOptions, Summary } from './sync-page.ts';
import { openNetnsCable, type NetnsCable } from './sync-netns.ts';
import { openPage, startSyncWorld, type SyncWorld } from './sync-serve.ts';

/**
 * Host candidates by address (the namespace cannot resolve the other side's mDNS
 * names), and the page's origin on the cable address counted as secure like
 * 127.0.0.1 (y-webrtc needs crypto.subtle for the room password).
 */
const webrtcFlags = (origin: string): string[] => ['--disable-features=WebRtcHideLocalIpsWithMdns', `--unsafely-treat-insecure-origin-as-secure=${origin}`];
/**
 * SYNC_E2E_CUT=long holds the cut until the peer connections die (about 16 s) instead
 * of 8 s. Known to fail today: after healing, y-webrtc reconnects (both sides announce
 * at once) but the sessions never open, so the tablets do not converge (see the R3 note).
 */
const LONG_CUT = process.env['SYNC_E2E_CUT'] === 'long';
let cable: NetnsCable;
let world: SyncWorld;
let inside: Browser;

test.beforeAll(async () => {
  cable = openNetnsCable();
  world = await startSyncWorld({ host: cable.hostAddress, extraFlags: webrtcFlags });
  inside = await cable.launchInside(webrtcFlags(world.origin));
});
test.afterAll(async () => {
  await inside?.close().catch(() => undefined);
  await world?.close();
  cable?.close();
});

const count = (page: Page): Promise<number> => page.evaluate(() => window.syncTablet.count());
const summary = (page: Page): Promise<Summary> => page.evaluate(() => window.syncTablet.summary(true));
const post = (page: Page, n: number, amount: number): Promise<void> => page.evaluate(([k, a]) => window.syncTablet.post(k, a), [n, amount] as const);
const peers = (page: Page): Promise<number> => page.evaluate(() => window.syncTablet.peers());

async function waitCount(page: Page, n: number, timeoutMs = 60_000): Promise<void> {
  const ms = await page.evaluate(([k, t]) => window.syncTablet.waitCount(k, t), [n, timeoutMs] as const);
  expect(ms, `a tablet reaches ${n} entries (it holds ${await count(page)})`).toBeGreaterThanOrEqual(0);
}

test('partition by a cut cable: all three post during the cut; after healing every tablet holds the same set and books', async () => {
  test.setTimeout(180_000);
  const b: Omit<OpenOptions, 'peer' | 'storage'> = { book: `NP-${Date.now().toString(36)}`, secret: 'cable-secret', signaling: [world.signaling.url] };
  const open = async (page: Page, peer: string): Promise<Page> => {
    await page.evaluate((o) => window.syncTablet.open(o), { ...b, peer, storage: 'memory' as const });
    return page;
  };
  const t1 = await open(await world.tablet(), 'T1');
  const t2 = await open(await world.tablet(), 'T2');
  const outsidePage = await (await inside.newContext()).newPage();
  await openPage(outsidePage, world.origin);
  const t3 = await open(outsidePage, 'T3');
  await expect.poll(() => peers(t3), { timeout: 30_000 }).toBe(2).catch(async (error: unknown) => {
    console.log(`peers ${await peers(t1)} ${await peers(t2)} ${await peers(t3)}; signaling ${JSON.stringify(world.signaling.stats())}`);
    throw error;
  });
  await t1.evaluate(() => window.syncTablet.genesis(['T2', 'T3']));
  await Promise.all([waitCount(t2, 3), waitCount(t3, 3)]);

  cable.cut();
  const cutAt = Date.now();
  await Promise.all([post(t1, 20, 100), post(t2, 15, 200), post(t3, 10, 300)]);
  await Promise.all([waitCount(t1, 38), waitCount(t2, 38)]);
  if (LONG_CUT) {
    // Hold the cut until both sides notice it (ICE consent fails, the peer connections close).
    await expect.poll(async () => [await peers(t1), await peers(t2), await peers(t3)], { timeout: 75_000, intervals: [500] }).toEqual([1, 1, 0]);
  } else {
    // A short cut: nothing crosses it either way, and the connections outlive it.
    await new Promise((resolve) => setTimeout(resolve, 8000));
  }
  expect(await count(t1)).toBe(38);
  expect(await count(t2)).toBe(38);
  expect(await count(t3)).toBe(13);
  console.log(`  after ${Date.now() - cutAt} ms of cut: T1 sees ${await peers(t1)} peers, T3 sees ${await peers(t3)}`);

  cable.heal();
  const healedAt = Date.now();
  await Promise.all([t1, t2, t3].map((t) => waitCount(t, 48, LONG_CUT ? 60_000 : 30_000))).catch(async (error: unknown) => {
    console.log(`peers ${await peers(t1)} ${await peers(t2)} ${await peers(t3)}; signaling ${JSON.stringify(world.signaling.stats())}; ${world.signalingLog.join('; ')}`);
    console.log(JSON.stringify(await t3.evaluate(() => [window.syncTablet.logs().slice(-10), window.syncTablet.stats()])));
    console.log(JSON.stringify(await t1.evaluate(() => [window.syncTablet.logs().slice(-10), window.syncTablet.stats()])));
    throw error;
  });
  console.log(`  healed: all three hold 48 entries ${Date.now() - healedAt} ms after the cable went back in; T3 sees ${await peers(t3)} peers`);
  const [s1, s2, s3] = [await summary(t1), await summary(t2), await summary(t3)];
  expect(s2).toEqual(s1);
  expect(s3).toEqual(s1);
  expect(s1.count).toBe(48);
  expect(s1.trial).toContain('"debitTotal":"');
});
