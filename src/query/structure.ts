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
import { ROLES, type BusinessDate, type Entry, type EntryId, type EntryOf, type NegateBody, type PeerId, type PeriodId } from '../core/types.ts';
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
  /**
   * Per author, the seqs a negate or admit names (no key string made per entry
   * checked), with the id named there, or null when they name different ids.
   */
  readonly #namedSeqs = new Map<PeerId, Map<number, string | null>>();
  /** Ids a seal names as its previous seal. */
  readonly #prevSeals = new Set<string>();
  #lastSummaryDay = '';
  /** The last second of that day ('' for none): a date after it lands after every summary's day. */
  #lastSummaryEnd = '';
  readonly #heldFrom = new Map<PeerId, number>();
  /** Ids and (peer, seq) that an admit names (a subset of the named ones). */
  readonly #admitIds = new Set<string>();
  readonly #admitSeqs = new Set<string>();
  /** Devices a roster entry names (joined, retired, succeeded from or to). */
  readonly #rosterNamed = new Set<PeerId>();
  /** False once a roster entry is written by anyone but the genesis owner, or names the owner. */
  #rosterByOwner = true;
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
    this.#prevSeals.clear();
    this.#admitIds.clear();
    this.#admitSeqs.clear();
    this.#rosterNamed.clear();
    this.#rosterByOwner = true;
    this.#lastSummaryDay = '';
    this.#lastSummaryEnd = '';
    for (const e of others) this.#note(e);
    this.#hiddenAcks = hiddenAcks(ledger, others);
  }

  #note(e: Entry): void {
    if (e.kind === 'book' && e.id === this.settings?.genesis) this.#book = e.book;
    if (e.kind === 'seal' || e.kind === 'summary') {
      for (const line of e.body.cut) this.#cutSeq.set(line.peer, Math.max(line.seq, this.#cutSeq.get(line.peer) ?? 0));
    }
    if (e.kind === 'summary' && e.body.asOf > this.#lastSummaryDay) {
      this.#lastSummaryDay = e.body.asOf;
      this.#lastSummaryEnd = `${e.body.asOf}T23:59:59`;
    }
    if (e.kind === 'seal' && e.body.prevSeal !== null) {
      this.#namedIds.add(e.body.prevSeal);
      this.#prevSeals.add(e.body.prevSeal);
    }
    if (e.kind === 'negate' || e.kind === 'admit') {
      this.#namedIds.add(e.body.target.id);
      this.#nameSeq(e.body.target.peer, e.body.target.seq, e.body.target.id);
    }
    if (e.kind === 'admit') {
      this.#admitIds.add(e.body.target.id);
      this.#admitSeqs.add(`${e.body.target.peer}\n${e.body.target.seq}`);
    }
    if (e.kind === 'join' || e.kind === 'retire' || e.kind === 'succeed') this.#noteRoster(e);
  }

  #nameSeq(peer: PeerId, seq: number, id: string): void {
    let seqs = this.#namedSeqs.get(peer);
    if (seqs === undefined) this.#namedSeqs.set(peer, (seqs = new Map<number, string | null>()));
    const named = seqs.get(seq);
    seqs.set(seq, named === undefined || named === id ? id : null);
  }

  #seqNamed(peer: PeerId, seq: number): boolean {
    return this.#namedSeqs.get(peer)?.has(seq) === true;
  }

  #noteRoster(e: EntryOf<'join'> | EntryOf<'retire'> | EntryOf<'succeed'>): void {
    const named = e.kind === 'succeed' ? [e.body.from, e.body.to] : [e.body.device];
    for (const peer of named) this.#rosterNamed.add(peer);
    const owner = this.settings?.owner;
    if (e.peer !== owner || named.includes(owner)) this.#rosterByOwner = false;
  }

  /** The genesis's book id, when the genesis is held. */
  get book(): string | undefined {
    return this.#book;
  }

  /**
   * True when every roster entry held was written by the genesis owner and none names
   * the owner. Then the roster is judged against the owner alone (its roles are fixed
   * and it is never retired), so the fold's rounds settle at once and adding one more
   * owner's join or retire changes nothing but that device's line.
   */
  get rosterByOwner(): boolean {
    return this.#rosterByOwner;
  }

  /** True when a roster entry held names `peer` (as device, or succession's from or to). */
  rosterNames(peer: PeerId): boolean {
    return this.#rosterNamed.has(peer);
  }

  /** The seq from which `peer` is held for equivocation, if it is. */
  heldFromOf(peer: PeerId): number | undefined {
    return this.#heldFrom.get(peer);
  }

  /** The highest seq of `peer` any held seal or summary cut names (0 for none): entries above it lie within no cut. */
  cutSeqOf(peer: PeerId): number {
    return this.#cutSeq.get(peer) ?? 0;
  }

  /** True when an admit names this entry (by id or by its author and seq). */
  admitNames(id: string, peer: PeerId, seq: number): boolean {
    return this.#admitIds.has(id) || this.#admitSeqs.has(`${peer}\n${seq}`);
  }

  /** True when an admit is held (its landing reads the seal chain). */
  get hasAdmits(): boolean {
    return this.#admitIds.size > 0;
  }

  /** The latest day any summary held is as of ('' for none). */
  get lastSummaryDay(): string {
    return this.#lastSummaryDay;
  }

  /**
   * Record the book's genesis as the first entry judged: the fold of a set holding only
   * it gives these settings, the owner alone on the roster, and nothing else.
   */
  recordGenesis(genesis: EntryOf<'book'>): void {
    this.settings = { ...genesis.body, owner: genesis.peer, genesis: genesis.id };
    this.#book = genesis.book;
    this.roster = new Map([[genesis.peer, { peer: genesis.peer, name: genesis.peer, key: '', roles: [...ROLES], enrolledBy: genesis.id }]]);
  }

  /** Record a join or retire applied without a fold: the roster it leads to, and the entry. */
  recordRoster(entry: EntryOf<'join'> | EntryOf<'retire'>, roster: ReadonlyMap<PeerId, RosterMember>): void {
    this.roster = roster;
    this.#note(entry);
  }

  /** Where the fold would make `txn` effective, when that is all it would change; else undefined. */
  plainLanding(txn: EntryFacts): PlainLanding | undefined {
    if (!this.extendsQuietly(txn)) return undefined;
    const settings = this.settings!;
    let landing: PlainLanding = { date: txn.date };
    // A date at or after the first open period's start is in that period or later (no period string made).
    const period = this.firstOpenPeriod === undefined || txn.date >= this.#openStart() ? undefined : periodOf(txn.date, settings.period);
    if (period !== undefined && this.firstOpenPeriod !== undefined && period < this.firstOpenPeriod) {
      // Late: within no cut, so no seal covers it; it waits at the first open period's start.
      const into = this.firstOpenPeriod;
      const date = periodStart(into);
      if (daysBetween(dayOf(txn.date), dayOf(date)) > settings.windowDays) return undefined;
      landing = { date, late: { labelPeriod: period, into, provisional: true } };
    }
    return landing.date > this.#lastSummaryEnd ? landing : undefined;
  }

  #openStartOf: PeriodId | undefined;
  #openStartText = '';

  /** The first open period's start (cached: it is read for every txn). */
  #openStart(): string {
    if (this.#openStartOf !== this.firstOpenPeriod) {
      this.#openStartOf = this.firstOpenPeriod;
      this.#openStartText = this.firstOpenPeriod === undefined ? '' : periodStart(this.firstOpenPeriod);
    }
    return this.#openStartText;
  }

  /**
   * True when `entry` changes no other entry's standing or chain: of this book, by an
   * author in good standing, at the top of its chain, within no cut, named by nothing.
   * Then its own state depends only on its author's roles and its body.
   */
  extendsQuietly(entry: EntryFacts): boolean {
    const member = this.roster.get(entry.peer);
    if (member === undefined || (member.lastSeq !== undefined && entry.seq > member.lastSeq)) return false;
    return this.linksQuietly(entry);
  }

  /**
   * extendsQuietly without the author's roster line: of this book, by an author not
   * held for equivocation, at the top of its chain, within no cut, named by nothing.
   * Such an entry changes no other entry's state, whatever its own (pending while its
   * author is not enrolled, held while retired): judge.ts judges it.
   */
  linksQuietly(entry: EntryFacts): boolean {
    if (this.settings === undefined || entry.book !== this.#book) return false;
    if (this.#heldFrom.has(entry.peer)) return false;
    if (!this.chains.extendsWithoutFork(entry)) return false;
    if (entry.seq <= (this.#cutSeq.get(entry.peer) ?? 0)) return false;
    return !this.#namedIds.has(entry.id) && !this.#seqNamed(entry.peer, entry.seq);
  }

  /**
   * linksQuietly for a txn that negations held name, by its id and its place exactly
   * (they arrived first): named by no admit, no seal, no negation of another id at its
   * seq. Then it changes only its own state and its negations' (judge.ts's group).
   */
  linksQuietlyButNegated(entry: EntryFacts): boolean {
    if (this.settings === undefined || entry.book !== this.#book) return false;
    if (this.#heldFrom.has(entry.peer)) return false;
    if (!this.chains.extendsWithoutFork(entry)) return false;
    if (entry.seq <= (this.#cutSeq.get(entry.peer) ?? 0)) return false;
    if (this.admitNames(entry.id, entry.peer, entry.seq) || this.#prevSeals.has(entry.id)) return false;
    return this.#namedSeqs.get(entry.peer)?.get(entry.seq) === entry.id;
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
    return this.#namedIds.has(ref.id) || this.#seqNamed(ref.peer, ref.seq) ? undefined : landing;
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
    this.#nameSeq(body.target.peer, body.target.seq, body.target.id);
  }

  /** Record a quiet entry in its author's chain (the only other structure it changes). */
  extend(entry: EntryFacts): void {
    this.chains.add(entry);
  }

  get frontier(): ReadonlyMap<PeerId, AuthorFrontier> {
    return this.chains.frontier;
  }
}
