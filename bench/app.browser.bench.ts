/**
 * The app as a tablet loads it (issue #6), from the built dist/ in headless
 * Chromium on a persistent profile, each figure beside a baseline of the same run:
 *
 * - initial JavaScript, gzipped: the entry chunk index.html loads and every chunk it
 *   imports statically (what runs before the first interaction; screens loaded
 *   lazily do not count), from Vite's build manifest. Goal: at most 120 KB. Baseline:
 *   the smallest Preact app (render one element), bundled and minified the same way.
 * - time to interactive on a reload with 100k entries in the journal: from the
 *   navigation's start until the Journal screen shows its first rows (or the page
 *   sets `<html data-ready="true">`, whichever comes first). Goal: under 1.5 s.
 *   Baseline: a reload of a blank page on the same origin, with the same IndexedDB.
 *
 *   npx tsx bench/app.browser.bench.ts        (alone)
 *   npm run bench -- app                      (through the runner)
 *
 * Environment: DAYBOOK_BENCH_ENTRIES (default 100000) entries to fill.
 */
import { readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { gzipSync } from 'node:zlib';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';
import { encodeEntry, makeDevEntry } from '../src/core/entry.ts';
import { formatHlc } from '../src/core/hlc.ts';
import { newBook } from '../src/core/testing/build.ts';
import type { BookId, BusinessDate, Entry, EntryId, PeerId, Posting, TxnBody } from '../src/core/types.ts';
import type { QueryStore } from '../src/query/store.ts';
import { DIST, ensureDist, REPO, serveApp, waitForControl } from '../e2e/support/app-server.ts';
import { firstPage, freshProfile, launchPersistent } from '../e2e/support/chromium.ts';
import { heading, median, report, type Measured } from './lib.ts';

const RUNS = 5;
const ENTRIES = Number(process.env['DAYBOOK_BENCH_ENTRIES'] ?? 100_000);
/** Entries handed to the page per evaluate call (about 6 MB of text). */
const INGEST_CHUNK = 20_000;
const BOOK = 'bench-book' as BookId;
const START_MS = 1_740_819_600_000;
const initialJsGoalBytes = 120 * 1024;
const interactiveGoalMs = 1500;
/** A navigation to a path under /api is not answered with the app shell by the service worker (service-worker/routes.ts): the blank baseline page lives there. */
const BLANK_PATH = '/api/bench-blank';
/** The journal's rows, as the Journal screen renders them (app/screens/journal.tsx). */
const ROW_SELECTOR = '[role="list"][aria-label="Entries"] [role="listitem"]';

interface ViteManifestChunk {
  file: string;
  isEntry?: boolean;
  imports?: string[];
  dynamicImports?: string[];
  css?: string[];
}

function gzipBytes(path: string): number {
  return gzipSync(readFileSync(path), { level: 9 }).length;
}

function kb(bytes: number): string {
  return `${(bytes / 1024).toFixed(1)} KB`;
}

/** The entry chunk and its static imports, transitively (Vite's manifest keys). */
function initialChunks(manifest: Record<string, ViteManifestChunk>): string[] {
  const entry = Object.keys(manifest).find((key) => manifest[key]!.isEntry === true);
  if (entry === undefined) throw new Error('the build manifest names no entry');
  const seen = new Set<string>();
  const visit = (key: string): void => {
    if (seen.has(key)) return;
    seen.add(key);
    for (const next of manifest[key]?.imports ?? []) visit(next);
  };
  visit(entry);
  return [...seen];
}

/** Gzipped size of the smallest Preact app, bundled and minified like ours. */
async function preactFloorBytes(): Promise<number> {
  const result = await build({
    stdin: { contents: "import { render, h } from 'preact'; render(h('p', null, 'daybook'), document.body);", resolveDir: REPO, loader: 'js' },
    bundle: true,
    minify: true,
    format: 'esm',
    write: false,
    logLevel: 'warning',
  });
  return gzipSync(Buffer.from(result.outputFiles[0]!.contents), { level: 9 }).length;
}

async function initialJavaScript(): Promise<void> {
  heading('Initial JavaScript of the app, gzipped (entry chunk + its static imports; lazy screens excluded)');
  const manifest = JSON.parse(readFileSync(join(DIST, '.vite', 'manifest.json'), 'utf8')) as Record<string, ViteManifestChunk>;
  const initial = initialChunks(manifest);
  let total = 0;
  let css = 0;
  for (const key of initial) {
    const chunk = manifest[key]!;
    const bytes = gzipBytes(join(DIST, chunk.file));
    total += bytes;
    for (const sheet of chunk.css ?? []) css += gzipBytes(join(DIST, sheet));
    console.log(`  ${chunk.file.padEnd(52)} ${kb(bytes).padStart(10)}`);
  }
  const lazy = Object.values(manifest).filter((c, i) => !initial.includes(Object.keys(manifest)[i]!) && c.file.endsWith('.js'));
  const lazyBytes = lazy.reduce((sum, c) => sum + gzipBytes(join(DIST, c.file)), 0);
  const floor = await preactFloorBytes();
  console.log(`  initial JavaScript total                             ${kb(total).padStart(10)}   goal: at most ${kb(initialJsGoalBytes)} (${total <= initialJsGoalBytes ? 'met' : 'NOT met'})`);
  console.log(`  baseline: the smallest Preact app                    ${kb(floor).padStart(10)}   ours is ${(total / floor).toFixed(1)}x`);
  console.log(`  (besides: initial CSS ${kb(css)}; ${lazy.length} lazy chunks, ${kb(lazyBytes)} together)`);
}

/** A realistic sale: 2-4 postings, a memo. Deterministic in `i`. */
function saleBody(i: number): TxnBody {
  const sales = ['Income:Sales:Coffee', 'Income:Sales:Pastry', 'Income:Sales:Sandwiches', 'Income:Sales:Groceries'];
  const tender = ['Assets:Cash:Till-1', 'Assets:Cash:Till-2', 'Assets:Card-Clearing', 'Assets:Vouchers'];
  const memos = ['Counter sale', 'Two coffees and a croissant', 'Lunch menu, table 4', 'Weekly groceries, loyalty card'];
  const postings: Posting[] = [];
  let total = 0;
  for (let k = 0; k < 1 + (i % 3); k++) {
    const amount = 150 + ((i * 7919 + k * 104729) % 9000);
    postings.push({ account: sales[(i + k) % sales.length]!, amount: -amount });
    total += amount;
  }
  postings.push({ account: tender[i % tender.length]!, amount: total });
  return { postings, memo: memos[i % memos.length]! };
}

/** The book's genesis and the owner's join of T2, then T2's sales: `count` wire texts in all. */
function* bookTexts(count: number): Generator<{ texts: string[]; from: string }> {
  const { owner, genesis } = newBook({ book: BOOK, startMs: START_MS - 86_400_000 });
  yield { texts: [encodeEntry(genesis), encodeEntry(owner.join('T2'))], from: 'owner' };
  let prev: EntryId | null = null;
  const chain = count - 2;
  for (let from = 1; from <= chain; from += INGEST_CHUNK) {
    const texts: string[] = [];
    for (let seq = from; seq < Math.min(from + INGEST_CHUNK, chain + 1); seq++) {
      const ms = START_MS + seq * 1000;
      const entry: Entry = makeDevEntry({
        nonce: `n${seq.toString(36)}`.padEnd(21, '0').slice(0, 21),
        book: BOOK,
        kind: 'txn',
        peer: 'T2' as PeerId,
        seq,
        prev,
        hlc: formatHlc(ms, 0),
        date: new Date(ms).toISOString().slice(0, 19) as BusinessDate,
        body: saleBody(seq),
      });
      texts.push(encodeEntry(entry));
      prev = entry.id;
    }
    yield { texts, from: 'T2' };
  }
}

/** What the ready watcher records on the page's window (app/main.tsx publishes `daybookRuntime` itself). */
interface BenchWindow {
  __interactiveMs?: number;
  __readyMs?: number;
  __runtimeMs?: number;
}

interface Timing {
  /** To the first journal row, or data-ready if sooner. */
  ms: number;
  readyMs: number | undefined;
  /** To the runtime's publication: journal read, books loaded. */
  runtimeMs: number | undefined;
  /** First contentful paint (the "Opening the book…" placeholder). */
  paintMs: number | undefined;
}

/** Open the app as device T1 of the bench book (no peers), then fill its journal through the page's runtime. */
async function fill(page: Page, origin: string): Promise<number> {
  await page.goto(origin);
  await page.evaluate(
    (identity) => localStorage.setItem('daybook:device', JSON.stringify(identity)),
    { book: BOOK, peer: 'T1', name: 'Bench till', secret: 'bench', signaling: [], hubs: [] },
  );
  await page.reload();
  await page.waitForFunction(() => window.daybookRuntime !== undefined, undefined, { timeout: 60_000 });
  let accepted = 0;
  for (const batch of bookTexts(ENTRIES)) {
    accepted += await page.evaluate(
      async ({ texts, from }) => (await window.daybookRuntime!.journal.ingest(texts, from)).accepted.length,
      batch,
    );
  }
  return accepted;
}

/**
 * Record, in the page, when the first journal row appears and when `<html data-ready>`
 * is set, in ms since the navigation started (performance.now's origin). Installed
 * before every document of the context. Plain JavaScript text: a function passed
 * from here would carry the TypeScript runner's helpers (`__name`) into the page.
 */
function readyWatcher(selector: string): string {
  return `(() => {
    const selector = ${JSON.stringify(selector)};
    const check = () => {
      if (window.__readyMs === undefined && document.documentElement.dataset.ready === 'true') window.__readyMs = performance.now();
      if (window.__interactiveMs === undefined && document.querySelector(selector) !== null) window.__interactiveMs = performance.now();
      return window.__interactiveMs !== undefined && window.__readyMs !== undefined;
    };
    // When main.tsx publishes the opened runtime (window.daybookRuntime): the books are loaded.
    Object.defineProperty(window, 'daybookRuntime', {
      configurable: true,
      set(value) {
        window.__runtimeMs = performance.now();
        Object.defineProperty(window, 'daybookRuntime', { value, writable: true, configurable: true });
      },
    });
    const observer = new MutationObserver(() => { if (check()) observer.disconnect(); });
    observer.observe(document, { subtree: true, childList: true, attributes: true, attributeFilter: ['data-ready'] });
  })();`;
}

/**
 * Load `url` as a new document (from the blank page, so never a same-document hash
 * change) and return ms from navigation start to the first journal row (or
 * data-ready, if sooner).
 */
async function timeToInteractive(page: Page, url: string, blankUrl: string): Promise<Timing> {
  if (!page.url().startsWith(blankUrl)) await page.goto(blankUrl);
  await page.goto(url);
  await page.waitForFunction(
    () => (window as unknown as BenchWindow).__interactiveMs !== undefined || (window as unknown as BenchWindow).__readyMs !== undefined,
    undefined,
    { timeout: 60_000, polling: 50 },
  );
  const r = await page.evaluate(() => {
    const w = window as unknown as BenchWindow;
    const paint = performance.getEntriesByName('first-contentful-paint')[0];
    return { rows: w.__interactiveMs, ready: w.__readyMs, runtime: w.__runtimeMs, paint: paint?.startTime };
  });
  return { ms: Math.min(r.rows ?? Infinity, r.ready ?? Infinity), readyMs: r.ready, runtimeMs: r.runtime, paintMs: r.paint };
}

/** Reload the blank page (from itself) and return ms from navigation start to the end of its load event. */
async function blankReload(page: Page, url: string): Promise<number> {
  if (!page.url().startsWith(url)) await page.goto(url, { waitUntil: 'load' });
  await page.reload({ waitUntil: 'load' });
  return page.evaluate(() => (performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming).loadEventEnd);
}

async function interactive(): Promise<void> {
  heading(`Time to interactive on a reload with ${ENTRIES / 1000}k entries in the journal (Journal screen, first rows)`);
  const server = await serveApp({ extra: { [BLANK_PATH]: { type: 'text/html', body: '<!doctype html><meta charset="utf-8"><title>blank</title><p>blank</p>' } } });
  const profile = freshProfile('bench-app');
  const context = await launchPersistent(profile);
  try {
    await context.addInitScript({ content: readyWatcher(ROW_SELECTOR) });
    const page = await firstPage(context);
    const fillStart = performance.now();
    const accepted = await fill(page, server.origin);
    if (accepted !== ENTRIES) throw new Error(`the journal accepted ${accepted} of ${ENTRIES} entries`);
    console.log(`  (setup: made, signed and ingested ${accepted} entries through the page's journal in ${((performance.now() - fillStart) / 1000).toFixed(1)} s)`);
    await waitForControl(page);
    const journalUrl = server.url('/#/journal');
    const blankUrl = server.url(BLANK_PATH);
    await timeToInteractive(page, journalUrl, blankUrl); // warm-up: the lazy Journal chunk reaches the cache
    const ours: number[] = [];
    const ready: number[] = [];
    const runtime: number[] = [];
    const paint: number[] = [];
    const blank: number[] = [];
    for (let run = 0; run < RUNS; run++) {
      blank.push(await blankReload(page, blankUrl));
      const r = await timeToInteractive(page, journalUrl, blankUrl);
      ours.push(r.ms);
      if (r.readyMs !== undefined) ready.push(r.readyMs);
      if (r.runtimeMs !== undefined) runtime.push(r.runtimeMs);
      if (r.paintMs !== undefined) paint.push(r.paintMs);
    }
    const scans: number[] = [];
    const loads: number[] = [];
    let scanned = 0;
    for (let run = 0; run < 3; run++) {
      const part = await page.evaluate(async () => {
        // Where the time goes, in the same page: the two steps of opening the books, each alone.
        const runtime = window.daybookRuntime!;
        const all: Entry[] = [];
        const start = performance.now();
        await runtime.journal.scan((chunk) => void all.push(...chunk));
        const read = performance.now();
        new (runtime.store.constructor as new () => QueryStore)().load(all);
        return { scanMs: read - start, loadMs: performance.now() - read, entries: all.length };
      });
      scans.push(part.scanMs);
      loads.push(part.loadMs);
      scanned = part.entries;
    }
    const rows = await page.locator(ROW_SELECTOR).count();
    if (rows === 0) throw new Error('the Journal screen showed no rows');
    const base: Measured = { name: 'baseline: reload of a blank page, same origin and data', medianMs: median(blank), runs: RUNS };
    report(base);
    report({ name: 'reload to the first journal rows (service worker on)', medianMs: median(ours), runs: RUNS }, base, `under ${interactiveGoalMs} ms`);
    if (paint.length > 0) report({ name: '  of which: first contentful paint at', medianMs: median(paint), runs: paint.length });
    if (runtime.length > 0) report({ name: '  of which: books loaded (runtime opened) at', medianMs: median(runtime), runs: runtime.length });
    if (ready.length > 0) report({ name: '  the page set data-ready at', medianMs: median(ready), runs: ready.length });
    else console.log('  (the page never set <html data-ready="true">; figures are to the first rendered row)');
    console.log(`  (where it goes, each step alone in the open page, median of 3: journal.scan of ${scanned} entries ${median(scans).toFixed(0)} ms, QueryStore.load ${median(loads).toFixed(0)} ms)`);
  } finally {
    await context.close().catch(() => undefined);
    await server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

export async function run(): Promise<void> {
  const built = await ensureDist();
  console.log(built ? '  (built dist/ first)' : '  (dist/ is fresh)');
  await initialJavaScript();
  await interactive();
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
