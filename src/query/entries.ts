/**
 * The entries held, as columns. One row per entry id, in local arrival order (an order
 * that means nothing to the books: every answer sorts by set-determined keys).
 *
 * A txn is about 95% of a store's entries, so it is kept only as columns: id, author,
 * seq, prev, hlc, date, memo, ref, and its postings in the posting table. Every other
 * kind is rare and kept whole besides, because the structural rules read its body.
 * Nonce, signature and book are not kept: the journal holds the entry itself.
 */
import { KINDS } from '../core/types.ts';
import type { Entry, Kind } from '../core/types.ts';
import { Interner } from './accounts.ts';
import { dateToSeconds, hlcCounter, hlcMs } from './codec.ts';
import { float64Column, int32Column, uint16Column, uint8Column, Column } from './columns.ts';
import { IdTable } from './ids.ts';

export const KIND_CODE: Readonly<Record<Kind, number>> = Object.fromEntries(KINDS.map((k, i) => [k, i])) as Record<Kind, number>;
export const TXN = KIND_CODE.txn;
export const NEGATE = KIND_CODE.negate;

/** Per-entry columns; row `i` of each describes entry `i`. */
export class EntryTable {
  readonly ids = new IdTable();
  readonly peers = new Interner();
  readonly peer = int32Column();
  readonly seq = int32Column();
  readonly kind = uint8Column();
  readonly hlcMs = float64Column();
  readonly hlcCounter = uint16Column();
  /** The entry's own business date, in seconds since 2000 (codec.ts). */
  readonly date = float64Column();
  /** The id of the author's previous entry, as table index when held here, -1 for none, -2 when not held yet. */
  readonly prevWords = new Column(Uint32Array, 8 * 1024);
  readonly prevNull = uint8Column();
  readonly memo: Array<string | undefined> = [];
  readonly ref: Array<string | undefined> = [];
  /** Non-txn entries, whole. */
  readonly objects = new Map<number, Entry>();

  get size(): number {
    return this.ids.size;
  }

  /** Add an entry not held yet; returns its row. The caller checks `ids.indexOf` first. */
  add(entry: Entry): number {
    const row = this.ids.add(entry.id);
    this.peer.push(this.peers.intern(entry.peer));
    this.seq.push(entry.seq);
    this.kind.push(KIND_CODE[entry.kind]);
    this.hlcMs.push(hlcMs(entry.hlc));
    this.hlcCounter.push(hlcCounter(entry.hlc));
    this.date.push(dateToSeconds(entry.date));
    this.#pushPrev(entry.prev);
    if (entry.kind === 'txn') {
      this.memo.push(entry.body.memo);
      this.ref.push(entry.body.ref);
    } else {
      this.memo.push(undefined);
      this.ref.push(undefined);
      this.objects.set(row, entry);
    }
    return row;
  }

  /** True when the entry at `row` names `prevRow`'s id as its prev. */
  prevIs(row: number, prevRow: number): boolean {
    if (this.prevNull.data[row] === 1) return false;
    const words = this.prevWords.data;
    const id = this.ids.idAt(prevRow);
    for (let w = 0; w < 8; w++) {
      if (words[row * 8 + w] !== parseInt(id.slice(w * 8, w * 8 + 8), 16)) return false;
    }
    return true;
  }

  /** True when the entry at `row` has no prev (an author's first entry). */
  prevIsNull(row: number): boolean {
    return this.prevNull.data[row] === 1;
  }

  #pushPrev(prev: string | null): void {
    const base = this.prevWords.length;
    this.prevWords.grow(base + 8);
    this.prevWords.length = base + 8;
    this.prevNull.push(prev === null ? 1 : 0);
    if (prev === null) return;
    for (let w = 0; w < 8; w++) this.prevWords.data[base + w] = parseInt(prev.slice(w * 8, w * 8 + 8), 16);
  }
}
