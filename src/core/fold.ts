/**
 * The fold: THE definition of the books, a pure function of the SET of entries.
 * Any peer holding the same set computes the same Ledger, whatever the order,
 * duplication or delay of arrival. Everything else (query store, hub, screens) is
 * checked against it.
 *
 * Stages, each in its own file:
 *   fold-chain     dedup, (hlc, id) order, author chains, equivocation, cuts
 *   fold-seals     the seal chain, each seal judged by the roster within its cut
 *   fold-roster    the roster over the whole set (covered entries judged by their seal)
 *   fold-money     txn, negate, admit -> states, effective dates, postings
 *   fold-periods   closing / sealed / final periods, digests
 *   fold-summaries summary verdicts
 * Entries are assumed individually valid (validate.ts); the fold never throws on a
 * set of valid entries, however adversarial.
 */
import { isPeriodId, nextPeriod } from './dates.ts';
import { canonicalString } from './canonical.ts';
import { buildChains, type ChainIndex } from './fold-chain.ts';
import { standing, type FoldContext } from './fold-context.ts';
import { foldMoney, type MoneyView } from './fold-money.ts';
import { compareStrings } from './fold-order.ts';
import { foldPeriods } from './fold-periods.ts';
import { computeRoster, isRosterEntry, type Roster } from './fold-roster.ts';
import { buildSealChain, firstCover } from './fold-seals.ts';
import { foldSummaries } from './fold-summaries.ts';
import { skewChecker } from './fold-skew.ts';
import type { Alarm, BookSettings, EntryState, EntryView, Ledger } from './ledger.ts';
import type { Entry, EntryId, EntryOf } from './types.ts';

/** The books of a set of entries. Entries repeated (same id) count once. */
export function fold(entries: Iterable<Entry>): Ledger {
  return foldWith(entries, true);
}

/**
 * The books without verifying summaries (their views are left empty): for folding a
 * subset (a cut, a hypothetical seal) where the summaries are not the question.
 */
export function foldBooks(entries: Iterable<Entry>): Ledger {
  return foldWith(entries, false);
}

function foldWith(entries: Iterable<Entry>, verifySummaries: boolean): Ledger {
  const chains = buildChains(entries);
  const genesis = chains.sorted.find((e): e is EntryOf<'book'> => e.kind === 'book' && e.seq === 1);
  if (genesis === undefined) return withoutGenesis(chains);
  const settings: BookSettings = { ...genesis.body, owner: genesis.peer, genesis: genesis.id };
  const inBook = chains.sorted.filter((e) => e.book === genesis.book);
  const rosterEntries = inBook.filter(isRosterEntry);
  const seals = buildSealChain(chains, settings, genesis, rosterEntries);
  const sealRosters = new Map<EntryId, Roster>();
  for (const e of rosterEntries) {
    const k = firstCover(chains, seals.seals, e);
    if (k !== Infinity) sealRosters.set(e.id, seals.seals[k]!.roster);
  }
  const roster = computeRoster(genesis, rosterEntries, { judgedBy: (e) => sealRosters.get(e.id), heldFrom: chains.heldFrom });
  const ctx: FoldContext = { chains, settings, genesis, seals, roster: roster.members };
  const money = foldMoney(ctx, inBook);

  const views = new Map<EntryId, EntryView>();
  const recorded = { close: [] as Array<EntryOf<'close'>>, ack: [] as Array<EntryOf<'ack'>>, summary: [] as Array<EntryOf<'summary'>> };
  for (const entry of chains.sorted) {
    const moneyView = money.views.get(entry.id);
    const state = moneyView?.state ?? roster.states.get(entry.id) ?? seals.states.get(entry.id) ?? otherState(ctx, entry);
    views.set(entry.id, viewOf(entry, state, moneyView));
    if (state.status === 'recorded' && (entry.kind === 'close' || entry.kind === 'ack' || entry.kind === 'summary')) {
      (recorded[entry.kind] as Entry[]).push(entry);
    }
  }
  const { periods, alarms: disagreements } = foldPeriods(ctx, money, { closes: recorded.close, acks: recorded.ack });
  const lastSeal = seals.seals[seals.seals.length - 1];
  const ledger: Ledger = {
    settings,
    entries: views,
    // Built on first read (fold-money.ts): the query store never reads them.
    get postings() {
      return money.postings;
    },
    frontier: chains.frontier,
    roster: roster.members,
    summaries: [],
    periods,
    firstOpenPeriod: lastSeal === undefined ? undefined : nextPeriod(lastSeal.period),
    alarms: sortAlarms([...chains.equivocations, ...seals.conflicts, ...disagreements, ...skewAlarms(chains)]),
  };
  if (!verifySummaries) return ledger;
  // Set in place, not spread into a copy: a spread would read (and so build) the postings.
  ledger.summaries = foldSummaries(chains, ledger, money, recorded.summary, (subset) => foldWith(subset, false));
  return ledger;
}

/** An entry's view: its state, plus for money entries the fields the money stage set. */
function viewOf(entry: Entry, state: EntryState, money: MoneyView | undefined): EntryView {
  const view: EntryView = { entry, state };
  if (money === undefined) return view;
  if (money.effectiveDate !== undefined) view.effectiveDate = money.effectiveDate;
  if (money.late !== undefined) view.late = money.late;
  if (money.negatedBy !== undefined) view.negatedBy = money.negatedBy;
  if (money.duplicateNegations !== undefined) view.duplicateNegations = money.duplicateNegations;
  return view;
}

/** State of a book, close, ack or summary entry, or of an entry from another book. */
function otherState(ctx: FoldContext, entry: Entry): EntryState {
  if (entry.book !== ctx.genesis.book) return { status: 'invalid', reason: 'entry of another book' };
  if (entry.kind === 'book') return entry.id === ctx.genesis.id ? { status: 'recorded' } : { status: 'invalid', reason: 'second genesis' };
  const author = standing(ctx, entry, entry.kind === 'close');
  if (!author.ok) return author.state;
  if (entry.kind === 'close' || entry.kind === 'ack') {
    if (!isPeriodId(entry.body.period, ctx.settings.period)) {
      return { status: 'invalid', reason: `the period ${entry.body.period} is not a ${ctx.settings.period} of this book` };
    }
    const roles = author.roster.get(entry.peer)?.roles ?? [];
    if (entry.kind === 'close' && !roles.includes('owner') && !roles.includes('closer')) {
      return { status: 'invalid', reason: 'only the owner or a closer may close a period' };
    }
  }
  return { status: 'recorded' };
}

/** Without a genesis nothing can be judged: every entry waits for it. */
function withoutGenesis(chains: ChainIndex): Ledger {
  const entries = new Map<EntryId, EntryView>();
  for (const entry of chains.sorted) entries.set(entry.id, { entry, state: { status: 'pending', reason: 'book genesis not held' } });
  return {
    settings: undefined,
    entries,
    postings: [],
    frontier: chains.frontier,
    roster: new Map(),
    summaries: [],
    periods: [],
    firstOpenPeriod: undefined,
    alarms: sortAlarms([...chains.equivocations, ...skewAlarms(chains)]),
  };
}

/** The clock-skew alarms of the set, in (hlc, id) order (fold-skew.ts). */
function skewAlarms(chains: ChainIndex): Alarm[] {
  const alarms: Alarm[] = [];
  const skewOf = skewChecker();
  for (const entry of chains.sorted) {
    const detail = skewOf(entry);
    if (detail !== undefined) alarms.push({ kind: 'clock-skew', entry: entry.id, detail });
  }
  return alarms;
}

/** Alarms in one order for every peer: by their canonical text. */
function sortAlarms(alarms: Alarm[]): Alarm[] {
  const keyed = alarms.map((alarm) => ({ alarm, key: canonicalString(alarm) }));
  return keyed.sort((a, b) => compareStrings(a.key, b.key)).map((k) => k.alarm);
}
