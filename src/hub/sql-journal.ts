/**
 * The Journal contract (src/journal/journal.ts) on SQL: the hub's journal of one
 * book, as seen by the hub's own device for that book. PGlite and PostgreSQL run
 * the same code (db.ts), and the same conformance suite as the tablets' journals.
 *
 * Writes are serialised twice: by this instance's write queue (so its own appends
 * take seqs in call order), and by the book's device row, locked first in every
 * write transaction (so several instances, in several hub processes on one
 * PostgreSQL, never hand out one seq twice nor store one entry twice).
 *
 * Listeners hear this instance's own writes, and what other instances (other hub
 * processes) stored, when this instance next writes or reads (sql-announce.ts).
 */
import { journalLimits } from '../core/limits.ts';
import type { BookId, Entry, EntryId, PeerId } from '../core/types.ts';
import { authorHeld } from '../journal/authors.ts';
import { mergeSettings } from '../journal/device-state.ts';
import { JournalClosedError, JournalIdentityError } from '../journal/errors.ts';
import type { Journal, JournalDeps, QuarantineRecord } from '../journal/journal.ts';
import { createListeners } from '../journal/listeners.ts';
import { createWriteQueue } from '../journal/write-queue.ts';
import type { Refusal } from '../core/result.ts';
import type { SqlDb } from './db.ts';
import { createAnnouncer } from './sql-announce.ts';
import { appendEntry, currentState, freshReadOp, readOp, sqlJournalError, writeOp, type SqlContext } from './sql-context.ts';
import { sqlDrafts } from './sql-drafts.ts';
import { ingestBatches } from './sql-ingest.ts';
import { createState, publicState, readAuthors, readState, writeState } from './sql-state.ts';

/** Built like the other journals: JournalDeps (book, peer, signer, verify, clock, nonce, dateOf). */
export type SqlJournalOptions = JournalDeps;

/**
 * The Journal contract on SQL, for one book as seen by one peer (the hub's own
 * device id for that book). Creates the book's device row on first open. Rejects
 * with JournalIdentityError when the book is held here by another device id, and
 * with another JournalError when the database fails.
 */
export async function openSqlJournal(db: SqlDb, options: SqlJournalOptions): Promise<Journal> {
  const deps = options;
  const t = db.tables;
  try {
    await db.transaction(async (tx) => {
      // Two processes opening one book at once must agree on its device: the lock orders them.
      await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`daybook-book:${db.schema}:${deps.book}`]);
      // One device per book, as in a tablet's database: the hub's identity in a book does not change under it.
      const { rows } = await tx.query<{ peer: string }>(`SELECT peer FROM ${t.devices} WHERE book = $1`, [deps.book]);
      const other = rows.find((r) => r.peer !== deps.peer);
      if (other !== undefined) {
        throw new JournalIdentityError(`this database holds book ${deps.book} as device ${other.peer}, not ${deps.peer}`);
      }
      await createState(tx, t, deps.book, deps.peer);
    });
  } catch (error) {
    throw sqlJournalError(error);
  }
  let closed = false;
  const ctx: SqlContext = {
    db,
    t,
    deps,
    queue: createWriteQueue(),
    announcer: await createAnnouncer(db, t, deps.book, createListeners()).catch((error: unknown) => {
      throw sqlJournalError(error);
    }),
    live: () => {
      if (closed) throw new JournalClosedError('the journal is closed');
    },
  };
  const parse = (rows: ReadonlyArray<{ canonical: string }>): Entry[] => rows.map((r) => JSON.parse(r.canonical) as Entry);
  const book = deps.book;

  const scan = async (onChunk: (entries: readonly Entry[]) => void): Promise<number> => {
    let after = '0';
    let total = 0;
    for (;;) {
      // Keyset pages by arrival: each page is one index range, however far in.
      const { rows } = await db.query<{ at: string; canonical: string }>(
        `SELECT arrival::text AS at, canonical FROM ${t.entries} WHERE book = $1 AND arrival > $2::bigint ORDER BY arrival LIMIT $3`,
        [book, after, journalLimits.blockEntries],
      );
      if (rows.length === 0) return total;
      total += rows.length;
      onChunk(parse(rows));
      after = rows[rows.length - 1]!.at;
    }
  };

  return {
    book,
    peer: deps.peer,
    drafts: sqlDrafts(ctx),
    append: (input) => writeOp(ctx, () => appendEntry(ctx, input)),
    ingest: (inputs, from) => ingestBatches(ctx, inputs, from),
    get: (id: EntryId) =>
      readOp(ctx, async () => {
        const { rows } = await db.query<{ canonical: string }>(`SELECT canonical FROM ${t.entries} WHERE id = $1 AND book = $2`, [id, book]);
        return parse(rows)[0];
      }),
    count: () =>
      freshReadOp(ctx, async () => {
        const { rows } = await db.query<{ n: number | string }>(`SELECT count(*) AS n FROM ${t.entries} WHERE book = $1`, [book]);
        return Number(rows[0]!.n);
      }),
    all: () =>
      freshReadOp(ctx, async () => {
        const out: Entry[] = [];
        await scan((chunk) => void out.push(...chunk));
        return out;
      }),
    scan: (onChunk) => freshReadOp(ctx, () => scan(onChunk)),
    range: (peer: PeerId, fromSeq: number, toSeq: number) =>
      readOp(ctx, async () => {
        // Seqs are int4 here: bounds that are not numbers select nothing, as they do in memory.
        if (typeof fromSeq !== 'number' || typeof toSeq !== 'number' || Number.isNaN(fromSeq) || Number.isNaN(toSeq)) return [];
        const low = Math.max(Math.ceil(fromSeq), 0);
        const high = Math.min(Math.floor(toSeq), 2 ** 31 - 1);
        if (low > high) return [];
        const { rows } = await db.query<{ canonical: string }>(
          `SELECT canonical FROM ${t.entries} WHERE book = $1 AND peer = $2 AND seq BETWEEN $3 AND $4
           ORDER BY seq, id COLLATE "C" LIMIT $5`,
          [book, peer, low, high, journalLimits.ingestBatchMax],
        );
        return parse(rows);
      }),
    authors: () => freshReadOp(ctx, async () => (await readAuthors(db, t, book)).map(authorHeld)),
    device: () => freshReadOp(ctx, async () => publicState(await currentState(ctx))),
    updateSettings: (patch) =>
      writeOp(ctx, () =>
        db.transaction(async (tx) => {
          const state = (await readState(tx, t, book, deps.peer, true))!;
          const next = { ...state, settings: mergeSettings(state.settings, patch) };
          await writeState(tx, t, next);
          return publicState(next);
        }),
      ),
    quarantine: (options = {}) =>
      readOp(ctx, async () => {
        const { rows } = await db.query<QuarantineRow>(
          `SELECT no, raw, truncated, reason, sender, at_ms FROM ${t.quarantine} WHERE book = $1 AND no > $2 ORDER BY no LIMIT $3`,
          [book, wholeOr(options.afterNo, 0), Math.max(0, wholeOr(options.limit, 100))],
        );
        return rows.map(quarantineRecord);
      }),
    quarantineCount: () =>
      readOp(ctx, async () => {
        const { rows } = await db.query<{ n: number | string }>(`SELECT count(*) AS n FROM ${t.quarantine} WHERE book = $1`, [book]);
        return Number(rows[0]!.n);
      }),
    onEntries: (listener) => ctx.announcer.add(listener),
    // A database's storage is the operator's: nothing to ask a browser for, and nothing it could evict.
    persist: async () => true,
    storageStatus: async () => ({ persisted: true }),
    close: async () => {
      await ctx.queue.close();
      closed = true;
    },
  };
}

/** `value` rounded down when it is a finite number, else `fallback`. */
function wholeOr(value: number | undefined, fallback: number): number {
  return typeof value === 'number' && Number.isFinite(value) ? Math.floor(value) : fallback;
}

interface QuarantineRow {
  no: number | string;
  raw: string;
  truncated: boolean;
  reason: string;
  sender: string;
  at_ms: number | string;
}

function quarantineRecord(row: QuarantineRow): QuarantineRecord {
  return {
    no: Number(row.no),
    raw: row.raw,
    truncated: row.truncated,
    reason: JSON.parse(row.reason) as Refusal,
    from: row.sender,
    atMs: Number(row.at_ms),
  };
}

/** Books held in this database (every book a journal was opened for), sorted. */
export async function listBooks(db: SqlDb): Promise<BookId[]> {
  const { rows } = await db.query<{ book: string }>(`SELECT book FROM ${db.tables.devices} GROUP BY book ORDER BY book COLLATE "C"`);
  return rows.map((r) => r.book as BookId);
}
