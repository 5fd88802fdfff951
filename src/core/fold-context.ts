/**
 * What every later stage of the fold reads: the chain index, the book, the seal
 * chain and the roster; and the two questions asked of every entry: may its author
 * write it (standing), and does the entry it names exist (resolveRef).
 */
import type { ChainIndex } from './fold-chain.ts';
import type { Roster } from './fold-roster.ts';
import { firstCover, type SealChain } from './fold-seals.ts';
import type { BookSettings, EntryState } from './ledger.ts';
import type { Entry, EntryOf, EntryRef } from './types.ts';

export interface FoldContext {
  chains: ChainIndex;
  settings: BookSettings;
  genesis: EntryOf<'book'>;
  seals: SealChain;
  /** The roster over the whole set. */
  roster: Roster;
}

/** May the author write this entry: yes (with the roster that judges its roles), or its state. */
export type Standing = { ok: true; roster: Roster } | { ok: false; state: EntryState };

/**
 * The author's standing for `entry`. An entry a seal covers is judged by that seal's
 * roster and is never held for retire, equivocation or enrolment discovered later.
 * Otherwise: not enrolled -> pending; beyond a retire's lastSeq -> held 'retired';
 * at or beyond an equivocation -> held 'equivocation'. `withRoles` asks for the
 * covering seal's roster even when the whole-set roster has no objection, because
 * role checks of covered entries must not change after the seal.
 */
export function standing(ctx: FoldContext, entry: Entry, withRoles: boolean): Standing {
  const problem = authorProblem(ctx, entry);
  if (problem !== undefined || withRoles) {
    const k = firstCover(ctx.chains, ctx.seals.seals, entry);
    if (k !== Infinity) return { ok: true, roster: ctx.seals.seals[k]!.roster };
  }
  return problem === undefined ? { ok: true, roster: ctx.roster } : { ok: false, state: problem };
}

function authorProblem(ctx: FoldContext, entry: Entry): EntryState | undefined {
  const member = ctx.roster.get(entry.peer);
  if (member === undefined) return { status: 'pending', reason: 'author not enrolled' };
  if (member.lastSeq !== undefined && entry.seq > member.lastSeq) {
    return { status: 'held', reason: 'retired', detail: `${entry.peer} was retired at seq ${member.lastSeq}` };
  }
  const from = ctx.chains.heldFrom.get(entry.peer);
  if (from !== undefined && entry.seq >= from) {
    return { status: 'held', reason: 'equivocation', detail: `${entry.peer} equivocated at seq ${from}` };
  }
  return undefined;
}

/**
 * The entry a ref names, or the state of the entry holding the ref: pending while
 * nothing is held at (peer, seq), invalid when another entry is held there or the
 * id is held at another place.
 */
export function resolveRef(ctx: FoldContext, ref: EntryRef): Entry | EntryState {
  const target = ctx.chains.byId.get(ref.id);
  if (target !== undefined) {
    if (target.peer === ref.peer && target.seq === ref.seq && target.book === ctx.genesis.book) return target;
    return { status: 'invalid', reason: 'the target reference does not match the entry with that id' };
  }
  const atSeq = ctx.chains.bySeq.get(ref.peer)?.get(ref.seq);
  if (atSeq !== undefined && atSeq.length > 0) return { status: 'invalid', reason: 'another entry is held at the target seq' };
  return { status: 'pending', reason: 'target not held' };
}

/** True when resolveRef found the entry. */
export function isEntry(value: Entry | EntryState): value is Entry {
  return 'id' in value;
}
