import { describe, expect, it } from 'vitest';
import { periodDigest, stableJson, stateDigest } from './digest.ts';
import { fold } from './fold.ts';
import { device, newBook } from './testing/build.ts';
import type { EntryId } from './types.ts';

describe('periodDigest', () => {
  it('depends on the period, the previous digest, the content and every balance', () => {
    const ids = ['a'.repeat(64) as EntryId];
    const balances = [{ account: 'Assets:Cash', amount: 5n }];
    const base = periodDigest('2025-01', null, ids, balances);
    expect(base).toMatch(/^[0-9a-f]{64}$/);
    expect(periodDigest('2025-01', null, ids, balances)).toBe(base);
    const variants = [
      periodDigest('2025-02', null, ids, balances),
      periodDigest('2025-01', 'f'.repeat(64), ids, balances),
      periodDigest('2025-01', null, [], balances),
      periodDigest('2025-01', null, ids, [{ account: 'Assets:Cash', amount: 6n }]),
      periodDigest('2025-01', null, ids, [{ account: 'Assets:Card', amount: 5n }]),
      periodDigest('2025-01', null, ids, [...balances, { account: 'Z', amount: 12345678901234567890n }]),
    ];
    expect(new Set([base, ...variants]).size).toBe(7);
  });
});

describe('stateDigest', () => {
  it('is equal for equal books and changes with anything a user sees', () => {
    const { book, owner, genesis } = newBook();
    const t1 = device(book, 'T1');
    const x = t1.txn('2025-01-10T10:00:00', [['Assets:Cash', 100], ['Income:Sales', -100]]);
    const entries = [genesis, owner.join('T1'), x];
    const digest = stateDigest(fold(entries));
    expect(stateDigest(fold([...entries].reverse()))).toBe(digest);
    const negated = [...entries, t1.negate(x, '2025-01-11T10:00:00')];
    const retired = [...entries, owner.retire('T1', 0)];
    const closing = [...entries, owner.close('2025-01')];
    const all = [digest, ...[negated, retired, closing].map((e) => stateDigest(fold(e)))];
    expect(new Set(all).size).toBe(4);
  });

  it('hashes values independently of field order', () => {
    expect(stableJson({ b: 1n, a: [undefined, 'x'], c: undefined })).toBe('{"a":[null,"x"],"b":"1n"}');
    expect(stableJson({ a: 1, b: 2 })).toBe(stableJson({ b: 2, a: 1 }));
  });
});
