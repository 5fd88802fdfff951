/**
 * A sorted index over row numbers, kept incrementally.
 *
 * Entries mostly arrive in date order, so a new row usually sorts after the last one
 * and is appended in O(1). A row that sorts earlier (a late or back-dated entry) waits
 * in a pending list; the next read sorts the pending rows and merges them in one pass.
 * Rows leave by a predicate (`keep`) applied at the same merge, so removing many rows
 * costs one pass, not one pass each.
 */
import { int32Column, type Column } from './columns.ts';

/** Compares two rows: negative, zero or positive, as Array.prototype.sort expects. */
export type RowOrder = (a: number, b: number) => number;

export class SortedIndex {
  #sorted: Column<Int32Array> = int32Column();
  #pending: number[] = [];
  #removed = false;
  readonly #order: RowOrder;
  readonly #keep: (row: number) => boolean;

  /** `order` sorts rows; `keep` says whether a row still belongs (checked when rows were removed). */
  constructor(order: RowOrder, keep: (row: number) => boolean) {
    this.#order = order;
    this.#keep = keep;
  }

  /** Add a row. O(1) when it sorts at or after the last row. */
  insert(row: number): void {
    const n = this.#sorted.length;
    // After a removal the last row may be one that is leaving: compare only at the next merge.
    if (this.#pending.length === 0 && !this.#removed && (n === 0 || this.#order(this.#sorted.data[n - 1]!, row) <= 0)) {
      this.#sorted.push(row);
    } else {
      this.#pending.push(row);
    }
  }

  /** Note that some rows no longer belong: the next read drops the rows `keep` refuses. */
  noteRemoved(): void {
    this.#removed = true;
  }

  /** The rows in order. The returned view is valid until the next insert. */
  rows(): Int32Array {
    if (this.#pending.length > 0 || this.#removed) this.#merge();
    return this.#sorted.data.subarray(0, this.#sorted.length);
  }

  get byteCapacity(): number {
    return this.#sorted.byteCapacity;
  }

  #merge(): void {
    const order = this.#order;
    const keep = this.#keep;
    const pending = this.#pending.filter(keep).sort(order);
    const old = this.#sorted.data.subarray(0, this.#sorted.length);
    const next = int32Column(old.length + pending.length);
    let j = 0;
    for (let i = 0; i < old.length; i++) {
      const row = old[i]!;
      if (this.#removed && !keep(row)) continue;
      while (j < pending.length && order(pending[j]!, row) < 0) next.push(pending[j++]!);
      next.push(row);
    }
    while (j < pending.length) next.push(pending[j++]!);
    this.#sorted = next;
    this.#pending = [];
    this.#removed = false;
  }
}
