/**
 * What became of each entry (the fold's EntryView without the entry), as columns.
 * Almost every entry is an effective txn or a recorded entry: a status byte and an
 * effective date cover it. The rest (reasons, late info, negation links) are rare and
 * kept in maps by row.
 */
import type { EntryState, EntryView, LateInfo } from '../core/ledger.ts';
import type { EntryId } from '../core/types.ts';
import { float64Column, uint8Column } from './columns.ts';
import type { IdTable } from './ids.ts';
import { dateToSeconds, secondsToDate } from './codec.ts';
import { sameAnswer } from './same.ts';

export const STATUSES = ['effective', 'recorded', 'pending', 'held', 'invalid', 'duplicate'] as const;
export type Status = (typeof STATUSES)[number];
export const EFFECTIVE = 0;
export const RECORDED = 1;
const PENDING = 2;
const NOT_JUDGED: EntryState = { status: 'pending', reason: 'not judged yet' };
const STATUS_CODE = Object.fromEntries(STATUSES.map((s, i) => [s, i])) as Record<Status, number>;

/** An entry's view as the fold gives it, minus the entry itself. */
export type StateView = Omit<EntryView, 'entry'>;

export class EntryStates {
  readonly status = uint8Column();
  /** Effective date in seconds since 2000, NaN when the entry has none. */
  readonly effSec = float64Column();
  /**
   * Full states of the judged entries whose status carries a reason. A row not judged
   * yet (within a batch being applied) is pending with no entry here: a map entry per
   * new row cost more than the rest of a cold start's bookkeeping.
   */
  readonly details = new Map<number, EntryState>();
  readonly late = new Map<number, LateInfo>();
  /** Target row -> the row of the negation in effect against it. */
  readonly negatedBy = new Map<number, number>();
  /** Target row -> rows of duplicate negations, in id order. */
  readonly duplicates = new Map<number, number[]>();

  /** Add a row for a new entry, pending until judged. */
  push(): void {
    this.status.push(STATUS_CODE.pending);
    this.effSec.push(Number.NaN);
  }

  /** Make room for `count` rows in all. */
  reserve(count: number): void {
    this.status.grow(count);
    this.effSec.grow(count);
  }

  /** True for a row added and not judged yet (see `details`). */
  unjudged(row: number): boolean {
    return this.status.data[row] === PENDING && !this.details.has(row);
  }

  /** A quiet close or ack: recorded, nothing else. */
  setRecorded(row: number): void {
    this.status.data[row] = RECORDED;
    if (this.details.size > 0) this.details.delete(row);
  }

  /** A plain txn or negation: effective at `effSec`, late or not. */
  setEffective(row: number, effSec: number, late?: LateInfo): void {
    this.status.data[row] = EFFECTIVE;
    this.effSec.data[row] = effSec;
    if (this.details.size > 0) this.details.delete(row);
    if (late !== undefined) this.late.set(row, late);
  }

  /**
   * Set row's view from the fold's. `ids` resolves ids of the negation links; `effSec`
   * is the view's effective date in seconds (NaN without one), read once by the caller.
   */
  set(row: number, view: StateView, ids: IdTable, effSec = secondsOf(view)): void {
    const code = STATUS_CODE[view.state.status];
    this.status.data[row] = code;
    if (code > RECORDED) this.details.set(row, view.state);
    else this.details.delete(row);
    this.effSec.data[row] = effSec;
    setOrDelete(this.late, row, view.late);
    setOrDelete(this.negatedBy, row, view.negatedBy === undefined ? undefined : ids.indexOf(view.negatedBy));
    setOrDelete(this.duplicates, row, view.duplicateNegations?.map((id) => ids.indexOf(id)));
  }

  /** The fold's view of row (fields in the fold's order, absent ones left out). */
  view(row: number, ids: IdTable): StateView {
    const view: StateView = { state: this.state(row) };
    const eff = this.effSec.data[row]!;
    if (!Number.isNaN(eff)) view.effectiveDate = secondsToDate(eff);
    const late = this.late.get(row);
    if (late !== undefined) view.late = late;
    const by = this.negatedBy.get(row);
    if (by !== undefined) view.negatedBy = ids.idAt(by) as EntryId;
    const dups = this.duplicates.get(row);
    if (dups !== undefined) view.duplicateNegations = dups.map((r) => ids.idAt(r) as EntryId);
    return view;
  }

  /** True when row already shows `view` (cheaper than building the view and comparing); `effSec` as in `set`. */
  sameAs(row: number, view: StateView, ids: IdTable, effSec = secondsOf(view)): boolean {
    const code = STATUS_CODE[view.state.status];
    if (this.status.data[row] !== code) return false;
    if (code > RECORDED && !sameAnswer(this.details.get(row), view.state)) return false;
    const eff = this.effSec.data[row]!;
    if (view.effectiveDate === undefined ? !Number.isNaN(eff) : eff !== effSec) return false;
    if (!sameAnswer(this.late.get(row), view.late)) return false;
    const by = this.negatedBy.get(row);
    if ((by === undefined) !== (view.negatedBy === undefined) || (by !== undefined && by !== ids.indexOf(view.negatedBy!))) return false;
    const dups = this.duplicates.get(row);
    if ((dups === undefined) !== (view.duplicateNegations === undefined)) return false;
    return dups === undefined || sameAnswer(dups, view.duplicateNegations!.map((id) => ids.indexOf(id)));
  }

  state(row: number): EntryState {
    const code = this.status.data[row]!;
    if (code === EFFECTIVE) return { status: 'effective' };
    if (code === RECORDED) return { status: 'recorded' };
    return this.details.get(row) ?? NOT_JUDGED;
  }

  statusOf(row: number): Status {
    return STATUSES[this.status.data[row]!]!;
  }
}

/** A view's effective date in seconds since 2000, NaN when it has none. */
export function secondsOf(view: StateView): number {
  return view.effectiveDate === undefined ? Number.NaN : dateToSeconds(view.effectiveDate);
}

function setOrDelete<V>(map: Map<number, V>, row: number, value: V | undefined): void {
  if (value === undefined) map.delete(row);
  else map.set(row, value);
}
