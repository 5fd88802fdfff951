/**
 * Book pinning: several hub processes on one PostgreSQL, each book served by one
 * process at a time, so one process's query store and sync mesh hold a book's
 * live state and two processes never both write as the hub's device of one book.
 *
 * - The truth is a PostgreSQL session-level advisory lock per book, held on a
 *   connection of its own (never a pooled one, which would hand the lock to
 *   whoever borrows it next). Key: hashtextextended('daybook/pin/' || book, 0), a
 *   64-bit hash, so two books share a key with odds of about n^2 / 2^65.
 * - The table `book_pins` says which process holds each book and at which public
 *   URL, so a process that does not hold it can answer "served by <url>" (a
 *   redirect); `hub_processes` lists the processes with a heartbeat. Both use the
 *   database's clock (now()), never a process's own.
 * - Failover: when a process dies its connection closes, PostgreSQL releases its
 *   locks, and the next poll of a process that was asked for the book takes the
 *   lock and rewrites the pin row. No lease to wait out: the lock is released the
 *   moment the server sees the connection gone (a hung process keeps its locks
 *   until TCP keepalive or the server's idle timeouts end its session).
 * - On PGlite there is one process (the embedded database is in-process), so this
 *   process holds every book; pin rows are still written, so the read API reads
 *   the same tables on both databases.
 */
import { randomUUID } from 'node:crypto';
import pg from 'pg';
import type { BookId } from '../core/types.ts';
import type { SqlDb } from './db.ts';
import { pinningLimits } from './pinning-limits.ts';

export interface PinningOptions {
  /** The hub's database (its schema names the tables; on PGlite it runs every query). */
  db: SqlDb;
  /** PostgreSQL connection string: the dedicated connection for the locks. Required when db.kind is 'postgres'. */
  url?: string;
  /** This process's public URL (what a redirect points to), e.g. https://hub-2.example:8443. */
  publicUrl: string;
  /** This process's id in hub_processes (default: a random one). */
  processId?: string;
}

/** Who serves a book, as seen by this process. */
export type PinAnswer =
  /** This process holds the book's lock: serve it. */
  | { owner: true }
  /** Another live process holds it: redirect to `url`. */
  | { owner: false; url: string; process: string }
  /** Someone holds the lock but its pin row is missing or its heartbeat stale: retry soon (HTTP 503). */
  | { owner: false; url?: undefined; reason: string };

export interface PinStatus {
  process: string;
  publicUrl: string;
  /** Books this process holds. */
  owned: BookId[];
  /** Books asked for here and held elsewhere: tried again on every poll. */
  wanted: BookId[];
  /** False after the lock connection was lost, until the next poll reconnects. */
  connected: boolean;
}

export interface Pinning {
  /**
   * Serve `book` here if nobody else does: takes its lock when free. Otherwise says
   * who serves it, and remembers the book as wanted so a later poll takes it over
   * when its owner dies. Never throws: a database failure answers `reason`.
   */
  claim(book: BookId): Promise<PinAnswer>;
  /** True while this process holds `book`. */
  owns(book: BookId): boolean;
  /** Give `book` up (unlock, delete its pin row) and stop wanting it. */
  release(book: BookId): Promise<void>;
  /**
   * Heartbeat this process and its books, reconnect a lost lock connection, and
   * try to take every wanted book. The hub calls it every pinningLimits.pollMs.
   * Returns the books taken over in this poll.
   */
  poll(): Promise<BookId[]>;
  /** Hear about books this process lost (its lock connection broke). */
  onLost(listener: (books: BookId[]) => void): () => void;
  status(): PinStatus;
  /** Release every book, delete this process's rows, close the lock connection. */
  close(): Promise<void>;
}

interface Conn {
  query<R>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

/**
 * Pinning for this process. Creates its two tables in db.schema when missing.
 * Rejects only when the first connection or table creation fails (the hub cannot
 * know who serves what); later failures are answers, never throws.
 */
export async function startPinning(options: PinningOptions): Promise<Pinning> {
  const { db, publicUrl } = options;
  const processId = options.processId ?? `hub-${randomUUID()}`;
  const processes = `${db.schema}.hub_processes`;
  const pins = `${db.schema}.book_pins`;
  const owned = new Set<BookId>();
  const wanted = new Set<BookId>();
  const lostListeners = new Set<(books: BookId[]) => void>();
  const single = db.kind === 'pglite';
  if (!single && options.url === undefined) throw new Error('pinning on PostgreSQL needs the database url for its own connection');
  let client: pg.Client | undefined;
  let conn: Conn | undefined;

  const lose = (): void => {
    conn = undefined;
    client = undefined;
    const books = [...owned];
    owned.clear();
    for (const b of books) wanted.add(b);
    if (books.length > 0) for (const listener of lostListeners) listener(books);
  };

  const open = async (): Promise<Conn> => {
    if (conn !== undefined) return conn;
    if (single) return (conn = db);
    const c = new pg.Client({ connectionString: options.url, connectionTimeoutMillis: pinningLimits.connectTimeoutMs, keepAlive: true });
    // A dropped connection means the server released our locks: from then on we hold nothing.
    c.on('error', () => (client === c ? lose() : undefined));
    c.on('end', () => (client === c ? lose() : undefined));
    await c.connect();
    client = c;
    conn = { query: async <R>(sql: string, params?: unknown[]) => ({ rows: (await c.query(sql, params)).rows as R[] }) };
    await conn.query(`INSERT INTO ${processes} (id, url, started_at, heartbeat_at) VALUES ($1, $2, now(), now())
      ON CONFLICT (id) DO UPDATE SET url = $2, heartbeat_at = now()`, [processId, publicUrl]);
    return conn;
  };

  const tryLock = async (c: Conn, book: BookId): Promise<boolean> => {
    if (single) return true;
    const { rows } = await c.query<{ ok: boolean }>(`SELECT pg_try_advisory_lock(hashtextextended('daybook/pin/' || $1, 0)) AS ok`, [book]);
    return rows[0]?.ok === true;
  };

  const writePin = async (c: Conn, book: BookId): Promise<void> => {
    await c.query(`INSERT INTO ${pins} (book, process, url, since, heartbeat_at) VALUES ($1, $2, $3, now(), now())
      ON CONFLICT (book) DO UPDATE SET process = $2, url = $3, since = now(), heartbeat_at = now()`, [book, processId, publicUrl]);
  };

  const take = async (c: Conn, book: BookId): Promise<boolean> => {
    if (owned.has(book)) return true;
    if (!(await tryLock(c, book))) return false;
    owned.add(book);
    wanted.delete(book);
    await writePin(c, book);
    return true;
  };

  const whoServes = async (c: Conn, book: BookId): Promise<PinAnswer> => {
    const { rows } = await c.query<{ process: string; url: string; fresh: boolean }>(
      `SELECT process, url, heartbeat_at > now() - make_interval(secs => $2) AS fresh FROM ${pins} WHERE book = $1`,
      [book, pinningLimits.staleMs / 1000],
    );
    const row = rows[0];
    if (row === undefined) return { owner: false, reason: `book ${book} is being taken over by another process; try again shortly` };
    if (row.process === processId) return { owner: false, reason: `this process lost book ${book} and is taking it back; try again shortly` };
    if (!row.fresh) return { owner: false, reason: `the process serving book ${book} (${row.url}) has not been heard from; try again shortly` };
    return { owner: false, url: row.url, process: row.process };
  };

  const failure = (book: BookId, error: unknown): PinAnswer => ({
    owner: false,
    reason: `cannot tell who serves book ${book}: ${error instanceof Error ? error.message : String(error)}`,
  });

  await db.query(`CREATE TABLE IF NOT EXISTS ${processes} (id text PRIMARY KEY, url text NOT NULL, started_at timestamptz NOT NULL, heartbeat_at timestamptz NOT NULL)`);
  await db.query(`CREATE TABLE IF NOT EXISTS ${pins} (book text PRIMARY KEY, process text NOT NULL, url text NOT NULL, since timestamptz NOT NULL, heartbeat_at timestamptz NOT NULL)`);
  await open();

  return {
    async claim(book) {
      if (owned.has(book)) return { owner: true };
      try {
        const c = await open();
        if (await take(c, book)) return { owner: true };
        wanted.add(book);
        return await whoServes(c, book);
      } catch (error) {
        wanted.add(book);
        return failure(book, error);
      }
    },
    owns: (book) => owned.has(book),
    async release(book) {
      wanted.delete(book);
      if (!owned.delete(book) || conn === undefined) return;
      await conn.query(`DELETE FROM ${pins} WHERE book = $1 AND process = $2`, [book, processId]);
      if (!single) await conn.query(`SELECT pg_advisory_unlock(hashtextextended('daybook/pin/' || $1, 0))`, [book]);
    },
    async poll() {
      const taken: BookId[] = [];
      try {
        const c = await open();
        await c.query(`UPDATE ${processes} SET heartbeat_at = now(), url = $2 WHERE id = $1`, [processId, publicUrl]);
        if (owned.size > 0) await c.query(`UPDATE ${pins} SET heartbeat_at = now() WHERE process = $1 AND book = ANY($2)`, [processId, [...owned]]);
        for (const book of [...wanted]) if (await take(c, book)) taken.push(book);
      } catch {
        // The next poll tries again; claim() answers with the reason meanwhile.
      }
      return taken;
    },
    onLost(listener) {
      lostListeners.add(listener);
      return () => lostListeners.delete(listener);
    },
    status: () => ({ process: processId, publicUrl, owned: [...owned].sort(), wanted: [...wanted].sort(), connected: conn !== undefined }),
    async close() {
      const c = conn;
      const books = [...owned];
      owned.clear();
      wanted.clear();
      if (c === undefined) return;
      try {
        if (books.length > 0) await c.query(`DELETE FROM ${pins} WHERE process = $1 AND book = ANY($2)`, [processId, books]);
        await c.query(`DELETE FROM ${processes} WHERE id = $1`, [processId]);
      } finally {
        const closing = client;
        conn = undefined;
        client = undefined;
        // Ending the session releases every advisory lock it held.
        if (closing !== undefined) await closing.end().catch(() => undefined);
      }
    },
  };
}
