/**
 * Test builders: a book and its devices, each writing entries of every kind with
 * the seq, prev and hlc bookkeeping done for it. Shared by the unit tests and the
 * property tests, so it stays small and its behaviour stays fixed:
 *
 * - A device's first entry has seq 1 and prev null; each next one chains on the last.
 * - The hlc is `wall-0000`: the wall time in ms, then a zero counter. The wall advances
 *   by `HLC_STEP_MS` per entry, and (while `followDates` is true) jumps forward to an
 *   entry's business date read as UTC when that date is ahead of it, because a real
 *   device writes an entry about when it happens. So builders never trip the
 *   clock-skew alarm unless a test turns `followDates` off.
 * - Non-money entries without an explicit date are dated at the device's wall time.
 * - Nonces are derived from (book, peer, count of entries this builder made), so a
 *   run is reproducible and two entries of one builder never share a nonce.
 * - Entries are signed with the dev scheme (makeDevEntry).
 */
import { businessDateAsUtcMs, businessDateFromUtcMs } from '../dates.ts';
import { makeDevEntry } from '../entry.ts';
import { sha256Hex } from '../hash.ts';
import { limits } from '../limits.ts';
import type {
  BodyByKind,
  BookId,
  BusinessDate,
  Entry,
  EntryId,
  EntryOf,
  EntryRef,
  Hlc,
  Kind,
  PeerId,
  PeriodLength,
  Role,
  SealBody,
  SummaryBody,
} from '../types.ts';

/** 2025-01-01T00:00:00Z: where every builder's clock starts unless told otherwise. */
export const START_MS = 1_735_689_600_000;
/** How far a device's wall clock moves per entry it writes. */
export const HLC_STEP_MS = 1000;

export interface DeviceBuilder {
  readonly peer: PeerId;
  readonly book: BookId;
  /** Seq of the last entry written on the main chain (0 before the first). */
  seq: number;
  /** Id of the last entry written on the main chain (null before the first). */
  head: EntryId | null;
  /** When true (default), the wall clock jumps forward to a business date ahead of it. */
  followDates: boolean;
  txn(date: string, postings: Array<[string, number]>, memo?: string): EntryOf<'txn'>;
  negate(target: Entry, date: string, reason?: string): EntryOf<'negate'>;
  join(device: PeerId | string, roles?: Role[], date?: string): EntryOf<'join'>;
  retire(device: PeerId | string, lastSeq: number, date?: string): EntryOf<'retire'>;
  /** This device hands over to `to`: it is retired at `lastSeq`, `to` takes its roles. */
  succeed(to: PeerId | string, lastSeq: number, date?: string): EntryOf<'succeed'>;
  admit(target: Entry, date?: string): EntryOf<'admit'>;
  close(period: string, date?: string): EntryOf<'close'>;
  ack(period: string, date?: string): EntryOf<'ack'>;
  seal(body: SealBody, date?: string): EntryOf<'seal'>;
  summary(body: SummaryBody, date?: string): EntryOf<'summary'>;
  /**
   * Any kind and body, for adversarial tests. With `at`, the entry is written at that
   * explicit seq/prev (a fork, for equivocation) and the builder's own seq/head do
   * NOT move: the main chain continues as if the fork had not been written.
   */
  raw<K extends Kind>(kind: K, body: BodyByKind[K], date: string, at?: { seq: number; prev: EntryId | null }): EntryOf<K>;
  /** Set the device's wall time (ms since the epoch); the next entry is stamped there. */
  clock(wallMs: number): void;
}

/** The ref a negate or admit uses to name `entry`. */
export function refOf(entry: Entry): EntryRef {
  return { peer: entry.peer, seq: entry.seq, id: entry.id };
}

/** A device of `book` named `peer`, its clock starting at `startMs`. */
export function device(book: BookId | string, peer: string, startMs: number = START_MS): DeviceBuilder {
  let wallMs = startMs;
  let made = 0;

  function stamp(date: BusinessDate, follow: boolean): Hlc {
    if (follow) wallMs = Math.max(wallMs, businessDateAsUtcMs(date));
    const hlc = `${String(wallMs).padStart(13, '0')}-0000` as Hlc;
    wallMs += HLC_STEP_MS;
    return hlc;
  }

  function nowDate(): BusinessDate {
    return businessDateFromUtcMs(wallMs, 0);
  }

  const builder: DeviceBuilder = {
    peer: peer as PeerId,
    book: book as BookId,
    seq: 0,
    head: null,
    followDates: true,

    raw(kind, body, date, at) {
      const fork = at !== undefined;
      const seq = fork ? at.seq : builder.seq + 1;
      const prev = fork ? at.prev : builder.head;
      const nonce = sha256Hex(`${book}\n${peer}\n${made++}`).slice(0, limits.nonceChars);
      const entry = makeDevEntry({
        nonce,
        book: book as BookId,
        kind,
        peer: peer as PeerId,
        seq,
        prev,
        hlc: stamp(date as BusinessDate, builder.followDates),
        date: date as BusinessDate,
        body,
      }) as EntryOf<typeof kind>;
      if (!fork) {
        builder.seq = seq;
        builder.head = entry.id;
      }
      return entry;
    },

    txn(date, postings, memo) {
      const body: BodyByKind['txn'] = { postings: postings.map(([account, amount]) => ({ account, amount })) };
      if (memo !== undefined) body.memo = memo;
      return builder.raw('txn', body, date);
    },
    negate(target, date, reason = 'entered by mistake') {
      return builder.raw('negate', { target: refOf(target), reason }, date);
    },
    admit(target, date) {
      return builder.raw('admit', { target: refOf(target), reason: 'reviewed' }, date ?? nowDate());
    },
    join(dev, roles = [], date) {
      return builder.raw('join', { device: dev as PeerId, name: dev, key: '', roles }, date ?? nowDate());
    },
    retire(dev, lastSeq, date) {
      return builder.raw('retire', { device: dev as PeerId, lastSeq, reason: 'lost' }, date ?? nowDate());
    },
    succeed(to, lastSeq, date) {
      const body = { from: peer as PeerId, to: to as PeerId, lastSeq, name: to, key: '' };
      return builder.raw('succeed', body, date ?? nowDate());
    },
    close(period, date) {
      return builder.raw('close', { period }, date ?? nowDate());
    },
    ack(period, date) {
      return builder.raw('ack', { period }, date ?? nowDate());
    },
    seal(body, date) {
      return builder.raw('seal', body, date ?? nowDate());
    },
    summary(body, date) {
      return builder.raw('summary', body, date ?? nowDate());
    },
    clock(ms) {
      wallMs = ms;
    },
  };
  return builder;
}

export interface NewBookOptions {
  book?: string;
  period?: PeriodLength;
  windowDays?: number;
  /** The owner device's id (default 'owner'). */
  owner?: string;
  /** The owner's clock start (default START_MS); the genesis is dated there. */
  startMs?: number;
}

/** A new book: its owner device and the genesis entry (seq 1), monthly and 28 days by default. */
export function newBook(opts: NewBookOptions = {}): { book: BookId; owner: DeviceBuilder; genesis: EntryOf<'book'> } {
  const book = (opts.book ?? 'book-1') as BookId;
  const owner = device(book, opts.owner ?? 'owner', opts.startMs ?? START_MS);
  const genesis = owner.raw(
    'book',
    {
      name: 'Test store',
      currency: 'EUR',
      timezone: 'UTC',
      period: opts.period ?? 'month',
      windowDays: opts.windowDays ?? limits.windowDaysDefault,
    },
    businessDateFromUtcMs(opts.startMs ?? START_MS, 0),
  );
  return { book, owner, genesis };
}
