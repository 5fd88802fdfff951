/**
 * Periods: closing -> sealed -> final, and a final period's figures.
 *
 * A period shows once it has a valid close or a seal in the chain. Sealed becomes
 * final when this peer holds every entry within the seal's cut and every earlier
 * sealed period is final. A final period's content is the sorted ids of effective
 * money entries landing in it; its closing balances are the cumulative balances at
 * the end of its last day; its digest chains on the previous final period's digest.
 * A seal whose claimed balances or digest differ raises an alarm and changes nothing.
 */
import { endOfDay, periodStart } from './dates.ts';
import { lackingWithin } from './fold-chain.ts';
import type { FoldContext } from './fold-context.ts';
import type { Money } from './fold-money.ts';
import { compareStrings } from './fold-order.ts';
import { periodDigest } from './digest.ts';
import type { AccountAmount, AckView, Alarm, PeriodView } from './ledger.ts';
import type { BusinessDate, Day, EntryOf, EntryId, PeriodId } from './types.ts';

export interface PeriodInputs {
  /** Valid closes and acks, in (hlc, id) order. */
  closes: Array<EntryOf<'close'>>;
  acks: Array<EntryOf<'ack'>>;
}

/** The period views in period order, and the seal-disagrees alarms. */
export function foldPeriods(ctx: FoldContext, money: Money, inputs: PeriodInputs): { periods: PeriodView[]; alarms: Alarm[] } {
  const views = new Map<PeriodId, PeriodView>();
  const viewOf = (period: PeriodId): PeriodView => {
    let view = views.get(period);
    if (view === undefined) views.set(period, (view = { period, status: 'closing', acks: [], missing: [] }));
    return view;
  };
  for (const close of inputs.closes) {
    const view = viewOf(close.body.period);
    view.close ??= close.id;
  }
  for (const ack of inputs.acks) viewOf(ack.body.period);
  const alarms: Alarm[] = [];
  const figures = new FinalFigures(money);
  let previousFinal = true;
  let previousDigest: string | null = null;
  for (const seal of ctx.seals.seals) {
    const view = viewOf(seal.period);
    view.seal = seal.entry.id;
    view.missing = lackingWithin(ctx.chains, seal.entry.body.cut);
    view.status = previousFinal && view.missing.length === 0 ? 'final' : 'sealed';
    previousFinal = view.status === 'final';
    if (!previousFinal) continue;
    const { content, closingBalances } = figures.upTo(seal.period);
    const digest = periodDigest(seal.period, previousDigest, content, closingBalances);
    const agrees = sealAgrees(seal.entry, closingBalances, digest);
    Object.assign(view, { content, closingBalances, digest, sealAgrees: agrees });
    if (!agrees) alarms.push({ kind: 'seal-disagrees', period: seal.period, seal: seal.entry.id });
    previousDigest = digest;
  }
  attachAcks(views, inputs.acks);
  // Periods that only have acks are not shown: an ack alone does not start closing.
  const shown = [...views.values()].filter((v) => v.close !== undefined || v.seal !== undefined);
  return { periods: shown.sort((a, b) => compareStrings(a.period, b.period)), alarms };
}

function attachAcks(views: Map<PeriodId, PeriodView>, acks: Array<EntryOf<'ack'>>): void {
  for (const ack of acks) views.get(ack.body.period)!.acks.push({ peer: ack.peer, ack: ack.id, seq: ack.seq });
  for (const view of views.values()) view.acks.sort(byAck);
}

function byAck(a: AckView, b: AckView): number {
  return compareStrings(a.peer, b.peer) || a.seq - b.seq || compareStrings(a.ack, b.ack);
}

function sealAgrees(seal: EntryOf<'seal'>, balances: AccountAmount[], digest: string): boolean {
  const claimed = seal.body.balances;
  if (seal.body.digest !== digest || claimed.length !== balances.length) return false;
  return balances.every((b, i) => claimed[i]!.account === b.account && claimed[i]!.amount === b.amount.toString());
}

/** The last day of a period: itself for a day, the month's last day for a month. */
export function lastDayOf(period: PeriodId): Day {
  if (period.length === 10) return period;
  const [y, m] = period.split('-').map(Number) as [number, number];
  const days = new Date(Date.UTC(y, m, 0)).getUTCDate();
  return `${period}-${String(days).padStart(2, '0')}`;
}

/** Content and closing balances of consecutive final periods, in one sweep over the books. */
class FinalFigures {
  private readonly balances = new Map<string, bigint>();
  private posting = 0;
  private entry = 0;

  constructor(private readonly money: Money) {}

  /** Figures of `period`; periods must be asked in ascending order. */
  upTo(period: PeriodId): { content: EntryId[]; closingBalances: AccountAmount[] } {
    const start: BusinessDate = periodStart(period);
    const end: BusinessDate = endOfDay(lastDayOf(period));
    const content: EntryId[] = [];
    const { effective, postings } = this.money;
    for (; this.entry < effective.length && effective[this.entry]!.effectiveDate <= end; this.entry++) {
      const { entry, effectiveDate } = effective[this.entry]!;
      if (effectiveDate >= start) content.push(entry.id);
    }
    for (; this.posting < postings.length && postings[this.posting]!.effectiveDate <= end; this.posting++) {
      const p = postings[this.posting]!;
      this.balances.set(p.account, (this.balances.get(p.account) ?? 0n) + p.amount);
    }
    const closingBalances = [...this.balances]
      .filter(([, amount]) => amount !== 0n)
      .sort(([a], [b]) => compareStrings(a, b))
      .map(([account, amount]) => ({ account, amount }));
    return { content: content.sort(compareStrings), closingBalances };
  }
}
