import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fold } from '../core/fold.ts';
import { storeHistory } from '../core/testing/arbitraries.ts';
import { propertyRuns } from '../testing/runs.ts';
import { exportModel } from './export-model.ts';
import { QueryStore } from './store.ts';
import { hostileBook, storeDay } from './testing/export-fixtures.ts';

describe('export model', () => {
  it("read from the store's columns, it equals the model read from the core's fold, whole or one period", () => {
    fc.assert(
      fc.property(storeHistory({ opsMax: 40 }), fc.nat(6), (history, pick) => {
        const store = new QueryStore();
        store.load(history.entries);
        const ledger = fold(history.entries);
        expect(exportModel(store)).toEqual(exportModel(ledger));
        const period = history.days[pick % history.days.length]!;
        expect(exportModel(store, { period })).toEqual(exportModel(ledger, { period }));
      }),
      // 200 by default, not 1,000: each case folds a whole history twice.
      { numRuns: propertyRuns(200) },
    );
  });

  it('equals it on the fixtures too (negations, twins, late, held, sums past 2^53)', () => {
    for (const entries of [storeDay().entries, hostileBook()]) {
      const store = new QueryStore();
      store.load(entries);
      expect(exportModel(store)).toEqual(exportModel(fold(entries)));
    }
  });

  it('a book without entries exports nothing, in EUR', () => {
    expect(exportModel(new QueryStore())).toMatchObject({ bookId: '', currency: 'EUR', exponent: 2, entries: [], periods: [], accounts: [], excluded: {} });
  });
});
