/**
 * A seal without a fold, in the case a store in sync meets every period: the seal's
 * cut is exactly what this peer holds (summaries.ts's cutIsHeld), nothing is forked,
 * pending, held or invalid, the seal continues the chain from the last seal for the
 * first open period, and the roster within its cut is the roster. Then, reading
 * fold-seals, fold-landing, fold-money and fold-periods:
 * - the seal is recorded, joins the chain, and covers every entry held;
 * - no entry's state or effective date moves: entries dated in the period are covered
 *   at their own date, later ones stay open, and late entries waiting provisionally
 *   in this period are now covered here (provisional becomes false, same date);
 * - the choice between negations keeps its order (every candidate gains one cover);
 * - the period becomes final (all earlier ones are), with content, closing balances
 *   and digest computed here, and a 'seal-disagrees' alarm when the seal's claim
 *   differs; the first open period moves on.
 * Any other seal goes to the fold.
 */
import { isPeriodId, periodStart } from '../core/dates.ts';
import { periodDigest } from '../core/digest.ts';
import { byHlcId } from '../core/fold-order.ts';
import { lastDayOf } from '../core/fold-periods.ts';
import { computeRoster, isRosterEntry } from '../core/fold-roster.ts';
import type { AccountAmount, Alarm, PeriodView } from '../core/ledger.ts';
import type { EntryOf } from '../core/types.ts';
import { periodContent } from './answers.ts';
import { dateToSeconds } from './codec.ts';
import { KIND_CODE } from './entries.ts';
import { sameAnswer } from './same.ts';
import type { QueryStore } from './store.ts';
import { cutIsHeld } from './summaries.ts';

/** Record `seal` without a fold when the case above holds; false (nothing changed) otherwise. */
export function quickSeal(store: QueryStore, seal: EntryOf<'seal'>, unjudged: ReadonlySet<number>): boolean {
  const s = store.structure;
  const period = seal.body.period;
  if (!s.noForks || !s.extendsQuietly(seal) || s.settings === undefined) return false;
  if (![...store.states.details.keys()].every((row) => unjudged.has(row))) return false;
  if (!cutIsHeld(seal.body.cut, s.frontier) || !continuesChain(store, seal)) return false;
  const author = s.roster.get(seal.peer);
  if (author === undefined || !(author.roles.includes('closer') || author.roles.includes('owner'))) return false;
  if (!rosterWithinIsRoster(store)) return false;
  const view = finalView(store, seal);
  coverLate(store, period);
  const alarm: Alarm | undefined = view.sealAgrees === true ? undefined : { kind: 'seal-disagrees', period, seal: seal.id };
  s.recordSeal(seal, view, alarm);
  return true;
}

/** The seal names the last seal (null for none), is for the first open period, and all sealed periods are final. */
function continuesChain(store: QueryStore, seal: EntryOf<'seal'>): boolean {
  const s = store.structure;
  const sealed = s.periods.filter((p) => p.seal !== undefined);
  if (sealed.some((p) => p.status !== 'final')) return false;
  const last = sealed[sealed.length - 1];
  if (seal.body.prevSeal !== (last?.seal ?? null)) return false;
  if (last !== undefined) return seal.body.period === s.firstOpenPeriod;
  if (!isPeriodId(seal.body.period, s.settings!.period)) return false;
  // A first seal makes every money entry dated before its period late: leave that to the fold.
  const start = dateToSeconds(periodStart(seal.body.period));
  const { kind, date } = store.entries;
  const money = new Set([KIND_CODE.txn, KIND_CODE.negate, KIND_CODE.admit]);
  for (let r = 0; r < store.entries.size; r++) if (money.has(kind.data[r]!) && date.data[r]! < start) return false;
  return true;
}

/** The roster computed from the roster entries within the cut (all held) equals the books' roster. */
function rosterWithinIsRoster(store: QueryStore): boolean {
  const s = store.structure;
  const objects = [...store.entries.objects.values()];
  const genesis = objects.find((e): e is EntryOf<'book'> => e.kind === 'book' && e.id === s.settings!.genesis);
  if (genesis === undefined) return false;
  const within = computeRoster(genesis, objects.filter(isRosterEntry).sort(byHlcId)).members;
  return sameAnswer([...within.values()], [...s.roster.values()]);
}

/** The period's view once final, with its figures computed here. */
function finalView(store: QueryStore, seal: EntryOf<'seal'>): PeriodView {
  const period = seal.body.period;
  const before = store.structure.periods.find((p) => p.period === period);
  const finals = store.structure.periods.filter((p) => p.status === 'final');
  const previousDigest = finals[finals.length - 1]?.digest ?? null;
  const content = periodContent(store, period);
  const closingBalances = store.balancesAsOf(lastDayOf(period));
  const digest = periodDigest(period, previousDigest, content, closingBalances);
  const view: PeriodView = { ...(before ?? { period, acks: [] }), status: 'final', seal: seal.id, missing: [], closingBalances, digest, sealAgrees: agrees(seal, closingBalances, digest) };
  return view;
}

/** As fold-periods.ts's sealAgrees. */
function agrees(seal: EntryOf<'seal'>, balances: AccountAmount[], digest: string): boolean {
  const claimed = seal.body.balances;
  if (seal.body.digest !== digest || claimed.length !== balances.length) return false;
  return balances.every((b, i) => claimed[i]!.account === b.account && claimed[i]!.amount === b.amount.toString());
}

/** Late entries waiting provisionally in `period` are now covered there. */
function coverLate(store: QueryStore, period: string): void {
  for (const [row, late] of store.states.late) {
    if (late.into === period && late.provisional) store.states.late.set(row, { ...late, provisional: false });
  }
}
