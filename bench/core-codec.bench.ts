/**
 * The codec's cost: writing an entry's canonical text, parsing it strictly, and the
 * whole validation (parse, envelope, body, id, dev signature), on 100k realistic
 * txn entries (3-4 postings, a memo, sometimes a ref). Each figure sits beside
 * plain JSON.stringify / JSON.parse of the same objects, measured in the same run.
 *
 *   npx tsx bench/core-codec.bench.ts      (alone)
 *   npm run bench -- core-codec            (through the runner)
 */
import { pathToFileURL } from 'node:url';
import { parseCanonical, utf8 } from '../src/core/canonical.ts';
import { devVerifier, encodeEntry, makeDevEntry } from '../src/core/entry.ts';
import { formatHlc } from '../src/core/hlc.ts';
import type { BookId, BusinessDate, Entry, EntryId, PeerId, Posting } from '../src/core/types.ts';
import { validate } from '../src/core/validate.ts';
import { heading, measure, report } from './lib.ts';

const ENTRIES = 100_000;
const RUNS = 5;

const SALES = ['Income:Sales:Coffee', 'Income:Sales:Pastry', 'Income:Sales:Sandwiches', 'Income:Sales:Groceries'];
const TENDER = ['Assets:Cash:Till-1', 'Assets:Cash:Till-2', 'Assets:Card-Clearing', 'Assets:Vouchers'];
const MEMOS = ['Counter sale', 'Two coffees and a croissant', 'Lunch menu, table 4', 'Weekly groceries, loyalty card', 'Café crème ×2'];

/** mulberry32: a small seeded generator, so every run benches the same entries. */
function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

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
    const entry = makeDevEntry({
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
  const opts = { runs: RUNS, items: ENTRIES };
  const decoder = new TextDecoder();

  const stringify = await measure('baseline: JSON.stringify', () => entries.map((e) => JSON.stringify(e)), opts);
  report(stringify);
  report(await measure('encodeEntry (canonical text)', () => entries.map(encodeEntry), opts), stringify);

  const parse = await measure('baseline: JSON.parse (text)', () => jsonTexts.map((t) => JSON.parse(t) as unknown), opts);
  report(parse);
  report(await measure('parseCanonical (text)', () => texts.map(parseCanonical), opts), parse);
  const parseBytes = await measure('baseline: TextDecoder + JSON.parse (bytes)', () => bytes.map((b) => JSON.parse(decoder.decode(b)) as unknown), opts);
  report(parseBytes);
  report(await measure('parseCanonical (bytes)', () => bytes.map(parseCanonical), opts), parseBytes);

  const accepted = { count: 0 };
  const validateBytes = await measure(
    'validate (bytes, devVerifier)',
    () => {
      accepted.count = 0;
      for (const b of bytes) if (validate(b, options).ok) accepted.count++;
    },
    opts,
  );
  report(validateBytes, parseBytes);
  if (accepted.count !== ENTRIES) throw new Error(`validate refused ${ENTRIES - accepted.count} of the bench's own entries`);
  report(await measure('validate (bytes, verifier always true)', () => bytes.map((b) => validate(b, { verify: () => true })), opts), parseBytes);
  report(await measure('validate (objects, devVerifier)', () => entries.map((e) => validate(e, options)), opts), parseBytes);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run();
}
