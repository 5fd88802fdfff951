import { describe, expect, it } from 'vitest';
import { devVerifier } from '../core/entry.ts';
import { fold } from '../core/fold.ts';
import { trialBalance } from '../core/queries.ts';
import { validate } from '../core/validate.ts';
import { buildDemoStore, DEMO_STORE_BOOK, DEMO_STORE_DAYS } from './demo-store.ts';

describe('the demo store', () => {
  const entries = buildDemoStore();
  const ledger = fold(entries);

  it('is the same on every call (seeding is idempotent by id) and every entry is valid', () => {
    expect(buildDemoStore().map((e) => e.id)).toEqual(entries.map((e) => e.id));
    for (const entry of entries) expect(validate(entry, { verify: devVerifier, book: DEMO_STORE_BOOK }).ok).toBe(true);
  });

  it('is a working week: four sealed, final days, Friday open, books that balance every day', () => {
    expect(ledger.periods.map((p) => [p.period, p.status])).toEqual(DEMO_STORE_DAYS.slice(0, 4).map((d) => [d, 'final']));
    expect(ledger.firstOpenPeriod).toBe('2025-03-14');
    for (const day of DEMO_STORE_DAYS) {
      const tb = trialBalance(ledger, day);
      expect(tb.debitTotal).toBe(tb.creditTotal);
      expect(tb.debitTotal).toBeGreaterThan(0n);
    }
    expect(ledger.alarms).toEqual([]);
  });

  it('has something to reconcile: a negated typo, a duplicate negation and a late sale', () => {
    const states = [...ledger.entries.values()];
    expect(states.filter((v) => v.entry.kind === 'negate' && v.state.status === 'effective')).toHaveLength(2);
    expect(states.filter((v) => v.state.status === 'duplicate')).toHaveLength(1);
    const late = states.filter((v) => v.late !== undefined);
    expect(late).toHaveLength(1);
    expect(late[0]!.late).toEqual({ labelPeriod: '2025-03-12', into: '2025-03-13', provisional: false });
  });
});
