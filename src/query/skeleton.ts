/**
 * Entries rebuilt from the columns for the core's fold. The fold reads the envelope
 * (id, book, kind, peer, seq, prev, hlc, date) and the body; it never reads the nonce
 * or the signature (validation did, before the entry was held), so those are left
 * empty. Non-txn entries are kept whole and returned as they are.
 */
import type { BookId, Entry, EntryId, PeerId } from '../core/types.ts';
import type { Books } from './books.ts';
import type { EntryTable } from './entries.ts';

/** The entry at `row`, whole or rebuilt. `ids` may hold ids already made (shared, not made twice). */
export function skeletonOf(entries: EntryTable, books: Books, row: number, ids?: string[]): Entry {
  const whole = entries.objects.get(row);
  if (whole !== undefined) return whole;
  const p = books.postings;
  const start = books.dataStart.data[row]!;
  const postings = [];
  for (let i = start; i < start + books.dataCount.data[row]!; i++) {
    postings.push({ account: books.accounts.name(p.account.data[i]!), amount: p.amount.data[i]! });
  }
  const body: Extract<Entry, { kind: 'txn' }>['body'] = { postings };
  const memo = entries.memo[row];
  const ref = entries.ref[row];
  if (memo !== undefined) body.memo = memo;
  if (ref !== undefined) body.ref = ref;
  return {
    id: (ids?.[row] ?? entries.ids.idAt(row)) as EntryId,
    nonce: '',
    book: entries.books.name(entries.book.data[row]!) as BookId,
    kind: 'txn',
    peer: entries.peers.name(entries.peer.data[row]!) as PeerId,
    seq: entries.seq.data[row]!,
    prev: prevOf(entries, row, ids),
    hlc: entries.hlcOf(row),
    date: entries.dateOf(row),
    body,
    sig: '',
  };
}

function prevOf(entries: EntryTable, row: number, ids: string[] | undefined): EntryId | null {
  if (ids === undefined) return entries.prevOf(row);
  // Almost every prev is a held entry: share its id string instead of making another.
  const prev = entries.prevRow(row);
  return prev >= 0 ? (ids[prev] as EntryId) : entries.prevOf(row);
}

/** Every entry held, rebuilt (for a fold of the whole set). */
export function allSkeletons(entries: EntryTable, books: Books): Entry[] {
  const ids = new Array<string>(entries.size);
  for (let row = 0; row < entries.size; row++) ids[row] = entries.ids.idAt(row);
  const out = new Array<Entry>(entries.size);
  for (let row = 0; row < entries.size; row++) out[row] = skeletonOf(entries, books, row, ids);
  return out;
}
