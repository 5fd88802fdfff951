import { describe, expect, it } from 'vitest';
import { fold } from './fold.ts';
import { device, newBook } from './testing/build.ts';
import type { Entry, PeerId } from './types.ts';
import type { Ledger } from './ledger.ts';

const stateOf = (ledger: Ledger, entry: Entry) => ledger.entries.get(entry.id)!.state;
const sale = (d: ReturnType<typeof device>, n = 100) => d.txn('2025-02-03T10:00:00', [['Assets:Cash', n], ['Income:Sales', -n]]);

describe('roster', () => {
  it('makes the genesis author the owner with every role', () => {
    const { genesis } = newBook();
    const ledger = fold([genesis]);
    expect(ledger.settings).toMatchObject({ owner: 'owner', genesis: genesis.id, period: 'month', windowDays: 28 });
    expect([...ledger.roster.values()]).toEqual([{ peer: 'owner', name: 'owner', key: '', roles: ['owner', 'closer', 'enrol'], enrolledBy: genesis.id }]);
  });

  it('keeps entries of an author not enrolled pending until its join is held, whatever the hlc order', () => {
    const { book, owner, genesis } = newBook();
    const t1 = device(book, 'T1');
    const early = sale(t1);
    expect(stateOf(fold([genesis, early]), early)).toEqual({ status: 'pending', reason: 'author not enrolled' });
    owner.clock(Date.UTC(2025, 5, 1));
    const join = owner.join('T1', [], '2025-06-01T00:00:00');
    const ledger = fold([genesis, early, join]);
    expect(stateOf(ledger, early)).toEqual({ status: 'effective' });
    expect(ledger.roster.get('T1' as PeerId)).toEqual({ peer: 'T1', name: 'T1', key: '', roles: [], enrolledBy: join.id });
  });

  it('lets an enroller enrol plain devices, even when its own join carries a later hlc', () => {
    const { book, owner, genesis } = newBook();
    const manager = device(book, 'M', Date.UTC(2024, 0, 1));
    const byManager = manager.join('T1', [], '2024-01-01T00:00:00');
    owner.clock(Date.UTC(2025, 5, 1));
    const grant = owner.join('M', ['enrol'], '2025-06-01T00:00:00');
    const t1 = device(book, 'T1');
    const x = sale(t1);
    const ledger = fold([genesis, byManager, grant, x]);
    expect(stateOf(ledger, byManager)).toEqual({ status: 'recorded' });
    expect(stateOf(ledger, x)).toEqual({ status: 'effective' });
  });

  it('lets only the owner grant roles, and only owners and enrollers enrol', () => {
    const { book, owner, genesis } = newBook();
    const m = device(book, 'M');
    const t1 = device(book, 'T1');
    const entries = [genesis, owner.join('M', ['enrol']), owner.join('T1')];
    const grant = m.join('T2', ['closer']);
    const byPlain = t1.join('T3');
    const ownerRoles = m.join('owner');
    const ledger = fold([...entries, grant, byPlain, ownerRoles]);
    expect(stateOf(ledger, grant)).toEqual({ status: 'invalid', reason: 'only the owner may grant roles' });
    expect(stateOf(ledger, byPlain)).toEqual({ status: 'invalid', reason: 'only the owner or an enrolling device may enrol devices' });
    expect(stateOf(ledger, ownerRoles)).toEqual({ status: 'invalid', reason: "the book owner's roles are fixed" });
    expect(ledger.roster.has('T2' as PeerId)).toBe(false);
    expect(ledger.roster.has('T3' as PeerId)).toBe(false);
  });

  it("replaces a device's roles with the owner's latest join", () => {
    const { owner, genesis } = newBook();
    const first = owner.join('T1', ['closer', 'enrol']);
    const again = owner.join('T1', ['enrol']);
    expect(fold([genesis, first, again]).roster.get('T1' as PeerId)!.roles).toEqual(['enrol']);
    expect(fold([genesis, first]).roster.get('T1' as PeerId)!.roles).toEqual(['closer', 'enrol']);
    expect(fold([genesis, first, again]).roster.get('T1' as PeerId)!.enrolledBy).toBe(first.id);
  });

  it("undoes what a demoted enroller enrolled: membership is judged over the whole set", () => {
    const { book, owner, genesis } = newBook();
    const m = device(book, 'M');
    const grant = owner.join('M', ['enrol']);
    const enrolled = m.join('T1');
    const x = sale(device(book, 'T1'));
    const demote = owner.join('M', []);
    expect(stateOf(fold([genesis, grant, enrolled, x]), x)).toEqual({ status: 'effective' });
    const ledger = fold([genesis, grant, enrolled, x, demote]);
    expect(stateOf(ledger, enrolled).status).toBe('invalid');
    expect(stateOf(ledger, x)).toEqual({ status: 'pending', reason: 'author not enrolled' });
  });

  it('holds entries beyond a retire, the lowest lastSeq winning', () => {
    const { book, owner, genesis } = newBook();
    const t1 = device(book, 'T1');
    const x = [1, 2, 3, 4].map((n) => sale(t1, n));
    const entries = [genesis, owner.join('T1'), ...x, owner.retire('T1', 3), owner.retire('T1', 2)];
    const ledger = fold(entries);
    expect(x.map((e) => stateOf(ledger, e).status)).toEqual(['effective', 'effective', 'held', 'held']);
    expect(stateOf(ledger, x[2]!)).toEqual({ status: 'held', reason: 'retired', detail: 'T1 was retired at seq 2' });
    expect(ledger.roster.get('T1' as PeerId)!.lastSeq).toBe(2);
  });

  it('lets an enroller retire plain devices but not devices holding a role', () => {
    const { book, owner, genesis } = newBook();
    const m = device(book, 'M');
    const entries = [genesis, owner.join('M', ['enrol']), owner.join('T1'), owner.join('C', ['closer'])];
    const plain = m.retire('T1', 0);
    const closer = m.retire('C', 0);
    const ledger = fold([...entries, plain, closer]);
    expect(stateOf(ledger, plain)).toEqual({ status: 'recorded' });
    expect(stateOf(ledger, closer)).toEqual({ status: 'invalid', reason: 'only the owner may retire a device that holds a role' });
    expect(ledger.roster.get('C' as PeerId)!.lastSeq).toBeUndefined();
  });

  it('moves a device to its successor: the old one retired at lastSeq, the new one with its roles', () => {
    const { book, owner, genesis } = newBook();
    const old = device(book, 'OLD');
    const a = sale(old, 1);
    const handover = old.succeed('NEW', 1);
    const beyond = sale(old, 2);
    const fresh = sale(device(book, 'NEW'), 3);
    const ledger = fold([genesis, owner.join('OLD', ['closer']), a, handover, beyond, fresh]);
    expect(stateOf(ledger, handover)).toEqual({ status: 'recorded' });
    expect(ledger.roster.get('OLD' as PeerId)!.lastSeq).toBe(1);
    expect(ledger.roster.get('NEW' as PeerId)).toMatchObject({ roles: ['closer'], enrolledBy: handover.id });
    expect([a, beyond, fresh].map((e) => stateOf(ledger, e).status)).toEqual(['effective', 'held', 'effective']);
  });

  it('needs the owner to move roles on behalf of another device', () => {
    const { book, owner, genesis } = newBook();
    const m = device(book, 'M');
    const base = [genesis, owner.join('M', ['enrol']), owner.join('C', ['closer']), owner.join('P')];
    const moveCloser = m.raw('succeed', { from: 'C' as PeerId, to: 'X' as PeerId, lastSeq: 0, name: 'X', key: '' }, '2025-01-02T00:00:00');
    const movePlain = m.raw('succeed', { from: 'P' as PeerId, to: 'Y' as PeerId, lastSeq: 0, name: 'Y', key: '' }, '2025-01-02T00:00:01');
    const ledger = fold([...base, moveCloser, movePlain]);
    expect(stateOf(ledger, moveCloser)).toEqual({ status: 'invalid', reason: 'only the owner may move roles' });
    expect(stateOf(ledger, movePlain)).toEqual({ status: 'recorded' });
    expect(ledger.roster.get('Y' as PeerId)!.roles).toEqual([]);
  });

  it('terminates with a roster determined by the set even when owners demote each other', () => {
    const { book, owner, genesis } = newBook();
    const a = device(book, 'A');
    const b = device(book, 'B');
    const entries = [genesis, owner.join('A', ['owner']), owner.join('B', ['owner']), a.join('B', []), b.join('A', [])];
    const one = fold(entries);
    const two = fold([...entries].reverse());
    expect([...one.roster.values()]).toEqual([...two.roster.values()]);
    expect(entries.map((e) => stateOf(one, e))).toEqual(entries.map((e) => stateOf(two, e)));
  });
});
