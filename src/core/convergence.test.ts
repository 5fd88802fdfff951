/**
 * Convergence: the books are a function of the SET of entries held. Any arrival
 * order, with any duplication, folds to the same state: the same digest, the same
 * balances and trial balances at every date, the same period views and digests, and
 * (the strongest form) the same ledger value field by field.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyRuns } from '../testing/runs.ts';
import { stateDigest } from './digest.ts';
import { devVerifier } from './entry.ts';
import { fold } from './fold.ts';
import type { Ledger } from './ledger.ts';
import { balancesAsOf, register, trialBalance } from './queries.ts';
import { CHART, arrivals, storeHistory, type StoreHistory } from './testing/arbitraries.ts';
import { validate } from './validate.ts';

/**
 * The whole ledger as one string: maps as arrays sorted by key, object keys sorted,
 * bigints tagged. Two ledgers with equal snapshots answer every query the same way.
 */
function snapshot(ledger: Ledger): string {
  return JSON.stringify(ledger, (_key, value: unknown) => {
    if (typeof value === 'bigint') return `${value}n`;
    if (value instanceof Map) return [...value.entries()].sort(([a], [b]) => (String(a) < String(b) ? -1 : 1));
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) {
      return Object.fromEntries(Object.entries(value).sort(([a], [b]) => (a < b ? -1 : 1)));
    }
    return value;
  });
}

/** Everything an observer could ask of the books, for a readable failure message. */
function observe(ledger: Ledger, history: StoreHistory) {
  const days = [...history.days, '2999-12-31'];
  return {
    digest: stateDigest(ledger),
    balances: days.map((day) => [...balancesAsOf(ledger, day)].sort(([a], [b]) => (a < b ? -1 : 1))),
    trial: days.map((day) => trialBalance(ledger, day)),
    registers: CHART.map((account) => register(ledger, account)),
    periods: ledger.periods,
    summaries: ledger.summaries,
    alarms: ledger.alarms,
    firstOpenPeriod: ledger.firstOpenPeriod,
  };
}

/** A history, one set of entries from it, and an arrival order of that set with duplicates. */
const scenario = storeHistory({ rivalSeals: true }).chain((history) =>
  fc
    .oneof(
      fc.constant(history.entries),
      fc.constantFrom(...history.checkpoints.map((c) => c.entries)),
      // Any subset, causally closed or not: pending states must converge too.
      fc.subarray(history.entries),
    )
    .chain((set) => fc.tuple(fc.constant(history), fc.constant(set), arrivals(set))),
);

const timeoutMs = Math.max(120_000, propertyRuns() * 60);

function failureNote(history: StoreHistory): string {
  return `ops:\n${history.log.join('\n')}`;
}

describe('convergence', () => {
  it('the generator writes only entries a peer accepts', () => {
    // Otherwise the properties below would be about entries no peer ever folds.
    fc.assert(
      fc.property(storeHistory({ rivalSeals: true }), (history) => {
        for (const entry of history.entries) {
          const result = validate(entry, { verify: devVerifier, book: history.book });
          expect(result.ok ? 'ok' : result.refusal, `${entry.kind} ${entry.id}`).toBe('ok');
        }
      }),
      { numRuns: Math.ceil(propertyRuns() / 10) },
    );
  }, timeoutMs);

  it('folds any order and duplication of a set to identical books', () => {
    fc.assert(
      fc.property(scenario, ([history, set, order]) => {
        const reference = fold(set);
        const shuffled = fold(order);
        const note = failureNote(history);
        expect(stateDigest(shuffled), note).toBe(stateDigest(reference));
        expect(observe(shuffled, history), note).toEqual(observe(reference, history));
        expect(snapshot(shuffled), note).toBe(snapshot(reference));
      }),
      { numRuns: propertyRuns() },
    );
  }, timeoutMs);

  it('every peer judges summaries and seals alike: honest ones hold, lying ones are caught', () => {
    // Peers with different sets may see a summary as agreed, stale or unverifiable,
    // but an honest summary is never 'false' anywhere and a lying one never passes;
    // a final period's honest seal agrees, a lying seal disagrees, on every peer.
    fc.assert(
      fc.property(storeHistory(), (history) => {
        const lies = new Set(history.lies);
        for (const set of [history.entries, ...history.checkpoints.map((c) => c.entries)]) {
          const ledger = fold(set);
          for (const view of ledger.summaries) {
            const verdict = view.result.verdict;
            const expected = lies.has(view.summary) ? ['false', 'unverifiable'] : ['agreed', 'stale', 'unverifiable'];
            expect(expected, `summary ${view.summary} is ${verdict}\n${failureNote(history)}`).toContain(verdict);
          }
          for (const period of ledger.periods) {
            if (period.status !== 'final') continue;
            expect(period.sealAgrees, `seal of ${period.period}\n${failureNote(history)}`).toBe(!lies.has(period.seal!));
          }
        }
      }),
      { numRuns: propertyRuns() },
    );
  }, timeoutMs);

  it('the state digest tells different sets apart', () => {
    // Equal digest <=> identical books: dropping a money entry that took effect must change it.
    fc.assert(
      fc.property(storeHistory(), fc.nat(), (history, pick) => {
        const full = fold(history.entries);
        const effective = [...full.entries.values()].filter((v) => v.state.status === 'effective');
        fc.pre(effective.length > 0);
        const drop = effective[pick % effective.length]!.entry.id;
        const without = fold(history.entries.filter((e) => e.id !== drop));
        expect(stateDigest(without)).not.toBe(stateDigest(full));
      }),
      { numRuns: Math.ceil(propertyRuns() / 4) },
    );
  }, timeoutMs);
});
