import { describe, expect, it } from 'vitest';
import { fold } from '../core/fold.ts';
import { parseHlc } from '../core/hlc.ts';
import { sealBody } from '../core/reconcile.ts';
import { device, newBook } from '../core/testing/build.ts';
import type { Entry } from '../core/types.ts';
import { testDeps } from '../journal/conformance-kit.ts';
import { createMemoryStore, openMemoryJournal } from '../journal/memory-journal.ts';
import { QueryStore } from '../query/index.ts';
import { arrivalsSince, createOutageTracker, markArrivals, outageReport } from './outage.ts';

/**
 * A store with three tills. Before the outage: day one's sales, a retired till, and
 * day one closed and sealed. During it (arriving after the reconnection): till 2's
 * sale written offline on day one (a late adjustment), sales of day two, a sale by
 * the retired till (held), a second negation of one sale (a duplicate), and one
 * garbage input (quarantined).
 */
function scenario(): { before: Entry[]; after: Entry[]; late: Entry; retiredSale: Entry; twin: Entry } {
  const { owner, genesis } = newBook({ book: 'shop', period: 'day', startMs: Date.UTC(2025, 4, 1, 6) });
  const [t1, t2, t3] = ['t1', 't2', 't3'].map((p) => device('shop', p, Date.UTC(2025, 4, 1, 6)));
  const before: Entry[] = [genesis, owner.join('t1', [], '2025-05-01T06:01:00'), owner.join('t2', [], '2025-05-01T06:02:00'), owner.join('t3', [], '2025-05-01T06:03:00')];
  const sale = t1!.txn('2025-05-01T09:00:00', [['Assets:Cash', 500], ['Income:Sales', -500]], 'sale');
  before.push(sale, t2!.txn('2025-05-01T09:30:00', [['Assets:Card', 700], ['Income:Sales', -700]]), t3!.txn('2025-05-01T10:00:00', [['Assets:Cash', 100], ['Income:Sales', -100]]));
  before.push(owner.retire('t3', 1, '2025-05-01T11:00:00'), t1!.negate(sale, '2025-05-01T12:00:00', 'wrong'));
  const late = t2!.txn('2025-05-01T17:00:00', [['Assets:Card', 300], ['Income:Sales', -300]], 'offline sale');
  before.push(owner.close('2025-05-01', '2025-05-02T06:00:00'), t1!.ack('2025-05-01', '2025-05-02T06:01:00'));
  before.push(owner.seal(sealBody(fold(before), '2025-05-01', owner.peer), '2025-05-02T06:02:00'));
  const retiredSale = t3!.txn('2025-05-02T09:00:00', [['Assets:Cash', 50], ['Income:Sales', -50]]);
  const twin = t2!.negate(sale, '2025-05-02T10:00:00', 'wrong too');
  const after = [late, t1!.txn('2025-05-02T09:15:00', [['Assets:Cash', 900], ['Income:Sales', -900]]), retiredSale, twin];
  return { before, after, late, retiredSale, twin };
}

describe('outage report', () => {
  it('says when each device was last heard from and what arrived after the reconnection', async () => {
    const s = scenario();
    const journal = openMemoryJournal(testDeps({ book: 'shop' as never }), createMemoryStore());
    await journal.ingest(s.before, 'upstream');
    const marker = await markArrivals(journal, 1_000);
    expect(marker).toEqual({ entries: s.before.length, quarantineNo: 0, atMs: 1_000 });
    const report1 = await journal.ingest([...s.after, { garbage: true }], 't2');
    expect(report1.accepted.length).toBe(s.after.length);

    const store = new QueryStore();
    store.load(await journal.all());
    store.applyQuarantine(await journal.quarantine());
    const arrivals = await arrivalsSince(journal, marker);
    const sessionMs = Date.UTC(2025, 4, 3, 8);
    const report = outageReport(store, { arrivals, sessions: [{ peer: 't1', lastSeenMs: sessionMs }, { peer: 't9', lastSeenMs: 5 }] });

    expect(report.book).toBe('shop');
    const byPeer = new Map(report.devices.map((d) => [d.peer, d]));
    expect([...byPeer.keys()]).toEqual(['owner', 't1', 't2', 't3', 't9']);
    const t2Last = [...s.before, ...s.after].filter((e) => e.peer === 't2').map((e) => e.hlc).sort().pop()!;
    expect(byPeer.get('t2' as never)).toMatchObject({ lastHlc: t2Last, lastWroteMs: parseHlc(t2Last).wallMs, lastHeardMs: parseHlc(t2Last).wallMs, entries: 3 });
    // The session is later than t1's last entry: the hub heard from it then.
    expect(byPeer.get('t1' as never)).toMatchObject({ lastSessionMs: sessionMs, lastHeardMs: sessionMs });
    expect(byPeer.get('t3' as never)).toMatchObject({ retiredAt: 1, highestSeq: 2 });
    expect(byPeer.get('t9' as never)).toMatchObject({ entries: 0, lastHeardMs: 5 });

    const a = report.arrivals!;
    expect(a.count).toBe(4);
    expect(a.byKind).toEqual({ txn: 3, negate: 1 });
    expect(a.byDevice).toEqual({ t1: 1, t2: 2, t3: 1 });
    expect([a.firstDate, a.lastDate]).toEqual(['2025-05-01T17:00:00', '2025-05-02T10:00:00']);
    expect(a.late).toEqual([{ id: s.late.id, peer: 't2', date: '2025-05-01T17:00:00', labelPeriod: '2025-05-01', into: '2025-05-02', provisional: true }]);
    expect(a.held).toEqual([{ id: s.retiredSale.id, peer: 't3', reason: 'retired', detail: expect.any(String) as unknown }]);
    expect(a.duplicates.map((d) => d.id)).toEqual([s.twin.id]);
    expect(a.quarantined).toHaveLength(1);
    expect(a.quarantined[0]).toMatchObject({ from: 't2', no: expect.any(Number) as unknown });
    expect(report.totals).toEqual({ entries: s.before.length + s.after.length, late: 1, held: 1, pending: 0, quarantined: 1 });
  });

  it('with no marker it reports devices only; an empty store reports nothing', () => {
    const s = scenario();
    const store = new QueryStore();
    store.load(s.before);
    const report = outageReport(store);
    expect(report.arrivals).toBeUndefined();
    expect(report.devices.map((d) => d.peer)).toEqual(['owner', 't1', 't2', 't3']);
    expect(outageReport(new QueryStore())).toEqual({ book: '', devices: [], totals: { entries: 0, late: 0, held: 0, pending: 0, quarantined: 0 } });
  });

  it('the devices part is a function of the set: the same in any arrival order', () => {
    const s = scenario();
    const all = [...s.before, ...s.after];
    const a = new QueryStore();
    a.load(all);
    const b = new QueryStore();
    b.load([...all].reverse());
    expect(outageReport(b).devices).toEqual(outageReport(a).devices);
  });

  it('the tracker reports arrivals since the last reconnection it noted, and none before one', async () => {
    const s = scenario();
    const journal = openMemoryJournal(testDeps({ book: 'shop' as never }), createMemoryStore());
    const tracker = createOutageTracker();
    await journal.ingest(s.before, 'upstream');
    const store = new QueryStore();
    store.load(await journal.all());
    expect((await tracker.report('shop', store, journal)).arrivals).toBeUndefined();
    await tracker.reconnected('shop', journal, 7);
    await journal.ingest(s.after, 'upstream');
    store.apply(s.after);
    const report = await tracker.report('shop', store, journal);
    expect(report.arrivals).toMatchObject({ since: { entries: s.before.length, atMs: 7 }, count: s.after.length });
    expect(tracker.marker('other')).toBeUndefined();
  });
});
