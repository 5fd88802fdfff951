import { describe, expect, it } from 'vitest';
import { periodDigest } from './digest.ts';
import { fold } from './fold.ts';
import { lastDayOf } from './fold-periods.ts';
import { sealBody } from './reconcile.ts';
import { device, newBook, type DeviceBuilder } from './testing/build.ts';
import type { Ledger } from './ledger.ts';
import type { Entry } from './types.ts';

const stateOf = (ledger: Ledger, entry: Entry) => ledger.entries.get(entry.id)!.state;
const sell = (d: DeviceBuilder, date: string, amount: number) => d.txn(date, [['Assets:Cash', amount], ['Income:Sales', -amount]]);

function store() {
  const { book, owner, genesis } = newBook();
  const t1 = device(book, 'T1');
  const t2 = device(book, 'T2');
  return { book, owner, t1, t2, base: [genesis, owner.join('T1'), owner.join('T2')] };
}

describe('periods', () => {
  it('show closing with the acks once the owner or a closer closes', () => {
    const { owner, t1, t2, base } = store();
    const close = owner.close('2025-01');
    const ack2 = t2.ack('2025-01');
    const ack1 = t1.ack('2025-01');
    const byPlain = t1.close('2025-02');
    const ackOnly = t2.ack('2025-03');
    const ledger = fold([...base, close, ack2, ack1, byPlain, ackOnly]);
    expect(stateOf(ledger, byPlain)).toEqual({ status: 'invalid', reason: 'only the owner or a closer may close a period' });
    expect(ledger.periods).toEqual([
      {
        period: '2025-01',
        status: 'closing',
        close: close.id,
        acks: [
          { peer: 'T1', ack: ack1.id, seq: 1 },
          { peer: 'T2', ack: ack2.id, seq: 1 },
        ],
        missing: [],
      },
    ]);
  });

  it('list only acks by enrolled devices, and only periods of the book', () => {
    const { book, owner, base } = store();
    const stranger = device(book, 'S');
    const close = owner.close('2025-01');
    const foreignAck = stranger.ack('2025-01');
    const dayClose = owner.close('2025-01-05');
    const ledger = fold([...base, close, foreignAck, dayClose]);
    expect(stateOf(ledger, foreignAck)).toEqual({ status: 'pending', reason: 'author not enrolled' });
    expect(stateOf(ledger, dayClose)).toEqual({ status: 'invalid', reason: 'the period 2025-01-05 is not a month of this book' });
    expect(ledger.periods.map((p) => [p.period, p.acks.length])).toEqual([['2025-01', 0]]);
  });

  it('are sealed but not final while this peer lacks entries within the cut, final once it holds them', () => {
    const { owner, t1, base } = store();
    const a = sell(t1, '2025-01-10T10:00:00', 100);
    const b = sell(t1, '2025-01-11T10:00:00', 20);
    const c = sell(t1, '2025-01-12T10:00:00', 3);
    const all = [...base, a, b, c];
    const seal = owner.seal(sealBody(fold(all), '2025-01', owner.peer));
    const partial = fold([...base, a, c, seal]);
    expect(partial.periods[0]).toEqual({ period: '2025-01', status: 'sealed', seal: seal.id, acks: [], missing: [{ peer: 'T1', from: 2, to: 2 }] });
    const whole = fold([...all, seal]);
    const content = [a.id, b.id, c.id].sort();
    const closingBalances = [
      { account: 'Assets:Cash', amount: 123n },
      { account: 'Income:Sales', amount: -123n },
    ];
    expect(whole.periods[0]).toEqual({
      period: '2025-01',
      status: 'final',
      seal: seal.id,
      acks: [],
      missing: [],
      content,
      closingBalances,
      digest: periodDigest('2025-01', null, content, closingBalances),
      sealAgrees: true,
    });
    expect(seal.body.digest).toBe(whole.periods[0]!.digest);
    expect(seal.body.balances).toEqual([
      { account: 'Assets:Cash', amount: '123' },
      { account: 'Income:Sales', amount: '-123' },
    ]);
  });

  it('chain digests and carry cumulative closing balances; a later period is final only after the earlier ones', () => {
    const { owner, t1, t2, base } = store();
    const jan = [...base, sell(t1, '2025-01-10T10:00:00', 100)];
    const s1 = owner.seal(sealBody(fold(jan), '2025-01', owner.peer));
    const feb = [...jan, s1, sell(t2, '2025-02-10T10:00:00', 7)];
    const s2 = owner.seal(sealBody(fold(feb), '2025-02', owner.peer));
    const ledger = fold([...feb, s2]);
    const [p1, p2] = ledger.periods;
    expect(p2!.closingBalances).toEqual([
      { account: 'Assets:Cash', amount: 107n },
      { account: 'Income:Sales', amount: -107n },
    ]);
    expect(p2!.digest).toBe(periodDigest('2025-02', p1!.digest!, p2!.content!, p2!.closingBalances!));
    // A February seal whose cut leaves T1 out: holding all of it is not enough while January lacks T1's sale.
    const s2body = sealBody(fold(feb), '2025-02', owner.peer);
    const s2narrow = owner.seal({ ...s2body, cut: s2body.cut.filter((line) => line.peer !== 'T1') });
    const withoutJanSale = fold([...feb, s2narrow].filter((e) => e !== jan[3]));
    expect(withoutJanSale.periods.map((p) => [p.status, p.missing])).toEqual([
      ['sealed', [{ peer: 'T1', from: 1, to: 1 }]],
      ['sealed', []],
    ]);
  });

  it('raise an alarm, and change nothing, when a seal claims other figures', () => {
    const { owner, t1, base } = store();
    const jan = [...base, sell(t1, '2025-01-10T10:00:00', 100)];
    const honest = sealBody(fold(jan), '2025-01', owner.peer);
    const seal = owner.seal({ ...honest, balances: [{ account: 'Assets:Cash', amount: '999' }] });
    const ledger = fold([...jan, seal]);
    expect(ledger.periods[0]).toMatchObject({ status: 'final', sealAgrees: false, digest: honest.digest });
    expect(ledger.alarms).toEqual([{ kind: 'seal-disagrees', period: '2025-01', seal: seal.id }]);
    expect(ledger.periods[0]!.closingBalances![0]).toEqual({ account: 'Assets:Cash', amount: 100n });
  });

  it('end on the last day of their month or day', () => {
    expect(['2024-02', '2025-02', '2025-12', '2025-04', '2025-03-09'].map(lastDayOf)).toEqual(['2024-02-29', '2025-02-28', '2025-12-31', '2025-04-30', '2025-03-09']);
  });
});
