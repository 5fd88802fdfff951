/**
 * The posting table: one row per posting, as parallel columns.
 *
 * A txn's own postings are written once, when the txn arrives, and are its data (the
 * search reads them even while the txn is held). A negation in effect gets rows of its
 * own: the opposite of its target's. `day` is a row's effective day while it counts in
 * the books and NEVER_DAY while it does not, so an as-of sum is one linear pass:
 * `if (day[i] <= asOf) sum[account[i]] += amount[i]`.
 *
 * Rows are never moved. A row that has been in the books and must move to another
 * date is retired (NEVER_DAY, `gone`) and copied to a fresh row, so the sorted index
 * never holds a row whose sort key changed under it.
 */
import { float64Column, int32Column, uint8Column } from './columns.ts';
import { NEVER_DAY } from './sums.ts';
import type { PostingColumns } from './sums.ts';

/** Row flags. */
const IN_BOOKS = 1;
/** The row was once in the books and has been taken out: it never comes back (a copy does). */
const GONE = 2;

export class PostingTable {
  readonly account = int32Column();
  readonly amount = float64Column();
  /** Effective day index while in the books, else NEVER_DAY. */
  readonly day = int32Column();
  /** The entry whose effect (or data) the row is. */
  readonly entry = int32Column();
  readonly flags = uint8Column();

  get count(): number {
    return this.account.length;
  }

  /** Add a row outside the books; returns its index. */
  add(account: number, amount: number, entry: number): number {
    this.account.push(account);
    this.amount.push(amount);
    this.day.push(NEVER_DAY);
    this.entry.push(entry);
    return this.flags.push(0);
  }

  /** True while the row counts in the books. */
  inBooks(row: number): boolean {
    return (this.flags.data[row]! & IN_BOOKS) !== 0;
  }

  /** True when the row can be put in the books as it is (it never was, so no index holds it). */
  isFresh(row: number): boolean {
    return this.flags.data[row] === 0;
  }

  /** Put a fresh row in the books at `day`. */
  enter(row: number, day: number): void {
    this.day.data[row] = day;
    this.flags.data[row] = IN_BOOKS;
  }

  /** Take a row out of the books for good. */
  retire(row: number): void {
    this.day.data[row] = NEVER_DAY;
    this.flags.data[row] = GONE;
  }

  /** The columns a sum reads (views valid until the next add). */
  columns(): PostingColumns {
    return { account: this.account.data, amount: this.amount.data, day: this.day.data, count: this.count };
  }

  get byteCapacity(): number {
    return this.account.byteCapacity + this.amount.byteCapacity + this.day.byteCapacity + this.entry.byteCapacity + this.flags.byteCapacity;
  }
}
