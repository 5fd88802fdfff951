import { expect, it } from 'vitest';
import { fold } from '../fold.ts';
import { sealBody } from '../reconcile.ts';
import { device, newBook } from './build.ts';
it('admit of a covered txn moves it out of a final period', () => {
  const { book, owner, genesis } = newBook({ period: 'day' });
  const j1 = owner.join('T1', [], '2025-01-01T08:00:00');
  const j2 = owner.join('T2', ['closer'], '2025-01-01T08:01:00');
  const t1 = device(book, 'T1');
  const closer = device(book, 'T2');
  const sale = t1.txn('2025-01-01T09:00:00', [['Assets:Cash', 100], ['Income:Sales', -100]]);
  const close = closer.close('2025-01-01', '2025-01-02T08:00:00');
  const before = [genesis, j1, j2, sale, close];
  const seal = closer.seal(sealBody(fold(before), '2025-01-01', closer.peer), '2025-01-02T08:01:00');
  // The owner, not yet holding the seal, retires T1 at 0 and admits the sale it now sees held.
  const retire = owner.retire('T1', 0, '2025-01-02T08:02:00');
  const admit = owner.admit(sale, '2025-01-02T08:03:00');
  const final = fold([...before, seal, retire]);
  const p0 = final.periods[0]!;
  expect(p0.status).toBe('final');
  const after = fold([...before, seal, retire, admit]);
  console.log(after.entries.get(sale.id), after.periods[0]);
  expect(after.periods[0]!.content).toEqual(p0.content);
});
