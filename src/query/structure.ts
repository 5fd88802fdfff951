/**
 * The structural part of the books (settings, roster, seals and periods, summaries,
 * alarms, frontier), taken from the core's fold, and the test that decides whether a
 * new txn can be added without asking the fold again.
 *
 * The fast path is exact, not a heuristic: `plainLanding` accepts a txn only when the
 * fold would make it effective at the landing it returns and change nothing else but
 * the frontier.
 * That holds when (reading fold-context, fold-landing, fold-money, fold-chain):
 * - the book's genesis is held and the txn is of that book;
 * - its author is enrolled, not retired before its seq, not held for equivocation;
 * - it makes no fork in its author's chain (chains.ts), whether it comes in seq order
 *   or fills a gap;
 * - no seal or summary cut reaches its seq, so it lies within no cut and makes no cut
 *   more complete (no seal, period or summary changes: every line it could join up
 *   or extend ends below it);
 * - it lands at its own date when its period is after the last sealed one; else it
 *   is late (its period is sealed without it, as it lies within no cut) and lands at
 *   the start of the first open period, provisionally, unless that is beyond the
 *   book's window (held: left to the fold, which words the reason);
 * - no negation, admit or seal names it (their states would change);
 * - it lands after every summary's day (a summary's verdict reads balances then).
 */
import type { AckView, Alarm, AuthorFrontier, BookSettings, LateInfo, Ledger, PeriodView, RosterMember, SummaryVerdict, SummaryView } from '../core/ledger.ts';
import { dayOf, daysBetween, isPeriodId, nextPeriod, periodOf, periodStart } from '../core/dates.ts';
import type { BusinessDate, Entry, EntryId, EntryOf, NegateBody, PeerId, PeriodId } from '../core/types.ts';
import { hiddenAcks, withAck, withClose } from './periods.ts';
import { AuthorChains } from './chains.ts';
import { withNewestSummary } from './summaries.ts';

/** An entry's envelope as the fast path sees it. */
export interface EntryFacts {
  id: string;
  book: string;
  peer: PeerId;
  seq: number;
  prev: string | null;
  date: BusinessDate;
}

/** Where a plain money entry lands: its own date, or late at the first open period's start. */
export interface PlainLanding {
  date: BusinessDate;
  late?: LateInfo;
}

/** What the fast path needs to know of a negation's target. */
export interface TargetFacts {
  book: string;
  peer: PeerId;
  seq: number;
  isTxn: boolean;
  effective: boolean;
}

export class Structure {
  settings: BookSettings | undefined;
  roster: ReadonlyMap<PeerId, RosterMember> = new Map();
  /** Periods as the fold shows them, without `content` (computed on demand from the columns). */
  periods: PeriodView[] = [];
  summaries: readonly SummaryView[] = [];
  /** Alarms other than clock skew (those are per entry, kept by the store). */
  alarms: Alarm[] = [];
  firstOpenPeriod: PeriodId | undefined;
  readonly chains = new AuthorChains();
  /** Per author: the highest seq any held seal or summary cut names. */
  readonly #cutSeq = new Map<PeerId, number>();
  /** Ids and (peer, seq) that a negate, admit or seal names. */
  readonly #namedIds = new Set<string>();
  readonly #namedSeqs = new Set<string>();
  #lastSummaryDay = '';
  readonly #heldFrom = new Map<PeerId, number>();
  /** Recorded acks of periods not shown yet (no close, no seal), by period. */
  #hiddenAcks = new Map<PeriodId, AckView[]>();
  /** The genesis's book id (the settings do not carry it). */
  #book: string | undefined;

  /** Take the structure from a fold of the whole set; `others` are the non-txn entries held. */
  absorb(ledger: Ledger, others: readonly Entry[]): void {
    this.settings = ledger.settings;
    this.#book = undefined;
    this.roster = ledger.roster;
    this.periods = ledger.periods.map(({ content: _content, ...rest }) => rest);
    this.summaries = ledger.summaries;
    this.alarms = ledger.alarms.filter((a) => a.kind !== 'clock-skew');
    this.firstOpenPeriod = ledger.firstOpenPeriod;
    this.chains.reset(ledger.frontier);
    this.#heldFrom.clear();
    for (const a of this.alarms) {
      if (a.kind === 'equivocation') this.#heldFrom.set(a.peer, Math.min(a.seq, this.#heldFrom.get(a.peer) ?? Infinity));
    }
    this.#cutSeq.clear();
    this.#namedIds.clear();
    this.#namedSeqs.clear();
    this.#lastSummaryDay = '';
    for (const e of others) this.#note(e);
    this.#hiddenAcks = hiddenAcks(ledger, others);
  }

  #note(e: Entry): void {
    if (e.kind === 'book' && e.id === this.settings?.genesis) this.#book = e.book;
    if (e.kind === 'seal' || e.kind === 'summary') {
      for (const line of e.body.cut) this.#cutSeq.set(line.peer, Math.max(line.seq, this.#cutSeq.get(line.peer) ?? 0));
    }
    if (e.kind === 'summary' && e.body.asOf > this.#lastSummaryDay) this.#lastSummaryDay = e.body.asOf;
    if (e.kind === 'seal' && e.body.prevSeal !== null) this.#namedIds.add(e.body.prevSeal);
    if (e.kind === 'negate' || e.kind === 'admit') {
      this.#namedIds.add(e.body.target.id);
      this.#namedSeqs.add(`${e.body.target.peer}\n${e.body.target.seq}`);
    }
  }

  /** Where the fold would make `txn` effective, when that is all it would change; else undefined. */
  plainLanding(txn: EntryFacts): PlainLanding | undefined {
    if (!this.extendsQuietly(txn)) return undefined;
    const settings = this.settings!;
    const period = periodOf(txn.date, settings.period);
    let landing: PlainLanding = { date: txn.date };
    if (this.firstOpenPeriod !== undefined && period < this.firstOpenPeriod) {
      // Late: within no cut, so no seal covers it; it waits at the first open period's start.
      const into = this.firstOpenPeriod;
      const date = periodStart(into);
      if (daysBetween(dayOf(txn.date), dayOf(date)) > settings.windowDays) return undefined;
      landing = { date, late: { labelPeriod: period, into, provisional: true } };
    }
    return landing.date.slice(0, 10) > this.#lastSummaryDay ? landing : undefined;
  }

  /**
   * True when `entry` changes no other entry's standing or chain: of this book, by an
   * author in good standing, at the top of its chain, within no cut, named by nothing.
   * Then its own state depends only on its author's roles and its body.
   */
  extendsQuietly(entry: EntryFacts): boolean {
    if (this.settings === undefined || entry.book !== this.#book) return false;
    const member = this.roster.get(entry.peer);
    if (member === undefined || (member.lastSeq !== undefined && entry.seq > member.lastSeq)) return false;
    if (this.#heldFrom.has(entry.peer)) return false;
    if (!this.chains.extendsWithoutFork(entry)) return false;
    if (entry.seq <= (this.#cutSeq.get(entry.peer) ?? 0)) return false;
    return !this.#namedIds.has(entry.id) && !this.#namedSeqs.has(`${entry.peer}\n${entry.seq}`);
  }

  /**
   * A close or ack the fold would record, with its effect on the periods applied; false
   * (nothing changed) when it would not be recorded or is not quiet (see above). A
   * close is recorded when its period is a period of this book and its author holds
   * 'owner' or 'closer'; an ack when its period is one. An invalid one goes to the fold,
   * which words the reason.
   */
  recordPeriodEntry(entry: EntryOf<'close'> | EntryOf<'ack'>, compareByHlc: (a: EntryId, b: EntryId) => number): boolean {
    if (!this.extendsQuietly(entry) || !isPeriodId(entry.body.period, this.settings!.period)) return false;
    if (entry.kind === 'close') {
      const roles = this.roster.get(entry.peer)!.roles;
      if (!roles.includes('owner') && !roles.includes('closer')) return false;
      this.periods = withClose(this.periods, this.#hiddenAcks, entry.body.period, entry.id, compareByHlc);
    } else {
      this.periods = withAck(this.periods, this.#hiddenAcks, entry.body.period, { peer: entry.peer, ack: entry.id, seq: entry.seq });
    }
    return true;
  }

  /**
   * The landing of `negate` when the fold would make it effective at max(that landing,
   * its target's effective date), set the target's negatedBy, and change nothing else:
   * `negate` passes the txn test above, its ref names a held effective txn of this
   * book exactly, and no other negation or admit names that target (then there is no
   * choice to make between negations). Else undefined.
   */
  plainNegateLanding(negate: EntryFacts & { body: NegateBody }, target: TargetFacts | undefined): PlainLanding | undefined {
    const landing = this.plainLanding(negate);
    if (landing === undefined || target === undefined) return undefined;
    const ref = negate.body.target;
    if (target.peer !== ref.peer || target.seq !== ref.seq || target.book !== this.#book || !target.isTxn || !target.effective) return undefined;
    return this.#namedIds.has(ref.id) || this.#namedSeqs.has(`${ref.peer}\n${ref.seq}`) ? undefined : landing;
  }

  /** True when no author is held for equivocation (a summary's quick verdict needs it). */
  get noForks(): boolean {
    return this.#heldFrom.size === 0;
  }

  /** Record a quiet summary whose verdict was found without a fold (summaries.ts). */
  recordSummary(entry: EntryOf<'summary'>, result: SummaryVerdict): void {
    this.summaries = withNewestSummary(this.summaries, { summary: entry.id, author: entry.peer, asOf: entry.body.asOf, result });
    this.#note(entry);
  }

  /** Record a seal that made its period final without a fold (seal.ts). */
  recordSeal(entry: EntryOf<'seal'>, view: PeriodView, alarm: Alarm | undefined): void {
    const others = this.periods.filter((p) => p.period !== view.period);
    this.periods = [...others, view].sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : 0));
    this.#hiddenAcks.delete(view.period);
    this.firstOpenPeriod = nextPeriod(view.period);
    if (alarm !== undefined) this.alarms = [...this.alarms, alarm];
    this.#note(entry);
  }

  /** Note a plain negation: later ones of the same target must go through the fold. */
  noteNegate(body: NegateBody): void {
    this.#namedIds.add(body.target.id);
    this.#namedSeqs.add(`${body.target.peer}\n${body.target.seq}`);
  }

  /** Record a quiet entry in its author's chain (the only other structure it changes). */
  extend(entry: EntryFacts): void {
    this.chains.add(entry);
  }

  get frontier(): ReadonlyMap<PeerId, AuthorFrontier> {
    return this.chains.frontier;
  }
}
