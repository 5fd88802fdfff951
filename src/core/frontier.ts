/**
 * Frontiers and cuts: what a peer holds from each author, in the compact form that
 * summaries, seals and sync exchange ("T1 up to 57, T2 up to 12").
 *
 * Everything here looks at (peer, seq) only, plus the prev links needed to name a
 * head. Whether an entry lies on the chain a cut names (a fork question) is the
 * chain index's business (fold-chain.ts).
 */
import { compareStrings } from './fold-order.ts';
import type { AuthorFrontier, SeqRange } from './ledger.ts';
import type { Cut, Entry, EntryId, PeerId } from './types.ts';

/** Entries grouped by author, then by seq; each seq's entries are distinct ids sorted by id. */
export type SeqIndex = Map<PeerId, Map<number, Entry[]>>;

/** Group entries by author and seq, ignoring repeated ids (`distinct` says there are none). */
export function indexBySeq(entries: Iterable<Entry>, distinct = false): SeqIndex {
  const index: SeqIndex = new Map();
  const seen = new Set<EntryId>();
  for (const entry of entries) {
    if (!distinct) {
      if (seen.has(entry.id)) continue;
      seen.add(entry.id);
    }
    let bySeq = index.get(entry.peer);
    if (bySeq === undefined) index.set(entry.peer, (bySeq = new Map<number, Entry[]>()));
    const atSeq = bySeq.get(entry.seq);
    if (atSeq === undefined) bySeq.set(entry.seq, [entry]);
    else atSeq.push(entry);
  }
  for (const bySeq of index.values()) {
    for (const atSeq of bySeq.values()) if (atSeq.length > 1) atSeq.sort((a, b) => compareStrings(a.id, b.id));
  }
  return index;
}

/**
 * Each author's frontier over a set of entries, in peer order. `contiguous` is the
 * highest seq with every seq 1..contiguous held; `head` the id at that seq. When
 * an author holds two ids at that seq (equivocation), the head is the one the held
 * entry at contiguous+1 names as its prev (so the head continues a chain this peer
 * can see); failing that, the lowest id. Either way a function of the set.
 */
export function frontierOf(entries: Iterable<Entry>): Map<PeerId, AuthorFrontier> {
  return frontierOfIndex(indexBySeq(entries));
}

/** frontierOf over an index already built. */
export function frontierOfIndex(index: SeqIndex): Map<PeerId, AuthorFrontier> {
  const frontier = new Map<PeerId, AuthorFrontier>();
  const peers = [...index.keys()].sort(compareStrings);
  for (const peer of peers) frontier.set(peer, authorFrontier(peer, index.get(peer)!));
  return frontier;
}

function authorFrontier(peer: PeerId, bySeq: Map<number, Entry[]>): AuthorFrontier {
  let contiguous = 0;
  while (bySeq.has(contiguous + 1)) contiguous++;
  let highest = 0;
  for (const seq of bySeq.keys()) if (seq > highest) highest = seq;
  const result: AuthorFrontier = { peer, contiguous, highest, missing: gapsBelow(peer, bySeq, highest) };
  if (contiguous > 0) result.head = headAt(bySeq, contiguous);
  return result;
}

function headAt(bySeq: Map<number, Entry[]>, seq: number): EntryId {
  const here = bySeq.get(seq)!;
  if (here.length === 1) return here[0]!.id;
  const named = new Set((bySeq.get(seq + 1) ?? []).map((next) => next.prev));
  const continued = here.find((entry) => named.has(entry.id));
  return (continued ?? here[0]!).id;
}

function gapsBelow(peer: PeerId, bySeq: Map<number, Entry[]>, highest: number): SeqRange[] {
  const seqs = [...bySeq.keys()].sort((a, b) => a - b);
  const gaps: SeqRange[] = [];
  let expected = 1;
  for (const seq of seqs) {
    if (seq > expected) gaps.push({ peer, from: expected, to: seq - 1 });
    expected = seq + 1;
  }
  return highest === 0 ? [] : gaps;
}

/** The cut of a frontier: one line per author holding seq 1, sorted by peer. */
export function cutOf(frontier: ReadonlyMap<PeerId, AuthorFrontier>): Cut {
  const cut: Cut = [];
  for (const f of frontier.values()) {
    if (f.contiguous > 0 && f.head !== undefined) cut.push({ peer: f.peer, seq: f.contiguous, head: f.head });
  }
  return cut.sort((a, b) => compareStrings(a.peer, b.peer));
}

/**
 * (peer, seq) ranges inside `cut` that `frontier` lacks, sorted by peer then seq:
 * the seqs at or below each cut line that this peer holds nothing at. This is what
 * sync fetches. It does not see forks (holding some entry at a seq, but not the one
 * the cut's chain passes through); the fold checks that with the prev links.
 */
export function lackingInCut(cut: Cut, frontier: ReadonlyMap<PeerId, AuthorFrontier>): SeqRange[] {
  const lacking: SeqRange[] = [];
  for (const line of [...cut].sort((a, b) => compareStrings(a.peer, b.peer))) {
    lacking.push(...lackingBelow(line.peer, line.seq, frontier.get(line.peer)));
  }
  return lacking;
}

/** The seqs 1..upTo of `peer` at which nothing is held, as ranges. */
export function lackingBelow(peer: PeerId, upTo: number, f: AuthorFrontier | undefined): SeqRange[] {
  if (upTo < 1) return [];
  if (f === undefined || f.highest === 0) return [{ peer, from: 1, to: upTo }];
  const ranges: SeqRange[] = [];
  for (const gap of f.missing) {
    if (gap.from > upTo) break;
    ranges.push({ peer, from: gap.from, to: Math.min(gap.to, upTo) });
  }
  if (f.highest < upTo) ranges.push({ peer, from: f.highest + 1, to: upTo });
  return ranges;
}

/** Merge ranges of one peer that touch or overlap; input sorted by `from`. */
export function mergeRanges(ranges: readonly SeqRange[]): SeqRange[] {
  const merged: SeqRange[] = [];
  for (const range of ranges) {
    const last = merged[merged.length - 1];
    if (last !== undefined && last.peer === range.peer && range.from <= last.to + 1) last.to = Math.max(last.to, range.to);
    else merged.push({ ...range });
  }
  return merged;
}
