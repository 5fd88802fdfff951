/**
 * The README's worked example ("A store day, worked by hand"), rebuilt with the
 * builders and folded. Every number and verdict is read from README.md itself, so
 * the README cannot drift from the code: change an amount there and this fails.
 */
import { describe, expect, it } from 'vitest';
import { readmeText } from '../testing/readme.ts';
import { businessDateAsUtcMs, periodStart } from './dates.ts';
import { stateDigest } from './digest.ts';
import { fold } from './fold.ts';
import type { Ledger } from './ledger.ts';
import { balancesAsOf, trialBalance } from './queries.ts';
import { sealBody, summaryBody } from './reconcile.ts';
import { device, newBook } from './testing/build.ts';
import type { BusinessDate, Entry, EntryId } from './types.ts';

const FRIDAY = '2025-03-14';
const SATURDAY = '2025-03-15';
const at = (day: string, hhmm: string): string => `${day}T${hhmm}:00`;
const wall = (day: string, hhmm: string): number => businessDateAsUtcMs(at(day, hhmm) as BusinessDate);

/** The day as the README's journal tells it; `n[k]` is the entry numbered k there. */
function storeDay() {
  const { book, owner: manager, genesis } = newBook({ book: 'corner-shop', owner: 'manager', period: 'day', startMs: wall(FRIDAY, '07:00') });
  const till1 = device(book, 'till-1', wall(FRIDAY, '07:00'));
  const till2 = device(book, 'till-2', wall(FRIDAY, '07:00'));
  const n: Record<number, Entry> = {};
  const all: Entry[] = [genesis];
  const add = (k: number | undefined, entry: Entry): Entry => {
    if (k !== undefined) n[k] = entry;
    all.push(entry);
    return entry;
  };
  n[1] = genesis;
  add(undefined, manager.join('till-1', [], at(FRIDAY, '07:01')));
  add(undefined, manager.join('till-2', [], at(FRIDAY, '07:01')));
  add(3, manager.txn(at(FRIDAY, '08:00'), [['Assets:Cash', 10000], ['Equity:Float', -10000]], 'opening float'));
  add(4, till1.txn(at(FRIDAY, '09:15'), [['Assets:Cash', 1250], ['Income:Sales', -1250]]));
  add(5, till2.txn(at(FRIDAY, '09:40'), [['Assets:Card', 3490], ['Income:Sales', -3490]]));
  add(6, till1.txn(at(FRIDAY, '10:05'), [['Assets:Cash', 9900], ['Income:Sales', -9900]]));
  add(7, till1.negate(n[6]!, at(FRIDAY, '10:07'), 'keyed 99.00 for 9.90'));
  add(8, till1.txn(at(FRIDAY, '10:08'), [['Assets:Cash', 990], ['Income:Sales', -990]]));
  add(9, till2.txn(at(FRIDAY, '11:30'), [['Expenses:Supplies', 800], ['Assets:Cash', -800]], 'milk'));
  add(10, till2.txn(at(FRIDAY, '13:00'), [['Assets:Card', 3490], ['Income:Sales', -3490]]));
  // Wi-Fi down: each till negates #10 without seeing the other's negation.
  add(11, till2.negate(n[10]!, at(FRIDAY, '13:05'), 'rung up twice'));
  add(12, till1.negate(n[10]!, at(FRIDAY, '13:06'), 'rung up twice'));
  // 14:00: everyone synced, so Till 1's view at 18:00 is everything so far.
  add(13, till1.summary(summaryBody(fold(all), FRIDAY), at(FRIDAY, '18:00')));
  till2.clock(wall(FRIDAY, '18:20'));
  add(14, till2.txn(at(FRIDAY, '12:10'), [['Assets:Cash', 600], ['Income:Sales', -600]], 'paper receipt'));
  add(15, manager.close(FRIDAY, at(FRIDAY, '19:00')));
  add(16, till1.ack(FRIDAY, at(FRIDAY, '19:05')));
  add(17, till2.ack(FRIDAY, at(FRIDAY, '19:06')));
  add(18, manager.seal(sealBody(fold(all), FRIDAY, manager.peer), at(FRIDAY, '19:10')));
  till1.clock(wall(SATURDAY, '09:00'));
  add(19, till1.txn(at(FRIDAY, '17:45'), [['Expenses:Supplies', 500], ['Assets:Cash', -500]], 'receipt found in the drawer'));
  add(20, till1.txn(at(SATURDAY, '10:30'), [['Assets:Cash', 1500], ['Income:Sales', -1500]]));
  add(21, till2.txn(at(SATURDAY, '11:00'), [['Assets:Card', 2200], ['Income:Sales', -2200]]));
  const numberOf = new Map<EntryId, number>(Object.entries(n).map(([k, e]) => [e.id, Number(k)]));
  return { manager, n, all, numberOf };
}

// ---- Reading the README section ----

interface Table {
  header: string[];
  rows: string[][];
}

function exampleSection(): string {
  const text = readmeText();
  const start = text.indexOf('<!-- example:start -->');
  const end = text.indexOf('<!-- example:end -->');
  expect(start, 'README.md has the example markers').toBeGreaterThanOrEqual(0);
  expect(end).toBeGreaterThan(start);
  return text.slice(start, end);
}

/** Every markdown table in the text: header cells and body rows (the separator row dropped). */
function tables(text: string): Table[] {
  const found: Table[] = [];
  let block: string[][] = [];
  const flush = (): void => {
    if (block.length >= 2) found.push({ header: block[0]!, rows: block.slice(2) });
    block = [];
  };
  for (const line of text.split('\n')) {
    if (line.trim().startsWith('|')) block.push(line.trim().slice(1, -1).split('|').map((c) => c.trim()));
    else flush();
  }
  flush();
  return found;
}

function tableStarting(all: Table[], first: string): Table {
  const table = all.find((t) => t.header[0] === first);
  if (table === undefined) throw new Error(`README example: no table whose first column is "${first}"`);
  return table;
}

/** "120.40" or "-63.30" as cents. Anything else is a README error worth failing on. */
function cents(text: string): bigint {
  const m = /^(-?)(\d+)\.(\d{2})$/.exec(text.replace('−', '-'));
  if (m === null) throw new Error(`README example: "${text}" is not an amount like 12.50`);
  const value = BigInt(m[2]!) * 100n + BigInt(m[3]!);
  return m[1] === '-' ? -value : value;
}

const refsIn = (cell: string): number[] => [...cell.matchAll(/#(\d+)/g)].map((m) => Number(m[1]));
const verdictIn = (cell: string): string => /`([a-z]+)`/.exec(cell)?.[1] ?? '';
const datesIn = (cell: string): string[] => [...cell.matchAll(/\d{4}-\d{2}-\d{2}/g)].map((m) => m[0]);

// ---- The checks ----

describe('the README store day', () => {
  const day = storeDay();
  const books: Ledger = fold(day.all);
  const section = exampleSection();
  const all = tables(section);

  it('the journal table is the entries the code writes', () => {
    const journal = tableStarting(all, '#');
    const col = (name: string): number => journal.header.indexOf(name);
    const withAmounts = journal.rows.filter((r) => r[col('Amount')] !== '');
    for (const row of withAmounts) {
      const entry = day.n[Number(row[0])];
      expect(entry?.kind, `row #${row[0]}`).toBe('txn');
      const amount = Number(cents(row[col('Amount')]!));
      expect(entry?.kind === 'txn' ? entry.body.postings : undefined, `row #${row[0]}`).toEqual([
        { account: row[col('Debit')], amount },
        { account: row[col('Credit')], amount: -amount },
      ]);
    }
    const txns = Object.entries(day.n).filter(([, e]) => e.kind === 'txn').map(([k]) => k);
    expect(withAmounts.map((r) => r[0])).toEqual(txns);
  });

  it('the balances table is what the fold computes at the end of each day', () => {
    const table = tableStarting(all, 'Account');
    const days = [FRIDAY, SATURDAY];
    days.forEach((d, i) => {
      const claimed = table.rows.filter((r) => r[0]!.includes(':')).map((r): [string, bigint] => [r[0]!, cents(r[i + 1]!)]);
      expect([...balancesAsOf(books, d)], `balances at the end of ${d}`).toEqual(claimed);
      const tb = trialBalance(books, d);
      const total = (label: string): bigint => cents(table.rows.find((r) => r[0] === label)![i + 1]!);
      expect(tb.debitTotal).toBe(total('Debit total'));
      expect(tb.creditTotal).toBe(total('Credit total'));
    });
  });

  it("the verdicts table is what the fold says of each entry and of Friday", () => {
    const table = tableStarting(all, 'Entry');
    const id = (k: number): EntryId => day.n[k]!.id;
    expect(table.rows.length).toBe(6);
    for (const [key, says] of table.rows as Array<[string, string]>) {
      const verdict = verdictIn(says);
      const refs = refsIn(says);
      if (/^\d{4}-\d{2}-\d{2}$/.test(key)) {
        const period = books.periods.find((p) => p.period === key);
        expect(period?.status, key).toBe(verdict);
        expect(period?.seal).toBe(id(refs[0]!));
        expect(period?.sealAgrees).toBe(true);
        continue;
      }
      const k = Number(key.slice(1));
      const view = books.entries.get(id(k))!;
      if (verdict === 'effective') {
        expect(view.state.status, key).toBe('effective');
        const target = view.entry.kind === 'negate' ? view.entry.body.target.id : undefined;
        expect(refs.map(id)).toContain(target);
        expect(books.entries.get(target!)?.negatedBy).toBe(view.entry.id);
      } else if (verdict === 'duplicate') {
        expect(view.state, key).toEqual({ status: 'duplicate', of: id(refs[0]!) });
        expect(books.entries.get(id(10))?.duplicateNegations).toEqual([id(k)]);
      } else if (verdict === 'stale') {
        const summary = books.summaries.find((s) => s.summary === id(k));
        expect(summary?.result, key).toEqual({ verdict: 'stale', beyond: refs.map(id) });
      } else if (verdict === 'late') {
        const [label, into] = datesIn(says);
        expect(view.late, key).toEqual({ labelPeriod: label, into, provisional: says.includes('`provisional`') });
        expect(view.effectiveDate).toBe(periodStart(into!));
      } else {
        throw new Error(`README example: unknown verdict in row ${key}: ${says}`);
      }
    }
  });

  it("Till 1's summary claimed the cash the README says it saw", () => {
    const summary = day.n[13]!;
    const cash = summary.kind === 'summary' ? summary.body.balances.find((b) => b.account === 'Assets:Cash') : undefined;
    const claimed = /summary as of 14 March[^|]*\(cash (\d+\.\d{2})\)/.exec(section)?.[1];
    expect(cash?.amount).toBe(String(cents(claimed ?? '')));
  });

  it('sealing Saturday makes the late receipt final there and leaves Friday as it was', () => {
    const friday = books.periods.find((p) => p.period === FRIDAY)!;
    const { manager } = day;
    const close = manager.close(SATURDAY, at(SATURDAY, '19:00'));
    const seal = manager.seal(sealBody(fold([...day.all, close]), SATURDAY, manager.peer), at(SATURDAY, '19:10'));
    const later = fold([...day.all, close, seal]);
    expect(later.entries.get(day.n[19]!.id)?.late).toEqual({ labelPeriod: FRIDAY, into: SATURDAY, provisional: false });
    expect(later.periods.find((p) => p.period === FRIDAY)).toEqual(friday);
    expect(later.periods.find((p) => p.period === SATURDAY)?.status).toBe('final');
    expect([...balancesAsOf(later, SATURDAY)]).toEqual([...balancesAsOf(books, SATURDAY)]);
  });

  it('any tablet holding these entries, in any order, shows the same books', () => {
    expect(stateDigest(fold([...day.all].reverse()))).toBe(stateDigest(books));
  });
});
