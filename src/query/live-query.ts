/**
 * The questions a screen can keep live, and when a batch may change each answer.
 * `mayChange` must never say false when the answer changed (tests check it); it says
 * true more often than needed where being exact would cost more than re-evaluating.
 */
import type { Day, PeriodId } from '../core/types.ts';
import type { RangeOptions } from './answers.ts';
import { dayIndexOf } from './codec.ts';
import type { SearchFilter } from './search.ts';
import type { Status } from './state.ts';
import type { QueryStore } from './store.ts';

export type Query =
  | { type: 'balances'; asOf: Day }
  | { type: 'trialBalance'; asOf: Day }
  | { type: 'register'; account: string; from?: Day; to?: Day; offset?: number; limit?: number }
  | { type: 'search'; filter: SearchFilter }
  | { type: 'totalsByDay'; from?: Day; to?: Day; account?: string }
  | { type: 'totalsByAccount'; from?: Day; to?: Day }
  | { type: 'negations' }
  | { type: 'late' }
  | { type: 'withStatus'; status: Status }
  | { type: 'summaries' }
  | { type: 'periods'; content?: boolean }
  | { type: 'closingBalances'; period: PeriodId }
  | { type: 'alarms' }
  | { type: 'frontier' }
  | { type: 'quarantine' }
  | { type: 'entry'; id: string };

/** What one batch changed. */
export interface Change {
  /** Lowest and highest effective day of the postings that entered or left the books (min > max: none). */
  minDay: number;
  maxDay: number;
  /** Accounts whose postings entered or left the books. */
  accounts: ReadonlySet<string>;
  /** Entries were added (and some may have changed state). */
  entries: boolean;
  /** The batch went through the fold: any entry's state and any structural view may have changed. */
  structure: boolean;
  /** The periods changed (a fold, or a close or ack recorded without one). */
  periods: boolean;
  /** The summaries changed (a fold, or a summary recorded without one). */
  summaries: boolean;
  quarantine: boolean;
}

/** The answer to `query` now. */
export function answerQuery(store: QueryStore, q: Query): unknown {
  switch (q.type) {
    case 'balances': return store.balancesAsOf(q.asOf);
    case 'trialBalance': return store.trialBalance(q.asOf);
    case 'register': return store.register(q.account, q);
    case 'search': return store.search(q.filter);
    case 'totalsByDay': return store.totalsByDay(q);
    case 'totalsByAccount': return store.totalsByAccount(q);
    case 'negations': return store.negations();
    case 'late': return store.late();
    case 'withStatus': return store.withStatus(q.status);
    case 'summaries': return store.summaries();
    case 'periods': return store.periods(q);
    case 'closingBalances': return store.closingBalances(q.period);
    case 'alarms': return store.alarms();
    case 'frontier': return store.frontier();
    case 'quarantine': return store.quarantine();
    case 'entry': return store.entry(q.id);
  }
}

function moneyIn(change: Change, range: RangeOptions): boolean {
  if (change.minDay > change.maxDay) return false;
  const from = range.from === undefined ? -Infinity : dayIndexOf(range.from);
  const to = range.to === undefined ? Infinity : dayIndexOf(range.to);
  return change.maxDay >= from && change.minDay <= to;
}

/** False only when `change` cannot alter the answer to `q`. */
export function mayChange(q: Query, change: Change): boolean {
  if (q.type === 'quarantine') return change.quarantine;
  if (change.structure) return true;
  switch (q.type) {
    case 'balances':
    case 'trialBalance':
      return change.minDay <= dayIndexOf(q.asOf);
    case 'register':
      // Every later running balance moves, whatever the range: any change to the account counts.
      return change.accounts.has(q.account);
    case 'totalsByDay':
    case 'totalsByAccount':
      return moneyIn(change, q);
    case 'search':
    case 'negations':
    case 'late':
    case 'withStatus':
    case 'entry':
    case 'alarms':
    case 'frontier':
      return change.entries;
    case 'periods':
    case 'closingBalances':
      return change.periods;
    case 'summaries':
      return change.summaries;
  }
}
