/**
 * The reference fold's cost: fold(entries) over 100k and 1M postings (25k / 250k
 * txns of 4 postings from 4 tills over a year, 1% negated, a few late entries, two
 * sealed months), then balancesAsOf and trialBalance on the folded ledger. The
 * baseline, measured in the same run, is a plain loop summing the same postings
 * into a Map<string, number>: no semantics at all. These are the figures the query
 * store (src/query) must beat.
 *
 *   npx tsx bench/core-fold.bench.ts      (alone)
 *   npm run bench -- core-fold            (through the runner)
 *
 * DAYBOOK_BENCH_1M=0 skips the 1M-posting case (it needs about 1 GB of heap and
 * a minute).
 */
import { pathToFileURL } from 'node:url';
import { fold } from '../src/core/fold.ts';
import { balancesAsOf, trialBalance } from '../src/core/queries.ts';
import { sealBody } from '../src/core/reconcile.ts';
import { newBook, type DeviceBuilder } from '../src/core/testing/build.ts';
import type { BookId, BusinessDate, Entry, EntryId, EntryOf, Hlc, PeerId } from '../src/core/types.ts';
import { heading, measure, report } from './lib.ts';
import { seeded } from './seeded.ts';

const TILLS = ['T1', 'T2', 'T3', 'T4'];
const ACCOUNTS = {
  tender: ['Assets:Cash:Till', 'Assets:Card-Clearing'],
  sales: ['Income:Sales:Coffee', 'Income:Sales:Pastry', 'Income:Sales:Groceries'],
  vat: 'Liabilities:VAT',
};


/**
 * Till entries are made directly, with unique made-up ids: the fold never rehashes
 * entries, and signing 250k entries would only measure SHA-256. The owner's entries
 * (genesis, joins, seals) are real, built with the test builders.
 */
class Till {
  seq = 0;
  head: EntryId | null = null;
  constructor(
    readonly book: BookId,
    readonly peer: PeerId,
    private readonly ids: { next: number },
  ) {}

  write<K extends 'txn' | 'negate'>(kind: K, body: EntryOf<K>['body'], date: string, wallMs: number): Entry {
    const id = (this.ids.next++).toString(16).padStart(64, '0') as EntryId;
    this.seq++;
    const hlc = `${String(wallMs).padStart(13, '0')}-${String(this.seq % 10000).padStart(4, '0')}` as Hlc;
    const entry = { id, nonce: id.slice(-21), book: this.book, kind, peer: this.peer, seq: this.seq, prev: this.head, hlc, date: date as BusinessDate, body, sig: 'bench' };
    this.head = id;
    return entry as unknown as Entry;
  }
}

function dateOf(dayOfYear: number, secondOfDay: number): { date: string; wallMs: number } {
  const wallMs = Date.UTC(2025, 0, 1 + dayOfYear) + secondOfDay * 1000;
  return { date: new Date(wallMs).toISOString().slice(0, 19), wallMs };
}

/** A year of a store: `txns` sales over 4 tills, 1% negated, two months sealed, a few late entries. */
export function storeYear(txns: number, seed = 7): Entry[] {
  const random = seeded(seed);
  const { book, owner, genesis } = newBook({ book: 'bench-store' });
  const entries: Entry[] = [genesis, ...TILLS.map((t) => owner.join(t))];
  const ids = { next: 1 };
  const tills = TILLS.map((t) => new Till(book, t as PeerId, ids));
  const sales: Entry[] = [];
  const sealAt = new Map([[Math.floor(txns * (45 / 360)), '2025-01'], [Math.floor(txns * (75 / 360)), '2025-02']]);
  for (let i = 0; i < txns; i++) {
    const till = tills[i % tills.length]!;
    const day = Math.floor((i * 360) / txns);
    const late = i % 997 === 0 && day > 60;
    const { date, wallMs } = dateOf(late ? day - 40 : day, 8 * 3600 + (i % 36000));
    const net = 100 + Math.floor(random() * 5000);
    const vat = Math.floor(net / 5);
    const sale = till.write('txn', {
      postings: [
        { account: ACCOUNTS.tender[i % 2]!, amount: net + vat },
        { account: ACCOUNTS.sales[i % 3]!, amount: -Math.ceil(net / 2) },
        { account: ACCOUNTS.sales[(i + 1) % 3]!, amount: -Math.floor(net / 2) },
        { account: ACCOUNTS.vat, amount: -vat },
      ],
    }, date, dateOf(day, 8 * 3600 + (i % 36000)).wallMs);
    entries.push(sale);
    sales.push(sale);
    if (i % 100 === 99) {
      const target = sales[Math.floor(random() * sales.length)]!;
      const negation = till.write('negate', { target: { peer: target.peer, seq: target.seq, id: target.id }, reason: 'wrong item' }, date, wallMs + 1);
      entries.push(negation);
    }
    const period = sealAt.get(i);
    if (period !== undefined) entries.push(sealWith(owner, entries, period));
  }
  return entries;
}

function sealWith(owner: DeviceBuilder, entries: Entry[], period: string): Entry {
  return owner.seal(sealBody(fold(entries), period, owner.peer), `${period}-28T23:00:00`);
}

/** The baseline: every txn's postings summed per account, no semantics. */
function plainSum(entries: readonly Entry[]): Map<string, number> {
  const sums = new Map<string, number>();
  for (const entry of entries) {
    if (entry.kind !== 'txn') continue;
    for (const p of entry.body.postings) sums.set(p.account, (sums.get(p.account) ?? 0) + p.amount);
  }
  return sums;
}

async function benchSize(txns: number, runs: number): Promise<void> {
  const entries = storeYear(txns);
  const postings = txns * 4;
  heading(`fold: ${txns.toLocaleString('en')} txns, ${postings.toLocaleString('en')} postings, ${entries.length.toLocaleString('en')} entries`);
  const baseline = await measure('baseline: plain Map<string, number> sum of postings', () => plainSum(entries), { runs, items: postings });
  report(baseline);
  const folded = await measure('fold(entries)', () => fold(entries), { runs, warmup: 1, items: postings });
  report(folded, baseline);
  const ledger = fold(entries);
  const sealed = ledger.periods.filter((p) => p.status === 'final').length;
  const late = [...ledger.entries.values()].filter((v) => v.late !== undefined).length;
  console.log(`  (${ledger.postings.length.toLocaleString('en')} postings in effect, ${sealed} final periods, ${late} late entries)`);
  report(await measure('balancesAsOf(ledger, 2025-12-31)', () => balancesAsOf(ledger, '2025-12-31'), { runs: runs * 4, items: postings }), baseline);
  report(await measure('balancesAsOf(ledger, 2025-06-30)', () => balancesAsOf(ledger, '2025-06-30'), { runs: runs * 4 }), baseline);
  report(await measure('trialBalance(ledger, 2025-12-31)', () => trialBalance(ledger, '2025-12-31'), { runs: runs * 4, items: postings }), baseline);
}

export async function run(): Promise<void> {
  await benchSize(25_000, 5);
  if (process.env['DAYBOOK_BENCH_1M'] === '0') console.log('\n(1M postings skipped: DAYBOOK_BENCH_1M=0)');
  else await benchSize(250_000, 3);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run();
}
