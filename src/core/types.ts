/**
 * The entry model: plain data, shared by every layer.
 *
 * An entry is an immutable fact. Its `id` is the SHA-256 of its canonical bytes
 * (without the `id` field), its `sig` is the author's signature over the canonical
 * bytes without `id` and `sig`. See canonical.ts for the byte form and entry.ts for
 * how an entry is made.
 */

/** 64 lowercase hex chars: SHA-256 of the entry's canonical bytes without `id`. */
export type EntryId = string & { readonly __brand: 'EntryId' };
/** A device's id. Short printable string (see limits.ts); from issue 8 on, derived from its public key. */
export type PeerId = string & { readonly __brand: 'PeerId' };
/** A ledger: one store, or one store's register. */
export type BookId = string & { readonly __brand: 'BookId' };
/**
 * Hybrid logical clock stamp: `WWWWWWWWWWWWW-CCCC`, 13 digits of wall-clock
 * milliseconds since the epoch, a dash, a 4-digit logical counter. Fixed width, so
 * string order is time order.
 */
export type Hlc = string & { readonly __brand: 'Hlc' };
/**
 * Business date-time in the book's own time zone, no offset: `YYYY-MM-DDTHH:MM:SS`.
 * Keeping it zone-local makes periods (days, months) plain string prefixes, so the
 * fold needs no time-zone database and every peer cuts periods identically.
 */
export type BusinessDate = string & { readonly __brand: 'BusinessDate' };
/** A calendar day `YYYY-MM-DD` (as-of queries use the end of that day). */
export type Day = string;
/** A period: `YYYY-MM-DD` for daily books, `YYYY-MM` for monthly books. */
export type PeriodId = string;

export const KINDS = [
  'book',
  'txn',
  'negate',
  'admit',
  'summary',
  'close',
  'ack',
  'seal',
  'join',
  'retire',
  'succeed',
] as const;
export type Kind = (typeof KINDS)[number];

export type Role = 'owner' | 'closer' | 'enrol';
export const ROLES: readonly Role[] = ['owner', 'closer', 'enrol'];

export type PeriodLength = 'day' | 'month';

/** Genesis of a book: its author is the owner. Fixed when the book is created. */
export interface BookBody {
  name: string;
  /** ISO 4217 code; amounts are integers in its minor unit. */
  currency: string;
  /** IANA zone the business dates are written in (used at the edges, never by the fold). */
  timezone: string;
  period: PeriodLength;
  /** Reconciliation window in days (default 28). */
  windowDays: number;
}

export interface Posting {
  account: string;
  /** Integer minor units. Debit positive, credit negative. Never zero. */
  amount: number;
}

export interface TxnBody {
  postings: Posting[];
  memo?: string;
  /** External reference (receipt number, card slip). */
  ref?: string;
}

/** Points at one entry exactly: author, seq and id must all agree. */
export interface EntryRef {
  peer: PeerId;
  seq: number;
  id: EntryId;
}

export interface NegateBody {
  target: EntryRef;
  reason: string;
}

/** An authorised decision to let a held entry into the books. */
export interface AdmitBody {
  target: EntryRef;
  reason: string;
}

/** One author's contiguous frontier: every seq 1..seq held, `head` the id at `seq`. */
export interface CutLine {
  peer: PeerId;
  seq: number;
  head: EntryId;
}
/** A cut: one line per author, sorted by peer id, no duplicates. */
export type Cut = CutLine[];

/** A balance in a summary or seal. Decimal integer string: balances may exceed 2^53. */
export interface BalanceLine {
  account: string;
  amount: string;
}

export interface SummaryBody {
  /** The summary covers entries within `cut` whose effective date is on or before the end of this day. */
  asOf: Day;
  cut: Cut;
  /** Sorted by account; zero balances omitted. */
  balances: BalanceLine[];
}

export interface CloseBody {
  period: PeriodId;
}

/** The author promises that all its entries dated in `period` have seq below this ack's seq. */
export interface AckBody {
  period: PeriodId;
}

export interface SealBody {
  period: PeriodId;
  /** The previous seal in the book's chain, or null for the first. Seals form one chain, in period order. */
  prevSeal: EntryId | null;
  cut: Cut;
  /** Closing balances: cumulative balances at the end of the period. */
  balances: BalanceLine[];
  /** digest of the period's content and closing balances (see fold). */
  digest: string;
}

export interface JoinBody {
  device: PeerId;
  name: string;
  /** The device's public key (base64url); empty until device keys exist (issue 8). */
  key: string;
  roles: Role[];
}

export interface RetireBody {
  device: PeerId;
  /** The device's last good seq: its entries beyond it are held for review. */
  lastSeq: number;
  reason: string;
}

export interface SucceedBody {
  from: PeerId;
  to: PeerId;
  /** The old identity's last seq. */
  lastSeq: number;
  name: string;
  key: string;
}

export interface BodyByKind {
  book: BookBody;
  txn: TxnBody;
  negate: NegateBody;
  admit: AdmitBody;
  summary: SummaryBody;
  close: CloseBody;
  ack: AckBody;
  seal: SealBody;
  join: JoinBody;
  retire: RetireBody;
  succeed: SucceedBody;
}

/** The signed part of an entry. */
export interface UnsignedEntry<K extends Kind = Kind> {
  nonce: string;
  book: BookId;
  kind: K;
  peer: PeerId;
  seq: number;
  prev: EntryId | null;
  hlc: Hlc;
  date: BusinessDate;
  body: BodyByKind[K];
}

export interface SignedEntry<K extends Kind = Kind> extends UnsignedEntry<K> {
  sig: string;
}

export interface EntryOf<K extends Kind> extends SignedEntry<K> {
  id: EntryId;
}

/** Any entry: a discriminated union on `kind`. */
export type Entry = { [K in Kind]: EntryOf<K> }[Kind];
