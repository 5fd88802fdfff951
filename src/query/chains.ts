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
    f.highest = Math.max(f.highest, link.seq);
    let head: string | undefined;
    while (above.has(f.contiguous + 1)) {
      f.contiguous++;
      head = above.get(f.contiguous)!.id;
      above.delete(f.contiguous);
    }
    if (head !== undefined) f.head = head as EntryId;
    f.missing = gaps(link.peer, f.contiguous, [...above.keys()].sort((a, b) => a - b));
  }
}

/** The missing ranges above `contiguous`, given the seqs held above it, sorted. */
function gaps(peer: PeerId, contiguous: number, held: number[]): AuthorFrontier['missing'] {
  const out: AuthorFrontier['missing'] = [];
  let expected = contiguous + 1;
  for (const seq of held) {
    if (seq > expected) out.push({ peer, from: expected, to: seq - 1 });
    expected = seq + 1;
  }
  return out;
}
