/**
 * Per-author bookkeeping of what is held: the inputs of the frontier that sync
 * exchanges ("I hold T1 up to 57"). Kept as one small row per author, updated in
 * the same transaction as the entries, so nobody has to scan the journal to know.
 *
 * Seqs held beyond the contiguous prefix are kept as sorted, disjoint, inclusive
 * ranges; they are few in practice (entries mostly arrive in order), and merging a
 * new seq into them needs no lookup of stored entries.
 */
import type { PeerId } from '../core/types.ts';
import type { AuthorHeld } from './journal.ts';

export interface AuthorRow extends AuthorHeld {
  /** Held seqs above contiguous + 1, as sorted disjoint [from, to] ranges. */
  above: Array<[number, number]>;
}

/** An author of whom nothing is held yet. */
export function emptyAuthor(peer: PeerId): AuthorRow {
  return { peer, contiguous: 0, highest: 0, count: 0, above: [] };
}

/**
 * The row after adding new entries of this author with the given seqs (one per new
 * entry; a seq already held counts again, as equivocation evidence). Pure.
 */
export function addSeqs(row: AuthorRow, seqs: readonly number[]): AuthorRow {
  let above = row.above.map(([a, b]): [number, number] => [a, b]);
  let { contiguous, highest } = row;
  for (const seq of seqs) {
    highest = Math.max(highest, seq);
    if (seq > contiguous) above = insertSeq(above, seq);
  }
  // Swallow ranges that now touch the contiguous prefix.
  while (above.length > 0 && above[0]![0] <= contiguous + 1) {
    contiguous = Math.max(contiguous, above[0]![1]);
    above = above.slice(1);
  }
  return { peer: row.peer, contiguous, highest, count: row.count + seqs.length, above };
}

/** Insert one seq into sorted disjoint ranges, merging neighbours. */
function insertSeq(ranges: Array<[number, number]>, seq: number): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  let placed = false;
  for (const [from, to] of ranges) {
    if (placed || to < seq - 1) {
      out.push([from, to]);
    } else if (from > seq + 1) {
      out.push([seq, seq], [from, to]);
      placed = true;
    } else {
      out.push([Math.min(from, seq), Math.max(to, seq)]);
      placed = true;
    }
  }
  if (!placed) out.push([seq, seq]);
  return mergeTouching(out);
}

function mergeTouching(ranges: Array<[number, number]>): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  for (const [from, to] of ranges) {
    const last = out[out.length - 1];
    if (last !== undefined && from <= last[1] + 1) last[1] = Math.max(last[1], to);
    else out.push([from, to]);
  }
  return out;
}

/** The public view of a row. */
export function authorHeld(row: AuthorRow): AuthorHeld {
  return { peer: row.peer, contiguous: row.contiguous, highest: row.highest, count: row.count };
}

/** Group new entries' seqs by author, in first-seen order. */
export function seqsByAuthor(entries: ReadonlyArray<{ peer: PeerId; seq: number }>): Map<PeerId, number[]> {
  const map = new Map<PeerId, number[]>();
  for (const { peer, seq } of entries) {
    const list = map.get(peer);
    if (list === undefined) map.set(peer, [seq]);
    else list.push(seq);
  }
  return map;
}
