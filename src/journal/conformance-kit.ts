/**
 * Tools of the journal conformance suite, free of any test runner so the suite runs
 * under vitest in Node and inside a real browser page alike: assertions that throw
 * ConformanceFailure, deterministic dependencies (clock, nonces, dev signatures),
 * and entries of other devices to ingest.
 */
import { businessDateFromUtcMs } from '../core/dates.ts';
import { devSigner, devVerifier, makeDevEntry } from '../core/entry.ts';
import { formatHlc } from '../core/hlc.ts';
import type { BookId, BusinessDate, Entry, EntryId, Kind, PeerId, TxnBody, UnsignedEntry } from '../core/types.ts';
import type { AppendInput, Journal, JournalDeps } from './journal.ts';

export class ConformanceFailure extends Error {
  override name = 'ConformanceFailure';
}

/** Throws ConformanceFailure with `message` unless `condition` holds. */
export function check(condition: unknown, message: string): asserts condition {
  if (!condition) throw new ConformanceFailure(message);
}

/** Deep equality of plain data (key order ignored), else ConformanceFailure showing both. */
export function equal(actual: unknown, expected: unknown, message: string): void {
  const a = stable(actual);
  const e = stable(expected);
  if (a !== e) throw new ConformanceFailure(`${message}\n  expected: ${e.slice(0, 600)}\n  actual:   ${a.slice(0, 600)}`);
}

function stable(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) =>
    v !== null && typeof v === 'object' && !Array.isArray(v)
      ? Object.fromEntries(Object.entries(v as Record<string, unknown>).sort(([x], [y]) => (x < y ? -1 : x > y ? 1 : 0)))
      : typeof v === 'bigint'
        ? `${v}n`
        : v,
  ) ?? 'undefined';
}

/** The error `promise` rejected with; ConformanceFailure if it resolved or the error's name differs. */
export async function rejects(promise: Promise<unknown>, name: string, message: string): Promise<Error> {
  let error: unknown;
  try {
    await promise;
  } catch (caught) {
    error = caught;
  }
  check(error !== undefined, `${message}: resolved, expected ${name}`);
  check(error instanceof Error && error.name === name, `${message}: expected ${name}, got ${String((error as Error).name)}: ${String((error as Error).message)}`);
  return error;
}

export const BOOK = 'B1' as BookId;
export const SELF = 'T1' as PeerId;
/** 2025-03-01T09:00:00Z: the test clock's start. */
export const START_MS = 1_740_819_600_000;

/** A clock that moves one second on every reading, from START_MS. */
export function steppingClock(startMs = START_MS, stepMs = 1000): () => number {
  let now = startMs - stepMs;
  return () => (now += stepMs);
}

/** Nonces n000...1, n000...2, ...: valid nanoid-alphabet, 21 chars, unique per call. */
export function countingNonce(prefix = 'n'): () => string {
  let n = 0;
  return () => `${prefix}${(++n).toString(36).padStart(21 - prefix.length, '0')}`;
}

/** Dependencies of a journal of BOOK on device SELF, with a deterministic clock and nonces. */
export function testDeps(overrides: Partial<JournalDeps> = {}): JournalDeps {
  return { book: BOOK, peer: SELF, signer: devSigner, verify: devVerifier, clock: steppingClock(), nonce: countingNonce(), ...overrides };
}

/** A balanced sale of `amount` minor units. */
export function sale(amount: number, date?: string): AppendInput {
  const body: TxnBody = { postings: [{ account: 'Assets:Cash', amount }, { account: 'Income:Sales', amount: -amount }] };
  return date === undefined ? { kind: 'txn', body } : { kind: 'txn', body, date: date as BusinessDate };
}

/**
 * Entries of another device, chained seq 1..count, dev-signed, all in `book`.
 * `variant` changes the nonces, so two calls with different variants equivocate.
 */
export function peerChain(peer: string, count: number, options: { book?: string; variant?: string; fromSeq?: number; prev?: EntryId | null } = {}): Entry[] {
  const out: Entry[] = [];
  let prev: EntryId | null = options.prev ?? null;
  const first = options.fromSeq ?? 1;
  for (let seq = first; seq < first + count; seq++) {
    const unsigned: UnsignedEntry<'txn'> = {
      nonce: `${(options.variant ?? 'v')}${peer}x${seq}`.padEnd(21, '0').slice(0, 21),
      book: (options.book ?? BOOK) as BookId,
      kind: 'txn',
      peer: peer as PeerId,
      seq,
      prev,
      hlc: formatHlc(START_MS - 3_600_000 + seq * 1000, 0),
      date: businessDateFromUtcMs(START_MS - 3_600_000 + seq * 1000, 0),
      body: { postings: [{ account: 'Assets:Cash', amount: seq * 100 }, { account: 'Income:Sales', amount: -seq * 100 }] },
    };
    const entry = makeDevEntry(unsigned);
    out.push(entry);
    prev = entry.id;
  }
  return out;
}

/** An entry of `kind` by `peer` with an arbitrary body, dev-signed (for kinds the chain helper does not make). */
export function devEntry(kind: Kind, peer: string, seq: number, body: unknown, prev: EntryId | null = null, atMs = START_MS - 1_800_000 + seq * 1000): Entry {
  return makeDevEntry({
    nonce: `k${peer}x${seq}${kind}`.padEnd(21, '0').slice(0, 21),
    book: BOOK,
    kind,
    peer: peer as PeerId,
    seq,
    prev,
    hlc: formatHlc(atMs, 0),
    date: businessDateFromUtcMs(atMs, 0),
    body,
  } as unknown as UnsignedEntry);
}

/** One storage under test: every `open` opens the same storage again (a reopen). */
export interface JournalUnderTest {
  open(deps: JournalDeps): Promise<Journal>;
  /** Release the storage (delete the database). */
  dispose(): Promise<void>;
}

/** Makes a fresh, empty storage each call. */
export type JournalFactory = () => Promise<JournalUnderTest>;

export interface ConformanceCase {
  name: string;
  run: () => Promise<void>;
}

export interface ConformanceOptions {
  /** Cases per property (fast-check numRuns). */
  propertyRuns: number;
}

/** Run `body` with a fresh journal (default deps unless given), closing and disposing after. */
export async function withJournal(
  factory: JournalFactory,
  body: (journal: Journal, under: JournalUnderTest, deps: JournalDeps) => Promise<void>,
  deps: JournalDeps = testDeps(),
): Promise<void> {
  const under = await factory();
  const journal = await under.open(deps);
  try {
    await body(journal, under, deps);
  } finally {
    await journal.close().catch(() => undefined);
    await under.dispose();
  }
}

