/**
 * A seal without a fold, in the case a store in sync meets every period: this peer
 * holds every entry within the seal's cut (each line's head, and its author's chain
 * below it), every money entry counting in the period (or dated in it) lies within
 * the cut, nothing is forked, pending, held, invalid or admitted, the seal continues
 * the chain from the last seal for the first open period, and the roster within its
 * cut is the roster. The peer may hold more than the cut (a tablet that wrote on
 * after the closer's view), as long as those entries count after the period. Then,
 * reading fold-seals, fold-landing, fold-money and fold-periods:
 * - the seal is recorded, joins the chain, and covers the entries within its cut;
 * - no entry's state or effective date moves: entries dated in the period are covered
 *   at their own date, later ones stay open (the period after is open now), and late
 *   entries waiting provisionally in this period are now covered here (provisional
 *   becomes false, same date);
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
import { computeRoster, isRosterEntry, type RosterEntry } from '../core/fold-roster.ts';
import type { AccountAmount, Alarm, PeriodView } from '../core/ledger.ts';
import type { Cut, EntryOf } from '../core/types.ts';
import { periodContent } from './answers.ts';
import { dateToSeconds } from './codec.ts';
import { KIND_CODE } from './entries.ts';
import { sameAnswer } from './same.ts';
import type { QueryStore } from './store.ts';

/** Record `seal` without a fold when the case above holds; false (nothing changed) otherwise. */
export function quickSeal(store: QueryStore, seal: EntryOf<'seal'>): boolean {
  const s = store.structure;
  const period = seal.body.period;
  if (!s.noForks || !s.extendsQuietly(seal) || s.settings === undefined) return false;
  // Every entry judged so far is effective or recorded (rows not judged yet keep no details).
  if (store.states.details.size > 0) return false;
  if (s.hasAdmits || !continuesChain(store, seal)) return false;
  const within = heldCut(store, seal.body.cut);
  if (within === undefined || !periodWithin(store, period, within)) return false;
  const author = s.roster.get(seal.peer);
  if (author === undefined || !(author.roles.includes('closer') || author.roles.includes('owner'))) return false;
  if (!rosterWithinIsRoster(store, within)) return false;
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

/**
 * When this peer holds every entry within `cut` (no forks anywhere): the test "is the
 * entry at this row within the cut", which is then "its seq is at most its author's
 * line". Undefined when a line's head is not held at the line's seq on an unbroken
 * chain (the period would stay sealed, missing entries: left to the fold).
 */
function heldCut(store: QueryStore, cut: Cut): ((row: number) => boolean) | undefined {
  const e = store.entries;
  const lines = new Map<number, number>();
  for (const line of cut) {
    const p = e.peers.get(line.peer);
    const head = e.ids.indexOf(line.head);
    if (p === undefined || head < 0 || store.states.unjudged(head) || e.peer.data[head] !== p || e.seq.data[head] !== line.seq) return undefined;
    if ((store.structure.frontier.get(line.peer)?.contiguous ?? 0) < line.seq) return undefined;
    lines.set(p, line.seq);
  }
  return (row) => {
    const seq = lines.get(e.peer.data[row]!);
    return seq !== undefined && e.seq.data[row]! <= seq && !store.states.unjudged(row);
  };
}

/** Every money entry judged that is dated in `period` or counts in it lies within the cut (so none moves). */
function periodWithin(store: QueryStore, period: string, within: (row: number) => boolean): boolean {
  const start = dateToSeconds(periodStart(period));
  const end = dateToSeconds(`${lastDayOf(period)}T23:59:59`);
  const { kind, date } = store.entries;
  const effSec = store.states.effSec.data;
  for (let r = 0; r < store.entries.size; r++) {
    const k = kind.data[r]!;
    if ((k !== KIND_CODE.txn && k !== KIND_CODE.negate) || store.states.unjudged(r)) continue;
    const d = date.data[r]!;
    const eff = effSec[r]!;
    if (((d >= start && d <= end) || (eff >= start && eff <= end)) && !within(r)) return false;
  }
  return true;
}

/** The roster computed from the roster entries within the cut equals the books' roster. */
function rosterWithinIsRoster(store: QueryStore, within: (row: number) => boolean): boolean {
  const s = store.structure;
  const genesis = [...store.entries.objects.values()].find((e): e is EntryOf<'book'> => e.kind === 'book' && e.id === s.settings!.genesis);
  if (genesis === undefined) return false;
  const entries = [...store.entries.objects].filter(([row, e]) => isRosterEntry(e) && within(row)).map(([, e]) => e as RosterEntry);
  const members = computeRoster(genesis, entries.sort(byHlcId)).members;
  return sameAnswer([...members.values()], [...s.roster.values()]);
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
