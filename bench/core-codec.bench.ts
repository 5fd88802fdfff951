/**
 * The codec's cost: writing an entry's canonical text, parsing it strictly, and the
 * whole validation (parse, envelope, body, id, dev signature), on 100k realistic
 * txn entries (3-4 postings, a memo, sometimes a ref). Each figure sits beside
 * plain JSON.stringify / JSON.parse of the same objects, measured in the same run.
 *
 *   npx tsx bench/core-codec.bench.ts      (alone)
 *   npm run bench -- core-codec            (through the runner)
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { parseCanonical, utf8 } from '../src/core/canonical.ts';
import { devVerifier, encodeEntry, makeDevEntry } from '../src/core/entry.ts';
import { formatHlc } from '../src/core/hlc.ts';
import type { BookId, BusinessDate, Entry, EntryId, PeerId, Posting } from '../src/core/types.ts';
import { validate } from '../src/core/validate.ts';
import { type Measured, heading, median, report } from './lib.ts';
import { seeded } from './seeded.ts';

const ENTRIES = 100_000;
const RUNS = 5;

const SALES = ['Income:Sales:Coffee', 'Income:Sales:Pastry', 'Income:Sales:Sandwiches', 'Income:Sales:Groceries'];
const TENDER = ['Assets:Cash:Till-1', 'Assets:Cash:Till-2', 'Assets:Card-Clearing', 'Assets:Vouchers'];
const MEMOS = ['Counter sale', 'Two coffees and a croissant', 'Lunch menu, table 4', 'Weekly groceries, loyalty card', 'Café crème ×2'];


/** `count` dev-signed txn entries of one till: a sale split over 2-3 income lines plus VAT. */
export function realisticTxns(count: number, seed = 42): Entry[] {
  const random = seeded(seed);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(random() * items.length)]!;
  const entries: Entry[] = [];
  let prev: EntryId | null = null;
  const startMs = Date.UTC(2025, 2, 1, 8);
  for (let seq = 1; seq <= count; seq++) {
    const lines = 2 + Math.floor(random() * 2);
    const postings: Posting[] = [];
    let total = 0;
    for (let i = 0; i < lines; i++) {
      const amount = 100 + Math.floor(random() * 5000);
      postings.push({ account: pick(SALES), amount: -amount });
      total += amount;
    }
    const vat = Math.round(total * 0.2);
    postings.push({ account: 'Liabilities:VAT', amount: -vat });
    postings.unshift({ account: pick(TENDER), amount: total + vat });
    const wallMs = startMs + seq * 7_000;
    const entry: Entry = makeDevEntry({
      nonce: String(seq).padStart(21, 'N'),
      book: 'store-7.main' as BookId,
      kind: 'txn',
      peer: 'till-1' as PeerId,
      seq,
      prev,
      hlc: formatHlc(wallMs, 0),
      date: new Date(wallMs).toISOString().slice(0, 19) as BusinessDate,
      body: random() < 0.3 ? { postings, memo: `${pick(MEMOS)} #${seq}`, ref: `R-${seq}` } : { postings, memo: pick(MEMOS) },
    });
    entries.push(entry);
    prev = entry.id;
  }
  return entries;
}

export async function run(): Promise<void> {
  heading(`core codec: ${ENTRIES / 1000}k txn entries (3-4 postings, memo), median of ${RUNS} runs`);
  const entries = realisticTxns(ENTRIES);
  const texts = entries.map(encodeEntry);
  const bytes = texts.map(utf8);
  const jsonTexts = entries.map((e) => JSON.stringify(e));
  const averageBytes = Math.round(bytes.reduce((sum, b) => sum + b.byteLength, 0) / ENTRIES);
  console.log(`  average entry: ${averageBytes} bytes of canonical UTF-8`);
  const options = { verify: devVerifier };
  const decoder = new TextDecoder();
  const refusedOf = (results: ReadonlyArray<{ ok: boolean }>): number => results.filter((r) => !r.ok).length;

  const stringify = (): unknown => entries.map((e) => JSON.stringify(e));
  await compare(['baseline: JSON.stringify', stringify], [['encodeEntry (canonical text)', () => entries.map(encodeEntry)]]);

  const parseText = (): unknown => jsonTexts.map((t) => JSON.parse(t) as unknown);
  await compare(['baseline: JSON.parse (text)', parseText], [['parseCanonical (text)', () => texts.map(parseCanonical)]]);

  const parseBytes = (): unknown => bytes.map((b) => JSON.parse(decoder.decode(b)) as unknown);
  await compare(
    ['baseline: TextDecoder + JSON.parse (bytes)', parseBytes],
    [
      ['parseCanonical (bytes)', () => bytes.map(parseCanonical)],
      ['validate (bytes, devVerifier)', () => bytes.map((b) => validate(b, options))],
      ['validate (bytes, a verifier that says yes)', () => bytes.map((b) => validate(b, { verify: () => true }))],
      ['validate (objects, devVerifier)', () => entries.map((e) => validate(e, options))],
    ],
  );
  const refused = refusedOf(bytes.map((b) => validate(b, options)));
  if (refused > 0) throw new Error(`validate refused ${refused} of the bench's own entries`);
}

type Case = readonly [name: string, fn: () => unknown];

/**
 * Time a baseline and its subjects in alternating rounds (one untimed warm-up
 * round first), so a neighbour's load on this shared machine hits them alike and
 * the ratios stay meaningful even when the absolute figures wander.
 */
async function compare(baseline: Case, subjects: readonly Case[]): Promise<void> {
  const all = [baseline, ...subjects];
  const times = all.map(() => [] as number[]);
  for (let round = 0; round <= RUNS; round++) {
    for (const [i, [, fn]] of all.entries()) {
      const start = performance.now();
      await fn();
      if (round > 0) times[i]!.push(performance.now() - start);
    }
  }
  const measured: Measured[] = all.map(([name], i) => ({ name, medianMs: median(times[i]!), runs: RUNS, items: ENTRIES }));
  report(measured[0]!);
  for (const m of measured.slice(1)) report(m, measured[0]);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run();
}
