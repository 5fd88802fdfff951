/**
 * What became of an entry, in words for the Journal: in the books, negated,
 * a duplicate negation, late (carried forward), held for review, pending, invalid.
 */
import type { EntryState, LateInfo } from '../../src/core/ledger.ts';
import type { Kind } from '../../src/core/types.ts';

export interface StatusInput {
  kind: Kind;
  state: EntryState;
  late?: LateInfo;
  negatedBy?: string;
  duplicateNegations?: string[];
}

export interface StatusText {
  /** A short label for a list row. */
  label: string;
  /** A sentence for the detail view. */
  detail: string;
  /** For styling: ok, warn or bad. */
  tone: 'ok' | 'warn' | 'bad';
}

const HELD: Record<string, string> = {
  'late-beyond-window': 'it arrived more than the book’s reconciliation window after its date',
  retired: 'its device was retired before it',
  equivocation: 'its device wrote two different entries with the same number',
  'target-held': 'the entry it negates is held',
};

/** The status of an entry as a person reads it. */
export function statusText(e: StatusInput): StatusText {
  const s = e.state;
  switch (s.status) {
    case 'effective': {
      if (e.negatedBy !== undefined) return { label: 'Negated', detail: 'Negated: a later entry cancels it exactly; both stay in the journal.', tone: 'warn' };
      if (e.late !== undefined) {
        const where = e.late.provisional ? `provisionally in ${e.late.into}, until ${e.late.into} is sealed` : `in ${e.late.into}`;
        return { label: 'Late adjustment', detail: `Late: dated in ${e.late.labelPeriod}, which was already sealed without it; it counts ${where}.`, tone: 'warn' };
      }
      const dup = e.duplicateNegations?.length ?? 0;
      return { label: e.kind === 'negate' ? 'Negation' : 'In the books', detail: `In the books.${dup > 0 ? ` ${dup} duplicate negation${dup === 1 ? '' : 's'} to review.` : ''}`, tone: 'ok' };
    }
    case 'recorded':
      return { label: 'Recorded', detail: 'Recorded (not money: roster, closing or summary).', tone: 'ok' };
    case 'pending':
      return { label: 'Pending', detail: `Pending: ${s.reason}.`, tone: 'warn' };
    case 'held':
      return { label: 'Held for review', detail: `Held for review, out of the balances: ${HELD[s.reason] ?? s.reason}. ${s.detail}`, tone: 'bad' };
    case 'invalid':
      return { label: 'Invalid', detail: `Invalid, never counts: ${s.reason}.`, tone: 'bad' };
    case 'duplicate':
      return { label: 'Duplicate negation', detail: 'Duplicate negation: another negation of the same entry already took effect. It has no effect; review it.', tone: 'warn' };
  }
}
