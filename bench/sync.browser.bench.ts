/**
 * Sync tablet to tablet in Chromium: each tablet its own browser context, real WebRTC
 * data channels, the project's signaling server. Catch-up of 10k and 100k entries
 * (memory journals, and 10k into IndexedDB), beside y-webrtc's own document sync as
 * the baseline: 10k entries written live in transactions of 100, and a late joiner
 * of a 1k-entry document (one message) and of a 10k one (over SCTP's limit).
 *
 *   npx tsx bench/sync.browser.bench.ts   (alone)
 *   npm run bench -- sync                 (through the runner)
 *
 * Goals (issue 4): 10k < 1 s, 100k < 8 s; wire bytes <= 1.3x canonical.
 */
import { pathToFileURL } from 'node:url';
import type { Page } from 'playwright-core';
import { startSyncWorld, type SyncWorld } from '../e2e/sync-serve.ts';
import { heading } from './lib.ts';

async function open(world: SyncWorld, book: string, peer: string, storage: 'memory' | 'idb'): Promise<Page> {
  const page = await world.tablet();
  await page.evaluate((o) => window.syncTablet.open(o), { book, peer, storage, secret: 'bench', signaling: [world.signaling.url] });
  return page;
}

async function ours(world: SyncWorld, count: number, storage: 'memory' | 'idb'): Promise<void> {
  const book = `bench-${count}-${storage}-${Date.now().toString(36)}`;
  const a = await open(world, book, 'T1', 'memory');
  const seedMs = await a.evaluate((n) => window.syncTablet.seed('S1', n), count);
  const b = await open(world, book, 'T2', storage);
  const ms = await b.evaluate((n) => window.syncTablet.waitCount(n, 300_000), count);
  const stats = await b.evaluate(() => window.syncTablet.stats());
  const bytes = stats.reduce((n, s) => n + s.bytesIn, 0);
  const canonical = stats.reduce((n, s) => n + s.entryBytesIn, 0);
  const goal = count <= 10_000 ? '< 1 s' : '< 8 s';
  const aloneMs = await b.evaluate(([n, s]) => window.syncTablet.ingestAlone(n, s), [count, storage] as const);
  console.log(
    `  ours: ${String(count).padStart(6)} entries into ${storage.padEnd(6)} ${ms < 0 ? 'DID NOT FINISH' : `${ms.toFixed(0).padStart(6)} ms`}  ` +
      `(${((count / ms) * 1000).toFixed(0)} entries/s; wire ${(bytes / canonical).toFixed(3)}x canonical; seeding the source took ${seedMs.toFixed(0)} ms)  goal: ${goal}`,
  );
  console.log(
    `        baseline "ingest alone" into a fresh ${storage} journal in the same page: ${aloneMs.toFixed(0)} ms -> the catch-up takes ${(ms / aloneMs).toFixed(2)}x its time`,
  );
  await a.context().close();
  await b.context().close();
}

async function baseline(world: SyncWorld, count: number, perTransaction: number, late: boolean): Promise<void> {
  const room = `baseline-${count}-${perTransaction}-${late}-${Date.now().toString(36)}`;
  const signaling = [world.signaling.url];
  const writer = await world.tablet();
  const reader = await world.tablet();
  let ms: number;
  const timeoutMs = late ? 20_000 : 60_000;
  if (late) {
    await writer.evaluate((o) => window.syncTablet.baselineWriter(o), { room, signaling, count, perTransaction, startAfterPeers: 0 });
    ms = await reader.evaluate((o) => window.syncTablet.baselineReader(o), { room, signaling, count, timeoutMs });
  } else {
    const done = reader.evaluate((o) => window.syncTablet.baselineReader(o), { room, signaling, count, timeoutMs });
    await writer.evaluate((o) => window.syncTablet.baselineWriter(o), { room, signaling, count, perTransaction, startAfterPeers: 1 });
    ms = await done;
  }
  const how = late ? `late joiner of a ${count}-entry document` : `${count} entries written live in transactions of ${perTransaction}`;
  console.log(`  y-webrtc: ${how.padEnd(52)} ${ms < 0 ? `NEVER ARRIVED (waited ${timeoutMs / 1000} s)` : `${ms.toFixed(0)} ms (from the reader joining)`}`);
  await writer.context().close();
  await reader.context().close();
}

export async function run(): Promise<void> {
  const world = await startSyncWorld();
  try {
    heading('catch-up tablet to tablet over WebRTC (headless Chromium, separate contexts)');
    await ours(world, 10_000, 'memory');
    await ours(world, 10_000, 'idb');
    await ours(world, 100_000, 'memory');
    heading("baseline: y-webrtc's own sync of a Y.Map id -> entry text");
    await baseline(world, 10_000, 100, false);
    await baseline(world, 400, 400, true);
    await baseline(world, 1_000, 1_000, true);
    await baseline(world, 10_000, 10_000, true);
  } finally {
    await world.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run();
}
