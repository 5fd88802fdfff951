/**
 * Money answers read from the columns: an account's register with running balances,
 * totals by day and by account, a final period's content, and the alarms' order.
 */
import { canonicalString } from '../core/canonical.ts';
import { endOfDay, periodStart } from '../core/dates.ts';
import { lastDayOf } from '../core/fold-periods.ts';
import type { Alarm, RegisterPage, RegisterRow } from '../core/ledger.ts';
import type { Day, EntryId, PeriodId } from '../core/types.ts';
import type { Books } from './books.ts';
import { dateToSeconds, dayIndexOf, secondsToDate } from './codec.ts';
import { NEGATE, TXN } from './entries.ts';
import { EFFECTIVE } from './state.ts';
import type { QueryStore } from './store.ts';
import { EXACT_MAX, NEVER_DAY } from './sums.ts';

/** An inclusive range of effective days; either end may be open. */
export interface RangeOptions {
  from?: Day;
  to?: Day;
}

export interface DayTotal {
  day: Day;
  /** Sum of the positive postings. */
  debit: bigint;
  /** Sum of the negative postings, as a positive number. */
  credit: bigint;
}

export interface AccountTotal {
  account: string;
  debit: bigint;
  credit: bigint;
  /** debit - credit: the account's movement over the range. */
  net: bigint;
}

function dayRange(opts: RangeOptions): [number, number] {
  return [opts.from === undefined ? -Infinity : dayIndexOf(opts.from), opts.to === undefined ? NEVER_DAY - 1 : dayIndexOf(opts.to)];
}

/**
 * The register of `account`, exactly as the core's `register`: rows in the books'
 * posting order, filtered by effective day, paged, each with the balance after it
 * counting every earlier row of the account (kept or not).
 */
export function registerPage(store: QueryStore, account: string, opts: RangeOptions & { offset?: number; limit?: number }): RegisterPage {
  const books = store.books;
  const index = books.accounts.get(account);
  if (index === undefined) return { account, rows: [], total: 0 };
  const [fromDay, toDay] = dayRange(opts);
  const offset = Math.max(0, Math.floor(opts.offset ?? 0));
  const limit = opts.limit === undefined ? Infinity : Math.max(0, Math.floor(opts.limit));
  const { account: acc, amount, day, entry } = books.postings;
  const ordered = books.orderedRows();
  const rows: RegisterRow[] = [];
  let total = 0;
  let running = 0;
  let abs = 0;
  let big: bigint | undefined;
  for (let k = 0; k < ordered.length; k++) {
    const r = ordered[k]!;
    if (acc.data[r] !== index) continue;
    const x = amount.data[r]!;
    if (big === undefined) {
      abs += x < 0 ? -x : x;
      // Past 2^53 a Float64 running sum could round: continue in BigInt from the exact value so far.
      if (abs > EXACT_MAX) big = BigInt(running) + BigInt(x);
      else running += x;
    } else big += BigInt(x);
    const d = day.data[r]!;
    if (d < fromDay || d > toDay) continue;
    if (total >= offset && rows.length < limit) {
      const e = entry.data[r]!;
      rows.push({
        entry: store.entries.ids.idAt(e) as EntryId,
        effectiveDate: secondsToDate(store.states.effSec.data[e]!),
        labelDate: store.entries.dateOf(e),
        amount: BigInt(x),
        running: big ?? BigInt(running),
      });
    }
    total++;
  }
  return { account, rows, total };
}

/** Debit and credit totals per effective day, in day order; days without postings left out. */
export function dayTotals(books: Books, opts: RangeOptions & { account?: string }): DayTotal[] {
  const only = opts.account === undefined ? -1 : books.accounts.get(opts.account) ?? -2;
  if (only === -2) return [];
  const [fromDay, toDay] = dayRange(opts);
  // One pass into Float64Arrays indexed by day (both sums only grow, so each stays exact within 2^53).
  const { account, amount, day } = books.postings;
  const n = books.postings.count;
  let lo = Infinity;
  let hi = -Infinity;
  for (let i = 0; i < n; i++) {
    const d = day.data[i]!;
    if (d === NEVER_DAY || d < fromDay || d > toDay || (only >= 0 && account.data[i] !== only)) continue;
    if (d < lo) lo = d;
    if (d > hi) hi = d;
  }
  if (lo > hi) return [];
  const debit = new Float64Array(hi - lo + 1);
  const credit = new Float64Array(hi - lo + 1);
  const seen = new Uint8Array(hi - lo + 1);
  for (let i = 0; i < n; i++) {
    const d = day.data[i]!;
    if (d < lo || d > hi || (only >= 0 && account.data[i] !== only)) continue;
    const x = amount.data[i]!;
    seen[d - lo] = 1;
    if (x > 0) debit[d - lo]! += x;
    else credit[d - lo]! -= x;
  }
  const out: DayTotal[] = [];
  for (let k = 0; k < seen.length; k++) {
    if (seen[k] === 0) continue;
    const exactDay = debit[k]! <= EXACT_MAX && credit[k]! <= EXACT_MAX;
    const [d, c] = exactDay ? [BigInt(debit[k]!), BigInt(credit[k]!)] : bigDay(books, lo + k, only);
    out.push({ day: secondsToDate((lo + k) * 86_400).slice(0, 10), debit: d, credit: c });
  }
  return out;
}

function bigDay(books: Books, d: number, only: number): [bigint, bigint] {
  let debit = 0n;
  let credit = 0n;
  books.forEachRow(d, d, (account, amount) => {
    if (only >= 0 && account !== only) return;
    if (amount > 0) debit += BigInt(amount);
    else credit -= BigInt(amount);
  });
  return [debit, credit];
}

/** Movement per account over effective days in range, in account order; untouched accounts left out. */
export function accountTotals(books: Books, opts: RangeOptions): AccountTotal[] {
  const [fromDay, toDay] = dayRange(opts);
  const n = books.accounts.size;
  const debit = new Float64Array(n);
  const credit = new Float64Array(n);
  const seen = new Uint8Array(n);
  books.forEachRow(fromDay, toDay, (account, amount) => {
    seen[account] = 1;
    if (amount > 0) debit[account]! += amount;
    else credit[account]! -= amount;
  });
  const out: AccountTotal[] = [];
  for (let a = 0; a < n; a++) {
    if (seen[a] === 0) continue;
    // Both sums only grow, so each is exact while it stays within 2^53; else sum again in BigInt.
    const [d, c] = debit[a]! <= EXACT_MAX && credit[a]! <= EXACT_MAX ? [BigInt(debit[a]!), BigInt(credit[a]!)] : bigTotals(books, a, fromDay, toDay);
    out.push({ account: books.accounts.name(a), debit: d, credit: c, net: d - c });
  }
  return out.sort((x, y) => (x.account < y.account ? -1 : x.account > y.account ? 1 : 0));
}

function bigTotals(books: Books, account: number, fromDay: number, toDay: number): [bigint, bigint] {
  let d = 0n;
  let c = 0n;
  books.forEachRow(fromDay, toDay, (a, amount) => {
    if (a !== account) return;
    if (amount > 0) d += BigInt(amount);
    else c -= BigInt(amount);
  });
  return [d, c];
}

/** The ids of the effective txn and negate entries landing in `period`, sorted (the fold's `content`). */
export function periodContent(store: QueryStore, period: PeriodId): EntryId[] {
  const start = dateToSeconds(periodStart(period));
  const end = dateToSeconds(endOfDay(lastDayOf(period)));
  const { kind } = store.entries;
  const { status, effSec } = store.states;
  const ids: EntryId[] = [];
  for (let r = 0; r < store.entries.size; r++) {
    const k = kind.data[r];
    if ((k !== TXN && k !== NEGATE) || status.data[r] !== EFFECTIVE) continue;
    const s = effSec.data[r]!;
    if (s >= start && s <= end) ids.push(store.entries.ids.idAt(r) as EntryId);
  }
  return ids.sort();
}

/** Alarms in the fold's one order: by their canonical text. */
export function sortAlarms(alarms: Alarm[]): Alarm[] {
  const keyed = alarms.map((alarm) => ({ alarm, key: canonicalString(alarm) }));
  return keyed.sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0)).map((k) => k.alarm);
}
