import { describe, expect, it } from 'vitest';
import { fold } from './fold.ts';
import { sealBody, summaryBody } from './reconcile.ts';
import { device, newBook } from './testing/build.ts';
import type { PeerId } from './types.ts';

function store() {
  const { book, owner, genesis } = newBook();
  const t1 = device(book, 'T1');
  const t2 = device(book, 'T2');
  return { book, owner, t1, t2, base: [genesis, owner.join('T1'), owner.join('T2')] };
}

describe('summaryBody', () => {
  it("claims the books restricted to the ledger's frontier", () => {
    const { t1, base } = store();
    const a = t1.txn('2025-01-10T10:00:00', [['Assets:Cash', 100], ['Income:Sales', -100]]);
    t1.txn('2025-01-10T11:00:00', [['Assets:Cash', 1], ['Income:Sales', -1]]);
    const c = t1.txn('2025-01-10T12:00:00', [['Assets:Cash', 10], ['Income:Sales', -10]]);
    const body = summaryBody(fold([...base, a, c]), '2025-01-10');
    // Sorted by code unit: upper case before lower case.
    expect(body.cut).toEqual([
      { peer: 'T1', seq: 1, head: a.id },
      { peer: 'owner', seq: 3, head: base[2]!.id },
    ]);
    // c lies beyond a gap, so outside the cut: the claim leaves it out.
    expect(body.balances).toEqual([
      { account: 'Assets:Cash', amount: '100' },
      { account: 'Income:Sales', amount: '-100' },
    ]);
  });
});

describe('sealBody', () => {
  it('cuts out authors the closer would not count: not enrolled, retired, equivocating', () => {
    const { book, owner, t1, t2, base } = store();
    const stranger = device(book, 'S');
    const a1 = t1.txn('2025-01-10T10:00:00', [['Assets:Cash', 1], ['Income:Sales', -1]]);
    const a2 = t1.txn('2025-01-10T11:00:00', [['Assets:Cash', 2], ['Income:Sales', -2]]);
    const b1 = t2.txn('2025-01-10T10:00:00', [['Assets:Cash', 4], ['Income:Sales', -4]]);
    const b2 = t2.txn('2025-01-10T11:00:00', [['Assets:Cash', 8], ['Income:Sales', -8]]);
    const b2fork = t2.raw('txn', { postings: [{ account: 'Assets:Cash', amount: 9 }, { account: 'Income:Sales', amount: -9 }] }, '2025-01-10T12:00:00', { seq: 2, prev: b1.id });
    const s1 = stranger.txn('2025-01-10T10:00:00', [['Assets:Cash', 16], ['Income:Sales', -16]]);
    const retire = owner.retire('T1', 1);
    const ledger = fold([...base, a1, a2, b1, b2, b2fork, s1, retire]);
    const body = sealBody(ledger, '2025-01', owner.peer);
    expect(body.cut).toEqual([
      { peer: 'T1', seq: 1, head: a1.id },
      { peer: 'T2', seq: 1, head: b1.id },
      { peer: 'owner', seq: 4, head: retire.id },
    ]);
    expect(body.prevSeal).toBeNull();
    expect(body.balances).toEqual([
      { account: 'Assets:Cash', amount: '5' },
      { account: 'Income:Sales', amount: '-5' },
    ]);
    const sealed = fold([...base, a1, a2, b1, b2, b2fork, s1, retire, owner.seal(body)]);
    expect(sealed.periods[0]).toMatchObject({ status: 'final', sealAgrees: true, digest: body.digest });
  });

  it("leaves out authors whose join lies outside the cut, since the seal's roster is the one within its cut", () => {
    const { book, genesis, owner } = newBook();
    const closer = device(book, 'C');
    const t2 = device(book, 'T2');
    const grant = owner.join('C', ['closer']);
    const close = owner.close('2025-01');
    const join = owner.join('T2');
    const sale = t2.txn('2025-01-10T10:00:00', [['Assets:Cash', 4], ['Income:Sales', -4]]);
    // The closer has not received the owner's close (seq 3), so its cut of the owner stops at seq 2.
    const view = [genesis, grant, join, sale];
    const body = sealBody(fold(view), '2025-01', closer.peer);
    expect(body.cut.map((line) => [line.peer, line.seq])).toEqual([['owner', 2]]);
    expect(body.balances).toEqual([]);
    const ledger = fold([...view, close, closer.seal(body)]);
    expect(ledger.periods[0]).toMatchObject({ status: 'final', sealAgrees: true, content: [] });
    expect(ledger.entries.get(sale.id)).toMatchObject({ effectiveDate: '2025-02-01T00:00:00', late: { into: '2025-02', provisional: true } });
  });

  it('refuses to build a seal that would not be valid or final', () => {
    const { owner, t1, base } = store();
    const ledger = fold(base);
    expect(() => sealBody(ledger, '2025-01', t1.peer)).toThrow(/would not be valid/);
    const jan = owner.seal(sealBody(ledger, '2025-02', owner.peer));
    expect(() => sealBody(fold([...base, jan]), '2025-01', owner.peer)).toThrow(/would not be valid/);
    expect(sealBody(fold([...base, jan]), '2025-03', 'owner' as PeerId).prevSeal).toBe(jan.id);
  });
});
