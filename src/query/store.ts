/**
 * The query store: the books in memory, loaded once from the journal and then kept
 * up to date batch by batch, answering every screen's question without a fold.
 *
 *   load(entries)            at start: one fold of the whole set
 *   apply(entries)           each new or ingested batch (duplicates ignored)
 *   applyQuarantine(records) refusals the journal kept aside
 *
 * Two paths keep it equal to the core's fold (the reference, checked by
 * equivalence.test.ts). The common one takes each entry of a batch in (hlc, id) order
 * and applies it at once when its effect is exactly known without the fold: plain
 * txns and negations (structure.ts), closes and acks (periods.ts), summaries and seals
 * over exactly what this peer holds (summaries.ts, seal.ts). Each costs O(its
 * postings), except a seal, which scans the columns once. Any other batch (a join, a
 * retire, a fork, an entry in a sealed period, a twin negation, a summary or seal
 * over another view) changes the state of other entries in ways only the fold
 * defines: the store then asks the core's fold over the whole set, rebuilt from its
 * columns, and moves only the entries whose state changed. That costs about as much
 * as the core's own fold (bench/query.bench.ts).
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
import { verdictOverHeld } from './summaries.ts';
import { quickSeal } from './seal.ts';

export type { EntryInfo, NegationRow } from './entry-lists.ts';

/** Counters of the last apply, for figures and tests. */
export interface ApplyStats {
  added: number;
  fast: boolean;
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
  lastApply: ApplyStats = { added: 0, fast: true };

  constructor() {
    this.books = new Books(this.entries, () => this.states.effSec.data);
    this.#byDate = new SortedIndex((a, b) => this.entries.compareByDate(a, b), () => true);
    this.#live = new LiveQueries({ answer: (q) => answerQuery(this, q), mayChange });
  }

  /**
   * Load the journal's entries at start: one fold of the whole set. On a store that
   * already holds entries it adds these and folds everything held (a full refresh).
   */
  load(entries: Iterable<Entry>): void {
    const all = [...entries];
    const wasEmpty = this.size === 0;
    const added = new Map<number, Entry>();
    this.#addNew(all, added);
    if (wasEmpty) this.#absorb(fold(all), [...added.values()], emptyTouch());
    else this.#refold(emptyTouch());
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
    const added = new Map<number, Entry>();
    const rows = this.#addNew(entries, added);
    if (rows.length === 0) {
      this.lastApply = { added: 0, fast: true };
      return 0;
    }
    const touch = emptyTouch();
    // A batch is a set: try it in (hlc, id) order, which is each author's seq order and
    // puts a target before its negation, so a batch that arrived shuffled by sync can
    // still take the fast path.
    rows.sort((a, b) => this.entries.compareByHlc(a, b));
    const fast = this.#tryPlain(rows, added, touch);
    if (!fast) this.#refold(touch);
    this.lastApply = { added: rows.length, fast };
    this.#alarms = undefined;
    const accounts = new Set([...touch.accounts].map((a) => this.books.accounts.name(a)));
    this.#live.notify({ minDay: touch.minDay, maxDay: touch.maxDay, accounts, entries: true, structure: !fast, periods: !fast || touch.periods === true, summaries: !fast || touch.summaries === true, quarantine: false });
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

  /** Add the entries not held yet; returns their rows, and fills `added` with the entries by row. */
  #addNew(entries: Iterable<Entry>, added?: Map<number, Entry>): number[] {
    const rows: number[] = [];
    for (const entry of entries) {
      const row = this.entries.add(entry);
      if (row === -1) continue;
      added?.set(row, entry);
      this.books.addEntry(entry.kind === 'txn' ? entry.body.postings : []);
      this.states.push();
      this.#byDate.insert(row);
      const skew = this.#skewOf(entry);
      if (skew !== undefined) this.#skew.set(row, skew);
      rows.push(row);
    }
    return rows;
  }

  /**
   * The fast path, entry by entry in batch order: plain txns and plain negations
   * (structure.ts says exactly which) take effect at once. Returns false at the first
   * other entry; the caller then refolds, which also settles the rows done so far.
   */
  #tryPlain(rows: number[], added: Map<number, Entry>, touch: MoneyTouch): boolean {
    const unjudged = new Set(rows);
    for (const row of rows) {
      const entry = added.get(row)!;
      const landing = entry.kind === 'txn' ? this.structure.plainLanding(entry) : undefined;
      const negation = entry.kind === 'negate' ? this.structure.plainNegateLanding(entry, this.#targetFacts(entry.body.target.id)) : undefined;
      if (landing !== undefined) {
        const sec = dateToSeconds(landing.date);
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
      } else if (entry.kind === 'seal' && quickSeal(this, entry, unjudged)) {
        this.states.setRecorded(row);
        touch.periods = true;
      } else {
        return false;
      }
      this.structure.extend(entry);
      unjudged.delete(row);
    }
    return true;
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
