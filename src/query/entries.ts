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
import type { BusinessDate, Entry, EntryId, Hlc, Kind } from '../core/types.ts';
import { Interner } from './accounts.ts';
import { dateToSeconds, hlcCounter, hlcMs, hlcText, secondsToDate } from './codec.ts';
import { float64Column, int32Column, uint16Column, uint8Column, Column } from './columns.ts';
import { IdTable, parseHexId, wordsToHex } from './ids.ts';

export const KIND_CODE: Readonly<Record<Kind, number>> = Object.fromEntries(KINDS.map((k, i) => [k, i])) as Record<Kind, number>;
export const TXN = KIND_CODE.txn;
export const NEGATE = KIND_CODE.negate;

/** Per-entry columns; row `i` of each describes entry `i`. */
export class EntryTable {
  readonly ids = new IdTable();
  readonly peers = new Interner();
  readonly books = new Interner();
  readonly book = int32Column();
  readonly peer = int32Column();
  readonly seq = int32Column();
  readonly kind = uint8Column();
  readonly hlcMs = float64Column();
  readonly hlcCounter = uint16Column();
  /** The entry's own business date, in seconds since 2000 (codec.ts). */
  readonly date = float64Column();
  /** The id of the author's previous entry: 8 words per row (zeros when `prevNull`). */
  readonly prevWords = new Column(Uint32Array, 8 * 1024);
  readonly prevNull = uint8Column();
  readonly memo: Array<string | undefined> = [];
  readonly ref: Array<string | undefined> = [];
  /** Non-txn entries, whole. */
  readonly objects = new Map<number, Entry>();

  get size(): number {
    return this.ids.size;
  }

  /** Make room for `count` entries in all (a cold start knows how many it will add). */
  reserve(count: number): void {
    this.ids.reserve(count);
    for (const column of [this.book, this.peer, this.seq, this.kind, this.hlcMs, this.hlcCounter, this.date, this.prevNull]) column.grow(count);
    this.prevWords.grow(count * 8);
  }

  /** Add an entry not held yet and return its row; -1 (and nothing added) when its id is held. */
  add(entry: Entry): number {
    const row = this.ids.addIfNew(entry.id);
    if (row === -1) return -1;
    this.book.push(this.books.intern(entry.book));
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

  /** The prev id of the entry at `row`, or null. */
  prevOf(row: number): EntryId | null {
    if (this.prevNull.data[row] === 1) return null;
    return wordsToHex(this.prevWords.data, row * 8) as EntryId;
  }

  /** The row of the held entry the entry at `row` names as prev, or -1. */
  prevRow(row: number): number {
    return this.prevNull.data[row] === 1 ? -1 : this.ids.indexOfWords(this.prevWords.data, row * 8);
  }

  /** The kind of the entry at `row`. */
  kindOf(row: number): Kind {
    return KINDS[this.kind.data[row]!]!;
  }

  /** The entry's hlc text. */
  hlcOf(row: number): Hlc {
    return hlcText(this.hlcMs.data[row]!, this.hlcCounter.data[row]!) as Hlc;
  }

  /** The entry's business date text. */
  dateOf(row: number): BusinessDate {
    return secondsToDate(this.date.data[row]!);
  }

  /** Order of two rows by (date, hlc, id): the journal's reading order. */
  compareByDate(a: number, b: number): number {
    return (
      this.date.data[a]! - this.date.data[b]! ||
      this.hlcMs.data[a]! - this.hlcMs.data[b]! ||
      this.hlcCounter.data[a]! - this.hlcCounter.data[b]! ||
      this.ids.compare(a, b)
    );
  }

  /** Order of two rows by (hlc, id): the fold's tie-break order. */
  compareByHlc(a: number, b: number): number {
    return this.hlcMs.data[a]! - this.hlcMs.data[b]! || this.hlcCounter.data[a]! - this.hlcCounter.data[b]! || this.ids.compare(a, b);
  }

  #pushPrev(prev: string | null): void {
    const base = this.prevWords.length;
    this.prevWords.grow(base + 8);
    this.prevWords.length = base + 8;
    this.prevNull.push(prev === null ? 1 : 0);
    if (prev === null) return;
    // A prev that is not a 64-hex id cannot name a held entry: keep zeros, never equal to a real id's words.
    if (!parseHexId(prev, this.prevWords.data, base)) this.prevWords.data.fill(0, base, base + 8);
  }
}
