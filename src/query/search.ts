/**
 * Journal search over the entry columns: by business-date range, account, kind,
 * author, memo text, amount range and status; results in (date, hlc, id) order,
 * paged, with the total count.
 */
import type { Day, Kind } from '../core/types.ts';
import { dateToSeconds } from './codec.ts';
import { KIND_CODE, NEGATE } from './entries.ts';
import { STATUSES, type Status } from './state.ts';
import type { EntryInfo } from './entry-lists.ts';
import type { QueryStore } from './store.ts';

export interface SearchFilter {
  /** Entries whose own business date falls on or after this day. */
  from?: Day;
  /** ... and on or before the end of this day. */
  to?: Day;
  kinds?: Kind[];
  author?: string;
  /** A txn with a posting to this account, or a negation of one. */
  account?: string;
  /** Case-insensitive substring of a txn's memo. */
  memo?: string;
  /**
   * A txn (or negation of one) with a posting whose absolute amount, in minor units,
   * lies in [min, max] (and is to `account`, when given).
   */
  amount?: { min?: number; max?: number };
  status?: Status;
  offset?: number;
  /** Rows per page (default 50). */
  limit?: number;
}

export interface SearchPage {
  rows: EntryInfo[];
  /** Matching entries in all. */
  total: number;
}

/** Search `ordered` (entry rows in (date, hlc, id) order) with `filter`. */
export function searchEntries(store: QueryStore, ordered: Int32Array, filter: SearchFilter): SearchPage {
  const match = matcher(store, filter);
  const offset = Math.max(0, Math.floor(filter.offset ?? 0));
  const limit = Math.max(0, Math.floor(filter.limit ?? 50));
  const rows: EntryInfo[] = [];
  let total = 0;
  for (let k = 0; k < ordered.length; k++) {
    const row = ordered[k]!;
    if (!match(row)) continue;
    if (total >= offset && rows.length < limit) rows.push(store.info(row));
    total++;
  }
  return { rows, total };
}

function matcher(store: QueryStore, f: SearchFilter): (row: number) => boolean {
  const e = store.entries;
  const tests: Array<(row: number) => boolean> = [];
  if (f.from !== undefined) {
    const from = dateToSeconds(`${f.from}T00:00:00`);
    tests.push((r) => e.date.data[r]! >= from);
  }
  if (f.to !== undefined) {
    const to = dateToSeconds(`${f.to}T23:59:59`);
    tests.push((r) => e.date.data[r]! <= to);
  }
  if (f.kinds !== undefined) {
    const codes = new Set(f.kinds.map((k) => KIND_CODE[k]));
    tests.push((r) => codes.has(e.kind.data[r]!));
  }
  if (f.author !== undefined) {
    const peer = e.peers.get(f.author) ?? -1;
    tests.push((r) => e.peer.data[r] === peer);
  }
  if (f.status !== undefined) {
    const code = STATUSES.indexOf(f.status);
    tests.push((r) => store.states.status.data[r] === code);
  }
  if (f.memo !== undefined) {
    const needle = f.memo.toLowerCase();
    tests.push((r) => e.memo[r]?.toLowerCase().includes(needle) === true);
  }
  if (f.account !== undefined || f.amount !== undefined) tests.push(postingTest(store, f));
  return (row) => tests.every((t) => t(row));
}

/** Account and amount tests over a txn's lines (a negation is tested on its target's). */
function postingTest(store: QueryStore, f: SearchFilter): (row: number) => boolean {
  const books = store.books;
  const account = f.account === undefined ? -1 : books.accounts.get(f.account) ?? -2;
  const min = f.amount?.min ?? 0;
  const max = f.amount?.max ?? Infinity;
  const { account: acc, amount } = books.postings;
  return (row) => {
    const source = store.entries.kind.data[row] === NEGATE ? targetRow(store, row) : row;
    if (source < 0) return false;
    const start = books.dataStart.data[source]!;
    const end = start + books.dataCount.data[source]!;
    for (let i = start; i < end; i++) {
      if (account !== -1 && acc.data[i] !== account) continue;
      const a = Math.abs(amount.data[i]!);
      if (a >= min && a <= max) return true;
    }
    return false;
  };
}

function targetRow(store: QueryStore, row: number): number {
  const negate = store.entries.objects.get(row);
  return negate?.kind === 'negate' ? store.entries.ids.indexOf(negate.body.target.id) : -1;
}
