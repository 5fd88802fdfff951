import { expect, it } from 'vitest';
import { fold } from '../fold.ts';
import { sealBody } from '../reconcile.ts';
import { device, newBook } from './build.ts';
it('admit of an entry that is not held moves it out of a final period', () => {
  const { book, owner, genesis } = newBook({ period: 'day' });
  const join = owner.join('T1', [], '2025-01-01T08:00:00');
  const sale = device(book, 'T1').txn('2025-01-01T09:00:00', [['Assets:Cash', 100], ['Income:Sales', -100]]);
  const close = owner.close('2025-01-01', '2025-01-02T08:00:00');
  const before = [genesis, join, sale, close];
  const seal = owner.seal(sealBody(fold(before), '2025-01-01', owner.peer), '2025-01-02T08:01:00');
  const final = fold([...before, seal]).periods[0]!;
  const admit = owner.admit(sale, '2025-01-02T08:03:00');
  const after = fold([...before, seal, admit]);
  console.log(JSON.stringify({ before: final.content, after: after.periods[0]!.content, eff: after.entries.get(sale.id)!.effectiveDate, agrees: after.periods[0]!.sealAgrees }));
  expect(after.periods[0]!.content).toEqual(final.content);
});
