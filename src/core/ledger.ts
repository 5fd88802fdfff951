/**
 * The shape of the books: what the fold (fold.ts) computes from a set of entries,
 * and what the query store (src/query) must answer identically.
 *
 * Every field is a function of the SET of entries held: never of arrival order, of
 * who saw what first, or of a clock. Money is bigint here: balances may grow past
 * 2^53 even though each posting is capped (limits.amountAbsMax).
 */
import type { BookBody, BusinessDate, Day, Entry, EntryId, PeerId, PeriodId, Role } from './types.ts';

/** A book's settings, from its genesis (`book`) entry. */
export interface BookSettings extends BookBody {
  owner: PeerId;
  genesis: EntryId;
}

/**
 * What became of one entry.
 * - effective: a txn or negate in the books.
 * - recorded: a non-money entry that took its effect (join, seal, summary, ...).
 * - pending: waits on an entry not held yet (unknown target, author not yet enrolled,
 *   seal whose predecessor is missing); recomputed as the set grows.
 * - held: kept in the journal, out of the balances, until an authorised `admit`
 *   (late beyond the window, author retired or equivocating, target held).
 * - invalid: can never take effect (negating a non-txn, a seal by a non-closer, ...).
 * - duplicate: a second negation of a target that another negation already negates.
 */
export type EntryState =
  | { status: 'effective' }
  | { status: 'recorded' }
  | { status: 'pending'; reason: string }
  | { status: 'held'; reason: HeldReason; detail: string }
  | { status: 'invalid'; reason: string }
  | { status: 'duplicate'; of: EntryId };

export type HeldReason = 'late-beyond-window' | 'retired' | 'equivocation' | 'target-held';

/** An entry dated in a sealed period but beyond that period's seal cut. */
export interface LateInfo {
  /** The period its date falls in. */
  labelPeriod: PeriodId;
  /** The period it takes effect in (at that period's start). */
  into: PeriodId;
  /** True until a seal of `into` covers it. */
  provisional: boolean;
}

export interface EntryView {
  entry: Entry;
  state: EntryState;
  /** For effective money entries: when they count in as-of queries. */
  effectiveDate?: BusinessDate;
  late?: LateInfo;
  /** For a txn: the negation in effect against it. */
  negatedBy?: EntryId;
  /** For a txn: other negations of it, shown as duplicates to review. */
  duplicateNegations?: EntryId[];
}

/** One posting in the books (a negation contributes the opposite of its target's postings). */
export interface EffectivePosting {
  entry: EntryId;
  account: string;
  amount: bigint;
  /** The date it counts at. */
  effectiveDate: BusinessDate;
  /** The entry's own business date (differs from effectiveDate for late entries and negations). */
  labelDate: BusinessDate;
  /** Tie-breaks postings on one date: the entry's hlc, then id. */
  hlc: string;
}

/** A missing range of one author's seqs, inclusive. */
export interface SeqRange {
  peer: PeerId;
  from: number;
  to: number;
}

export interface AuthorFrontier {
  peer: PeerId;
  /** Highest seq such that 1..seq are all held (0 if seq 1 is missing). */
  contiguous: number;
  /** Id of the entry at `contiguous` (on the author's chain), undefined when 0. */
  head?: EntryId;
  /** Highest seq held at all. */
  highest: number;
  /** Gaps below `highest`. */
  missing: SeqRange[];
}

export interface AccountAmount {
  account: string;
  amount: bigint;
}

export type SummaryVerdict =
  /** The cut is held, its balances match, and nothing beyond the cut changes them. */
  | { verdict: 'agreed' }
  /** Entries beyond the cut change the balances as of the summary's day. */
  | { verdict: 'stale'; beyond: EntryId[] }
  /** This peer lacks entries inside the cut. */
  | { verdict: 'unverifiable'; lacking: SeqRange[] }
  /** The same cut gives other balances. */
  | { verdict: 'false'; differences: Array<{ account: string; claimed: bigint; actual: bigint }> };

export interface SummaryView {
  summary: EntryId;
  author: PeerId;
  asOf: Day;
  result: SummaryVerdict;
  /** A newer summary (same author, higher seq) replaces this one. */
  supersededBy?: EntryId;
}

export interface AckView {
  peer: PeerId;
  ack: EntryId;
  /** The ack's own seq: the author's entries dated in the period are below it. */
  seq: number;
}

export type PeriodStatus = 'open' | 'closing' | 'sealed' | 'final';

export interface PeriodView {
  period: PeriodId;
  status: PeriodStatus;
  close?: EntryId;
  acks: AckView[];
  seal?: EntryId;
  /** While sealed but not final: the entries within the seal's cut this peer lacks. */
  missing: SeqRange[];
  /** When final: the money entries whose effect falls in this period, sorted. */
  content?: EntryId[];
  /** When final: cumulative balances at the end of the period, as computed here. */
  closingBalances?: AccountAmount[];
  /** When final: the digest computed here. */
  digest?: string;
  /** When final: false if the seal's claimed balances or digest differ from ours (alarm). */
  sealAgrees?: boolean;
}

export interface RosterMember {
  peer: PeerId;
  name: string;
  key: string;
  roles: Role[];
  /** Set when the device was retired (or succeeded): entries beyond it are held. */
  lastSeq?: number;
  /** The join, succeed or book entry that enrolled it. */
  enrolledBy: EntryId;
}

export type Alarm =
  | { kind: 'equivocation'; peer: PeerId; seq: number; entries: EntryId[] }
  | { kind: 'seal-conflict'; period: PeriodId; seals: EntryId[] }
  | { kind: 'seal-disagrees'; period: PeriodId; seal: EntryId }
  | { kind: 'clock-skew'; entry: EntryId; detail: string };

/** The books as one peer sees them. */
export interface Ledger {
  settings: BookSettings | undefined;
  /** Every entry held, by id, with what became of it. */
  entries: ReadonlyMap<EntryId, EntryView>;
  /** All postings in effect, sorted by (effectiveDate, hlc, entry, account). */
  postings: readonly EffectivePosting[];
  frontier: ReadonlyMap<PeerId, AuthorFrontier>;
  roster: ReadonlyMap<PeerId, RosterMember>;
  summaries: readonly SummaryView[];
  /** Periods that have a close or a seal, in period order. */
  periods: readonly PeriodView[];
  /** The first period without a valid seal (where late entries land provisionally). */
  firstOpenPeriod: PeriodId | undefined;
  alarms: readonly Alarm[];
}

export interface TrialBalanceLine {
  account: string;
  /** Positive balances. */
  debit: bigint;
  /** Negative balances, as a positive number. */
  credit: bigint;
}

export interface TrialBalance {
  asOf: Day;
  lines: TrialBalanceLine[];
  debitTotal: bigint;
  creditTotal: bigint;
}

export interface RegisterRow {
  entry: EntryId;
  effectiveDate: BusinessDate;
  labelDate: BusinessDate;
  amount: bigint;
  /** Balance of the account after this row. */
  running: bigint;
}

export interface RegisterPage {
  account: string;
  rows: RegisterRow[];
  /** Rows in the whole register (for paging). */
  total: number;
}
