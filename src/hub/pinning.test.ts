/**
 * Book pinning with two hub processes on the real PostgreSQL (127.0.0.1:5432, db
 * `test`; DAYBOOK_TEST_DATABASE_URL overrides): each "process" is its own pool
 * (openDatabase) and its own lock connection, as two hubs would have. Failover is a
 * real session kill (pg_terminate_backend), as when a hub process dies. Plus PGlite,
 * where the one process holds every book.
 *
 * Without PostgreSQL these fail under CI and are skipped elsewhere, saying why.
 */
import pg from 'pg';
import { afterAll, describe, expect, it } from 'vitest';
import type { BookId } from '../core/types.ts';
import { openDatabase, type SqlDb } from './db.ts';
import { startPinning, type Pinning } from './pinning.ts';

const URL = process.env['DAYBOOK_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
const CI = (process.env['CI'] ?? '') !== '' && process.env['CI'] !== 'false';

async function reachable(): Promise<boolean> {
  const c = new pg.Client({ connectionString: URL, connectionTimeoutMillis: 2_000 });
  try {
    await c.connect();
    await c.end();
    return true;
  } catch {
    return false;
  }
}

const available = await reachable();
const pit = available || CI ? it : (name: string, fn: () => Promise<void>): void => it.skip(`${name} (skipped: no PostgreSQL at ${URL}; under CI this fails)`, fn);
const schema = `pin_test_${process.pid}_${Date.now().toString(36)}`;
const opened: Array<{ close: () => Promise<void> }> = [];

afterAll(async () => {
  for (const o of opened.reverse()) await o.close().catch(() => undefined);
  if (!available) return;
  const c = new pg.Client({ connectionString: URL });
  await c.connect();
  await c.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
  await c.end();
});

/** One hub process: its pool and its pinning. */
async function hub(name: string): Promise<{ db: SqlDb; pins: Pinning }> {
  const db = await openDatabase({ url: URL, schema, connections: 2 });
  const pins = await startPinning({ db, url: URL, publicUrl: `http://${name}.test:8080`, processId: name });
  opened.push(db, pins);
  return { db, pins };
}

/** Kill the session that holds `book`'s advisory lock, as if its process died. */
async function killHolder(book: string): Promise<void> {
  const c = new pg.Client({ connectionString: URL });
  await c.connect();
  const { rows } = await c.query<{ pid: number }>(
    `SELECT l.pid FROM pg_locks l WHERE l.locktype = 'advisory' AND l.granted
       AND ((l.classid::bigint << 32) | l.objid::bigint) = hashtextextended('daybook/pin/' || $1, 0)`,
    [book],
  );
  expect(rows.length).toBe(1);
  await c.query('SELECT pg_terminate_backend($1)', [rows[0]!.pid]);
  await c.end();
}

async function until(check: () => boolean, ms = 5_000): Promise<void> {
  const end = Date.now() + ms;
  while (!check() && Date.now() < end) await new Promise((r) => setTimeout(r, 20));
  expect(check()).toBe(true);
}

describe('book pinning on PostgreSQL, two processes', () => {
  pit('one owner per book, the other redirects; failover when the owner dies; handover on close', async () => {
    const a = await hub('hub-a');
    const b = await hub('hub-b');
    const book = 'store-1.main' as BookId;
    const other = 'store-2.main' as BookId;

    expect(await a.pins.claim(book)).toEqual({ owner: true });
    expect(await b.pins.claim(book)).toEqual({ owner: false, url: 'http://hub-a.test:8080', process: 'hub-a' });
    expect(await b.pins.claim(other)).toEqual({ owner: true });
    expect(await a.pins.claim(other)).toMatchObject({ owner: false, url: 'http://hub-b.test:8080' });
    // Polling changes nothing while both live.
    expect(await b.pins.poll()).toEqual([]);
    expect(a.pins.owns(book) && !b.pins.owns(book)).toBe(true);

    // hub-a dies: its session ends, PostgreSQL releases its locks, hub-b's next poll takes the book.
    const lost: BookId[] = [];
    a.pins.onLost((books) => lost.push(...books));
    await killHolder(book);
    await until(() => lost.length > 0);
    expect(lost).toEqual([book]);
    expect(a.pins.owns(book)).toBe(false);
    expect(await b.pins.poll()).toEqual([book]);
    expect(b.pins.owns(book)).toBe(true);
    // The dead process's hub comes back (new lock connection): it is now redirected.
    expect(await a.pins.claim(book)).toEqual({ owner: false, url: 'http://hub-b.test:8080', process: 'hub-b' });
    expect(a.pins.status().connected).toBe(true);

    // hub-b shuts down cleanly: hub-a, which wanted both books, takes them on its next poll.
    await b.pins.close();
    expect((await a.pins.poll()).sort()).toEqual([book, other]);
    expect(a.pins.status().owned).toEqual([book, other]);
    const rows = await a.db.query<{ book: string; process: string; url: string }>(`SELECT book, process, url FROM ${schema}.book_pins ORDER BY book`);
    expect(rows.rows).toEqual([
      { book, process: 'hub-a', url: 'http://hub-a.test:8080' },
      { book: other, process: 'hub-a', url: 'http://hub-a.test:8080' },
    ]);
  });

  pit('release hands a book over at once; a stale pin row is not redirected to', async () => {
    const a = await hub('hub-c');
    const b = await hub('hub-d');
    const book = 'store-3.main' as BookId;
    expect(await a.pins.claim(book)).toEqual({ owner: true });
    expect(await b.pins.claim(book)).toMatchObject({ owner: false, url: 'http://hub-c.test:8080' });
    // The owner's heartbeat is old (a hung process still holding its session): no redirect, a retry.
    await a.db.query(`UPDATE ${schema}.book_pins SET heartbeat_at = now() - interval '1 hour' WHERE book = $1`, [book]);
    expect(await b.pins.claim(book)).toMatchObject({ owner: false, reason: expect.stringContaining('has not been heard from') as unknown });
    await a.pins.release(book);
    expect(await b.pins.poll()).toEqual([book]);
    expect(b.pins.owns(book)).toBe(true);
  });
});

describe('book pinning on PGlite', () => {
  it('the one process holds every book and writes its pin rows', async () => {
    const db = await openDatabase({});
    const pins = await startPinning({ db, publicUrl: 'http://localhost:8080', processId: 'solo' });
    for (const book of ['a', 'b.c'] as BookId[]) expect(await pins.claim(book)).toEqual({ owner: true });
    expect(await pins.poll()).toEqual([]);
    expect((await db.query<{ book: string }>(`SELECT book FROM ${db.schema}.book_pins ORDER BY book`)).rows.map((r) => r.book)).toEqual(['a', 'b.c']);
    await pins.close();
    expect((await db.query(`SELECT 1 FROM ${db.schema}.book_pins`)).rows).toEqual([]);
    await db.close();
  });
});
