/**
 * The books as columns: which posting rows are in effect, at which day, in which
 * order; and the money answers over them (balances as of a day, registers, totals).
 *
 * An entry's effect is set as a whole (`setEffect`): its rows enter the books at its
 * effective day, or leave them. Sums read the posting columns in one linear pass; the
 * register reads one sorted index kept incrementally (order.ts).
 */
import type { Day } from '../core/types.ts';
import { Interner } from './accounts.ts';
import { dayIndexOf, dayOfSeconds } from './codec.ts';
import { int32Column, uint8Column } from './columns.ts';
import type { EntryTable } from './entries.ts';
import { SortedIndex } from './order.ts';
import { PostingTable } from './postings.ts';
import { balancesUpTo, EXACT_MAX, ExactTotal, NEVER_DAY } from './sums.ts';

/** What one change of effect touched, for live queries. */
export interface MoneyTouch {
  minDay: number;
  maxDay: number;
  accounts: Set<number>;
  /** Set when a close or ack moved the periods without a fold. */
  periods?: boolean;
  /** Set when a summary was recorded without a fold. */
  summaries?: boolean;
  /** Set when the roster moved without a fold (a join or retire applied locally). */
  structure?: boolean;
}

export function emptyTouch(): MoneyTouch {
  return { minDay: NEVER_DAY, maxDay: -1, accounts: new Set() };
}

/** A posting row as the fold shows it (amount still a Float64 integer). */
export interface BookRow {
  row: number;
  entry: number;
  account: number;
  amount: number;
  day: number;
}

export class Books {
  readonly accounts = new Interner();
  readonly postings = new PostingTable();
  /** Per entry: its own posting rows (a txn's data), start and count. */
  readonly dataStart = int32Column();
  readonly dataCount = uint8Column();
  /** Per entry: the rows now in the books, start and count (count 0 when out). */
  readonly bookStart = int32Column();
  readonly bookCount = uint8Column();
  /** The rows in the books, in the fold's posting order (for registers). */
  readonly order: SortedIndex;
  /** Exact balance per account over every row in the books. */
  readonly totals: ExactTotal[] = [];
  /** Highest day any row ever entered the books at: as-of days at or past it read `totals`. */
  maxDayEver = -1;
  readonly #entries: EntryTable;
  readonly #effSec: () => Float64Array;

  constructor(entries: EntryTable, effSec: () => Float64Array) {
    this.#entries = entries;
    this.#effSec = effSec;
    this.order = new SortedIndex(
      (a, b) => this.#compareRows(a, b),
      (row) => this.postings.inBooks(row),
    );
  }

  /** Register a new entry row; `postings` are a txn's own lines (empty for other kinds). */
  addEntry(postings: ReadonlyArray<{ account: string; amount: number }>): void {
    const row = this.dataStart.length;
    this.dataStart.push(postings.length === 0 ? -1 : this.postings.count);
    this.dataCount.push(postings.length);
    for (const p of postings) this.postings.add(this.#account(p.account), p.amount, row);
    this.bookStart.push(-1);
    this.bookCount.push(0);
  }

  /**
   * Put entry `row` in the books at `effSec` with the lines of `source` (its own rows
   * for a txn, its target's for a negation, `sign` -1), or take it out (`effSec` NaN).
   * Returns without work when nothing changes.
   */
  setEffect(row: number, effSec: number, previousSec: number, source: number, sign: 1 | -1, touch: MoneyTouch): void {
    const inNow = this.bookCount.data[row]! > 0;
    if (!inNow && Number.isNaN(effSec)) return;
    if (inNow && effSec === previousSec) return;
    if (inNow) this.#leave(row, touch);
    if (!Number.isNaN(effSec)) this.#enter(row, dayOfSeconds(effSec), source, sign, touch);
  }

  #enter(row: number, day: number, source: number, sign: 1 | -1, touch: MoneyTouch): void {
    const p = this.postings;
    const start = this.dataStart.data[source]!;
    const count = this.dataCount.data[source]!;
    if (count === 0) return;
    // A txn's own rows are used in place the first time; after that (or for a negation) fresh copies.
    const reuse = source === row && sign === 1 && p.isFresh(start);
    const first = reuse ? start : p.count;
    for (let i = 0; i < count; i++) {
      const r = reuse ? start + i : p.add(p.account.data[start + i]!, sign * p.amount.data[start + i]!, row);
      p.enter(r, day);
      this.order.insert(r);
      this.#total(p.account.data[r]!).add(p.amount.data[r]!);
      touch.accounts.add(p.account.data[r]!);
    }
    this.bookStart.data[row] = first;
    this.bookCount.data[row] = count;
    if (day > this.maxDayEver) this.maxDayEver = day;
    touch.minDay = Math.min(touch.minDay, day);
    touch.maxDay = Math.max(touch.maxDay, day);
  }

  #leave(row: number, touch: MoneyTouch): void {
    const p = this.postings;
    const start = this.bookStart.data[row]!;
    const count = this.bookCount.data[row]!;
    for (let r = start; r < start + count; r++) {
      const day = p.day.data[r]!;
      touch.minDay = Math.min(touch.minDay, day);
      touch.maxDay = Math.max(touch.maxDay, day);
      touch.accounts.add(p.account.data[r]!);
      this.#total(p.account.data[r]!).add(-p.amount.data[r]!);
      p.retire(r);
    }
    this.order.noteRemoved();
    this.bookStart.data[row] = -1;
    this.bookCount.data[row] = 0;
  }

  /** True when the entry's rows are in the books. */
  inBooks(row: number): boolean {
    return this.bookCount.data[row]! > 0;
  }

  /** Balance per account index as of the end of `day` (exact). */
  balancesAsOf(day: Day): bigint[] {
    const asOf = dayIndexOf(day);
    if (asOf >= this.maxDayEver) return this.totals.map((t) => t.value);
    return balancesUpTo(this.postings.columns(), this.accounts.size, asOf);
  }

  /** The rows in the books in (effectiveDate, hlc, entry id, account) order. */
  orderedRows(): Int32Array {
    return this.order.rows();
  }

  /** Iterate the rows in the books whose day is within [fromDay, toDay]. */
  forEachRow(fromDay: number, toDay: number, visit: (account: number, amount: number, day: number) => void): void {
    const { account, amount, day } = this.postings;
    const n = this.postings.count;
    for (let i = 0; i < n; i++) {
      const d = day.data[i]!;
      if (d >= fromDay && d <= toDay && d !== NEVER_DAY) visit(account.data[i]!, amount.data[i]!, d);
    }
  }

  get byteCapacity(): number {
    return this.postings.byteCapacity + this.order.byteCapacity + this.dataStart.byteCapacity + this.dataCount.byteCapacity + this.bookStart.byteCapacity + this.bookCount.byteCapacity;
  }

  #account(name: string): number {
    const index = this.accounts.intern(name);
    while (this.totals.length <= index) this.totals.push(new ExactTotal());
    return index;
  }

  #total(account: number): ExactTotal {
    return this.totals[account]!;
  }

  /** The fold's posting order: (effectiveDate, hlc, entry id, account), then the entry's own line order. */
  #compareRows(a: number, b: number): number {
    const p = this.postings;
    const ea = p.entry.data[a]!;
    const eb = p.entry.data[b]!;
    if (ea !== eb) {
      const eff = this.#effSec();
      return eff[ea]! - eff[eb]! || this.#entries.compareByHlc(ea, eb);
    }
    const na = this.accounts.name(p.account.data[a]!);
    const nb = this.accounts.name(p.account.data[b]!);
    return na < nb ? -1 : na > nb ? 1 : a - b;
  }
}

/** Exact sums of Float64 integers given as a list, in one pass with the BigInt fallback. */
export function exactSum(values: readonly number[]): bigint {
  let sum = 0;
  let abs = 0;
  for (const v of values) {
    sum += v;
    abs += Math.abs(v);
  }
  if (abs <= EXACT_MAX) return BigInt(sum);
  let big = 0n;
  for (const v of values) big += BigInt(v);
  return big;
}
