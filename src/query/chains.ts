/**
 * Each author's chain as far as the fast path needs it: the fold's frontier
 * (contiguous, head, highest, missing) plus the entries held above `contiguous`, so
 * an entry that arrives out of seq order can be checked and placed without a fold.
 *
 * An entry extends a chain quietly when the fold would see no fork in it: nothing is
 * held at its seq, its prev is the entry held one seq below (when one is held), and
 * the entry held one seq above (when one is) names it as prev. Those are exactly the
 * two tests of fold-chain.ts's findEquivocations that the new entry takes part in.
 */
import type { AuthorFrontier } from '../core/ledger.ts';
import type { EntryId, PeerId } from '../core/types.ts';

interface Held {
  id: string;
  prev: string | null;
}

/** The envelope fields a chain reads. */
export interface ChainLink {
  id: string;
  peer: PeerId;
  seq: number;
  prev: string | null;
}

export class AuthorChains {
  frontier = new Map<PeerId, AuthorFrontier>();
  /** Per author, the entries held above `contiguous`, by seq. */
  #above = new Map<PeerId, Map<number, Held>>();

  /** Start again from a fold's frontier (copied: it is then moved in place). */
  reset(frontier: ReadonlyMap<PeerId, AuthorFrontier>): void {
    this.frontier = new Map([...frontier].map(([peer, f]) => [peer, { ...f, missing: f.missing.map((m) => ({ ...m })) }]));
    this.#above = new Map();
  }

  /** Tell of an entry held above its author's contiguous seq (after `reset`). */
  noteAbove(link: ChainLink): void {
    let above = this.#above.get(link.peer);
    if (above === undefined) this.#above.set(link.peer, (above = new Map<number, Held>()));
    above.set(link.seq, { id: link.id, prev: link.prev });
  }

  /** True when an entry of `peer` at `seq` is held (when the author has no fork). */
  holds(peer: PeerId, seq: number): boolean {
    return seq <= (this.frontier.get(peer)?.contiguous ?? 0) || this.#above.get(peer)?.has(seq) === true;
  }

  /** True when adding `link` makes no fork the fold would see (see the module comment). */
  extendsWithoutFork(link: ChainLink): boolean {
    const f = this.frontier.get(link.peer);
    const contiguous = f?.contiguous ?? 0;
    const above = this.#above.get(link.peer);
    if (link.seq <= contiguous || above?.has(link.seq) === true) return false;
    if (link.seq === 1) {
      if (link.prev !== null) return false;
    } else {
      const below = link.seq - 1 === contiguous ? f?.head : above?.get(link.seq - 1)?.id;
      if (below !== undefined && link.prev !== below) return false;
    }
    const next = above?.get(link.seq + 1);
    return next === undefined || next.prev === link.id;
  }

  /** Add `link` (checked by extendsWithoutFork) and move the frontier as the fold would. */
  add(link: ChainLink): void {
    let f = this.frontier.get(link.peer);
    if (f === undefined) this.frontier.set(link.peer, (f = { peer: link.peer, contiguous: 0, highest: 0, missing: [] }));
    // The common case, an author's next entry with nothing held above: move the frontier by one.
    if (link.seq === f.contiguous + 1 && f.highest === f.contiguous) {
      f.contiguous = f.highest = link.seq;
      f.head = link.id as EntryId;
      return;
    }
    let above = this.#above.get(link.peer);
    if (above === undefined) this.#above.set(link.peer, (above = new Map<number, Held>()));
    above.set(link.seq, { id: link.id, prev: link.prev });
    // The missing ranges, moved in place rather than recomputed from every seq held
    // above (that was a sort of them per entry: quadratic for an upload in any order).
    // In place like the rest of the frontier: the store hands out copies only.
    fill(f.missing, link.peer, link.seq, f.highest);
    f.highest = Math.max(f.highest, link.seq);
    let head: string | undefined;
    while (above.has(f.contiguous + 1)) {
      f.contiguous++;
      head = above.get(f.contiguous)!.id;
      above.delete(f.contiguous);
    }
    if (head !== undefined) f.head = head as EntryId;
  }
}

/**
 * Move the missing ranges (sorted, of seqs in (contiguous, highest) not held) in place
 * for `seq`, not held before and above contiguous: a new gap below it when it is
 * beyond `highest`, else the range holding it split in two (found by binary search).
 */
function fill(missing: AuthorFrontier['missing'], peer: PeerId, seq: number, highest: number): void {
  if (seq > highest) {
    if (seq > highest + 1) missing.push({ peer, from: highest + 1, to: seq - 1 });
    return;
  }
  let lo = 0;
  let hi = missing.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (missing[mid]!.to < seq) lo = mid + 1;
    else hi = mid;
  }
  const range = missing[lo];
  if (range === undefined || range.from > seq || range.to < seq) return;
  const parts: AuthorFrontier['missing'] = [];
  if (range.from < seq) parts.push({ peer, from: range.from, to: seq - 1 });
  if (seq < range.to) parts.push({ peer, from: seq + 1, to: range.to });
  missing.splice(lo, 1, ...parts);
}
