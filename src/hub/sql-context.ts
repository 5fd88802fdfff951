/**
 * What the parts of the SQL journal share: the database, the tables, the device's
 * dependencies, the write queue, and the append that every entry of this device
 * goes through (plain appends and saved drafts).
 */
import { encodeEntry } from '../core/entry.ts';
import { journalLimits } from '../core/limits.ts';
import type { Entry } from '../core/types.ts';
import { prepareEntry, type EntryInput } from '../journal/author.ts';
import { JournalAbortError, JournalClosedError, JournalError, toJournalError } from '../journal/errors.ts';
import type { JournalDeps } from '../journal/journal.ts';
import type { WriteQueue } from '../journal/write-queue.ts';
import type { SqlDb, SqlTx } from './db.ts';
import type { Announcer } from './sql-announce.ts';
import type { Tables } from './schema.ts';
import { addToAuthors, insertEntries, readState, writeState, type SqlState } from './sql-state.ts';

export interface SqlContext {
  db: SqlDb;
  t: Tables;
  deps: JournalDeps;
  queue: WriteQueue;
  /** This instance's listeners, and what of the book they heard of. */
  announcer: Announcer;
  /** Throws JournalClosedError once the journal is closed. */
  live(): void;
}

/** PostgreSQL's SQLSTATEs of a transaction that lost to another (serialization failure, deadlock). */
const LOST_RACE = new Set(['40001', '40P01']);
/** SQLSTATE classes of a connection gone (08) or a server shutting down (57P01..57P03). */
const CONNECTION_GONE = /^(08|57P0[123])/;

/** Any failure as a JournalError: journal errors pass through, database errors get a journal name. */
export function sqlJournalError(error: unknown): JournalError {
  if (error instanceof JournalError) return error;
  const code = typeof error === 'object' && error !== null ? (error as { code?: unknown }).code : undefined;
  const message = error instanceof Error ? error.message : String(error);
  if (typeof code === 'string' && LOST_RACE.has(code)) return new JournalAbortError(`transaction aborted: ${message}`, { cause: error });
  if (typeof code === 'string' && CONNECTION_GONE.test(code)) return new JournalClosedError(`database connection lost: ${message}`, { cause: error });
  return toJournalError(error);
}

/** Run a read after checking the journal is open; failures become JournalErrors. */
export async function readOp<T>(ctx: SqlContext, fn: () => Promise<T>): Promise<T> {
  ctx.live();
  try {
    return await fn();
  } catch (error) {
    throw sqlJournalError(error);
  }
}

/** A read that first announces what other instances stored (contract point 6: stored journals catch up on reads). */
export function freshReadOp<T>(ctx: SqlContext, fn: () => Promise<T>): Promise<T> {
  return readOp(ctx, async () => {
    await ctx.announcer.catchUp(ctx.db);
    return fn();
  });
}

/** Queue a write (one at a time per journal); failures become JournalErrors. */
export function writeOp<T>(ctx: SqlContext, fn: () => Promise<T>): Promise<T> {
  return ctx.queue.run(async () => {
    ctx.live();
    try {
      return await fn();
    } catch (error) {
      throw sqlJournalError(error);
    }
  });
}

/** The device's state, read outside any transaction. */
export async function currentState(ctx: SqlContext): Promise<SqlState> {
  const state = await readState(ctx.db, ctx.t, ctx.deps.book, ctx.deps.peer);
  if (state === undefined) throw new JournalError(`the device row of book ${ctx.deps.book} on ${ctx.deps.peer} is gone`);
  return state;
}

/**
 * Make this device's next entry from `input` and commit it with the counters (and
 * `extra`, run in the same transaction: a saved draft's removal). Call from inside
 * a queued write. The entry is prepared (signed) outside the transaction; if the
 * device row changed meanwhile (another process of this hub wrote), it is prepared
 * again from the new state, so a seq is never handed out twice.
 */
export async function appendEntry(ctx: SqlContext, input: EntryInput, extra?: (tx: SqlTx) => Promise<void>): Promise<Entry> {
  const { db, t, deps } = ctx;
  for (let race = 0; race <= journalLimits.raceRetriesMax; race++) {
    const from = await currentState(ctx);
    const prepared = await prepareEntry(input, from, deps);
    const committed = await db.transaction(async (tx) => {
      const now = await readState(tx, t, deps.book, deps.peer, true);
      if (now === undefined || now.version !== from.version) return undefined;
      const theirs = await ctx.announcer.since(tx);
      if (extra !== undefined) await extra(tx);
      const inserted = await insertEntries(tx, t, deps.book, [{ entry: prepared.entry, text: encodeEntry(prepared.entry) }]);
      const arrival = inserted.get(prepared.entry.id);
      if (arrival === undefined) throw new JournalError(`entry ${prepared.entry.id} is held already`);
      await addToAuthors(tx, t, deps.book, [prepared.entry]);
      await writeState(tx, t, { ...now, ...prepared.counters });
      return [...theirs, { arrival, entry: prepared.entry }];
    });
    if (committed !== undefined) {
      ctx.announcer.announce(committed);
      return prepared.entry;
    }
  }
  throw new JournalAbortError(`lost ${journalLimits.raceRetriesMax + 1} races to other writers of this device`);
}
