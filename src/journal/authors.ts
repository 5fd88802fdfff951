/**
 * Per-author bookkeeping of what is held: the inputs of the frontier that sync
 * exchanges ("I hold T1 up to 57"). Kept as one small row per author, updated in
 * the same transaction as the entries, so nobody has to scan the journal to know.
 *
 * Seqs held beyond the contiguous prefix are kept as sorted, disjoint, inclusive
 * ranges; they are few in practice (entries mostly arrive in order), and merging
 * new seqs into them needs no lookup of stored entries.
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

/** Counts elementary steps of `addSeqs` (comparisons and merge steps), for tests. */
export interface SeqMeter {
  steps: number;
}

/**
 * The row after adding new entries of this author with the given seqs (one per new
 * entry; a seq already held counts again, as equivocation evidence). Pure.
 *
 * Cost: O(k log k + r) for k new seqs and r ranges held, whatever the order or the
 * gaps: the new seqs are sorted once and merged with the ranges in one pass. (It
 * used to insert seq by seq, copying the ranges each time: quadratic when a peer
 * sends gappy seqs, which a hostile peer can do on purpose.) `meter`, if given,
 * is incremented by the steps taken.
 */
export function addSeqs(row: AuthorRow, seqs: readonly number[], meter?: SeqMeter): AuthorRow {
  let { contiguous, highest } = row;
  const fresh: number[] = [];
  for (const seq of seqs) {
    if (seq > highest) highest = seq;
    if (seq > contiguous) fresh.push(seq);
  }
  let steps = seqs.length;
  fresh.sort((a, b) => {
    steps++;
    return a - b;
  });
  const merged = mergeRanges(row.above, fresh);
  steps += row.above.length + fresh.length;
  // Swallow ranges that now touch the contiguous prefix.
  let first = 0;
  while (first < merged.length && merged[first]![0] <= contiguous + 1) {
    contiguous = Math.max(contiguous, merged[first]![1]);
    first++;
  }
  if (meter !== undefined) meter.steps += steps + first;
  return { peer: row.peer, contiguous, highest, count: row.count + seqs.length, above: first === 0 ? merged : merged.slice(first) };
}

/**
 * Sorted disjoint ranges and sorted seqs (duplicates allowed) merged into new sorted,
 * disjoint, non-touching ranges, in one linear pass. The input tuples are not shared.
 */
function mergeRanges(ranges: ReadonlyArray<readonly [number, number]>, sorted: readonly number[]): Array<[number, number]> {
  const out: Array<[number, number]> = [];
  const push = (from: number, to: number): void => {
    const last = out[out.length - 1];
    if (last !== undefined && from <= last[1] + 1) last[1] = Math.max(last[1], to);
    else out.push([from, to]);
  };
  let i = 0;
  let j = 0;
  while (i < ranges.length || j < sorted.length) {
    const range = ranges[i];
    const seq = sorted[j];
    if (seq === undefined || (range !== undefined && range[0] <= seq)) {
      push(range![0], range![1]);
      i++;
    } else {
      push(seq, seq);
      j++;
    }
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
