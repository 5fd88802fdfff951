/**
 * The journal in real Chromium, on a persistent profile (on disk, as on a tablet):
 * the shared conformance suite, survival across reloads and restarts, a browser
 * killed in the middle of a stream of appends, a forced quota error, and the
 * storage guardrails.
 *
 *   npx playwright test e2e/journal.spec.ts
 *   DAYBOOK_PROPERTY_RUNS=100 npx playwright test e2e/journal.spec.ts   (quicker property cases)
 */
import type { Page } from '@playwright/test';
import type { Snapshot, StreamDetail } from './harness/journal-page.ts';
import { firstPage, grantDurableStorage, launchPersistent, overrideQuota, spawnChromium } from './support/chromium.ts';
import { propertyRuns } from '../src/testing/runs.ts';
import { expect, openHarness, test } from './support/fixtures.ts';

type StreamDetailOf = StreamDetail & { kind: string };

const snapshot = (page: Page): Promise<Snapshot> => page.evaluate(() => window.daybook.snapshot());

/** The device's entries form one chain: seq 1..n, each prev the id before it. */
function expectOneChain(snap: Snapshot): void {
  const mine = snap.entries.filter((e) => e.peer === snap.device.peer).sort((x, y) => x.seq - y.seq);
  expect(mine.map((e) => e.seq)).toEqual(Array.from({ length: mine.length }, (_, i) => i + 1));
  mine.forEach((e, i) => expect(e.prev, `prev of seq ${e.seq}`).toBe(i === 0 ? null : mine[i - 1]!.id));
  expect([snap.device.seq, snap.device.head]).toEqual([mine.length, mine.at(-1)?.id ?? null]);
}

test('the shared conformance suite passes on Chromium IndexedDB', async ({ harness, profile }) => {
  // Every property run opens and deletes real databases: 1,000 runs take a minute or two.
  test.setTimeout(900_000);
  const context = await launchPersistent(profile);
  try {
    const page = await firstPage(context);
    await openHarness(page, harness);
    const results = await page.evaluate((runs) => window.daybook.conformance(runs), propertyRuns());
    for (const r of results) console.log(`  ${r.ok ? 'ok  ' : 'FAIL'} ${r.ms.toFixed(0).padStart(6)} ms  ${r.name}`);
    expect(results.length).toBeGreaterThan(25);
    expect(results.filter((r) => !r.ok)).toEqual([]);
  } finally {
    await context.close();
  }
});

test('appended entries and saved drafts survive a reload and a browser restart', async ({ harness, profile }) => {
  let context = await launchPersistent(profile);
  try {
    let page = await firstPage(context);
    await openHarness(page, harness, 4);
    for (let i = 1; i <= 9; i++) await page.evaluate((n) => window.daybook.append(n), i);
    const saved = await page.evaluate(async () => window.daybook.saveDraft(await window.daybook.createDraft(42)));
    const pending = await page.evaluate(() => window.daybook.createDraft(43));
    const before = await snapshot(page);
    expect(before.count).toBe(10);
    expect(before.entries.at(-1)).toMatchObject({ seq: 10, id: saved.id });
    expect(before.drafts.map((d) => d.id)).toEqual([pending]);
    expect(before.blocks).toBe(2);

    await page.reload();
    await openHarness(page, harness, 4);
    expect(await snapshot(page)).toEqual(before);

    await context.close();
    context = await launchPersistent(profile);
    page = await firstPage(context);
    await openHarness(page, harness, 4);
    const after = await snapshot(page);
    expect(after).toEqual(before);
    expect([after.allValid, after.storedMatches, after.layoutHolds]).toEqual([true, true, true]);
    expectOneChain(after);
    expect(await page.evaluate(() => window.daybook.append(1))).toMatchObject({ seq: 11 });
  } finally {
    await context.close();
  }
});

test('a browser killed in the middle of appends keeps every resolved one, with no gap and nothing half written', async ({ harness, profile }) => {
  test.setTimeout(600_000);
  const heard: StreamDetailOf[] = [];
  for (let round = 1; round <= 3; round++) {
    const owned = await spawnChromium(profile);
    const page = await firstPage(owned.context);
    await page.exposeFunction('daybookReport', (kind: string, detail: StreamDetail) => {
      heard.push({ kind, ...detail });
    });
    await openHarness(page, harness, 16);
    const start = heard.length;
    const target = start + 60 + Math.floor(Math.random() * 120);
    // The stream never returns: it ends when the browser dies under it.
    page
      .evaluate(() => window.daybook.stream((kind, detail) => (window as unknown as { daybookReport: (k: string, d: unknown) => Promise<void> }).daybookReport(kind, detail)))
      .catch(() => undefined);
    await expect.poll(() => heard.length, { timeout: 120_000, intervals: [20] }).toBeGreaterThanOrEqual(target);
    await owned.kill();
    heard.push({ kind: 'round' });
    console.log(`  round ${round}: killed after ${heard.length - start} resolved writes`);

    const context = await launchPersistent(profile);
    try {
      const again = await firstPage(context);
      await openHarness(again, harness, 16);
      checkAfterCrash(await snapshot(again), heard);
    } finally {
      await context.close();
    }
  }
});

/**
 * Everything that resolved is there; at most the one write in flight is there
 * too, and whole; seqs are 1..n; and every draft is either still a draft or the
 * entry it became, never both and never neither.
 */
function checkAfterCrash(snap: Snapshot, heard: readonly StreamDetailOf[]): void {
  const resolved = heard.filter((h) => h.kind === 'append' || h.kind === 'saved');
  const held = new Map(snap.entries.map((e) => [e.id, e]));
  for (const r of resolved) expect(held.get(r.id!), `resolved seq ${r.seq} is held`).toMatchObject({ seq: r.seq });
  expectOneChain(snap);
  expect([snap.allValid, snap.storedMatches, snap.layoutHolds]).toEqual([true, true, true]);
  // One write was in flight per kill; it may have committed without being heard.
  const unheard = snap.entries.filter((e) => !resolved.some((r) => r.id === e.id));
  expect(unheard.length, 'at most one write in flight per kill').toBeLessThanOrEqual(heard.filter((h) => h.kind === 'round').length);
  const entryTags = snap.entries.map((e) => e.memo).filter((m) => m !== '');
  const draftTags = snap.drafts.map((d) => d.memo);
  for (const d of heard.filter((h) => h.kind === 'draft')) {
    const asEntry = entryTags.filter((t) => t === d.tag).length;
    const asDraft = draftTags.filter((t) => t === d.tag).length;
    expect(asEntry + asDraft, `draft ${d.tag}: exactly one of draft or entry`).toBe(1);
  }
  for (const tag of draftTags) expect(entryTags.includes(tag), `draft ${tag} is not also an entry`).toBe(false);
}

test('two tabs appending at once share one chain, and each hears the other', async ({ harness, profile }) => {
  const context = await launchPersistent(profile);
  try {
    const [a, b] = [await firstPage(context), await context.newPage()];
    await openHarness(a, harness, 8);
    await openHarness(b, harness, 8);
    await Promise.all([a.evaluate(() => window.daybook.load()), b.evaluate(() => window.daybook.load())]);
    const appendAll = (page: Page) => page.evaluate(() => Promise.all(Array.from({ length: 30 }, (_, i) => window.daybook.append(i + 1))));
    const [fromA, fromB] = await Promise.all([appendAll(a), appendAll(b)]);
    const seqs = [...fromA, ...fromB].map((e) => e.seq).sort((x, y) => x - y);
    expect(seqs).toEqual(Array.from({ length: 60 }, (_, i) => i + 1));
    const snap = await snapshot(a);
    expect([snap.count, snap.allValid, snap.storedMatches, snap.layoutHolds]).toEqual([60, true, true, true]);
    expectOneChain(snap);
    const all = [...fromA, ...fromB].map((e) => e.id).sort();
    // Each tab heard its own entries at once and the other tab's after its broadcast.
    await expect.poll(async () => (await a.evaluate(() => window.daybook.heard())).sort()).toEqual(all);
    await expect.poll(async () => (await b.evaluate(() => window.daybook.heard())).sort()).toEqual(all);
  } finally {
    await context.close();
  }
});

test('a forced quota error is a JournalQuotaError and leaves the journal intact', async ({ harness, profile }) => {
  const context = await launchPersistent(profile);
  try {
    const page = await firstPage(context);
    // Chromium reads an origin's quota when its database connection opens: override first.
    await page.goto(harness.url('journal'));
    await overrideQuota(page, harness.origin, 512 * 1024);
    await openHarness(page, harness, 8);
    for (let i = 1; i <= 5; i++) await page.evaluate((n) => window.daybook.append(n), i);
    const outcome = await page.evaluate(async () => {
      for (let i = 0; i < 2000; i++) {
        try {
          await window.daybook.appendLarge();
        } catch (error) {
          const e = error as { name: string; code?: string };
          return { appended: i, name: e.name, code: e.code };
        }
      }
      return { appended: 2000, name: 'none' };
    });
    console.log(`  quota reached after ${outcome.appended} large appends: ${outcome.name}`);
    expect(outcome).toMatchObject({ name: 'JournalQuotaError', code: 'quota' });
    const after = await snapshot(page);
    expect(after.count).toBe(5 + outcome.appended);
    expect(after.device.seq).toBe(after.count);
    expect([after.allValid, after.storedMatches, after.layoutHolds]).toEqual([true, true, true]);
    // Still full: the next write fails the same way, and writes nothing either.
    expect(await page.evaluate(() => window.daybook.appendLarge().catch((e: Error) => e.name))).toBe('JournalQuotaError');
    expect((await snapshot(page)).entries).toEqual(after.entries);
    await overrideQuota(page, harness.origin, undefined);
    await openHarness(page, harness, 8);
    expect(await page.evaluate(() => window.daybook.append(1))).toMatchObject({ seq: after.count + 1 });
  } finally {
    await context.close();
  }
});

test('persist() reports the browser answer and storageStatus() the usage', async ({ harness, profile }) => {
  const context = await launchPersistent(profile);
  try {
    const page = await firstPage(context);
    await openHarness(page, harness);
    await grantDurableStorage(page, harness.origin);
    expect(await page.evaluate(() => window.daybook.persist())).toBe(true);
    await page.evaluate(() => window.daybook.append(5));
    const status = (await page.evaluate(() => window.daybook.storageStatus())) as { persisted: boolean; usageBytes: number; quotaBytes: number };
    expect(status.persisted).toBe(true);
    expect(status.usageBytes).toBeGreaterThan(0);
    expect(status.quotaBytes).toBeGreaterThan(status.usageBytes);
  } finally {
    await context.close();
  }
});
