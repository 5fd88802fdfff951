/**
 * Finality: once a period is final on a peer, nothing that arrives later changes it.
 *
 * 1. Monotone prefixes: along any arrival order, a period final in a prefix's books
 *    has exactly the same content, closing balances and digest in the whole set's
 *    books. Later arrivals extend the books; they never contradict a final period.
 * 2. Adversarial arrivals: on top of a history with final periods, devices (honest,
 *    retired or stolen) write what could threaten them: negations of their entries,
 *    entries dated in them, retires and successions of their authors below the seal's
 *    cut, forks at seqs inside the cut, new devices writing into them, admits. The
 *    final periods stay as they were; the newcomers show as late or held.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyRuns } from '../testing/runs.ts';
import { endOfDay, nextPeriod } from './dates.ts';
import { fold } from './fold.ts';
import type { Ledger, PeriodView } from './ledger.ts';
import { sealBody } from './reconcile.ts';
import { AssertionError } from './result.ts';
import { arrivals, historyPlan, playHistory, type Op, type Plan, type StoreHistory } from './testing/arbitraries.ts';
import { type DeviceBuilder, device, newBook } from './testing/build.ts';
import type { Entry, PeerId, PeriodId } from './types.ts';

const timeoutMs = Math.max(120_000, propertyRuns() * 60);

/** What a final period shows; all of it must stay fixed. */
function finalFigures(ledger: Ledger): Map<PeriodId, PeriodView> {
  return new Map(ledger.periods.filter((p) => p.status === 'final').map((p) => [p.period, p]));
}

/** Every period final in `before` is final in `after` with the same figures, and its entries stay put. */
function expectFinalKept(before: Ledger, after: Ledger, note: string): void {
  const kept = finalFigures(after);
  for (const [period, view] of finalFigures(before)) {
    const now = kept.get(period);
    expect(now, `${period} is no longer final\n${note}`).toBeDefined();
    const { seal, content, closingBalances, digest, sealAgrees } = view;
    expect({ seal: now!.seal, content: now!.content, closingBalances: now!.closingBalances, digest: now!.digest, sealAgrees: now!.sealAgrees }, `${period}\n${note}`).toEqual({
      seal,
      content,
      closingBalances,
      digest,
      sealAgrees,
    });
    for (const id of content ?? []) {
      const was = before.entries.get(id)!;
      const is = after.entries.get(id);
      expect(is?.state, `${id} in ${period}\n${note}`).toEqual({ status: 'effective' });
      expect(is?.effectiveDate).toBe(was.effectiveDate);
    }
  }
}

/** A day's work that ends in a seal, spliced into the plan so that most histories have one. */
const CLOSE_DAY: Op[] = [
  { t: 'next-day' },
  { t: 'sync-all' },
  { t: 'close' },
  { t: 'sync-all' },
  { t: 'ack', dev: 1 },
  { t: 'ack', dev: 2 },
  { t: 'seal' },
];

const plans: fc.Arbitrary<Plan> = fc
  .tuple(historyPlan({ opsMax: 50 }), fc.nat())
  .map(([plan, at]) => {
    const k = at % (plan.ops.length + 1);
    return { ...plan, ops: [...plan.ops.slice(0, k), ...CLOSE_DAY, ...plan.ops.slice(k)] };
  });

const noteOf = (h: StoreHistory, extra: string[] = []): string => `ops:\n${[...h.log, ...extra].join('\n')}`;

describe('finality: monotone prefixes', () => {
  it(
    'a period final in any prefix of an arrival order is unchanged in the whole set',
    () => {
      const scenario = plans.map(playHistory).chain((history) =>
        fc.tuple(
          fc.constant(history),
          fc.oneof(fc.constant(history.entries), arrivals(history.entries)),
          fc.array(fc.nat(), { minLength: 6, maxLength: 6 }),
        ),
      );
      fc.assert(
        fc.property(scenario, ([history, order, cuts]) => {
          const whole = fold(order);
          const note = noteOf(history);
          // Each prefix ending right after a seal (the closer's moment), and a few more.
          const ends = new Set(cuts.map((c) => 1 + (c % order.length)));
          order.forEach((e, i) => e.kind === 'seal' && ends.add(i + 1));
          for (const end of ends) expectFinalKept(fold(order.slice(0, end)), whole, `prefix ${end}/${order.length}\n${note}`);
        }),
        { numRuns: propertyRuns() },
      );
    },
    timeoutMs,
  );

  it(
    'a period final on a device when it sealed stays final with the same figures everywhere',
    () => {
      fc.assert(
        fc.property(plans.map(playHistory), (history) => {
          const whole = fold(history.entries);
          for (const checkpoint of history.checkpoints) {
            expectFinalKept(fold(checkpoint.entries), whole, `${checkpoint.peer} at ${checkpoint.label}\n${noteOf(history)}`);
          }
        }),
        { numRuns: propertyRuns() },
      );
    },
    timeoutMs,
  );
});

/** What a device can do to a final period after the fact. */
type Threat =
  | { t: 'negate'; dev: number; pick: number; dated: boolean }
  | { t: 'late-txn'; dev: number; period: number; amount: number }
  | { t: 'retire'; pick: number; lastSeq: number }
  | { t: 'succeed'; pick: number; lastSeq: number }
  | { t: 'fork'; dev: number; seq: number }
  | { t: 'newcomer'; period: number; amount: number }
  | { t: 'admit'; pick: number }
  | { t: 'seal-next' };

const threat: fc.Arbitrary<Threat> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('negate' as const), dev: fc.nat(9), pick: fc.nat(), dated: fc.boolean() }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('late-txn' as const), dev: fc.nat(9), period: fc.nat(), amount: fc.integer({ min: 1, max: 99_999 }) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('retire' as const), pick: fc.nat(), lastSeq: fc.nat(3) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('succeed' as const), pick: fc.nat(), lastSeq: fc.nat(3) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('fork' as const), dev: fc.nat(9), seq: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('newcomer' as const), period: fc.nat(), amount: fc.integer({ min: 1, max: 99_999 }) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('admit' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.constant({ t: 'seal-next' as const }) },
);

/** Writes the threats on top of a played history; returns the entries added. */
class Attacker {
  readonly added: Entry[] = [];
  private minute = 0;
  private newcomers = 0;

  constructor(
    private readonly history: StoreHistory,
    private readonly base: Ledger,
    private readonly finals: PeriodView[],
  ) {}

  private get all(): Entry[] {
    return [...this.history.entries, ...this.added];
  }

  private write(entry: Entry): void {
    this.added.push(entry);
  }

  /** A date after the whole run, one minute apart. */
  private later(): string {
    const m = this.minute++;
    return `${nextPeriod(this.history.today)}T${String(9 + Math.floor(m / 60)).padStart(2, '0')}:${String(m % 60).padStart(2, '0')}:00`;
  }

  /** A date inside a final period, late in its day. */
  private inside(period: PeriodId): string {
    return `${period}T22:${String(this.minute++ % 60).padStart(2, '0')}:00`;
  }

  private device(n: number): DeviceBuilder {
    const devices = this.history.live.devices;
    return devices[n % devices.length]!;
  }

  private finalPeriod(n: number): PeriodView {
    return this.finals[n % this.finals.length]!;
  }

  /** Authors of the final periods' entries, for retires and successions below the cut. */
  private authors(): PeerId[] {
    const ids = this.finals.flatMap((p) => p.content ?? []);
    return [...new Set(ids.map((id) => this.base.entries.get(id)!.entry.peer))].sort();
  }

  play(t: Threat): string {
    const owner = this.history.live.owner;
    switch (t.t) {
      case 'negate': {
        const txns = this.finals.flatMap((p) => p.content ?? []).map((id) => this.base.entries.get(id)!.entry).filter((e) => e.kind === 'txn');
        const target = txns[t.pick % Math.max(1, txns.length)];
        if (target === undefined) return 'negate: nothing to negate';
        const d = this.device(t.dev);
        this.write(d.negate(target, t.dated ? this.inside(target.date.slice(0, 10)) : this.later(), 'after the seal'));
        return `negate ${target.id.slice(0, 8)} by ${d.peer}${t.dated ? ' dated in its period' : ''}`;
      }
      case 'late-txn': {
        const d = this.device(t.dev);
        const period = this.finalPeriod(t.period).period;
        this.write(d.txn(this.inside(period), [['Assets:Cash', t.amount], ['Income:Sales', -t.amount]], 'found receipt'));
        return `late txn by ${d.peer} dated in ${period}`;
      }
      case 'retire':
      case 'succeed': {
        const peer = this.authors()[t.pick % Math.max(1, this.authors().length)];
        if (peer === undefined || peer === owner.peer) return `${t.t}: no author`;
        if (t.t === 'retire') this.write(owner.retire(peer, t.lastSeq, this.later()));
        else this.write(owner.raw('succeed', { from: peer, to: `${peer}x` as PeerId, lastSeq: t.lastSeq, name: `${peer}x`, key: '' }, this.later()));
        return `${t.t} ${peer} at ${t.lastSeq}`;
      }
      case 'fork': {
        const d = this.device(t.dev);
        if (d.seq < 1) return 'fork: empty chain';
        const seq = 1 + (t.seq % d.seq);
        const below = this.all.find((e) => e.peer === d.peer && e.seq === seq - 1);
        const prev = seq === 1 ? null : (below?.id ?? null);
        this.write(d.raw('txn', { postings: [{ account: 'Assets:Cash', amount: 3 }, { account: 'Income:Sales', amount: -3 }] }, this.inside(this.finalPeriod(t.seq).period), { seq, prev }));
        return `fork ${d.peer} at seq ${seq}`;
      }
      case 'newcomer': {
        const peer = `N${++this.newcomers}`;
        this.write(owner.join(peer, [], this.later()));
        const period = this.finalPeriod(t.period).period;
        const fresh = device(this.history.book, peer);
        this.write(fresh.txn(this.inside(period), [['Assets:Card', t.amount], ['Income:Sales', -t.amount]]));
        return `newcomer ${peer} writes into ${period}`;
      }
      case 'admit': {
        const held = [...fold(this.all).entries.values()].filter((v) => v.state.status === 'held');
        const target = held[t.pick % Math.max(1, held.length)];
        if (target === undefined) return 'admit: nothing held';
        this.write(owner.admit(target.entry, this.later()));
        return `admit ${target.entry.kind} ${target.entry.id.slice(0, 8)}`;
      }
      case 'seal-next':
        return this.sealNext();
    }
  }

  /** The closer closes and seals the first open period, so late entries get a home. */
  private sealNext(): string {
    const ledger = fold(this.all);
    const period = ledger.firstOpenPeriod;
    if (period === undefined || period > this.history.today) return 'seal-next: no period to seal';
    const closer = this.history.live.closer;
    try {
      this.write(closer.close(period, this.later()));
      this.write(closer.seal(sealBody(fold(this.all), period, closer.peer), this.later()));
      return `seal ${period}`;
    } catch (error) {
      if (!(error instanceof AssertionError)) throw error;
      return `seal-next refused: ${error.message}`;
    }
  }
}

describe('finality: later arrivals', () => {
  it(
    'negations, late entries, retires, forks, newcomers and admits never change a final period',
    () => {
      fc.assert(
        fc.property(plans, fc.array(threat, { minLength: 1, maxLength: 8 }), (plan, threats) => {
          // Played afresh for each case: the attack moves the devices' chains on.
          const history = playHistory(plan);
          const base = fold(history.entries);
          const finals = [...finalFigures(base).values()];
          fc.pre(finals.length > 0);
          const attacker = new Attacker(history, base, finals);
          const story = threats.map((t) => attacker.play(t));
          const after = fold([...history.entries, ...attacker.added]);
          const note = noteOf(history, ['-- then --', ...story]);
          expectFinalKept(base, after, note);

          const lastFinalEnd = endOfDay(finals[finals.length - 1]!.period);
          const finalIds = new Set(finals.map((p) => p.period));
          for (const entry of attacker.added) {
            const view = after.entries.get(entry.id)!;
            if (view.state.status !== 'effective') continue;
            // Whatever arrives after a period is final takes effect after it.
            expect(view.effectiveDate! > lastFinalEnd, `${entry.kind} ${entry.id}\n${note}`).toBe(true);
            if (finalIds.has(entry.date.slice(0, 10))) {
              expect(view.late?.labelPeriod, `${entry.kind} dated in a final period must be late\n${note}`).toBe(entry.date.slice(0, 10));
            }
          }
          // A late entry is provisional exactly until a seal of its landing period covers it.
          const sealedFinal = finalFigures(after);
          for (const view of after.entries.values()) {
            if (view.late === undefined || view.state.status !== 'effective') continue;
            if (view.late.provisional) expect(view.late.into, note).toBe(after.firstOpenPeriod);
            else expect(sealedFinal.has(view.late.into), note).toBe(true);
          }
        }),
        { numRuns: propertyRuns() },
      );
    },
    timeoutMs,
  );
});

describe('finality: the admit that found a hole (regression, shrunk from the properties above)', () => {
  it('an admit of an entry that is not held changes nothing, even one a final seal covers', () => {
    // The owner saw the sale held (say, before the seal reached it, after retiring
    // T1) and admitted it. Every peer holding the seal sees the sale covered, so
    // effective on its own date: the admit must not move it out of the final day.
    const { book, owner, genesis } = newBook({ period: 'day' });
    const join = owner.join('T1', [], '2025-01-01T08:00:00');
    const sale = device(book, 'T1').txn('2025-01-01T09:00:00', [['Assets:Cash', 100], ['Income:Sales', -100]]);
    const close = owner.close('2025-01-01', '2025-01-02T08:00:00');
    const before = [genesis, join, sale, close];
    const seal = owner.seal(sealBody(fold(before), '2025-01-01', owner.peer), '2025-01-02T08:01:00');
    const final = fold([...before, seal]);
    const admit = owner.admit(sale, '2025-01-02T08:03:00');
    const after = fold([...before, seal, admit]);
    expect(after.entries.get(sale.id)?.effectiveDate).toBe('2025-01-01T09:00:00');
    expectFinalKept(final, after, 'admit of a covered, effective sale');
  });
});
