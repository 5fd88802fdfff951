/**
 * Where a dated entry lands: the effective date of a money entry (and of an admit,
 * whose effect must respect sealed periods just the same).
 *
 * Let P be the period of the entry's date d and S the seal chain.
 * - A seal of P covers it: effective at d.
 * - No seal of P, and P is after the last sealed period: effective at d.
 * - Otherwise it is late (its period is sealed without it, or was skipped by a later
 *   seal and can never be sealed now): it lands at the start of the first later
 *   sealed period whose seal covers it, or provisionally at the start of the first
 *   open period (the one after the last sealed period).
 * A late entry whose landing day is more than the book's window after its own day
 * is beyond the window (held for review by the caller).
 */
import { dayOf, daysBetween, nextPeriod, periodOf, periodStart } from './dates.ts';
import type { FoldContext } from './fold-context.ts';
import { covers } from './fold-seals.ts';
import type { LateInfo } from './ledger.ts';
import type { BusinessDate, Entry } from './types.ts';

export interface Landing {
  date: BusinessDate;
  late?: LateInfo;
  /** Late by more than the book's reconciliation window. */
  beyondWindow: boolean;
  /** Days from the entry's own day to its landing day. */
  daysLate: number;
}

/** The entry's own landing, before negation targets and admits are considered. */
export function landingOf(ctx: FoldContext, entry: Entry): Landing {
  const { seals, byPeriod } = ctx.seals;
  const period = periodOf(entry.date, ctx.settings.period);
  const own = byPeriod.get(period);
  const last = seals[seals.length - 1];
  if (own !== undefined ? covers(ctx.chains, own, entry) : last === undefined || period > last.period) {
    return { date: entry.date, beyondWindow: false, daysLate: 0 };
  }
  let late: LateInfo | undefined;
  for (const seal of seals) {
    if (seal.period > period && covers(ctx.chains, seal, entry)) {
      late = { labelPeriod: period, into: seal.period, provisional: false };
      break;
    }
  }
  late ??= { labelPeriod: period, into: nextPeriod(last!.period), provisional: true };
  const date = periodStart(late.into);
  const daysLate = daysBetween(dayOf(entry.date), dayOf(date));
  return { date, late, beyondWindow: daysLate > ctx.settings.windowDays, daysLate };
}
