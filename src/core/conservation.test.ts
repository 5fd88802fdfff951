/**
 * Conservation: the books never create or lose money. Every effective txn sums to
 * zero, so the trial balance balances at every date; a negation and its target net
 * to zero; late entries move money between periods, never in or out; and the
 * all-time totals equal what the generator knows it recorded.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyRuns } from '../testing/runs.ts';
import { daysBetween, endOfDay, periodOf, periodStart } from './dates.ts';
import { fold } from './fold.ts';
import type { EffectivePosting, LateInfo, Ledger } from './ledger.ts';
import { balancesAsOf, trialBalance } from './queries.ts';
import { storeHistory, type StoreHistory } from './testing/arbitraries.ts';
import type { Entry, EntryId, PeriodId, Posting } from './types.ts';

const FOREVER = '2999-12-31';
const timeoutMs = Math.max(120_000, propertyRuns() * 60);
const note = (h: StoreHistory): string => `ops:\n${h.log.join('\n')}`;

/** Per-account sums of postings, zero sums dropped, in account order. */
function sums(lines: Iterable<{ account: string; amount: bigint | number }>): Array<[string, bigint]> {
  const by = new Map<string, bigint>();
  for (const { account, amount } of lines) by.set(account, (by.get(account) ?? 0n) + BigInt(amount));
  return [...by].filter(([, amount]) => amount !== 0n).sort(([a], [b]) => (a < b ? -1 : 1));
}

function postingsBy(ledger: Ledger): Map<EntryId, EffectivePosting[]> {
  const by = new Map<EntryId, EffectivePosting[]>();
  for (const p of ledger.postings) by.set(p.entry, [...(by.get(p.entry) ?? []), p]);
  return by;
}

function txnPostings(entry: Entry): Posting[] {
  if (entry.kind !== 'txn') throw new Error(`expected a txn, got ${entry.kind}`);
  return entry.body.postings;
}

interface ChainSealModel {
  period: PeriodId;
  /** Ids on the chains the seal's cut names: each line's head and its prev ancestors held. */
  within: Set<EntryId>;
}

/** The seal chain as the periods list it, each cut resolved by walking prev links. */
function sealChainOf(ledger: Ledger): ChainSealModel[] {
  const byId = new Map([...ledger.entries.values()].map((v) => [v.entry.id, v.entry]));
  return ledger.periods.flatMap((p) => {
    const seal = p.seal === undefined ? undefined : byId.get(p.seal);
    if (seal?.kind !== 'seal') return [];
    const within = new Set<EntryId>();
    for (const line of seal.body.cut) {
      let at = byId.get(line.head);
      if (at === undefined || at.peer !== line.peer || at.seq !== line.seq) continue;
      while (at !== undefined) {
        within.add(at.id);
        const prev: Entry | undefined = at.prev === null ? undefined : byId.get(at.prev);
        at = prev !== undefined && prev.peer === at.peer && prev.seq === at.seq - 1 ? prev : undefined;
      }
    }
    return [{ period: p.period, within }];
  });
}

/** Where an entry's own date lands by the seal chain, before negation targets and admits. */
function landingModel(entry: Entry, chain: ChainSealModel[], firstOpen: PeriodId | undefined): { date: string; late?: LateInfo } {
  const label = periodOf(entry.date, 'day');
  const own = chain.find((s) => s.period === label);
  const lastSealed = chain[chain.length - 1]?.period;
  if (own !== undefined ? own.within.has(entry.id) : lastSealed === undefined || label > lastSealed) return { date: entry.date };
  const cover = chain.find((s) => s.period > label && s.within.has(entry.id));
  const late: LateInfo = cover !== undefined ? { labelPeriod: label, into: cover.period, provisional: false } : { labelPeriod: label, into: firstOpen!, provisional: true };
  return { date: periodStart(late.into), late };
}

/** Debits equal credits at every date; a final period closes on the as-of balances of its last day. */
function checkTrialBalances(history: StoreHistory, ledger: Ledger): void {
  for (const day of [...history.days, FOREVER]) {
    const tb = trialBalance(ledger, day);
    expect(tb.debitTotal, `${day}\n${note(history)}`).toBe(tb.creditTotal);
    expect(tb.lines.reduce((s, l) => s + l.debit - l.credit, 0n)).toBe(0n);
    expect(tb.lines.every((l) => (l.debit === 0n) !== (l.credit === 0n))).toBe(true);
  }
  for (const period of ledger.periods.filter((p) => p.status === 'final')) {
    const closing = (period.closingBalances ?? []).map((b): [string, bigint] => [b.account, b.amount]);
    expect(closing, note(history)).toEqual([...balancesAsOf(ledger, period.period)]);
    expect(closing.reduce((s, [, a]) => s + a, 0n)).toBe(0n);
  }
}

/** All-time balances are the effective txns nobody negated, summed from their bodies. */
function checkTotals(history: StoreHistory, ledger: Ledger): void {
  const standing = [...ledger.entries.values()].filter(
    (v) => v.entry.kind === 'txn' && v.state.status === 'effective' && v.negatedBy === undefined,
  );
  const expected = sums(standing.flatMap((v) => txnPostings(v.entry)));
  expect([...balancesAsOf(ledger, FOREVER)], note(history)).toEqual(expected);
  expect(sums(ledger.postings)).toEqual(expected);
}

/** Postings are exactly those of effective entries; a negation is its target's exact opposite, one per target. */
function checkPostings(history: StoreHistory, ledger: Ledger): void {
  const byEntry = postingsBy(ledger);
  const negationsOf = new Map<EntryId, EntryId[]>();
  for (const [id, view] of ledger.entries) {
    const own = byEntry.get(id) ?? [];
    const effective = view.state.status === 'effective';
    expect(own.length > 0, `${id} ${view.state.status}\n${note(history)}`).toBe(effective);
    for (const p of own) {
      expect(p.effectiveDate).toBe(view.effectiveDate);
      expect(p.labelDate).toBe(view.entry.date);
      // Carry-forward and negations only ever move an effect later, never earlier.
      expect(p.effectiveDate >= p.labelDate).toBe(true);
    }
    if (!effective) continue;
    const entry = view.entry;
    if (entry.kind === 'txn') expect(sums(own)).toEqual(sums(entry.body.postings));
    if (entry.kind !== 'negate') continue;
    negationsOf.set(entry.body.target.id, [...(negationsOf.get(entry.body.target.id) ?? []), id]);
    const target = ledger.entries.get(entry.body.target.id);
    expect(target?.state.status, note(history)).toBe('effective');
    expect(target?.negatedBy).toBe(id);
    expect(view.effectiveDate! >= target!.effectiveDate!).toBe(true);
    const opposite = txnPostings(target!.entry).map((p) => ({ account: p.account, amount: -p.amount }));
    expect(sums(own)).toEqual(sums(opposite));
    expect(sums([...own, ...(byEntry.get(target!.entry.id) ?? [])])).toEqual([]);
  }
  // One negation per target takes effect; the others point at it as duplicates.
  for (const [target, effective] of negationsOf) {
    expect(effective.length, note(history)).toBe(1);
    for (const dup of ledger.entries.get(target)!.duplicateNegations ?? []) {
      expect(ledger.entries.get(dup)!.state).toEqual({ status: 'duplicate', of: effective[0] });
    }
  }
}

/** A late entry keeps its own date as a label and counts only from a later period's start. */
function checkLateLabels(history: StoreHistory, ledger: Ledger): void {
  for (const view of ledger.entries.values()) {
    if (view.late === undefined) continue;
    const { labelPeriod, into } = view.late;
    expect(labelPeriod).toBe(periodOf(view.entry.date, 'day'));
    expect(into > labelPeriod, note(history)).toBe(true);
    if (view.state.status === 'effective') expect(view.effectiveDate! >= periodStart(into)).toBe(true);
    // Not in the books of its own day: as-of queries use the effective date.
    if (view.effectiveDate !== undefined) expect(view.effectiveDate > endOfDay(labelPeriod)).toBe(true);
  }
}

/** Every money entry lands where the seal chain says, by the model above (admitted entries aside). */
function checkLandings(history: StoreHistory, ledger: Ledger): void {
  const chain = sealChainOf(ledger);
  const admitted = new Set(history.entries.flatMap((e) => (e.kind === 'admit' ? [e.body.target.id] : [])));
  for (const view of ledger.entries.values()) {
    const entry = view.entry;
    if ((entry.kind !== 'txn' && entry.kind !== 'negate') || admitted.has(entry.id)) continue;
    if (view.state.status !== 'effective' && view.state.status !== 'held') continue;
    const expected = landingModel(entry, chain, ledger.firstOpenPeriod);
    expect(view.late, `${entry.kind} ${entry.id} dated ${entry.date}\n${note(history)}`).toEqual(expected.late);
    // Late by more than the window: held for review, and only then held for that reason.
    const beyond = expected.late !== undefined && daysBetween(expected.late.labelPeriod, expected.late.into) > history.windowDays;
    const heldForWindow = view.state.status === 'held' && view.state.reason === 'late-beyond-window';
    if (heldForWindow || view.state.status === 'effective') expect(heldForWindow, `${entry.id}\n${note(history)}`).toBe(beyond);
    if (view.state.status !== 'effective') continue;
    const target = entry.kind === 'negate' ? ledger.entries.get(entry.body.target.id)?.effectiveDate : undefined;
    const date = target !== undefined && target > expected.date ? target : expected.date;
    expect(view.effectiveDate, `${entry.kind} ${entry.id}\n${note(history)}`).toBe(date);
  }
}


describe('conservation', () => {
  it(
    'never creates money: the trial balance balances at every date, periods close on the as-of balances, totals are the txns not negated',
    () => {
      fc.assert(
        fc.property(storeHistory(), (history) => {
          const ledger = fold(history.entries);
          checkTrialBalances(history, ledger);
          checkTotals(history, ledger);
        }),
        { numRuns: propertyRuns() },
      );
    },
    timeoutMs,
  );

  it(
    'postings are exactly those of effective entries, a negation exactly opposite to its one target',
    () => {
      fc.assert(
        fc.property(storeHistory(), (history) => {
          const ledger = fold(history.entries);
          checkPostings(history, ledger);
        }),
        { numRuns: propertyRuns() },
      );
    },
    timeoutMs,
  );

  it(
    'late entries keep their date as a label and land where the seal chain says (a model written here)',
    () => {
      fc.assert(
        fc.property(storeHistory(), (history) => {
          const ledger = fold(history.entries);
          checkLateLabels(history, ledger);
          checkLandings(history, ledger);
        }),
        { numRuns: propertyRuns() },
      );
    },
    timeoutMs,
  );

  it('an honest store: totals equal every txn ever rung up, less those negated (generator model)', () => {
    // Without retires, forks or admits, and with the window wider than the run, the
    // generator alone knows the answer: no txn is held, and each negated txn nets out
    // however many devices negated it.
    fc.assert(
      fc.property(storeHistory({ benign: true, windowDays: 28 }), (history) => {
        const negated = new Set(history.entries.flatMap((e) => (e.kind === 'negate' ? [e.body.target.id] : [])));
        const standing = history.entries.filter((e) => e.kind === 'txn' && !negated.has(e.id));
        const expected = sums(standing.flatMap(txnPostings));
        const ledger = fold(history.entries);
        expect([...balancesAsOf(ledger, FOREVER)], note(history)).toEqual(expected);
        expect(history.sealRefusals, 'an honest closer can always seal').toEqual([]);
      }),
      { numRuns: propertyRuns() },
    );
  }, timeoutMs);
});
