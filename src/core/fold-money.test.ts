import { describe, expect, it } from 'vitest';
import { fold } from './fold.ts';
import { balancesAsOf } from './queries.ts';
import { sealBody } from './reconcile.ts';
import { device, newBook, type DeviceBuilder } from './testing/build.ts';
import type { Ledger } from './ledger.ts';
import type { Entry, EntryId, PeerId } from './types.ts';

const viewOf = (ledger: Ledger, entry: Entry) => ledger.entries.get(entry.id)!;
const stateOf = (ledger: Ledger, entry: Entry) => viewOf(ledger, entry).state;
const cash = (ledger: Ledger, day: string) => balancesAsOf(ledger, day).get('Assets:Cash') ?? 0n;

function store(opts: Parameters<typeof newBook>[0] = {}) {
  const { book, owner, genesis } = newBook(opts);
  const t1 = device(book, 'T1');
  const t2 = device(book, 'T2');
  return { book, owner, t1, t2, base: [genesis, owner.join('T1'), owner.join('T2')] };
}

const sell = (d: DeviceBuilder, date: string, amount: number) => d.txn(date, [['Assets:Cash', amount], ['Income:Sales', -amount]]);
const sealOf = (closer: DeviceBuilder, entries: Entry[], period: string) => closer.seal(sealBody(fold(entries), period, closer.peer));

describe('txn', () => {
  it('takes effect at its date, its postings sorted by account', () => {
    const { t1, base } = store();
    const x = t1.txn('2025-02-03T10:00:00', [['Income:Sales', -300], ['Assets:Card', 200], ['Assets:Cash', 100]]);
    const ledger = fold([...base, x]);
    expect(viewOf(ledger, x)).toMatchObject({ state: { status: 'effective' }, effectiveDate: '2025-02-03T10:00:00' });
    expect(ledger.postings.map((p) => [p.account, p.amount])).toEqual([['Assets:Card', 200n], ['Assets:Cash', 100n], ['Income:Sales', -300n]]);
    expect(cash(ledger, '2025-02-02')).toBe(0n);
    expect(cash(ledger, '2025-02-03')).toBe(100n);
  });
});

describe('postings', () => {
  it('are sorted by (effectiveDate, hlc, entry, account)', () => {
    const { t1, t2, base } = store();
    t2.clock(Date.UTC(2025, 1, 3, 9));
    const early = t2.txn('2025-02-03T10:00:00', [['Z', 1], ['A', -1]]);
    t1.clock(Date.UTC(2025, 1, 3, 11));
    const late = t1.txn('2025-02-03T10:00:00', [['B', 2], ['C', -2]]);
    const first = t1.txn('2025-02-01T10:00:00', [['Q', 3], ['P', -3]]);
    const ledger = fold([...base, late, first, early]);
    expect(ledger.postings.map((p) => [p.entry, p.account])).toEqual([
      [first.id, 'P'],
      [first.id, 'Q'],
      [early.id, 'A'],
      [early.id, 'Z'],
      [late.id, 'B'],
      [late.id, 'C'],
    ]);
  });
});

describe('negate', () => {
  it('applies the exact opposite of its target at max(own date, target date)', () => {
    const { t1, base } = store();
    const x = t1.txn('2025-02-10T10:00:00', [['Assets:Cash', 100], ['Income:Sales', -100]]);
    const back = t1.negate(x, '2025-02-05T09:00:00');
    const ledger = fold([...base, x, back]);
    expect(viewOf(ledger, back)).toMatchObject({ state: { status: 'effective' }, effectiveDate: '2025-02-10T10:00:00' });
    expect(viewOf(ledger, x).negatedBy).toBe(back.id);
    expect(ledger.postings.filter((p) => p.entry === back.id).map((p) => [p.account, p.amount, p.labelDate])).toEqual([
      ['Assets:Cash', -100n, '2025-02-05T09:00:00'],
      ['Income:Sales', 100n, '2025-02-05T09:00:00'],
    ]);
    expect(cash(ledger, '2025-02-28')).toBe(0n);
    const later = t1.negate(x, '2025-02-20T09:00:00');
    expect(viewOf(fold([...base, x, later]), later).effectiveDate).toBe('2025-02-20T09:00:00');
  });

  it('waits for its target, and refuses a target that does not match or is not a txn', () => {
    const { t1, t2, base } = store();
    const x = sell(t1, '2025-02-03T10:00:00', 100);
    const n = t2.negate(x, '2025-02-04T10:00:00');
    expect(stateOf(fold([...base, n]), n)).toEqual({ status: 'pending', reason: 'target not held' });
    const other = device(base[0]!.book, 'T1');
    const impostor = sell(other, '2025-02-03T11:00:00', 5);
    expect(stateOf(fold([...base, impostor, n]), n)).toEqual({ status: 'invalid', reason: 'another entry is held at the target seq' });
    const wrongSeq = t2.raw('negate', { target: { peer: x.peer, seq: 2, id: x.id }, reason: 'x' }, '2025-02-04T10:00:00');
    expect(stateOf(fold([...base, x, wrongSeq]), wrongSeq).status).toBe('invalid');
    const ofNegation = t2.negate(n, '2025-02-05T10:00:00');
    expect(stateOf(fold([...base, x, n, ofNegation]), ofNegation)).toEqual({ status: 'invalid', reason: 'only txn entries can be negated' });
  });

  it('lets one negation of a target take effect, the smallest (hlc, id); the others are duplicates', () => {
    const { t1, t2, base } = store();
    const x = sell(t1, '2025-02-03T10:00:00', 100);
    t2.clock(Date.UTC(2025, 1, 4, 10));
    const first = t2.negate(x, '2025-02-04T10:00:00');
    t1.clock(Date.UTC(2025, 1, 4, 11));
    const second = t1.negate(x, '2025-02-04T10:00:00');
    const ledger = fold([...base, x, second, first]);
    expect(stateOf(ledger, first)).toEqual({ status: 'effective' });
    expect(stateOf(ledger, second)).toEqual({ status: 'duplicate', of: first.id });
    expect(viewOf(ledger, x)).toMatchObject({ negatedBy: first.id, duplicateNegations: [second.id] });
    expect(cash(ledger, '2025-02-28')).toBe(0n);
  });

  it('prefers a negation covered by an earlier seal, so a late one can never displace it', () => {
    const { owner, t1, t2, base } = store();
    const x = sell(t1, '2025-02-03T10:00:00', 100);
    t1.clock(Date.UTC(2025, 1, 5));
    const covered = t1.negate(x, '2025-02-04T10:00:00');
    t2.clock(Date.UTC(2025, 1, 4));
    const uncovered = t2.negate(x, '2025-02-04T09:00:00');
    expect(uncovered.hlc < covered.hlc).toBe(true);
    const before = [...base, x, covered];
    const seal = sealOf(owner, before, '2025-02');
    const ledger = fold([...before, seal, uncovered]);
    expect(stateOf(ledger, covered)).toEqual({ status: 'effective' });
    expect(stateOf(ledger, uncovered)).toEqual({ status: 'duplicate', of: covered.id });
    expect(stateOf(fold([...before, uncovered]), uncovered)).toEqual({ status: 'effective' });
  });

  it('follows a held target (held) and a pending target (pending)', () => {
    const { book, owner, t1, t2, base } = store();
    const x = sell(t1, '2025-02-03T10:00:00', 100);
    const n = t2.negate(x, '2025-02-04T10:00:00');
    const held = fold([...base, x, n, owner.retire('T1', 0)]);
    expect(stateOf(held, x).status).toBe('held');
    expect(stateOf(held, n)).toEqual({ status: 'held', reason: 'target-held', detail: `its target ${x.id} is held` });
    const stranger = device(book, 'S');
    const y = sell(stranger, '2025-02-03T10:00:00', 100);
    const m = t2.negate(y, '2025-02-04T10:00:00');
    expect(stateOf(fold([...base, y, m]), m)).toEqual({ status: 'pending', reason: 'its target is not in effect' });
  });
});

describe('admit', () => {
  it('lets a held entry in at max(would-be date, admit date), and its negation with it', () => {
    const { owner, t1, t2, base } = store();
    const x = sell(t1, '2025-02-03T10:00:00', 100);
    const n = t2.negate(x, '2025-02-04T10:00:00');
    const retire = owner.retire('T1', 0);
    const admit = owner.admit(x, '2025-02-15T12:00:00');
    const ledger = fold([...base, x, n, retire, admit]);
    expect(stateOf(ledger, admit)).toEqual({ status: 'recorded' });
    expect(viewOf(ledger, x)).toMatchObject({ state: { status: 'effective' }, effectiveDate: '2025-02-15T12:00:00' });
    expect(viewOf(ledger, n)).toMatchObject({ state: { status: 'effective' }, effectiveDate: '2025-02-15T12:00:00' });
    expect(cash(ledger, '2025-02-14')).toBe(0n);
  });

  it('is for the owner or a closer only, and names its target exactly', () => {
    const { owner, t1, t2, base } = store();
    const x = sell(t1, '2025-02-03T10:00:00', 100);
    const retire = owner.retire('T1', 0);
    const byPlain = t2.admit(x);
    const ledger = fold([...base, x, retire, byPlain]);
    expect(stateOf(ledger, byPlain)).toEqual({ status: 'invalid', reason: 'only the owner or a closer may admit' });
    expect(stateOf(ledger, x).status).toBe('held');
    const early = owner.admit(x);
    expect(stateOf(fold([...base, early]), early)).toEqual({ status: 'pending', reason: 'target not held' });
    const ofJoin = owner.admit(base[1]!);
    expect(stateOf(fold([...base, ofJoin]), ofJoin).status).toBe('invalid');
  });
});

describe('late entries', () => {
  it('land provisionally in the first open period, then in the first later seal that covers them', () => {
    const { owner, t1, base } = store();
    const jan = [...base, sell(t1, '2025-01-20T10:00:00', 100)];
    const sealJan = sealOf(owner, jan, '2025-01');
    const late = sell(t1, '2025-01-25T10:00:00', 40);
    const withLate = [...jan, sealJan, late];
    const ledger = fold(withLate);
    expect(ledger.firstOpenPeriod).toBe('2025-02');
    expect(viewOf(ledger, late)).toMatchObject({
      state: { status: 'effective' },
      effectiveDate: '2025-02-01T00:00:00',
      late: { labelPeriod: '2025-01', into: '2025-02', provisional: true },
    });
    expect(cash(ledger, '2025-01-31')).toBe(100n);
    expect(cash(ledger, '2025-02-01')).toBe(140n);
    const sealFeb = sealOf(owner, withLate, '2025-02');
    const after = fold([...withLate, sealFeb]);
    expect(viewOf(after, late).late).toEqual({ labelPeriod: '2025-01', into: '2025-02', provisional: false });
    expect(after.firstOpenPeriod).toBe('2025-03');
  });

  it('treats entries of a skipped period before the last seal, and before the first seal, as late', () => {
    const { owner, t1, base } = store({ windowDays: 60 });
    const dec = sell(t1, '2024-12-30T10:00:00', 7);
    const first = [...base, dec, sell(t1, '2025-01-20T10:00:00', 100)];
    const sealJan = sealOf(owner, first, '2025-01');
    const feb = sell(t1, '2025-02-10T10:00:00', 5);
    const upToMar = [...first, sealJan, feb];
    const sealMar = sealOf(owner, upToMar, '2025-03');
    const febLate = sell(t1, '2025-02-11T10:00:00', 3);
    const ledger = fold([...upToMar, sealMar, febLate]);
    expect(viewOf(ledger, dec)).toMatchObject({ effectiveDate: '2025-01-01T00:00:00', late: { labelPeriod: '2024-12', into: '2025-01', provisional: false } });
    expect(viewOf(ledger, feb)).toMatchObject({ effectiveDate: '2025-03-01T00:00:00', late: { labelPeriod: '2025-02', into: '2025-03', provisional: false } });
    expect(viewOf(ledger, febLate)).toMatchObject({ effectiveDate: '2025-04-01T00:00:00', late: { labelPeriod: '2025-02', into: '2025-04', provisional: true } });
  });

  it('are held beyond the reconciliation window until admitted', () => {
    const { owner, t1, base } = store({ period: 'day', windowDays: 2 });
    const day1 = [...base, sell(t1, '2025-01-10T10:00:00', 100)];
    const seal1 = sealOf(owner, day1, '2025-01-10');
    const within = sell(t1, '2025-01-09T10:00:00', 1);
    const beyond = sell(t1, '2025-01-08T10:00:00', 2);
    const ledger = fold([...day1, seal1, within, beyond]);
    expect(viewOf(ledger, within)).toMatchObject({ state: { status: 'effective' }, effectiveDate: '2025-01-11T00:00:00' });
    expect(viewOf(ledger, beyond)).toMatchObject({
      state: { status: 'held', reason: 'late-beyond-window', detail: 'dated 2025-01-08T10:00:00, it lands 3 days later in 2025-01-11; the window is 2 days' },
      late: { labelPeriod: '2025-01-08', into: '2025-01-11', provisional: true },
    });
    expect(viewOf(ledger, beyond).effectiveDate).toBeUndefined();
    const admit = owner.admit(beyond, '2025-01-12T08:00:00');
    expect(viewOf(fold([...day1, seal1, within, beyond, admit]), beyond)).toMatchObject({ state: { status: 'effective' }, effectiveDate: '2025-01-12T08:00:00' });
  });
});

describe('holds and finality', () => {
  it('holds an equivocating author from the conflicting seq, except what a seal covers', () => {
    const { owner, t1, base } = store();
    const a = sell(t1, '2025-01-10T10:00:00', 1);
    const b = sell(t1, '2025-01-11T10:00:00', 2);
    const c = sell(t1, '2025-02-11T10:00:00', 4);
    const fork = t1.raw('txn', { postings: [{ account: 'Assets:Cash', amount: 8 }, { account: 'Income:Sales', amount: -8 }] }, '2025-02-12T10:00:00', { seq: 2, prev: a.id });
    const plain = fold([...base, a, b, c, fork]);
    expect([a, b, c, fork].map((e) => stateOf(plain, e).status)).toEqual(['effective', 'held', 'held', 'held']);
    expect(stateOf(plain, b)).toEqual({ status: 'held', reason: 'equivocation', detail: 'T1 equivocated at seq 2' });
    const sealed = [...base, a, b, owner.close('2025-01')];
    const seal = sealOf(owner, sealed, '2025-01');
    const ledger = fold([...sealed, seal, c, fork]);
    expect([a, b, c, fork].map((e) => stateOf(ledger, e).status)).toEqual(['effective', 'effective', 'held', 'held']);
  });

  it('never holds a covered entry for a retire or demotion that arrives after the seal', () => {
    const { owner, t1, base } = store();
    const a = sell(t1, '2025-01-10T10:00:00', 1);
    const b = sell(t1, '2025-01-11T10:00:00', 2);
    const sealed = [...base, a, b];
    const seal = sealOf(owner, sealed, '2025-01');
    const ledger = fold([...sealed, seal, owner.retire('T1', 0), sell(t1, '2025-01-12T10:00:00', 4)]);
    expect([a, b].map((e) => stateOf(ledger, e).status)).toEqual(['effective', 'effective']);
    expect(cash(ledger, '2025-01-31')).toBe(3n);
    expect(ledger.periods[0]).toMatchObject({ status: 'final', sealAgrees: true });
  });

  it('never throws on adversarial sets', () => {
    const { book, owner, t1, base } = store();
    const x = sell(t1, '2025-01-10T10:00:00', 1);
    const ghost = { peer: 'T9' as PeerId, seq: 4, id: 'e'.repeat(64) as EntryId };
    const junk = [
      owner.raw('negate', { target: ghost, reason: 'r' }, '2025-01-01T00:00:00'),
      owner.raw('admit', { target: { peer: x.peer, seq: x.seq, id: x.id }, reason: 'r' }, '2025-01-01T00:00:00'),
      owner.raw('seal', { period: '2025-13', prevSeal: 'd'.repeat(64) as EntryId, cut: [], balances: [], digest: 'x' }, '2025-01-01T00:00:00'),
      owner.raw('seal', { period: '2025-01-05', prevSeal: null, cut: [{ peer: 'T1' as PeerId, seq: 9, head: x.id }], balances: [], digest: 'x' }, '2025-01-01T00:00:00'),
      owner.raw('join', { device: 'owner' as PeerId, name: 'o', key: '', roles: [] }, '2025-01-01T00:00:00'),
      owner.raw('retire', { device: 'nobody' as PeerId, lastSeq: 0, reason: 'r' }, '2025-01-01T00:00:00'),
      owner.raw('succeed', { from: 'ghost' as PeerId, to: 'T1' as PeerId, lastSeq: 1, name: 'n', key: '' }, '2025-01-01T00:00:00'),
      device(book, 'Q').raw('book', base[0]!.body as never, '2025-01-01T00:00:00'),
      device(book, 'T1').raw('txn', x.body, '2025-01-10T10:00:01', { seq: 1, prev: null }),
      device('other-book', 'Z').txn('2025-01-10T10:00:00', [['A', 1], ['B', -1]]),
    ];
    const ledger = fold([...base, x, ...junk]);
    expect(ledger.entries.size).toBe(base.length + 1 + junk.length);
    expect(stateOf(ledger, junk[9]!)).toEqual({ status: 'invalid', reason: 'entry of another book' });
    expect(stateOf(ledger, junk[7]!)).toEqual({ status: 'invalid', reason: 'second genesis' });
    // T1 equivocated at seq 1, but the owner's admit (junk[1]) lets x in; its twin stays held.
    expect(stateOf(ledger, x)).toEqual({ status: 'effective' });
    expect(stateOf(ledger, junk[8]!)).toEqual({ status: 'held', reason: 'equivocation', detail: 'T1 equivocated at seq 1' });
    expect(ledger.alarms.map((a) => a.kind)).toEqual(['equivocation']);
  });
});
