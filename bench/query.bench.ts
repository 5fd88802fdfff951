/**
 * The query store at scale: structural entries (join, retire, twin negation, fork)
 * applied to stores of 100k and 500k entries beside one plain txn, with the entries
 * each judged; QueryStore.load of 1M entries beside the core fold of the same set;
 * the trial balance over 1M postings beside the core fold's trialBalance and a
 * Map-over-objects loop; the apply rate of the fast path; memory per entry at 1M;
 * an upload of 10k entries in arbitrary order beside the same in causal order.
 *
 *   npx tsx --expose-gc bench/query.bench.ts   (alone)
 *   npm run bench -- query                     (through the runner)
 *   DAYBOOK_BENCH_ONLY=structural,load,tb,memory,upload picks sections (default all)
 *
 * Goals (issue): trial balance over 1M postings under 25 ms; under 300 bytes per
 * entry at 1M entries.
 */
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import { makeDevEntry } from '../src/core/entry.ts';
import { fold } from '../src/core/fold.ts';
import { formatHlc } from '../src/core/hlc.ts';
import { trialBalance } from '../src/core/queries.ts';
import type { BodyByKind, BookId, BusinessDate, Entry, EntryId, PeerId, Posting, UnsignedEntry } from '../src/core/types.ts';
import { periodDigest } from '../src/core/digest.ts';
import { lastDayOf } from '../src/core/fold-periods.ts';
import { periodContent } from '../src/query/answers.ts';
import { QueryStore } from '../src/query/store.ts';
import { heading, measure, median, report, type Measured } from './lib.ts';
import { seeded } from './seeded.ts';

const RUNS = 7;
const TILLS = 4;
const DAYS = 365;
const START_MS = Date.UTC(2025, 0, 1);
const BOOK = 'store-7.main' as BookId;
const ACCOUNTS_SALES = ['Income:Sales:Coffee', 'Income:Sales:Pastry', 'Income:Sales:Sandwiches', 'Income:Sales:Groceries', 'Income:Sales:Drinks'];
const ACCOUNTS_TENDER = ['Assets:Cash:Till-1', 'Assets:Cash:Till-2', 'Assets:Card-Clearing', 'Assets:Vouchers'];
const MEMOS = ['Counter sale', 'Two coffees and a croissant', 'Lunch menu, table 4', 'Weekly groceries, loyalty card'];


interface Author {
  peer: PeerId;
  seq: number;
  prev: EntryId | null;
}

/** A book written by an owner and TILLS tills, txns spread evenly over DAYS days, in time order. */
class Generator {
  readonly random = seeded(7);
  readonly owner: Author = { peer: 'owner' as PeerId, seq: 0, prev: null };
  readonly tills: Author[] = Array.from({ length: TILLS }, (_, i) => ({ peer: `till-${i + 1}` as PeerId, seq: 0, prev: null }));
  made = 0;

  constructor(readonly total: number) {}

  write<K extends Entry['kind']>(author: Author, kind: K, body: BodyByKind[K], wallMs: number): Entry {
    author.seq++;
    const unsigned: UnsignedEntry<K> = {
      nonce: String(this.made++).padStart(21, 'N'),
      book: BOOK,
      kind,
      peer: author.peer,
      seq: author.seq,
      prev: author.prev,
      hlc: formatHlc(wallMs, 0),
      date: new Date(wallMs).toISOString().slice(0, 19) as BusinessDate,
      body,
    };
    const entry: Entry = makeDevEntry(unsigned);
    author.prev = entry.id;
    return entry;
  }

  /** Genesis and the tills' joins. */
  start(): Entry[] {
    const out = [this.write(this.owner, 'book', { name: 'Bench store', currency: 'EUR', timezone: 'UTC', period: 'month', windowDays: 28 }, START_MS)];
    for (const till of this.tills) out.push(this.write(this.owner, 'join', { device: till.peer, name: till.peer, key: '', roles: [] }, START_MS + 1000));
    return out;
  }

  /** The txn number `i` of `total`: two postings, a unique memo. */
  txn(i: number): Entry {
    const pick = <T>(items: readonly T[]): T => items[Math.floor(this.random() * items.length)]!;
    const wallMs = START_MS + 60_000 + Math.floor((i / this.total) * DAYS * 86_400_000);
    const amount = 100 + Math.floor(this.random() * 9_900);
    const postings: Posting[] = [
      { account: pick(ACCOUNTS_TENDER), amount },
      { account: pick(ACCOUNTS_SALES), amount: -amount },
    ];
    return this.write(this.tills[i % TILLS]!, 'txn', { postings, memo: `${pick(MEMOS)} #${i}` }, wallMs);
  }
}

const gc = (globalThis as { gc?: () => void }).gc;

function heapBytes(): number {
  gc?.();
  gc?.();
  const m = process.memoryUsage();
  return m.heapUsed + m.arrayBuffers;
}

function dayAt(fraction: number): string {
  return new Date(START_MS + Math.floor(fraction * DAYS) * 86_400_000).toISOString().slice(0, 10);
}

function timed(label: string, fn: () => unknown, store: QueryStore): void {
  const t = performance.now();
  fn();
  const ms = performance.now() - t;
  console.log(`  ${label.padEnd(66)} ${ms < 1000 ? `${ms.toFixed(1)} ms` : `${(ms / 1000).toFixed(1)} s`} (${store.lastApply.fast ? 'fast' : 'fold'})`);
}

/** Trial balance over 1M postings: the store, the core fold's trialBalance, and a Map loop. */
async function trialBalances(): Promise<void> {
  const txns = 500_000;
  heading(`query store: trial balance over ${(2 * txns) / 1e6}M postings (${txns / 1000}k txns, ${DAYS} days), median of ${RUNS} runs`);
  const gen = new Generator(txns);
  const all = gen.start();
  const store = new QueryStore();
  store.load(all);
  let applyMs = 0;
  for (let i = 0; i < txns; i += 1000) {
    const batch: Entry[] = [];
    for (let j = i; j < Math.min(txns, i + 1000); j++) batch.push(gen.txn(j));
    all.push(...batch);
    const t = performance.now();
    store.apply(batch);
    applyMs += performance.now() - t;
    if (!store.lastApply.fast) throw new Error('a plain batch took the slow path');
  }
  console.log(`  fast path: ${txns / 1000}k txns applied in batches of 1000 in ${applyMs.toFixed(0)} ms (${((txns / applyMs) * 1000 / 1000).toFixed(0)}k entries/s), ${store.folds} fold(s)`);

  const foldStart = performance.now();
  const ledger = fold(all);
  console.log(`  core fold of ${all.length} entries (what one structural batch costs today): ${((performance.now() - foldStart) / 1000).toFixed(1)} s`);

  const last = dayAt(1);
  const mid = dayAt(0.5);
  for (const day of [last, mid]) {
    const mine = store.trialBalance(day);
    const theirs = trialBalance(ledger, day);
    if (JSON.stringify(mine, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)) !== JSON.stringify(theirs, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v))) {
      throw new Error(`store and fold disagree on the trial balance as of ${day}`);
    }
  }

  // The baseline of DESIGN.md's spike: a Map keyed by account over posting objects.
  const objects = ledger.postings.map((p) => ({ account: p.account, amount: Number(p.amount), day: p.effectiveDate.slice(0, 10) }));
  const mapLoop = (asOf: string): Map<string, number> => {
    const sums = new Map<string, number>();
    for (const p of objects) if (p.day <= asOf) sums.set(p.account, (sums.get(p.account) ?? 0) + p.amount);
    return sums;
  };
  const opts = { runs: RUNS, items: objects.length };
  for (const [label, day] of [['mid-year (scan)', mid], ['last day (running totals)', last]] as const) {
    const baseline = await measure(`baseline: Map over posting objects, ${label}`, () => mapLoop(day), opts);
    report(baseline);
    report(await measure(`core trialBalance(ledger), ${label}`, () => trialBalance(ledger, day), opts), baseline);
    report(await measure(`store.trialBalance, ${label}`, () => store.trialBalance(day), opts), baseline, '< 25 ms');
  }
  report(await measure('store.register, last page of Assets:Card-Clearing', () => store.register('Assets:Card-Clearing', { offset: 124_900, limit: 100 }), { runs: RUNS }));
  report(await measure('store.search memo "table 4" (first 50 and total)', () => store.search({ memo: 'table 4' }), { runs: RUNS }));
  report(await measure('store.totalsByDay over the year', () => store.totalsByDay(), { runs: RUNS }));

  // A negation and a close take the fast path; a join of a new device is judged locally.
  const end = START_MS + DAYS * 86_400_000;
  const target = all[all.length - 10]!;
  const negate = gen.write(gen.tills[0]!, 'negate', { target: { peer: target.peer, seq: target.seq, id: target.id }, reason: 'bench' }, end);
  timed('one negation (fast path)', () => store.apply([negate]), store);
  timed('one close (fast path)', () => store.apply([gen.write(gen.owner, 'close', { period: '2025-12' }, end + 1000)]), store);
  const join = gen.write(gen.owner, 'join', { device: 'till-9' as PeerId, name: 'till-9', key: '', roles: [] }, end + 2000);
  timed('one join of a new device (judged locally)', () => store.apply([join]), store);
  // The owner seals January over exactly what this store holds: the fast seal.
  const period = '2025-01';
  const closing = store.balancesAsOf(lastDayOf(period));
  const content = periodContent(store, period);
  const cut = store.frontier().filter((f) => f.contiguous > 0 && f.head !== undefined).map((f) => ({ peer: f.peer, seq: f.contiguous, head: f.head! }));
  const body = { period, prevSeal: null, cut, balances: closing.map((b) => ({ account: b.account, amount: b.amount.toString() })), digest: periodDigest(period, null, content, closing) };
  timed(`one seal of ${period}, ${content.length} entries in it (fast path)`, () => store.apply([gen.write(gen.owner, 'seal', body, end + 3000)]), store);
  if (store.periods()[0]?.status !== 'final' || store.periods()[0]?.sealAgrees !== true) throw new Error('the bench seal did not make January final');
}

/** Memory per entry with 1M entries held (the store alone: batches are dropped once applied). */
async function memory(): Promise<void> {
  const entries = 1_000_000;
  heading(`query store: memory with ${entries / 1e6}M txn entries (2 postings, unique memo ~35 chars)`);
  if (gc === undefined) console.log('  (gc not exposed: run with --expose-gc for a steady figure)');
  const gen = new Generator(entries);
  const before = heapBytes();
  const store = new QueryStore();
  store.load(gen.start());
  for (let i = 0; i < entries; i += 10_000) {
    const batch: Entry[] = [];
    for (let j = i; j < Math.min(entries, i + 10_000); j++) batch.push(gen.txn(j));
    store.apply(batch);
  }
  const after = heapBytes();
  const perEntry = (after - before) / store.size;
  const columns = store.entries.ids.byteCapacity + store.books.byteCapacity;
  console.log(`  ${store.size} entries, ${store.books.postings.count} posting rows, ${store.folds} fold(s)`);
  console.log(`  heap + array buffers: ${((after - before) / 1e6).toFixed(0)} MB, ${perEntry.toFixed(0)} bytes per entry  goal: < 300`);
  console.log(`  of which id table + posting columns reserved: ${(columns / 1e6).toFixed(0)} MB (${(columns / store.size).toFixed(0)} B/entry, growth by doubling included)`);
  // Keep the store alive until measured.
  if (store.size === 0) throw new Error('empty store');
}

/** A store of `txns` plain txns (4 tills), filled through the fast path. */
function plainStore(gen: Generator, txns: number): { store: QueryStore; all: Entry[] } {
  const all = gen.start();
  const store = new QueryStore();
  store.load(all);
  for (let i = 0; i < txns; i += 10_000) {
    const batch: Entry[] = [];
    for (let j = i; j < Math.min(txns, i + 10_000); j++) batch.push(gen.txn(j));
    all.push(...batch);
    store.apply(batch);
  }
  return { store, all };
}

/** Median of `runs` single applies of what `make(k)` builds (each changes the store, so each is a new entry). */
function structural(label: string, store: QueryStore, runs: number, make: (k: number) => Entry[]): void {
  const times: number[] = [];
  const touched: number[] = [];
  let folds = 0;
  for (let k = 0; k < runs; k++) {
    const batch = make(k);
    const before = store.folds;
    const t = performance.now();
    store.apply(batch);
    times.push(performance.now() - t);
    folds += store.folds - before;
    touched.push((store.lastApply as { touched?: number }).touched ?? Number.NaN);
  }
  report({ name: label, medianMs: median(times), runs });
  console.log(`    ${folds} fold(s) of the whole set; entries judged per apply: ${touched.join(', ')}`);
}

/**
 * Structural entries applied to a store of `txns` entries: each is the kind that used
 * to refold the whole set. Baseline: one plain txn applied to the same store.
 */
async function structuralApplies(txns: number): Promise<void> {
  heading(`query store: structural entries applied to a store of ${txns / 1000}k txns (4 tills), median of 3 applies each`);
  const gen = new Generator(txns);
  const { store, all } = plainStore(gen, txns);
  const end = START_MS + DAYS * 86_400_000;
  let wall = end;
  const next = (): number => (wall += 1000);
  const times: number[] = [];
  for (let k = 0; k < 5; k++) {
    const e = gen.txn(txns - 1);
    const t = performance.now();
    store.apply([e]);
    times.push(performance.now() - t);
  }
  const baseline: Measured = { name: 'baseline: one plain txn', medianMs: median(times), runs: times.length };
  report(baseline);
  structural('join of a new device (no entries yet)', store, 3, (k) => [gen.write(gen.owner, 'join', { device: `till-${20 + k}` as PeerId, name: 'new', key: '', roles: [] }, next())]);
  // Retire a till 50 entries back: those 50 become held, with their negations' states.
  structural('retire of a till 50 entries back', store, 3, (k) => {
    const till = gen.tills[k]!;
    return [gen.write(gen.owner, 'retire', { device: till.peer, lastSeq: till.seq - 50, reason: 'bench' }, next())];
  });
  // A second negation of one target (a twin written while cut off): one target's group.
  const live = gen.tills[3]!;
  structural('twin negation of one txn', store, 3, (k) => {
    const target = all[all.length - 100 - k * 4 - 4]!;
    const ref = { target: { peer: target.peer, seq: target.seq, id: target.id }, reason: 'bench' };
    return [gen.write(live, 'negate', ref, next()), gen.write(gen.owner, 'negate', ref, next())];
  });
  // A fork: the live till signs a second entry at a seq it already used.
  structural('fork (equivocation) by one till', store, 1, () => {
    const seq = live.seq - 10;
    // Its prev is some other entry of the book: not the one held below, so a fork.
    const forked: Entry = makeDevEntry({ nonce: 'F'.repeat(21), book: BOOK, kind: 'txn', peer: live.peer, seq, prev: all[5]!.id, hlc: formatHlc(next(), 0), date: new Date(end).toISOString().slice(0, 19) as BusinessDate, body: { postings: [{ account: 'Assets:Vouchers', amount: 5 }, { account: 'Income:Sales:Coffee', amount: -5 }] } });
    return [forked];
  });
}

/** Cold load in Node: QueryStore.load of `txns` entries given at once (what a journal scan hands it). */
async function coldLoad(txns: number): Promise<void> {
  heading(`query store: QueryStore.load of ${txns / 1e6}M entries at once (Node), beside the core fold of the same set`);
  const gen = new Generator(txns);
  const all = gen.start();
  for (let j = 0; j < txns; j++) all.push(gen.txn(j));
  const foldMs: number[] = [];
  const loadMs: number[] = [];
  for (let run = 0; run < 3; run++) {
    gc?.();
    let t = performance.now();
    fold(all);
    foldMs.push(performance.now() - t);
    gc?.();
    t = performance.now();
    const store = new QueryStore();
    store.load(all);
    store.trialBalance('2999-12-31');
    loadMs.push(performance.now() - t);
  }
  const base: Measured = { name: 'baseline: core fold of the set', medianMs: median(foldMs), runs: foldMs.length };
  report(base);
  report({ name: 'QueryStore.load + trial balance', medianMs: median(loadMs), runs: loadMs.length }, base);
}

/**
 * An upload in arbitrary order (a hub taking a store's outage from sync, issue #8):
 * `total` entries applied in batches of `batch`, shuffled, so most batches come before
 * the genesis or their author's join. Baseline: the same batches in causal order.
 */
async function upload(total: number, batch: number): Promise<void> {
  heading(`query store: upload of ${total / 1000}k entries in batches of ${batch}, arbitrary order vs causal, median of 3 runs`);
  const gen = new Generator(total);
  const causal = gen.start();
  for (let j = causal.length; j < total; j++) causal.push(gen.txn(j));
  const random = seeded(11);
  const shuffled = [...causal];
  for (let i = shuffled.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [shuffled[i], shuffled[j]] = [shuffled[j]!, shuffled[i]!];
  }
  const play = (order: readonly Entry[]): number => {
    const store = new QueryStore();
    for (let i = 0; i < order.length; i += batch) store.apply(order.slice(i, i + batch));
    if (store.size !== total) throw new Error('upload lost entries');
    return store.folds;
  };
  let folds = [0, 0];
  const base = await measure('baseline: causal order', () => (folds[0] = play(causal)), { runs: 3, items: total });
  report(base);
  report(await measure('arbitrary order (genesis and joins anywhere)', () => (folds[1] = play(shuffled)), { runs: 3, items: total }), base);
  console.log(`    folds of the whole set per upload: causal ${folds[0]}, arbitrary ${folds[1]}`);
  folds = [];
}

export async function run(): Promise<void> {
  const only = (process.env['DAYBOOK_BENCH_ONLY'] ?? 'tb,memory,structural,load,upload').split(',');
  if (only.includes('upload')) {
    await upload(10_000, 500);
    await upload(10_000, 100);
    gc?.();
  }
  if (only.includes('structural')) {
    await structuralApplies(100_000);
    gc?.();
    await structuralApplies(500_000);
    gc?.();
  }
  if (only.includes('load')) {
    await coldLoad(1_000_000);
    gc?.();
  }
  if (only.includes('tb')) await trialBalances();
  gc?.();
  if (only.includes('memory')) await memory();
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run();
}
