/**
 * Period views moved by a recorded close or ack, as the core's foldPeriods builds them:
 * a period shows once it has a close or a seal; its close is the earliest (hlc, id)
 * close; its acks are sorted by (peer, seq, id); acks of a period not shown yet wait
 * hidden. Views are replaced, never mutated: live queries hold the old ones.
 */
import type { AckView, Ledger, PeriodView } from '../core/ledger.ts';
import type { Entry, EntryId, PeriodId } from '../core/types.ts';

function byAck(a: AckView, b: AckView): number {
  return a.peer < b.peer ? -1 : a.peer > b.peer ? 1 : a.seq - b.seq || (a.ack < b.ack ? -1 : a.ack > b.ack ? 1 : 0);
}

/** The recorded acks of periods a fold did not show, by period. */
export function hiddenAcks(ledger: Ledger, others: readonly Entry[]): Map<PeriodId, AckView[]> {
  const shown = new Set(ledger.periods.map((p) => p.period));
  const hidden = new Map<PeriodId, AckView[]>();
  for (const e of others) {
    if (e.kind !== 'ack' || shown.has(e.body.period) || ledger.entries.get(e.id)?.state.status !== 'recorded') continue;
    hidden.set(e.body.period, [...(hidden.get(e.body.period) ?? []), { peer: e.peer, ack: e.id, seq: e.seq }]);
  }
  return hidden;
}

/** `periods` with a recorded close of `period` (shown from now on, earliest close kept). */
export function withClose(
  periods: readonly PeriodView[],
  hidden: Map<PeriodId, AckView[]>,
  period: PeriodId,
  close: EntryId,
  compareByHlc: (a: EntryId, b: EntryId) => number,
): PeriodView[] {
  const at = periods.findIndex((p) => p.period === period);
  if (at >= 0) {
    const view = periods[at]!;
    if (view.close !== undefined && compareByHlc(view.close, close) <= 0) return [...periods];
    return periods.map((p, i) => (i === at ? { ...view, close } : p));
  }
  const acks = (hidden.get(period) ?? []).sort(byAck);
  hidden.delete(period);
  const view: PeriodView = { period, status: 'closing', close, acks, missing: [] };
  return [...periods, view].sort((a, b) => (a.period < b.period ? -1 : a.period > b.period ? 1 : 0));
}

/** `periods` with a recorded ack of `period` (kept hidden while the period is not shown). */
export function withAck(periods: readonly PeriodView[], hidden: Map<PeriodId, AckView[]>, period: PeriodId, ack: AckView): PeriodView[] {
  const at = periods.findIndex((p) => p.period === period);
  if (at < 0) {
    hidden.set(period, [...(hidden.get(period) ?? []), ack]);
    return [...periods];
  }
  return periods.map((p, i) => (i === at ? { ...p, acks: [...p.acks, ack].sort(byAck) } : p));
}
