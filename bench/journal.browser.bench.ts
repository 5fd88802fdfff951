/**
 * The journal in headless Chromium, on a persistent profile (real disk), each
 * figure beside its baseline from the same run:
 *
 * - append latency with strict durability, p50 and p99, beside a raw IndexedDB
 *   strict put of the same bytes (goal: within 1.5x of raw);
 * - bulk ingest of 100k entries from a peer (validated), beside raw IndexedDB bulk
 *   writes of the same bytes (goal: at least 0.8x raw throughput);
 * - cold start to the first balances (open, load every entry, sum by account) at
 *   100k (goal: under 1 s) and 1M entries (goal: under 8 s), beside reading the
 *   same entries one row each.
 *
 *   npx tsx bench/journal.browser.bench.ts      (alone)
 *   npm run bench -- journal                    (through the runner)
 *
 * Environment: DAYBOOK_BENCH_ONLY=append,ingest,cold,1m picks sections (default
 * all; the 1M one fills 1M entries first, several minutes); DAYBOOK_BENCH_1M=0
 * skips it; DAYBOOK_BENCH_BLOCKS=256,1024,4096 measures cold start at 100k for
 * several block sizes (how journalLimits.blockEntries was chosen).
 */
import { rmSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import type { BrowserContext, Page } from 'playwright-core';
import { firstPage, freshProfile, launchPersistent } from '../e2e/support/chromium.ts';
import { buildPages, serveHarness, type HarnessServer } from '../e2e/support/serve.ts';
import { journalLimits } from '../src/core/limits.ts';
import type { JournalBench } from './harness/journal-bench-page.ts';
import { heading, median, percentile, report, type Measured } from './lib.ts';

const RUNS = 5;
const INGEST_ENTRIES = 100_000;
const MILLION = 1_000_000;

declare global {
  interface Window {
    bench: JournalBench;
  }
}

/** One browser on one profile; `restart` closes it and opens it again on the same disk. */
class Bench {
  context!: BrowserContext;
  page!: Page;
  constructor(
    readonly server: HarnessServer,
    readonly profile: string,
  ) {}
  async start(): Promise<void> {
    this.context = await launchPersistent(this.profile);
    this.page = await firstPage(this.context);
    await this.load();
  }
  async load(): Promise<void> {
    await this.page.goto(this.server.url('journal-bench'));
    await this.page.waitForFunction(() => document.title === 'bench harness ready');
  }
  async restart(): Promise<void> {
    await this.context.close();
    await this.start();
  }
}

function ms(name: string, values: readonly number[], items?: number): Measured {
  const m: Measured = { name, medianMs: median(values), runs: values.length };
  if (items !== undefined) m.items = items;
  return m;
}

async function appendLatency(b: Bench): Promise<void> {
  heading('Append latency, strict durability (each call awaited; 5 rounds of 100, alternating with the baseline)');
  const times = await b.page.evaluate((size) => window.bench.appendLatency(5, 100, size), journalLimits.blockEntries);
  const line = (name: string, values: number[]): string =>
    `  ${name.padEnd(40)} p50 ${percentile(values, 50).toFixed(2).padStart(7)} ms   p99 ${percentile(values, 99).toFixed(2).padStart(7)} ms   (n=${values.length})`;
  console.log(line('journal.append (sign, validate, commit)', times.journal));
  console.log(line('baseline: raw IndexedDB strict put', times.raw));
  const p50 = percentile(times.journal, 50) / percentile(times.raw, 50);
  const p99 = percentile(times.journal, 99) / percentile(times.raw, 99);
  console.log(`  ratio to raw: p50 ${p50.toFixed(2)}x, p99 ${p99.toFixed(2)}x   goal: within 1.5x`);
  const cpu = await b.page.evaluate(() => window.bench.prepareCost(500));
  console.log(`  of an append, making, signing and validating the entry (CPU) takes ${cpu.toFixed(3)} ms`);
}

async function bulkIngest(b: Bench): Promise<void> {
  heading(`Bulk ingest of ${INGEST_ENTRIES / 1000}k entries from a peer (validated, ${journalLimits.ingestBatchMax} per transaction, strict)`);
  const prepareMs = await b.page.evaluate((n) => window.bench.prepare(n), INGEST_ENTRIES);
  console.log(`  (setup: made and signed ${INGEST_ENTRIES} entries in ${prepareMs.toFixed(0)} ms)`);
  const ours: number[] = [];
  const raw: number[] = [];
  for (let run = 0; run < 3; run++) {
    raw.push(await b.page.evaluate((size) => window.bench.rawBulk('raw-bulk', size), journalLimits.ingestBatchMax));
    const done = await b.page.evaluate((size) => window.bench.ingest('ingest-100k', size), journalLimits.blockEntries);
    if (done.accepted !== INGEST_ENTRIES) throw new Error(`ingest accepted ${done.accepted}`);
    ours.push(done.ms);
  }
  const base = ms('baseline: raw IndexedDB bulk put, same bytes', raw, INGEST_ENTRIES);
  const mine = ms('journal.ingest (validate, dedup, blocks + tail)', ours, INGEST_ENTRIES);
  report(base);
  report(mine, base);
  console.log(`  throughput ratio to raw: ${(base.medianMs / mine.medianMs).toFixed(2)}x   goal: at least 0.8x`);
}

/** Cold start of journal `name` after a browser restart, `runs` times; returns the in-page figures. */
async function coldStarts(b: Bench, name: string, blockEntries: number, runs: number, books = false): Promise<{ ms: number[]; nav: number[]; scan: number[]; entries: number; folded: number }> {
  const out = { ms: [] as number[], nav: [] as number[], scan: [] as number[], entries: 0, folded: 0 };
  for (let run = 0; run < runs; run++) {
    await b.restart();
    type Figures = Awaited<ReturnType<JournalBench['coldStart']>> & { scanMs?: number; fast?: boolean };
    const r: Figures = books
      ? await b.page.evaluate(([n, size]) => window.bench.coldStartBooks(n, size), [name, blockEntries] as const)
      : await b.page.evaluate(([n, size]) => window.bench.coldStart(n, size), [name, blockEntries] as const);
    if (books && r.accounts === 0) throw new Error('the query store answered empty books');
    if (r.scanMs !== undefined) {
      out.scan.push(r.scanMs);
      if (r.fast !== true) out.folded++;
    }
    out.ms.push(r.ms);
    out.nav.push(r.sinceNavigationMs);
    out.entries = r.entries;
  }
  return out;
}

async function coldStart100k(b: Bench): Promise<void> {
  heading(`Cold start at ${INGEST_ENTRIES / 1000}k entries to the first balances (browser restarted before each run)`);
  // The ingest bench left 'ingest-100k' (the journal) and 'raw-bulk' (one row per entry) with the same 100k entries.
  const ours = await coldStarts(b, 'ingest-100k', journalLimits.blockEntries, RUNS);
  if (ours.entries !== INGEST_ENTRIES) throw new Error(`cold start read ${ours.entries} entries`);
  const rows: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    await b.restart();
    const r = await b.page.evaluate(() => window.bench.rowsColdStart('raw-bulk'));
    if (r.entries !== INGEST_ENTRIES) throw new Error(`row baseline read ${r.entries} rows`);
    rows.push(r.ms);
  }
  const filled = await b.page.evaluate((n) => window.bench.naiveFill('naive-100k', n), INGEST_ENTRIES);
  if (filled.entries !== INGEST_ENTRIES) throw new Error(`naive baseline holds ${filled.entries} rows`);
  const naive: number[] = [];
  for (let run = 0; run < RUNS; run++) {
    await b.restart();
    const r = await b.page.evaluate(() => window.bench.naiveColdStart('naive-100k'));
    if (r.entries !== INGEST_ENTRIES) throw new Error(`naive baseline read ${r.entries} rows`);
    naive.push(r.ms);
  }
  const row = ms('baseline: same entries, one text row each (raw getAll)', rows, INGEST_ENTRIES);
  report(ms('baseline: naive layout, one object row each (Dexie)', naive, INGEST_ENTRIES));
  report(row);
  report(ms(`journal (blocks of ${journalLimits.blockEntries} + tail)`, ours.ms, ours.entries), row, 'under 1000 ms');
  report(ms('  the same, counted from navigation start', ours.nav, ours.entries), undefined, 'under 1000 ms');
  const books = await coldStarts(b, 'ingest-100k', journalLimits.blockEntries, RUNS, true);
  report(ms('journal + QueryStore.load + trial balance', books.ms, books.entries), row, 'under 1000 ms');
  reportBooksSplit(books);
}

/** Of a cold start through the query store: the journal scan, and the rest (QueryStore.load and the trial balance). */
function reportBooksSplit(books: { ms: number[]; scan: number[]; entries: number; folded: number }): void {
  const rest = books.ms.map((t, i) => t - books.scan[i]!);
  const scan = ms('  of which the journal scan (open, read, parse)', books.scan, books.entries);
  report(scan);
  report(ms('  of which QueryStore.load + trial balance', rest, books.entries), scan);
  console.log(`    loads that had to fold the whole set: ${books.folded} of ${books.ms.length}`);
}

async function blockSweep(b: Bench, sizes: number[]): Promise<void> {
  heading(`Block size sweep: cold start at ${INGEST_ENTRIES / 1000}k entries`);
  for (const size of sizes) {
    const name = `sweep-${size}`;
    await b.page.evaluate((n) => window.bench.prepare(n), INGEST_ENTRIES);
    await b.page.evaluate(([n, s]) => window.bench.ingest(n, s), [name, size] as const);
    const r = await coldStarts(b, name, size, 3);
    if (r.entries !== INGEST_ENTRIES) throw new Error(`sweep read ${r.entries} entries`);
    report(ms(`blocks of ${size}`, r.ms, r.entries));
    await b.page.evaluate((n) => window.bench.deleteDb(n), name);
  }
}

async function coldStartMillion(b: Bench): Promise<void> {
  heading('Cold start at 1M entries to the first balances (browser restarted before each run)');
  const fillMs = await b.page.evaluate(([n, size]) => window.bench.fill('journal-1m', n, size), [MILLION, journalLimits.blockEntries] as const);
  console.log(`  (setup: made, signed and ingested 1M entries in ${(fillMs / 1000).toFixed(1)} s; usage ${((await b.page.evaluate(() => window.bench.usage())) / 2 ** 20).toFixed(0)} MiB)`);
  const ours = await coldStarts(b, 'journal-1m', journalLimits.blockEntries, 3);
  report(ms(`journal (blocks of ${journalLimits.blockEntries} + tail)`, ours.ms, ours.entries), undefined, 'under 8000 ms');
  report(ms('  the same, counted from navigation start', ours.nav, ours.entries), undefined, 'under 8000 ms');
  const books = await coldStarts(b, 'journal-1m', journalLimits.blockEntries, 3, true);
  report(ms('journal + QueryStore.load + trial balance', books.ms, books.entries), undefined, 'under 8000 ms');
  reportBooksSplit(books);
}

export async function run(): Promise<void> {
  await buildPages(['journal-bench']);
  const server = await serveHarness();
  const profile = freshProfile('bench-journal');
  const b = new Bench(server, profile);
  try {
    await b.start();
    const only = (process.env['DAYBOOK_BENCH_ONLY'] ?? 'append,ingest,cold,1m').split(',');
    if (only.includes('append')) await appendLatency(b);
    // The 100k cold start reads what the ingest bench wrote.
    if (only.includes('ingest') || only.includes('cold')) await bulkIngest(b);
    if (only.includes('cold')) await coldStart100k(b);
    const sweep = (process.env['DAYBOOK_BENCH_BLOCKS'] ?? '').split(',').filter(Boolean).map(Number);
    if (sweep.length > 0) await blockSweep(b, sweep);
    if (only.includes('1m') && process.env['DAYBOOK_BENCH_1M'] !== '0') await coldStartMillion(b);
  } finally {
    await b.context?.close().catch(() => undefined);
    await server.close();
    rmSync(profile, { recursive: true, force: true });
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) await run();
