/**
 * The seal chain, and what each seal covers.
 *
 * A seal is the closer's decision, so it is judged by what the closer knew: the
 * roster computed from the roster entries within its own cut. Its author must hold
 * 'closer' or 'owner' there and not be retired before the seal's seq. Nothing that
 * arrives later outside the cut (a retire, a fork, a demotion) can undo a seal; that
 * is what keeps a final period final. The one exception no rule can avoid is two
 * closers sealing from the same previous seal: the smallest (hlc, id) continues the
 * chain, the other is invalid, and a 'seal-conflict' alarm says so.
 *
 * A seal covers an entry when the entry is within its cut AND the seal's roster
 * enrols the author up to that seq. Covered entries are the closer's to vouch for:
 * they are judged by that roster and never held for reasons discovered later.
 */
import { cutMap, isWithin, lackingWithin, type ChainIndex } from './fold-chain.ts';
import { byHlcId, compareStrings, minBy } from './fold-order.ts';
import { computeRoster, type Roster, type RosterEntry } from './fold-roster.ts';
import { isPeriodId } from './dates.ts';
import type { Alarm, BookSettings, EntryState } from './ledger.ts';
import type { Cut, CutLine, Entry, EntryId, EntryOf, PeerId, PeriodId } from './types.ts';

export interface ChainSeal {
  entry: EntryOf<'seal'>;
  /** Position in the chain, 0 for the first seal. */
  index: number;
  period: PeriodId;
  cut: Map<PeerId, CutLine>;
  /** The roster within the seal's cut. */
  roster: Roster;
}

export interface SealChain {
  seals: ChainSeal[];
  byPeriod: Map<PeriodId, ChainSeal>;
  /** State of every seal entry. */
  states: Map<EntryId, EntryState>;
  conflicts: Array<Alarm & { kind: 'seal-conflict' }>;
}

/** Build the chain from every seal held. `rosterEntries` sorted by (hlc, id). */
export function buildSealChain(
  chains: ChainIndex,
  settings: BookSettings,
  genesis: EntryOf<'book'>,
  rosterEntries: readonly RosterEntry[],
): SealChain {
  const rosters = new Map<string, Roster>();
  const rosterWithin = (cut: Cut): Roster => {
    const key = JSON.stringify(cut);
    let roster = rosters.get(key);
    if (roster === undefined) {
      const lines = cutMap(cut);
      const within = rosterEntries.filter((e) => isWithin(chains, lines.get(e.peer), e));
      rosters.set(key, (roster = computeRoster(genesis, within).members));
    }
    return roster;
  };
  const states = new Map<EntryId, EntryState>();
  const candidates: Array<EntryOf<'seal'>> = [];
  for (const entry of chains.sorted) {
    if (entry.kind !== 'seal' || entry.book !== genesis.book) continue;
    const state = authorise(chains, settings, entry, rosterWithin(entry.body.cut));
    if (state === undefined) candidates.push(entry);
    else states.set(entry.id, state);
  }
  const chain = link(candidates, states);
  const seals = chain.seals.map((entry, index) => ({
    entry,
    index,
    period: entry.body.period,
    cut: cutMap(entry.body.cut),
    roster: rosterWithin(entry.body.cut),
  }));
  for (const seal of seals) states.set(seal.entry.id, { status: 'recorded' });
  settleLeftovers(chains, candidates, states);
  return { seals, byPeriod: new Map(seals.map((s) => [s.period, s])), states, conflicts: chain.conflicts };
}

/** Undefined when the seal's author may seal; else the seal's state. */
function authorise(chains: ChainIndex, settings: BookSettings, seal: EntryOf<'seal'>, roster: Roster): EntryState | undefined {
  if (!isPeriodId(seal.body.period, settings.period)) {
    return { status: 'invalid', reason: `the period ${seal.body.period} is not a ${settings.period} of this book` };
  }
  const author = roster.get(seal.peer);
  const isCloser = author !== undefined && (author.roles.includes('closer') || author.roles.includes('owner'));
  if (isCloser && (author.lastSeq === undefined || seal.seq <= author.lastSeq)) return undefined;
  if (lackingWithin(chains, seal.body.cut).length > 0) {
    return { status: 'pending', reason: 'its cut is not all held, so its closer cannot be checked yet' };
  }
  return { status: 'invalid', reason: 'its author was not a closer within its cut' };
}

/** Follow prevSeal links from null: at each step the smallest (hlc, id) seal for a later period continues. */
function link(candidates: Array<EntryOf<'seal'>>, states: Map<EntryId, EntryState>) {
  const byPrev = new Map<EntryId | null, Array<EntryOf<'seal'>>>();
  for (const seal of candidates) {
    const group = byPrev.get(seal.body.prevSeal);
    if (group === undefined) byPrev.set(seal.body.prevSeal, [seal]);
    else group.push(seal);
  }
  const seals: Array<EntryOf<'seal'>> = [];
  const conflicts: SealChain['conflicts'] = [];
  let prev: EntryOf<'seal'> | undefined;
  for (;;) {
    const group = byPrev.get(prev === undefined ? null : prev.id) ?? [];
    const later = group.filter((s) => prev === undefined || s.body.period > prev.body.period);
    for (const s of group) {
      if (!later.includes(s)) states.set(s.id, { status: 'invalid', reason: 'its period is not after the previous seal' });
    }
    const winner = minBy(later, byHlcId);
    if (winner === undefined) break;
    if (later.length > 1) {
      conflicts.push({ kind: 'seal-conflict', period: winner.body.period, seals: later.map((s) => s.id).sort(compareStrings) });
      for (const s of later) {
        if (s !== winner) states.set(s.id, { status: 'invalid', reason: `seal ${winner.id} continues the chain from the same previous seal` });
      }
    }
    seals.push(winner);
    prev = winner;
  }
  return { seals, conflicts };
}

/**
 * Authorised seals left out of the chain: pending while their previous seal is not
 * held (or is itself pending), invalid when it is held and not in the chain.
 */
function settleLeftovers(chains: ChainIndex, candidates: Array<EntryOf<'seal'>>, states: Map<EntryId, EntryState>): void {
  for (const seal of candidates) {
    if (states.has(seal.id)) continue;
    const path: EntryOf<'seal'>[] = [seal];
    let verdict: EntryState | undefined;
    while (verdict === undefined) {
      const prevId = path[path.length - 1]!.body.prevSeal;
      const prev = prevId === null ? undefined : chains.byId.get(prevId);
      if (prev === undefined) verdict = { status: 'pending', reason: 'its previous seal is not held' };
      else if (prev.kind !== 'seal' || prev.book !== seal.book) verdict = { status: 'invalid', reason: 'its previous seal is not a seal' };
      else if (states.has(prev.id)) {
        const known = states.get(prev.id)!;
        verdict = known.status === 'pending'
          ? { status: 'pending', reason: 'its previous seal is pending' }
          : { status: 'invalid', reason: 'its previous seal is not in the seal chain' };
      } else path.push(prev);
    }
    for (const s of path) states.set(s.id, verdict);
  }
}

/** True when `seal` covers `entry`: within its cut, author enrolled up to that seq in its roster. */
export function covers(chains: ChainIndex, seal: ChainSeal, entry: Entry): boolean {
  if (!isWithin(chains, seal.cut.get(entry.peer), entry)) return false;
  const member = seal.roster.get(entry.peer);
  return member !== undefined && (member.lastSeq === undefined || entry.seq <= member.lastSeq);
}

/** Index of the earliest seal in the chain covering `entry`, or Infinity. */
export function firstCover(chains: ChainIndex, seals: readonly ChainSeal[], entry: Entry): number {
  for (const seal of seals) if (covers(chains, seal, entry)) return seal.index;
  return Infinity;
}
