/**
 * fast-check generators of store histories, for the core's property tests.
 *
 * A history is generated as a plan: a list of plain store actions (`Op`), played by
 * the simulator in store-sim.ts on top of the builders. Generating actions rather
 * than entries keeps shrinking meaningful: a failing history shrinks to a short
 * list of store actions, which a person can read and replay.
 */
import fc from 'fast-check';
import { type Op, type Plan, type StoreHistory, TEMPLATES, playHistory } from './store-sim.ts';

// What the property tests use of the simulator, named here so they need one import.
export { CHART, DAYS_MAX, dayAt, playHistory } from './store-sim.ts';
export type { Checkpoint, Op, Plan, StoreHistory } from './store-sim.ts';

export interface HistoryOptions {
  /** Devices joined at the start, besides the owner (2-5 by default). */
  devicesMin?: number;
  devicesMax?: number;
  opsMax?: number;
  /** Leave out retires, successions, forks, enrol grants, admits, lying summaries and lying seals. */
  benign?: boolean;
  /** The book's reconciliation window; 1, 2 or 28 days when not given. */
  windowDays?: number;
  /**
   * Let the owner seal too, from its own view, so two seals can continue the chain
   * from the same previous seal. The fold resolves that by (hlc, id) and raises an
   * alarm; it is the one case that can undo a final period, so only convergence
   * tests ask for it.
   */
  rivalSeals?: boolean;
}

const dev = fc.nat(7);

function opArbitrary(benign: boolean, rivalSeals: boolean): fc.Arbitrary<Op> {
  const daysBack = (max: number, weightToday: number): fc.Arbitrary<number> =>
    fc.oneof({ weight: weightToday, arbitrary: fc.constant(0) }, { weight: 1, arbitrary: fc.integer({ min: 1, max }) });
  const amount = fc.integer({ min: 1, max: 99_999 });
  const tpl = fc.nat(TEMPLATES.length - 1);
  const common: Array<fc.WeightedArbitrary<Op>> = [
    { weight: 30, arbitrary: fc.record({ t: fc.constant('txn'), dev, tpl, amount, back: fc.oneof({ weight: 30, arbitrary: daysBack(3, 6) }, { weight: 1, arbitrary: fc.constant(-1) }) }) },
    { weight: 7, arbitrary: fc.record({ t: fc.constant('negate'), dev, pick: fc.nat(), back: daysBack(2, 4) }) },
    { weight: 3, arbitrary: fc.record({ t: fc.constant('twin-negate'), a: dev, b: dev, pick: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('bad-negate'), dev, pick: fc.nat() }) },
    { weight: 12, arbitrary: fc.record({ t: fc.constant('sync'), from: dev, to: dev }) },
    { weight: 4, arbitrary: fc.record({ t: fc.constant('trickle'), from: dev, to: dev, skip: fc.nat(5) }) },
    { weight: 4, arbitrary: fc.constant({ t: 'sync-all' }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('skew'), dev, hours: fc.integer({ min: -30, max: 12 }).filter((h) => h !== 0) }) },
    { weight: 8, arbitrary: fc.constant({ t: 'next-day' }) },
    { weight: 4, arbitrary: fc.record({ t: fc.constant('summary'), dev, back: fc.nat(2) }) },
    { weight: 8, arbitrary: fc.constant({ t: 'close' }) },
    { weight: 8, arbitrary: fc.record({ t: fc.constant('ack'), dev }) },
    { weight: 8, arbitrary: fc.constant({ t: 'seal' }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('join'), by: dev }) },
  ];
  const adversarial: Array<fc.WeightedArbitrary<Op>> = [
    { weight: 1, arbitrary: fc.record({ t: fc.constant('retire'), dev, slack: fc.nat(2), by: dev }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('succeed'), dev }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('equivocate'), dev, seq: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('grant-enrol'), dev }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('admit'), pick: fc.nat() }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('lying-summary'), dev }) },
    { weight: 1, arbitrary: fc.constant({ t: 'lying-seal' }) },
  ];
  const rivals: Array<fc.WeightedArbitrary<Op>> = [
    { weight: 2, arbitrary: fc.constant({ t: 'rival-seal' }) },
    { weight: 1, arbitrary: fc.record({ t: fc.constant('move-closer'), dev }) },
  ];
  const all = [...common, ...(benign ? [] : adversarial), ...(rivalSeals ? rivals : [])];
  return fc.oneof<Array<fc.WeightedArbitrary<Op>>>(...all);
}

/** Arbitrary plans; `storeHistory` plays them. */
export function historyPlan(options: HistoryOptions = {}): fc.Arbitrary<Plan> {
  return fc
    .record({
      tablets: fc.integer({ min: options.devicesMin ?? 2, max: options.devicesMax ?? 5 }),
      closer: fc.nat(4),
      windowDays: options.windowDays === undefined ? fc.constantFrom(1, 2, 28) : fc.constant(options.windowDays),
      ops: fc.array(opArbitrary(options.benign ?? false, options.rivalSeals ?? false), { maxLength: options.opsMax ?? 70, size: 'max' }),
    })
    .map((plan) => ({ ...plan, closer: plan.closer % plan.tablets }));
}

/** Arbitrary store histories; see the module comment. */
export function storeHistory(options: HistoryOptions = {}): fc.Arbitrary<StoreHistory> {
  return historyPlan(options).map(playHistory);
}

/**
 * An arrival order of a set of entries with duplicates: a permutation of `entries`
 * with some of them delivered again (as equal copies, not the same objects).
 */
export function arrivals<T>(entries: readonly T[]): fc.Arbitrary<T[]> {
  const n = entries.length;
  return fc
    .record({
      keys: fc.array(fc.nat(), { minLength: n, maxLength: n }),
      again: fc.array(fc.nat(Math.max(0, n - 1)), { maxLength: n === 0 ? 0 : 8 }),
    })
    .map(({ keys, again }) => {
      const order = entries.map((e, i) => ({ e, k: keys[i] ?? 0, i })).sort((x, y) => x.k - y.k || x.i - y.i);
      const out = order.map((o) => o.e);
      for (const i of again) out.splice(i % (out.length + 1), 0, structuredClone(entries[i]!));
      return out;
    });
}

