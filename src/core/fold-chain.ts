/**
 * Author chains: the index the rest of the fold stands on. It dedups the set,
 * orders it by (hlc, id), finds equivocations, and answers "is this entry within
 * that cut?" in constant time.
 *
 * Within a cut line (peer, seq, head) means: on the prev chain that ends at `head`.
 * This peer can only know that through entries it holds, so an entry is within a
 * line when the head is held and the entry is an ancestor-or-self of it by held
 * prev links. The held entries form a forest (each entry's parent is the held entry
 * its `prev` names, one seq lower); ancestry is read from an Euler tour of it.
 */
import { compareStrings, byHlcId } from './fold-order.ts';
import { frontierOfIndex, indexBySeq, lackingBelow, mergeRanges, type SeqIndex } from './frontier.ts';
import type { Alarm, AuthorFrontier, SeqRange } from './ledger.ts';
import type { Cut, CutLine, Entry, EntryId, PeerId } from './types.ts';

export interface ChainIndex {
  /** The distinct entries, in (hlc, id) order. */
  sorted: Entry[];
  byId: Map<EntryId, Entry>;
  bySeq: SeqIndex;
  frontier: Map<PeerId, AuthorFrontier>;
  /** Per equivocating author, the lowest conflicting seq: it is held from there. */
  heldFrom: Map<PeerId, number>;
  /** One alarm per (author, conflicting seq), sorted. */
  equivocations: Array<Alarm & { kind: 'equivocation' }>;
  /** Position of each entry in `sorted`, and its Euler-tour interval [enter, exit). */
  pos: Map<EntryId, number>;
  enter: Int32Array;
  exit: Int32Array;
  /** Seq of the oldest held entry on each entry's chain (1 when the chain is whole). */
  rootSeq: Int32Array;
  /** Position of the parent (held prev) of each entry, or -1. */
  parent: Int32Array;
}

/** Index a set of entries (duplicates by id ignored). Linear apart from the sort. */
export function buildChains(entries: Iterable<Entry>): ChainIndex {
  const byId = new Map<EntryId, Entry>();
  for (const entry of entries) if (!byId.has(entry.id)) byId.set(entry.id, entry);
  const sorted = [...byId.values()].sort(byHlcId);
  const pos = new Map<EntryId, number>();
  sorted.forEach((entry, i) => pos.set(entry.id, i));
  const bySeq = indexBySeq(sorted, true);
  const { heldFrom, equivocations } = findEquivocations(bySeq);
  const parent = parentsOf(sorted, pos);
  const { enter, exit, rootSeq } = eulerTour(sorted, parent);
  return { sorted, byId, bySeq, frontier: frontierOfIndex(bySeq), heldFrom, equivocations, pos, enter, exit, rootSeq, parent };
}

/**
 * Equivocation: two held ids at one (peer, seq), or an entry whose prev is not the
 * held entry one seq below (then the author signed two entries at that lower seq,
 * one of which this peer has not seen). Either way the conflicting seq is the one
 * with two entries, which keeps "held from" stable as the missing one arrives.
 */
function findEquivocations(bySeq: SeqIndex): Pick<ChainIndex, 'heldFrom' | 'equivocations'> {
  const heldFrom = new Map<PeerId, number>();
  const equivocations: ChainIndex['equivocations'] = [];
  for (const [peer, seqs] of bySeq) {
    const evidence = new Map<number, Set<EntryId>>();
    const note = (seq: number, ids: EntryId[]): void => {
      let set = evidence.get(seq);
      if (set === undefined) evidence.set(seq, (set = new Set()));
      for (const id of ids) set.add(id);
    };
    for (const [seq, here] of seqs) {
      if (here.length > 1) note(seq, here.map((e) => e.id));
      const below = seqs.get(seq - 1);
      if (below === undefined) continue;
      for (const entry of here) {
        if (!below.some((b) => b.id === entry.prev)) note(seq - 1, [...below.map((b) => b.id), entry.id]);
      }
    }
    for (const [seq, ids] of evidence) {
      equivocations.push({ kind: 'equivocation', peer, seq, entries: [...ids].sort(compareStrings) });
      heldFrom.set(peer, Math.min(seq, heldFrom.get(peer) ?? Infinity));
    }
  }
  equivocations.sort((a, b) => compareStrings(a.peer, b.peer) || a.seq - b.seq);
  return { heldFrom, equivocations };
}

/** Position of each entry's held prev (one seq lower, same author), or -1. One map lookup per entry: `pos` holds every id. */
function parentsOf(sorted: Entry[], pos: Map<EntryId, number>): Int32Array {
  const parent = new Int32Array(sorted.length).fill(-1);
  sorted.forEach((entry, i) => {
    const p = entry.prev === null ? undefined : pos.get(entry.prev);
    if (p === undefined) return;
    const up = sorted[p]!;
    if (up.peer === entry.peer && up.seq === entry.seq - 1) parent[i] = p;
  });
  return parent;
}

/** Iterative DFS over the prev forest (no recursion: chains are long). */
function eulerTour(sorted: Entry[], parent: Int32Array): Pick<ChainIndex, 'enter' | 'exit' | 'rootSeq'> {
  const n = sorted.length;
  const firstChild = new Int32Array(n).fill(-1);
  const nextSibling = new Int32Array(n).fill(-1);
  for (let i = n - 1; i >= 0; i--) {
    const p = parent[i]!;
    if (p >= 0) {
      nextSibling[i] = firstChild[p]!;
      firstChild[p] = i;
    }
  }
  const enter = new Int32Array(n);
  const exit = new Int32Array(n);
  const rootSeq = new Int32Array(n);
  const cursor = firstChild.slice();
  const stack: number[] = [];
  let clock = 0;
  for (let root = 0; root < n; root++) {
    if (parent[root]! >= 0) continue;
    enter[root] = clock++;
    rootSeq[root] = sorted[root]!.seq;
    stack.push(root);
    while (stack.length > 0) {
      const node = stack[stack.length - 1]!;
      const child = cursor[node]!;
      if (child >= 0) {
        cursor[node] = nextSibling[child]!;
        enter[child] = clock++;
        rootSeq[child] = rootSeq[node]!;
        stack.push(child);
      } else {
        exit[node] = clock;
        stack.pop();
      }
    }
  }
  return { enter, exit, rootSeq };
}

/** A cut as a map by peer. */
export function cutMap(cut: Cut): Map<PeerId, CutLine> {
  return new Map(cut.map((line) => [line.peer, line]));
}

/** Position of a cut line's head when it is held at the seq the line claims, else -1. */
function headPos(chains: ChainIndex, line: CutLine): number {
  const h = chains.pos.get(line.head);
  if (h === undefined) return -1;
  const head = chains.sorted[h]!;
  return head.peer === line.peer && head.seq === line.seq ? h : -1;
}

/** True when `entry` is held and lies on the chain ending at the line's head (held). */
export function isWithin(chains: ChainIndex, line: CutLine | undefined, entry: Entry): boolean {
  if (line === undefined || entry.peer !== line.peer || entry.seq > line.seq) return false;
  const h = headPos(chains, line);
  const i = chains.pos.get(entry.id);
  if (h < 0 || i === undefined) return false;
  return chains.enter[i]! <= chains.enter[h]! && chains.enter[h]! < chains.exit[i]!;
}

/**
 * What this peer lacks of a cut, exactly: for each line, the seq where the held
 * chain from the head breaks off (the head itself when not held), plus every lower
 * seq at which nothing is held. Empty exactly when every entry within the cut is
 * held. Below a break this peer cannot tell a fork from the chain entry, so it
 * names only seqs it holds nothing at; the rest shows once the break is filled.
 */
export function lackingWithin(chains: ChainIndex, cut: Cut): SeqRange[] {
  const lacking: SeqRange[] = [];
  for (const line of [...cut].sort((a, b) => compareStrings(a.peer, b.peer))) {
    const h = headPos(chains, line);
    const breakSeq = h < 0 ? line.seq : chains.rootSeq[h]! - 1;
    if (breakSeq < 1) continue;
    const below = lackingBelow(line.peer, breakSeq - 1, chains.frontier.get(line.peer));
    lacking.push(...mergeRanges([...below, { peer: line.peer, from: breakSeq, to: breakSeq }]));
  }
  return lacking;
}

/** The held entries within a cut, in (hlc, id) order. */
export function entriesWithin(chains: ChainIndex, cut: Cut): Entry[] {
  const positions: number[] = [];
  for (const line of cut) {
    for (let i = headPos(chains, line); i >= 0; i = chains.parent[i]!) positions.push(i);
  }
  return positions.sort((a, b) => a - b).map((i) => chains.sorted[i]!);
}
