import { describe, expect, it } from 'vitest';
import { fold } from './fold.ts';
import { cutOf, frontierOf } from './frontier.ts';
import { sealBody } from './reconcile.ts';
import { device, newBook, type DeviceBuilder } from './testing/build.ts';
import type { Ledger } from './ledger.ts';
import type { Entry, EntryId, SealBody } from './types.ts';

const stateOf = (ledger: Ledger, entry: Entry) => ledger.entries.get(entry.id)!.state;
const sell = (d: DeviceBuilder, date: string, amount: number) => d.txn(date, [['Assets:Cash', amount], ['Income:Sales', -amount]]);

function store() {
  const { book, owner, genesis } = newBook();
  const closer = device(book, 'C');
  const t1 = device(book, 'T1');
  const base = [genesis, owner.join('C', ['closer']), owner.join('T1')];
  return { book, owner, closer, t1, base };
}

/** A seal body over exactly `entries` (its cut their frontier), with made-up figures. */
function rawSeal(entries: Entry[], period: string, prevSeal: EntryId | null): SealBody {
  return { period, prevSeal, cut: cutOf(frontierOf(entries)), balances: [], digest: '0'.repeat(64) };
}

describe('seal chain', () => {
  it('links seals in period order from a first seal with no predecessor', () => {
    const { closer, t1, base } = store();
    const jan = [...base, sell(t1, '2025-01-10T10:00:00', 5)];
    const s1 = closer.seal(sealBody(fold(jan), '2025-01', closer.peer));
    const feb = [...jan, s1, sell(t1, '2025-02-10T10:00:00', 6)];
    const s2 = closer.seal(sealBody(fold(feb), '2025-02', closer.peer));
    const ledger = fold([...feb, s2]);
    expect([stateOf(ledger, s1), stateOf(ledger, s2)]).toEqual([{ status: 'recorded' }, { status: 'recorded' }]);
    expect(ledger.periods.map((p) => [p.period, p.status, p.seal])).toEqual([
      ['2025-01', 'final', s1.id],
      ['2025-02', 'final', s2.id],
    ]);
    expect(ledger.firstOpenPeriod).toBe('2025-03');
    expect(s2.body.prevSeal).toBe(s1.id);
  });

  it('refuses seals by devices that are not closers within the cut, or for a period not of the book', () => {
    const { t1, base } = store();
    const bySale = t1.seal(rawSeal(base, '2025-01', null));
    const dayPeriod = device(base[0]!.book, 'C').seal(rawSeal(base, '2025-01-05', null));
    const ledger = fold([...base, bySale, dayPeriod]);
    expect(stateOf(ledger, bySale)).toEqual({ status: 'invalid', reason: 'its author was not a closer within its cut' });
    expect(stateOf(ledger, dayPeriod)).toEqual({ status: 'invalid', reason: 'the period 2025-01-05 is not a month of this book' });
    expect(ledger.firstOpenPeriod).toBeUndefined();
  });

  it("judges the closer by the roster within the seal's cut, so later demotions and retires do not undo it", () => {
    const { owner, closer, base } = store();
    const seal = closer.seal(rawSeal(base, '2025-01', null));
    const later = [owner.join('C', []), owner.retire('C', 0)];
    const ledger = fold([...base, seal, ...later]);
    expect(stateOf(ledger, seal)).toEqual({ status: 'recorded' });
    expect(ledger.roster.get(closer.peer)).toMatchObject({ roles: [], lastSeq: 0 });
    // A seal whose cut leaves out the owner's join granting the role is not the closer's.
    const blind = device(base[0]!.book, 'C').seal(rawSeal([base[0]!], '2025-01', null));
    expect(stateOf(fold([...base, blind]), blind)).toEqual({ status: 'invalid', reason: 'its author was not a closer within its cut' });
  });

  it('waits for a cut it cannot check yet, and for a previous seal not held', () => {
    const { closer, t1, base } = store();
    const x = sell(t1, '2025-01-10T10:00:00', 5);
    const seal = closer.seal(rawSeal([...base, x], '2025-01', null));
    const withoutJoin = [base[0]!, x];
    expect(stateOf(fold([...withoutJoin, seal]), seal)).toEqual({ status: 'pending', reason: 'its cut is not all held, so its closer cannot be checked yet' });
    const next = closer.seal(rawSeal([...base, x], '2025-02', seal.id));
    expect(stateOf(fold([...base, x, next]), next)).toEqual({ status: 'pending', reason: 'its previous seal is not held' });
    expect(stateOf(fold([...base, x, seal, next]), next)).toEqual({ status: 'recorded' });
  });

  it('refuses a seal that does not move to a later period', () => {
    const { closer, base } = store();
    const jan = closer.seal(rawSeal(base, '2025-01', null));
    const again = closer.seal(rawSeal(base, '2025-01', jan.id));
    const ledger = fold([...base, jan, again]);
    expect(stateOf(ledger, again)).toEqual({ status: 'invalid', reason: 'its period is not after the previous seal' });
  });

  it('continues the chain with the smallest (hlc, id) of two seals from the same predecessor, with an alarm', () => {
    const { owner, closer, base } = store();
    const a = owner.seal(rawSeal(base, '2025-01', null));
    closer.clock(Date.UTC(2025, 1, 1));
    const b = closer.seal(rawSeal(base, '2025-02', null));
    const afterB = closer.seal(rawSeal(base, '2025-03', b.id));
    const ledger = fold([...base, b, afterB, a]);
    expect(stateOf(ledger, a)).toEqual({ status: 'recorded' });
    expect(stateOf(ledger, b)).toEqual({ status: 'invalid', reason: `seal ${a.id} continues the chain from the same previous seal` });
    expect(stateOf(ledger, afterB)).toEqual({ status: 'invalid', reason: 'its previous seal is not in the seal chain' });
    // The made-up figures of rawSeal also raise 'seal-disagrees'; only the conflict matters here.
    expect(ledger.alarms.filter((x) => x.kind === 'seal-conflict')).toEqual([{ kind: 'seal-conflict', period: '2025-01', seals: [a.id, b.id].sort() }]);
    expect(ledger.firstOpenPeriod).toBe('2025-02');
  });
});
