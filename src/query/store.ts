/**
 * The query store: the books in memory, loaded once from the journal and then kept
 * up to date batch by batch, answering every screen's question without a fold.
 *
 *   load(entries)            at start: the same paths as a batch, on an empty store
 *   apply(entries)           each new or ingested batch (duplicates ignored)
 *   applyQuarantine(records) refusals the journal kept aside
 *
 * Three paths keep it equal to the core's fold (the reference, checked by
 * equivalence.test.ts). Each takes the entries of a batch one at a time in (hlc, id)
 * order, each step leaving the store equal to the fold of what it has taken so far:
 *
 * 1. Plain entries, whose effect is exactly known without the fold and moves no other
 *    entry: txns and negations (structure.ts), closes and acks (periods.ts), summaries
 *    over exactly what this peer holds (summaries.ts), seals over what this peer holds
 *    where no money entry moves (seal.ts). O(its postings); a seal scans the columns.
 * 2. Structural entries judged locally (judge.ts): the genesis; an owner's join of a
 *    new device (its entries, pending until now, are judged); an owner's retire (the
 *    device's entries beyond its last seq are judged again); a twin negation (its
 *    target's group); a txn or negation whose author is not enrolled or retired, or
 *    that lands beyond the window; a negation before its target (pending), and the
 *    target when it comes (its group); any entry while no genesis is held (pending:
 *    the genesis, when it comes after them, has every entry held judged again once,
 *    as a load would). Each judges the entries it can move and nothing else: O(the
 *    author's entries), counted in ApplyStats.touched. So an upload in any order
 *    (a hub taking a store's outage) takes no fold.
 * 3. Anything else asks the core's fold over the whole set, rebuilt from the columns,
 *    and moves the entries whose state changed: a fork (it rewrites the author's chain
 *    index that every cut test reads), an entry within a seal or summary cut, a seal
 *    that makes money move or leaves its period short, a summary over another view
 *    (its verdict folds the cut), admits, successions, roster entries by anyone but
 *    the owner. That costs about a fold of the set (bench/query.bench.ts).
 */
import { fold } from '../core/fold.ts';
import { trialBalanceOf } from '../core/queries.ts';
import { skewChecker } from '../core/fold-skew.ts';
import type { AccountAmount, Alarm, AuthorFrontier, Ledger, PeriodView, RegisterPage, RosterMember, SummaryView, TrialBalance } from '../core/ledger.ts';
import type { Day, Entry, EntryId, EntryOf, PeerId, PeriodId } from '../core/types.ts';
import { Books, emptyTouch, type MoneyTouch } from './books.ts';
import { dateToSeconds } from './codec.ts';
import { EntryTable, NEGATE, TXN } from './entries.ts';
import { LiveQueries, type Listener } from './live.ts';
import { answerQuery, mayChange, type Change, type Query } from './live-query.ts';
import { accountTotals, dayTotals, periodContent, registerPage, sortAlarms, type AccountTotal, type DayTotal, type RangeOptions } from './answers.ts';
import { Quarantine, type QuarantineRecord } from './quarantine.ts';
import { searchEntries, type SearchFilter, type SearchPage } from './search.ts';
import { allSkeletons } from './skeleton.ts';
import { entryInfo, infosOf, ledgerOf, negationRows, withStatus, type EntryInfo, type NegationRow } from './entry-lists.ts';
import { EFFECTIVE, EntryStates, secondsOf, type StateView, type Status } from './state.ts';
import { Structure, type TargetFacts } from './structure.ts';
import { SortedIndex } from './order.ts';
import { int32Column, type Column } from './columns.ts';
import { verdictOverHeld } from './summaries.ts';
import { quickSeal } from './seal.ts';
import { JudgePlan, type JudgeSource } from './judge.ts';
import { ROLES } from '../core/types.ts';

export type { EntryInfo, NegationRow } from './entry-lists.ts';

/** Counters of the last apply, for figures and tests. */
export interface ApplyStats {
  added: number;
  /** True when no fold of the whole set was needed. */
  fast: boolean;
  /**
   * Entries judged: one per plain entry, the entries a structural entry moved (its
   * author's entries, their negation groups) when applied locally, every entry held
   * when the batch was folded. The work an apply did, in entries.
   */
  touched: number;
  /** Structural entries (join, retire, twin negation) applied locally, without a fold. */
  local: number;
}

export class QueryStore {
  readonly entries = new EntryTable();
  readonly states = new EntryStates();
  readonly books: Books;
  readonly structure = new Structure();
  readonly #skew = new Map<number, string>();
  readonly #skewOf = skewChecker();
  readonly #byDate: SortedIndex;
  readonly #quarantine = new Quarantine();
  readonly #live: LiveQueries<Query, Change>;
  #alarms: Alarm[] | undefined;
  /** Folds of the whole set made so far (load included): the slow path's count. */
  folds = 0;
  lastApply: ApplyStats = { added: 0, fast: true, touched: 0, local: 0 };
  /** Rows by author (peer index), in arrival order: what a roster change re-judges. */
  readonly #rowsByPeer: Array<Column<Int32Array>> = [];
  /** Rows of the negations naming each target id (held or not). */
  readonly #negationsByTarget = new Map<string, number[]>();
  /** During a batch: how many of its rows are not judged yet (states.unjudged tells which). */
  #unjudgedCount = 0;
  /** Counters of the batch being applied. */
  #touched = 0;
  #local = 0;

  constructor() {
    this.books = new Books(this.entries, () => this.states.effSec.data);
    this.#byDate = new SortedIndex((a, b) => this.entries.compareByDate(a, b), () => true);
    this.#live = new LiveQueries({ answer: (q) => answerQuery(this, q), mayChange });
  }

  /**
   * Load the journal's entries at start. On an empty store they are taken as one
   * batch (paths 1 and 2 above, in (hlc, id) order; a journal of plain entries is
   * loaded without a fold), and folded as a whole at the first entry that needs it.
   * On a store that already holds entries it adds these and folds everything held (a
   * full refresh).
   */
  load(entries: Iterable<Entry>): void {
    const all = [...entries];
    const wasEmpty = this.size === 0;
    this.entries.reserve(this.size + all.length);
    this.states.reserve(this.size + all.length);
    const { rows, byRow } = this.#addNew(all);
    this.#touched = 0;
    this.#local = 0;
    let fast = false;
    if (wasEmpty) {
      // A journal is mostly plain entries in (hlc, id) order: take them the way apply
      // does, and fold only when one of them needs it.
      if (!isSorted(rows, (a, b) => this.entries.compareByHlc(a, b))) rows.sort((a, b) => this.entries.compareByHlc(a, b));
      fast = this.#tryPlain(rows, byRow, 0, emptyTouch());
      if (!fast) this.#absorb(fold(all), byRow, emptyTouch());
    } else this.#refold(emptyTouch());
    this.lastApply = { added: rows.length, fast, touched: fast ? this.#touched : this.size, local: this.#local };
    this.#alarms = undefined;
    // Anything may have changed: every live query is evaluated again.
    this.#live.notify({ minDay: -Infinity, maxDay: Infinity, accounts: new Set(), entries: true, structure: true, periods: true, summaries: true, quarantine: false });
  }

  /**
   * Apply a batch of new or ingested entries (duplicates of held ones are ignored) and
   * notify the live queries it affects. Entries must be individually valid (the
   * journal validated them). Returns the rows added.
   */
  apply(entries: readonly Entry[]): number {
    const base = this.size;
    const { rows, byRow } = this.#addNew(entries);
    if (rows.length === 0) {
      this.lastApply = { added: 0, fast: true, touched: 0, local: 0 };
      return 0;
    }
    const touch = emptyTouch();
    this.#touched = 0;
    this.#local = 0;
    // A batch is a set: try it in (hlc, id) order, which is each author's seq order and
    // puts a target before its negation, so a batch that arrived shuffled by sync can
    // still take the fast path.
    rows.sort((a, b) => this.entries.compareByHlc(a, b));
    // The genesis arriving after other entries (an upload in any order): everything
    // held waits for it, nothing has an effect yet, so judge the whole set again from
    // the start, as a load would, instead of folding it.
    const lateGenesis = base > 0 && this.structure.settings === undefined && byRow.some((e) => e.kind === 'book' && e.seq === 1);
    const fast = lateGenesis ? this.#rejudgeAll(touch) : this.#tryPlain(rows, byRow, base, touch);
    if (!fast) this.#refold(touch);
    this.lastApply = { added: rows.length, fast, touched: fast ? this.#touched : this.size, local: this.#local };
    this.#alarms = undefined;
    const accounts = new Set([...touch.accounts].map((a) => this.books.accounts.name(a)));
    this.#live.notify({ minDay: touch.minDay, maxDay: touch.maxDay, accounts, entries: true, structure: !fast || touch.structure === true, periods: !fast || touch.periods === true, summaries: !fast || touch.summaries === true, quarantine: false });
    return rows.length;
  }

  /** Keep refused inputs aside (the journal's quarantine records) and notify. */
  applyQuarantine(records: readonly QuarantineRecord[]): void {
    if (records.length === 0) return;
    this.#quarantine.add(records);
    this.#live.notify({ minDay: 1, maxDay: 0, accounts: new Set(), entries: false, structure: false, periods: false, summaries: false, quarantine: true });
  }

  /** Hear `query`'s answer now and whenever it changes. Returns the unsubscribe function. */
  subscribe(query: Query, listener: Listener): () => void {
    return this.#live.subscribe(query, listener);
  }

  get liveEvaluations(): number {
    return this.#live.evaluations;
  }

  // ---- answers -------------------------------------------------------------

  /** Balance per account at the end of `day` (effective dates), account order, zeros left out. */
  balancesAsOf(day: Day): AccountAmount[] {
    const sums = this.books.balancesAsOf(day);
    const names = this.books.accounts;
    const out: AccountAmount[] = [];
    sums.forEach((amount, a) => {
      if (amount !== 0n) out.push({ account: names.name(a), amount });
    });
    return out.sort((x, y) => (x.account < y.account ? -1 : x.account > y.account ? 1 : 0));
  }

  /** The trial balance at the end of `day`, as the core's trialBalance computes it. */
  trialBalance(day: Day): TrialBalance {
    return trialBalanceOf(day, this.balancesAsOf(day));
  }

  /** An account's register, paged, with true running balances (as the core's register). */
  register(account: string, opts: RangeOptions & { offset?: number; limit?: number } = {}): RegisterPage {
    return registerPage(this, account, opts);
  }

  /** Journal search; see SearchFilter. */
  search(filter: SearchFilter = {}): SearchPage {
    return searchEntries(this, this.#byDate.rows(), filter);
  }

  /** Debit and credit totals per effective day in [from, to] (optionally of one account). */
  totalsByDay(opts: RangeOptions & { account?: string } = {}): DayTotal[] {
    return dayTotals(this.books, opts);
  }

  /** Movement per account over effective days in [from, to]. */
  totalsByAccount(opts: RangeOptions = {}): AccountTotal[] {
    return accountTotals(this.books, opts);
  }

  /** Every txn with a negation: the one in effect and the duplicates to review, by target id. */
  negations(): NegationRow[] {
    return negationRows(this);
  }

  /** Late entries (dated in a sealed period, beyond its cut), by id. */
  late(): EntryInfo[] {
    return infosOf(this, [...this.states.late.keys()]);
  }

  /** Entries with a given status (held, pending, invalid, duplicate...), by id. */
  withStatus(status: Status): EntryInfo[] {
    return withStatus(this, status);
  }

  /** Entries held for review (late beyond the window, retired, equivocating, target held). */
  held(): EntryInfo[] {
    return withStatus(this, 'held');
  }

  /** Summaries with their verdicts and the exact differing entries, as the fold gives them. */
  summaries(): readonly SummaryView[] {
    return this.structure.summaries;
  }

  /**
   * Periods (closing with acks, sealed, final with closing balances and digest), as the
   * fold gives them. A final period's `content` (every entry id in it) is large, so it
   * is included only when asked for.
   */
  periods(opts: { content?: boolean } = {}): PeriodView[] {
    if (opts.content !== true) return this.structure.periods;
    return this.structure.periods.map((p) => (p.status === 'final' ? { ...p, content: periodContent(this, p.period) } : p));
  }

  /** The closing balances of a final period, or undefined. */
  closingBalances(period: PeriodId): AccountAmount[] | undefined {
    return this.structure.periods.find((p) => p.period === period)?.closingBalances;
  }

  firstOpenPeriod(): PeriodId | undefined {
    return this.structure.firstOpenPeriod;
  }

  /** Refused inputs, oldest first. */
  quarantine(): readonly QuarantineRecord[] {
    return this.#quarantine.records();
  }

  /** One entry and what became of it, or undefined when not held. */
  entry(id: string): EntryInfo | undefined {
    const row = this.entries.ids.indexOf(id);
    return row < 0 ? undefined : this.info(row);
  }

  /** What is held from each author, by peer. */
  frontier(): AuthorFrontier[] {
    // Copies: the fast path moves the frontier in place, and live queries compare answers.
    const copies = [...this.structure.frontier.values()].map((f) => ({ ...f, missing: f.missing.map((m) => ({ ...m })) }));
    return copies.sort((a, b) => (a.peer < b.peer ? -1 : 1));
  }

  roster(): RosterMember[] {
    return [...this.structure.roster.values()];
  }

  /** Every alarm (equivocation, seal conflict or disagreement, clock skew), in the fold's order. */
  alarms(): Alarm[] {
    if (this.#alarms === undefined) {
      const skew: Alarm[] = [...this.#skew].map(([row, detail]) => ({ kind: 'clock-skew', entry: this.entries.ids.idAt(row) as EntryId, detail }));
      this.#alarms = sortAlarms([...this.structure.alarms, ...skew]);
    }
    return this.#alarms;
  }

  get size(): number {
    return this.entries.size;
  }

  /** The entry at `row` as shown. */
  info(row: number): EntryInfo {
    return entryInfo(this, row);
  }

  /**
   * The books as a Ledger, for the core's stateDigest and for tests. Builds a view of
   * every entry: O(entries), meant for checks, not for screens.
   */
  toLedger(): Ledger {
    return ledgerOf(this);
  }

  // ---- internals -----------------------------------------------------------

  /** Add the entries not held yet; returns their rows, and the entries by row (`byRow[row - size before]`). */
  #addNew(entries: Iterable<Entry>): { rows: number[]; byRow: Entry[] } {
    const rows: number[] = [];
    const byRow: Entry[] = [];
    for (const entry of entries) {
      const row = this.entries.add(entry);
      if (row === -1) continue;
      byRow.push(entry);
      const peer = this.entries.peer.data[row]!;
      (this.#rowsByPeer[peer] ??= int32Column(64)).push(row);
      if (entry.kind === 'negate') {
        const list = this.#negationsByTarget.get(entry.body.target.id);
        if (list === undefined) this.#negationsByTarget.set(entry.body.target.id, [row]);
        else list.push(row);
      }
      this.books.addEntry(entry.kind === 'txn' ? entry.body.postings : []);
      this.states.push();
      this.#byDate.insert(row);
      const skew = this.#skewOf(entry);
      if (skew !== undefined) this.#skew.set(row, skew);
      rows.push(row);
    }
    return { rows, byRow };
  }

  /**
   * The fast path, entry by entry in batch order: plain txns and plain negations
   * (structure.ts says exactly which) take effect at once. Returns false at the first
   * other entry; the caller then refolds, which also settles the rows done so far.
   */
  #tryPlain(rows: number[], byRow: readonly Entry[], base: number, touch: MoneyTouch): boolean {
    this.#unjudgedCount = rows.length;
    try {
      return this.#tryEach(rows, byRow, base, touch);
    } finally {
      this.#unjudgedCount = 0;
    }
  }

  #tryEach(rows: number[], byRow: readonly Entry[], base: number, touch: MoneyTouch): boolean {
    for (const row of rows) {
      const entry = byRow[row - base]!;
      const landing = entry.kind === 'txn' ? this.structure.plainLanding(entry) : undefined;
      const negation = entry.kind === 'negate' ? this.structure.plainNegateLanding(entry, this.#targetFacts(entry.body.target.id)) : undefined;
      if (landing !== undefined) {
        const sec = landing.late === undefined ? this.entries.date.data[row]! : dateToSeconds(landing.date);
        this.states.setEffective(row, sec, landing.late);
        this.books.setEffect(row, sec, Number.NaN, row, 1, touch);
      } else if (negation !== undefined && entry.kind === 'negate') {
        const target = this.entries.ids.indexOf(entry.body.target.id);
        const sec = Math.max(dateToSeconds(negation.date), this.states.effSec.data[target]!);
        this.states.setEffective(row, sec, negation.late);
        this.states.negatedBy.set(target, row);
        this.books.setEffect(row, sec, Number.NaN, target, -1, touch);
        this.structure.noteNegate(entry.body);
      } else if ((entry.kind === 'close' || entry.kind === 'ack') && this.structure.recordPeriodEntry(entry, this.#compareIds)) {
        this.states.setRecorded(row);
        touch.periods = true;
      } else if (entry.kind === 'summary' && this.#quickSummary(entry)) {
        this.states.setRecorded(row);
        touch.summaries = true;
      } else if (entry.kind === 'seal' && quickSeal(this, entry)) {
        this.states.setRecorded(row);
        touch.periods = true;
      } else if (this.#waitsForGenesis(row, entry)) {
        // Judged: pending until the genesis comes (then #rejudgeAll judges it again).
      } else if (this.#quickStructural(row, entry, touch)) {
        this.#touched--; // counted in its plan (or below, for a join, retire or genesis)
      } else {
        return false;
      }
      this.#touched++;
      this.structure.extend(entry);
      this.#unjudgedCount--;
    }
    return true;
  }

  /**
   * Without a genesis the fold judges nothing: every entry is pending 'book genesis not
   * held' and has no effect (fold.ts's withoutGenesis). So an entry that makes no fork
   * (a fork raises an alarm even then: left to the fold) is judged at once, whatever
   * its kind. Not the genesis itself (kind 'book', seq 1). False (nothing changed)
   * otherwise.
   */
  #waitsForGenesis(row: number, entry: Entry): boolean {
    const s = this.structure;
    if (s.settings !== undefined || (entry.kind === 'book' && entry.seq === 1) || !s.chains.extendsWithoutFork(entry)) return false;
    this.states.set(row, { state: { ...WITHOUT_GENESIS } }, this.entries.ids, Number.NaN);
    return true;
  }

  /**
   * A batch brought the genesis to a store that held entries without one: all of them
   * were pending with no effect (see #waitsForGenesis), so forget the structure and
   * take every entry held again in (hlc, id) order, as `load` takes a journal. O(the
   * store) once, where a fold per batch was O(the store) per batch. False when an
   * entry needs the fold (the caller refolds, which settles the rows done so far).
   */
  #rejudgeAll(touch: MoneyTouch): boolean {
    this.structure.absorb(fold([]), []);
    // Every row is pending without effect; forgetting the reasons makes them unjudged.
    this.states.details.clear();
    const rows = Array.from({ length: this.size }, (_, row) => row);
    rows.sort((a, b) => this.entries.compareByHlc(a, b));
    return this.#tryPlain(rows, allSkeletons(this.entries, this.books), 0, touch);
  }

  /**
   * A join, retire or negation that moves other entries, applied by judging again only
   * the entries it can move (judge.ts); false (nothing changed) when it needs the fold.
   */
  #quickStructural(row: number, entry: Entry, touch: MoneyTouch): boolean {
    let plan: JudgePlan | undefined;
    if (entry.kind === 'book') {
      // The genesis as the very first entry judged (in (hlc, id) order): nothing else to move.
      if (this.size !== this.#unjudgedCount || entry.seq !== 1 || entry.prev !== null) return false;
      this.structure.recordGenesis(entry);
      this.states.setRecorded(row);
      touch.structure = true;
      this.#local++;
      this.#touched++;
      return true;
    }
    if (entry.kind === 'join' || entry.kind === 'retire') {
      const roster = this.#rosterAfter(entry);
      if (roster === undefined) return false;
      plan = this.#planForAuthor(entry.kind === 'join' ? entry.body.device : entry.body.device, roster, entry);
      if (plan === undefined || !plan.afterSummaries()) return false;
      this.structure.recordRoster(entry, roster);
      this.states.setRecorded(row);
      touch.structure = true;
      this.#touched++;
    } else if (entry.kind === 'txn') {
      // A quiet txn whose author is not enrolled (pending), retired (held), or that lands beyond the window (held).
      plan = new JudgePlan(this.#judgeSource(row), this.structure.roster);
      if (this.structure.linksQuietly(entry)) {
        if (!plan.txn(row) || !plan.afterSummaries()) return false;
      } else if (this.structure.linksQuietlyButNegated(entry)) {
        // A txn whose negations came first: it and its group.
        if (!plan.txn(row) || !plan.group(row) || !plan.afterSummaries()) return false;
      } else {
        return false;
      }
    } else if (entry.kind === 'negate') {
      if (!this.structure.linksQuietly(entry)) return false;
      const target = this.entries.ids.indexOf(entry.body.target.id);
      if (target < 0) {
        // Before its target: pending, no effect, until the target comes (see the txn case).
        if (!this.#targetAbsent(entry.body.target)) return false;
        plan = new JudgePlan(this.#judgeSource(row), this.structure.roster);
        if (!plan.unresolved(row)) return false;
        this.structure.noteNegate(entry.body);
        this.#commit(plan, touch);
        this.#local++;
        return true;
      }
      if (target !== row && this.states.unjudged(target)) return false;
      plan = new JudgePlan(this.#judgeSource(row), this.structure.roster);
      if (!plan.group(target) || !plan.views.has(row) || !plan.afterSummaries()) return false;
      this.structure.noteNegate(entry.body);
    } else {
      return false;
    }
    this.#commit(plan, touch);
    this.#local++;
    return true;
  }

  /**
   * The roster after an owner's join of a device not enrolled and named by no other
   * roster entry, or an owner's retire of an enrolled device (not the owner), when
   * every roster entry held is the owner's (structure.ts's rosterByOwner): then only
   * that device's line changes. Undefined when the fold must decide.
   */
  #rosterAfter(entry: EntryOf<'join'> | EntryOf<'retire'>): ReadonlyMap<PeerId, RosterMember> | undefined {
    const s = this.structure;
    const owner = s.settings?.owner;
    if (owner === undefined || entry.peer !== owner || !s.rosterByOwner || !s.extendsQuietly(entry)) return undefined;
    const device = entry.body.device;
    if (device === owner) return undefined;
    const roster = new Map(s.roster);
    if (entry.kind === 'join') {
      if (roster.has(device) || s.rosterNames(device)) return undefined;
      const roles = ROLES.filter((r) => entry.body.roles.includes(r));
      roster.set(device, { peer: device, name: entry.body.name, key: entry.body.key, roles, enrolledBy: entry.id });
      // The fold lists the owner first, then the others by peer id.
      const others = [...roster.values()].filter((m) => m.peer !== owner).sort((a, b) => (a.peer < b.peer ? -1 : 1));
      return new Map([[owner, roster.get(owner)!], ...others.map((m) => [m.peer, m] as const)]);
    }
    const member = roster.get(device);
    if (member === undefined) return undefined;
    const lastSeq = Math.min(entry.body.lastSeq, member.lastSeq ?? Infinity);
    roster.set(device, { ...member, lastSeq });
    return roster;
  }

  /**
   * A plan judging again `peer`'s entries that `entry` (a join or retire of it) moves:
   * all of them for a join (pending until now), those beyond the new lastSeq for a
   * retire; then the negation groups they belong to. Only txns and negations may move
   * (a close, ack, summary or seal of theirs would move the periods: left to the fold).
   */
  #planForAuthor(peer: PeerId, roster: ReadonlyMap<PeerId, RosterMember>, entry: EntryOf<'join'> | EntryOf<'retire'>): JudgePlan | undefined {
    const p = this.entries.peers.get(peer);
    const plan = new JudgePlan(this.#judgeSource(-1), roster);
    if (p === undefined) return plan;
    const before = this.structure.roster.get(peer);
    const after = roster.get(peer)!;
    const moved = (seq: number): boolean =>
      entry.kind === 'join' || (seq > after.lastSeq! && (before?.lastSeq === undefined || seq <= before.lastSeq));
    const targets = new Set<number>();
    const byPeer = this.#rowsByPeer[p];
    for (const row of byPeer === undefined ? [] : byPeer.data.subarray(0, byPeer.length)) {
      if (this.states.unjudged(row) || !moved(this.entries.seq.data[row]!)) continue;
      const kind = this.entries.kind.data[row];
      if (kind === TXN) {
        if (!plan.txn(row)) return undefined;
        targets.add(row);
      } else if (kind === NEGATE) {
        const ref = (this.entries.objects.get(row) as EntryOf<'negate'>).body.target;
        const target = this.entries.ids.indexOf(ref.id);
        if (target < 0) {
          if (!this.#targetAbsent(ref) || !plan.unresolved(row)) return undefined;
          continue;
        }
        if (this.states.unjudged(target)) return undefined;
        targets.add(target);
      } else {
        return undefined;
      }
    }
    for (const target of targets) {
      if (this.#judgedNegations(this.entries.ids.idAt(target), -1).length > 0 && !plan.group(target)) return undefined;
    }
    return plan;
  }

  /** True when nothing is held at a ref's author and seq, its id not held either (no author has a fork). */
  #targetAbsent(ref: EntryOf<'negate'>['body']['target']): boolean {
    return this.structure.noForks && this.entries.ids.indexOf(ref.id) < 0 && !this.structure.chains.holds(ref.peer, ref.seq);
  }

  #judgeSource(including: number): JudgeSource {
    return { entries: this.entries, states: this.states, structure: this.structure, negationsOf: (id) => this.#judgedNegations(id, including) };
  }

  /** The negations of `targetId` already judged, and `including` (the one being judged now). */
  #judgedNegations(targetId: string, including: number): number[] {
    return (this.#negationsByTarget.get(targetId) ?? []).filter((r) => r === including || !this.states.unjudged(r));
  }

  /** Move every row of `plan` to its new view. */
  #commit(plan: JudgePlan, touch: MoneyTouch): void {
    const ids = this.entries.ids;
    for (const [row, view] of plan.views) {
      this.#touched++;
      const effSec = secondsOf(view);
      if (this.states.sameAs(row, view, ids, effSec)) continue;
      const previousSec = this.states.effSec.data[row]!;
      this.states.set(row, view, ids, effSec);
      const negate = this.entries.kind.data[row] === NEGATE;
      const source = negate ? ids.indexOf((this.entries.objects.get(row) as EntryOf<'negate'>).body.target.id) : row;
      this.books.setEffect(row, view.state.status === 'effective' ? effSec : Number.NaN, previousSec, source, negate ? -1 : 1, touch);
    }
  }

  readonly #compareIds = (a: EntryId, b: EntryId): number => this.entries.compareByHlc(this.entries.ids.indexOf(a), this.entries.ids.indexOf(b));

  /** A quiet summary over exactly what is held: recorded with its verdict (summaries.ts). */
  #quickSummary(entry: EntryOf<'summary'>): boolean {
    if (!this.structure.noForks || !this.structure.extendsQuietly(entry)) return false;
    const result = verdictOverHeld(entry, this.structure.frontier, (day) => this.balancesAsOf(day));
    if (result === undefined) return false;
    this.structure.recordSummary(entry, result);
    return true;
  }

  #targetFacts(id: string): TargetFacts | undefined {
    const row = this.entries.ids.indexOf(id);
    if (row < 0) return undefined;
    const e = this.entries;
    return {
      book: e.books.name(e.book.data[row]!),
      peer: e.peers.name(e.peer.data[row]!) as PeerId,
      seq: e.seq.data[row]!,
      isTxn: e.kind.data[row] === TXN,
      effective: this.states.status.data[row] === EFFECTIVE && !Number.isNaN(this.states.effSec.data[row]!),
    };
  }

  /** The slow path: fold the whole set and move what changed. */
  #refold(touch: MoneyTouch): number {
    const skeletons = allSkeletons(this.entries, this.books);
    return this.#absorb(fold(skeletons), skeletons, touch);
  }

  /**
   * Take states and structure from a fold of `byRow` (every entry held, by row);
   * returns how many entries changed state.
   */
  #absorb(ledger: Ledger, byRow: readonly Entry[], touch: MoneyTouch): number {
    this.folds++;
    const ids = this.entries.ids;
    let changed = 0;
    const others: Entry[] = [];
    for (let row = 0; row < byRow.length; row++) {
      const view = ledger.entries.get(byRow[row]!.id)!;
      if (view.entry.kind !== 'txn') others.push(view.entry);
      // The view itself serves as the state view (its entry is ignored): no copy per entry.
      const next: StateView = view;
      const effSec = secondsOf(next);
      if (this.states.sameAs(row, next, ids, effSec)) continue;
      const previousSec = this.states.effSec.data[row]!;
      this.states.set(row, next, ids, effSec);
      changed++;
      const sec = next.state.status === 'effective' ? effSec : Number.NaN;
      this.books.setEffect(row, sec, previousSec, this.#source(row, view.entry), this.entries.kind.data[row] === NEGATE ? -1 : 1, touch);
    }
    this.structure.absorb(ledger, others);
    this.#noteAbove();
    this.#alarms = undefined;
    return changed;
  }

  /** Tell the chains of every entry held above its author's contiguous seq (few: gaps are rare). */
  #noteAbove(): void {
    const e = this.entries;
    const contiguous = e.peers.names().map((peer) => this.structure.frontier.get(peer as PeerId)?.contiguous ?? 0);
    for (let row = 0; row < e.size; row++) {
      const p = e.peer.data[row]!;
      if (e.seq.data[row]! <= contiguous[p]!) continue;
      this.structure.chains.noteAbove({ id: e.ids.idAt(row), peer: e.peers.name(p) as PeerId, seq: e.seq.data[row]!, prev: e.prevOf(row) });
    }
  }

  /** The row whose lines an entry's effect uses: its own, or a negation's target's. */
  #source(row: number, entry: Entry): number {
    if (entry.kind !== 'negate') return row;
    return this.entries.ids.indexOf(entry.body.target.id);
  }
}

/** The state of every entry while no genesis is held (fold.ts's withoutGenesis). */
const WITHOUT_GENESIS = { status: 'pending', reason: 'book genesis not held' } as const;

/** True when `rows` are already in `order` (a journal read back usually is). */
function isSorted(rows: readonly number[], order: (a: number, b: number) => number): boolean {
  for (let i = 1; i < rows.length; i++) if (order(rows[i - 1]!, rows[i]!) > 0) return false;
  return true;
}
