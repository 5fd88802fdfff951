import { describe, expect, it } from 'vitest';
import { fold } from './fold.ts';
import { summaryBody } from './reconcile.ts';
import { device, newBook, type DeviceBuilder } from './testing/build.ts';
import type { Entry, PeerId } from './types.ts';

const sell = (d: DeviceBuilder, date: string, amount: number) => d.txn(date, [['Assets:Cash', amount], ['Income:Sales', -amount]]);

function store() {
  const { book, owner, genesis } = newBook();
  const t1 = device(book, 'T1');
  const t2 = device(book, 'T2');
  return { book, owner, t1, t2, base: [genesis, owner.join('T1'), owner.join('T2')] };
}

const verdictOf = (entries: Entry[], summary: Entry) => fold(entries).summaries.find((s) => s.summary === summary.id)!;

describe('summaries', () => {
  it('are agreed when the cut is held, right, and nothing beyond it changes the day', () => {
    const { t1, t2, base } = store();
    const seen = [...base, sell(t1, '2025-01-10T10:00:00', 100), sell(t2, '2025-01-10T11:00:00', 5)];
    const summary = t2.summary(summaryBody(fold(seen), '2025-01-10'));
    expect(summary.body).toMatchObject({ balances: [{ account: 'Assets:Cash', amount: '105' }, { account: 'Income:Sales', amount: '-105' }] });
    const later = sell(t1, '2025-01-11T10:00:00', 1);
    expect(verdictOf([...seen, summary, later], summary)).toEqual({ summary: summary.id, author: 'T2', asOf: '2025-01-10', result: { verdict: 'agreed' } });
  });

  it('are stale when entries beyond the cut change the day, naming them', () => {
    const { t1, t2, base } = store();
    const seen = [...base, sell(t1, '2025-01-10T10:00:00', 100)];
    const summary = t2.summary(summaryBody(fold(seen), '2025-01-10'));
    const backDated = sell(t1, '2025-01-09T10:00:00', 7);
    const notYet = sell(t1, '2025-01-11T10:00:00', 1);
    expect(verdictOf([...seen, summary, backDated, notYet], summary).result).toEqual({ verdict: 'stale', beyond: [backDated.id] });
  });

  it('are unverifiable while this peer lacks entries within the cut', () => {
    const { t1, t2, base } = store();
    const a = sell(t1, '2025-01-10T10:00:00', 100);
    const b = sell(t1, '2025-01-10T11:00:00', 1);
    const summary = t2.summary(summaryBody(fold([...base, a, b]), '2025-01-10'));
    expect(verdictOf([...base, b, summary], summary).result).toEqual({ verdict: 'unverifiable', lacking: [{ peer: 'T1', from: 1, to: 1 }] });
  });

  it('are false when the same cut gives other balances', () => {
    const { t1, t2, base } = store();
    const seen = [...base, sell(t1, '2025-01-10T10:00:00', 100)];
    const honest = summaryBody(fold(seen), '2025-01-10');
    const lie = t2.summary({ ...honest, balances: [{ account: 'Assets:Cash', amount: '90' }, { account: 'Income:Sales', amount: '-100' }, { account: 'Z', amount: '10' }] });
    expect(verdictOf([...seen, lie], lie).result).toEqual({
      verdict: 'false',
      differences: [
        { account: 'Assets:Cash', claimed: 90n, actual: 100n },
        { account: 'Z', claimed: 10n, actual: 0n },
      ],
    });
  });

  it('are checked against the books restricted to the cut, not the whole books', () => {
    const { owner, t1, t2, base } = store();
    const x = sell(t1, '2025-01-10T10:00:00', 100);
    const seen = [...base, x];
    const summary = t2.summary(summaryBody(fold(seen), '2025-01-10'));
    // A retire beyond the cut holds x in the whole books: the summary is right for its cut, and stale.
    const retire = owner.retire('T1', 0);
    expect(verdictOf([...seen, summary, retire], summary).result).toEqual({ verdict: 'stale', beyond: [] });
  });

  it('are superseded by a later summary of the same author', () => {
    const { t1, t2, base } = store();
    const seen = [...base, sell(t1, '2025-01-10T10:00:00', 100)];
    const first = t2.summary(summaryBody(fold(seen), '2025-01-10'));
    const second = t2.summary(summaryBody(fold([...seen, first]), '2025-01-10'));
    const other = t1.summary(summaryBody(fold(seen), '2025-01-10'));
    const views = fold([...seen, second, other, first]).summaries;
    expect(views.map((v) => [v.author, v.summary, v.supersededBy])).toEqual([
      ['T1' as PeerId, other.id, undefined],
      ['T2' as PeerId, first.id, second.id],
      ['T2' as PeerId, second.id, undefined],
    ]);
  });
});
