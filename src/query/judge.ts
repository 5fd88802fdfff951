/**
 * Judging a few entries again without a fold: the dependency of the money entries on
 * the structure, written down so a structural entry can recompute only what it moves.
 *
 * What a txn's view depends on (fold-money.ts txnView): its author's roster line
 * (enrolled, lastSeq), its author's equivocation, the seals covering it, the seal
 * chain (its landing), and the admits naming it. What a negation's view depends on:
 * the same of its own, its target's view, and the other negations of the same target
 * (one of them is chosen). Nothing else. So:
 *
 * - a join of a new device moves only that device's entries (pending -> judged), and
 *   the negation groups of the targets they are or name;
 * - a retire moves only the retired device's entries beyond its last seq, and their
 *   negation groups;
 * - a twin negation moves only its target's group;
 * - a txn arriving after negations of it moves only itself and its group, and a
 *   negation arriving before its target moves only itself.
 *
 * A plan judges under one condition that keeps it exact and simple: every entry it
 * judges lies within no seal or summary cut (its seq is above every cut's line for
 * its author). Then no seal covers it, so its landing is the one the seal chain gives
 * an uncovered entry (its own date after the last sealed period, else provisionally at
 * the first open period's start, held beyond the window), and no summary verdict or
 * final period can see it. Any other case answers `false` and the caller asks the
 * fold. A plan only reads the store; the caller commits it (store.ts).
 */
import { dayOf, daysBetween, maxDate, periodOf, periodStart } from '../core/dates.ts';
import type { HeldReason, LateInfo, RosterMember } from '../core/ledger.ts';
import type { BusinessDate, EntryId, EntryOf, PeerId } from '../core/types.ts';
import { dateToSeconds } from './codec.ts';
import { NEGATE, TXN, type EntryTable } from './entries.ts';
import type { EntryStates, StateView } from './state.ts';
import type { Structure } from './structure.ts';

/** What a plan reads of the store. */
export interface JudgeSource {
  readonly entries: EntryTable;
  readonly states: EntryStates;
  readonly structure: Structure;
  /** Rows of the negations naming `targetId` that the books already count as judged (or that join them now). */
  negationsOf(targetId: string): readonly number[];
}

/** Where an uncovered money entry lands (fold-landing.ts's landingOf, for an entry no seal covers). */
interface Landing {
  date: BusinessDate;
  late?: LateInfo;
  beyondWindow: boolean;
  daysLate: number;
}

export class JudgePlan {
  /** The new view of each row judged, by row. */
  readonly views = new Map<number, StateView>();
  readonly #src: JudgeSource;
  readonly #roster: ReadonlyMap<PeerId, RosterMember>;

  /** Judge against `roster` (the roster the structural entry leads to). */
  constructor(src: JudgeSource, roster: ReadonlyMap<PeerId, RosterMember>) {
    this.#src = src;
    this.#roster = roster;
  }

  /** The row's view in this plan, or as the store shows it. */
  viewOf(row: number): StateView {
    return this.views.get(row) ?? this.#src.states.view(row, this.#src.entries.ids);
  }

  /** Judge the txn at `row` again; false when that needs the fold. */
  txn(row: number): boolean {
    const e = this.#src.entries;
    if (e.kind.data[row] !== TXN || !this.#uncovered(row)) return false;
    const problem = this.#authorProblem(row);
    if (problem?.status === 'pending') {
      this.views.set(row, { state: problem });
      return true;
    }
    const landing = this.#landing(row);
    if (landing === undefined) return false;
    const hold = problem ?? (landing.beyondWindow ? this.#beyondWindow(row, landing) : undefined);
    const view: StateView = hold === undefined ? { state: { status: 'effective' }, effectiveDate: landing.date } : { state: hold };
    if (landing.late !== undefined) view.late = landing.late;
    this.views.set(row, view);
    return true;
  }

  /**
   * Judge again every negation of the txn at `target` (with the new view of the target
   * if this plan judged it), and the target's negatedBy and duplicates; false when
   * that needs the fold (fold-money.ts's negations and chosenView, for uncovered
   * negations of a held txn of this book, named exactly).
   */
  group(target: number): boolean {
    const src = this.#src;
    const e = src.entries;
    const targetId = e.ids.idAt(target);
    if (e.kind.data[target] !== TXN || e.books.name(e.book.data[target]!) !== src.structure.book) return false;
    const candidates: Array<{ row: number; landing: Landing }> = [];
    for (const row of src.negationsOf(targetId)) {
      const negate = e.objects.get(row) as EntryOf<'negate'> | undefined;
      if (negate === undefined || e.kind.data[row] !== NEGATE || !this.#uncovered(row)) return false;
      const ref = negate.body.target;
      if (ref.peer !== e.peers.name(e.peer.data[target]!) || ref.seq !== e.seq.data[target]) return false;
      const problem = this.#authorProblem(row);
      if (problem?.status === 'pending') {
        this.views.set(row, { state: problem });
        continue;
      }
      const landing = this.#landing(row);
      if (landing === undefined) return false;
      if (problem !== undefined) {
        this.views.set(row, withLate({ state: problem }, landing));
        continue;
      }
      candidates.push({ row, landing });
    }
    const { negatedBy: _by, duplicateNegations: _dups, ...rest } = this.viewOf(target);
    const targetView: StateView = rest;
    if (candidates.length === 0) {
      this.views.set(target, targetView);
      return true;
    }
    const chosen = candidates.reduce((best, c) => (e.compareByHlc(c.row, best.row) < 0 ? c : best));
    const chosenId = e.ids.idAt(chosen.row) as EntryId;
    const view = this.#chosenView(chosen.row, chosen.landing, targetView, targetId);
    this.views.set(chosen.row, view);
    const duplicates = candidates.filter((c) => c !== chosen).map((c) => e.ids.idAt(c.row) as EntryId).sort();
    for (const c of candidates) if (c !== chosen) this.views.set(c.row, { state: { status: 'duplicate', of: chosenId } });
    if (view.state.status === 'effective') targetView.negatedBy = chosenId;
    if (duplicates.length > 0) targetView.duplicateNegations = duplicates;
    this.views.set(target, targetView);
    return true;
  }

  /**
   * Judge again the negation at `row` whose target is not held (its id is not held and
   * nothing is held at its author and seq: the caller checks): pending for its author
   * when not enrolled, else pending 'target not held' (fold-money.ts's
   * negationCandidate and resolveRef), with no landing. False when covered.
   */
  unresolved(row: number): boolean {
    if (this.#src.entries.kind.data[row] !== NEGATE || !this.#uncovered(row)) return false;
    const problem = this.#authorProblem(row);
    this.views.set(row, { state: problem?.status === 'pending' ? problem : { status: 'pending', reason: 'target not held' } });
    return true;
  }

  /** fold-money.ts's chosenView. */
  #chosenView(row: number, landing: Landing, target: StateView, targetId: string): StateView {
    if (landing.beyondWindow) return withLate({ state: this.#beyondWindow(row, landing) }, landing);
    if (target.state.status === 'held') {
      return withLate({ state: { status: 'held', reason: 'target-held' satisfies HeldReason, detail: `its target ${targetId} is held` } }, landing);
    }
    if (target.state.status !== 'effective' || target.effectiveDate === undefined) {
      return withLate({ state: { status: 'pending', reason: 'its target is not in effect' } }, landing);
    }
    return withLate({ state: { status: 'effective' }, effectiveDate: maxDate(landing.date, target.effectiveDate) }, landing);
  }

  /** Of this book, above every cut's line for its author, named by no admit. */
  #uncovered(row: number): boolean {
    const { entries: e, structure: s } = this.#src;
    const peer = e.peers.name(e.peer.data[row]!) as PeerId;
    const seq = e.seq.data[row]!;
    if (s.book === undefined || e.books.name(e.book.data[row]!) !== s.book) return false;
    return seq > s.cutSeqOf(peer) && !s.admitNames(e.ids.idAt(row), peer, seq);
  }

  /** fold-context.ts's authorProblem, against this plan's roster. */
  #authorProblem(row: number): StateView['state'] | undefined {
    const e = this.#src.entries;
    const peer = e.peers.name(e.peer.data[row]!) as PeerId;
    const seq = e.seq.data[row]!;
    const member = this.#roster.get(peer);
    if (member === undefined) return { status: 'pending', reason: 'author not enrolled' };
    if (member.lastSeq !== undefined && seq > member.lastSeq) return { status: 'held', reason: 'retired', detail: `${peer} was retired at seq ${member.lastSeq}` };
    const from = this.#src.structure.heldFromOf(peer);
    if (from !== undefined && seq >= from) return { status: 'held', reason: 'equivocation', detail: `${peer} equivocated at seq ${from}` };
    return undefined;
  }

  /** The landing of an uncovered entry (fold-landing.ts: no seal covers it). */
  #landing(row: number): Landing | undefined {
    const s = this.#src.structure;
    if (s.settings === undefined) return undefined;
    const date = this.#src.entries.dateOf(row);
    const period = periodOf(date, s.settings.period);
    const first = s.firstOpenPeriod;
    if (first === undefined || period >= first) return { date, beyondWindow: false, daysLate: 0 };
    const landing = periodStart(first);
    const daysLate = daysBetween(dayOf(date), dayOf(landing));
    return { date: landing, late: { labelPeriod: period, into: first, provisional: true }, beyondWindow: daysLate > s.settings.windowDays, daysLate };
  }

  #beyondWindow(row: number, landing: Landing): StateView['state'] {
    const s = this.#src.structure;
    const detail = `dated ${this.#src.entries.dateOf(row)}, it lands ${landing.daysLate} days later in ${landing.late?.into ?? ''}; the window is ${s.settings!.windowDays} days`;
    return { status: 'held', reason: 'late-beyond-window', detail };
  }

  /**
   * True when no summary can see the plan: every row it moves in or out of the books
   * counts after the last summary's day (a verdict reads the balances as of its day
   * and lists the entries beyond its cut landing by then).
   */
  afterSummaries(): boolean {
    const day = this.#src.structure.lastSummaryDay;
    if (day === '') return true;
    const end = dateToSeconds(`${day}T23:59:59`);
    const effSec = this.#src.states.effSec.data;
    for (const [row, view] of this.views) {
      if (effSec[row]! <= end) return false;
      if (view.effectiveDate !== undefined && dateToSeconds(view.effectiveDate) <= end) return false;
    }
    return true;
  }
}

function withLate(view: StateView, landing: Landing): StateView {
  if (landing.late !== undefined) view.late = landing.late;
  return view;
}
