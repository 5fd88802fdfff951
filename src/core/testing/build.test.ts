import { describe, expect, it } from 'vitest';
import { devVerifier } from '../entry.ts';
import { validate } from '../validate.ts';
import { HLC_STEP_MS, START_MS, device, newBook, refOf } from './build.ts';

describe('test builders', () => {
  it('chain each device by seq and prev, starting at 1 and null', () => {
    const { book, owner, genesis } = newBook();
    const join = owner.join('T1');
    expect([genesis.seq, genesis.prev, join.seq, join.prev]).toEqual([1, null, 2, genesis.id]);
    expect([owner.seq, owner.head]).toEqual([2, join.id]);
    const t1 = device(book, 'T1');
    const sale = t1.txn('2025-01-02T09:00:00', [['Assets:Cash', 500], ['Income:Sales', -500]], 'coffee');
    expect([sale.peer, sale.seq, sale.prev, sale.kind]).toEqual(['T1', 1, null, 'txn']);
    expect(sale.body).toEqual({ postings: [{ account: 'Assets:Cash', amount: 500 }, { account: 'Income:Sales', amount: -500 }], memo: 'coffee' });
  });

  it('step the hlc per entry and follow business dates ahead of the clock', () => {
    const t1 = device('b', 'T1');
    const a = t1.txn('2024-12-31T10:00:00', [['A', 1], ['B', -1]]);
    const b = t1.ack('2025-01');
    expect(a.hlc).toBe(`${START_MS}-0000`);
    expect(b.hlc).toBe(`${START_MS + HLC_STEP_MS}-0000`);
    expect(b.date).toBe('2025-01-01T00:00:01');
    const c = t1.txn('2025-03-01T10:00:00', [['A', 1], ['B', -1]]);
    expect(c.hlc).toBe(`${Date.UTC(2025, 2, 1, 10)}-0000`);
    t1.followDates = false;
    t1.clock(START_MS);
    expect(t1.txn('2025-06-01T00:00:00', [['A', 1], ['B', -1]]).hlc).toBe(`${START_MS}-0000`);
  });

  it('write forks at an explicit seq without moving the main chain', () => {
    const t1 = device('b', 'T1');
    const one = t1.txn('2025-01-01T10:00:00', [['A', 1], ['B', -1]]);
    const two = t1.txn('2025-01-01T11:00:00', [['A', 2], ['B', -2]]);
    const fork = t1.raw('txn', { postings: [{ account: 'A', amount: 3 }, { account: 'B', amount: -3 }] }, '2025-01-01T12:00:00', { seq: 2, prev: one.id });
    expect([fork.seq, fork.prev]).toEqual([2, one.id]);
    expect([t1.seq, t1.head]).toEqual([2, two.id]);
    expect(fork.id).not.toBe(two.id);
  });

  it('derive distinct, reproducible, well-formed nonces', () => {
    const make = () => {
      const { owner, genesis } = newBook();
      return [genesis, owner.join('T1'), owner.join('T1')];
    };
    const first = make();
    expect(first.map((e) => e.id)).toEqual(make().map((e) => e.id));
    expect(new Set(first.map((e) => e.nonce)).size).toBe(3);
    for (const e of first) expect(e.nonce).toMatch(/^[A-Za-z0-9_-]{21}$/);
  });

  it('make entries of every kind that the validator accepts', () => {
    const { book, owner, genesis } = newBook({ period: 'day', windowDays: 7 });
    const t1 = device(book, 'T1');
    const sale = t1.txn('2025-01-02T09:00:00', [['Assets:Cash', 500], ['Income:Sales', -500]]);
    const cut = [{ peer: t1.peer, seq: 1, head: sale.id }];
    const entries = [
      genesis,
      owner.join('T1', ['closer']),
      owner.retire('T2', 4),
      sale,
      t1.negate(sale, '2025-01-02T10:00:00'),
      owner.admit(sale),
      t1.succeed('T3', 9),
      owner.close('2025-01-02'),
      t1.ack('2025-01-02'),
      owner.seal({ period: '2025-01-02', prevSeal: null, cut, balances: [{ account: 'Assets:Cash', amount: '500' }], digest: 'a'.repeat(64) }),
      t1.summary({ asOf: '2025-01-02', cut, balances: [] }),
    ];
    expect(genesis.body).toMatchObject({ period: 'day', windowDays: 7 });
    expect(refOf(sale)).toEqual({ peer: 'T1', seq: 1, id: sale.id });
    for (const entry of entries) {
      const result = validate(entry, { verify: devVerifier, book });
      expect(result.ok ? 'ok' : result.refusal).toBe('ok');
    }
  });
});
