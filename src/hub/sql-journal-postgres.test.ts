/**
 * The SQL journal on the machine's PostgreSQL (DAYBOOK_TEST_DATABASE_URL, else
 * postgres://postgres@127.0.0.1:5432/test): the shared conformance suite, each case
 * on a schema of its own, then what only a shared server can do wrong: two hub
 * processes (two pools) writing one database at once.
 *
 * Unreachable PostgreSQL fails these tests (always under CI); outside CI,
 * DAYBOOK_SKIP_POSTGRES=1 skips them with the reason printed.
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BookId, Entry, PeerId } from '../core/types.ts';
import { peerChain, sale, testDeps } from '../journal/conformance-kit.ts';
import { propertyRuns } from '../testing/runs.ts';
import { openDatabase, SqlDbError, type SqlDb } from './db.ts';
import { postgresDb } from './db-postgres.ts';
import { postgresGate, schemaStorages, sqlConformanceCases, testPostgresUrl, uniquePrefix } from './db-testing.ts';
import { listBooks, openSqlJournal } from './sql-journal.ts';

const gate = await postgresGate();
const suite = gate.run || !gate.skip ? describe : describe.skip;
if (!gate.run && gate.skip) console.warn(`skipping the PostgreSQL tests: ${gate.reason}`);

/** Fail every test of the suite with the reason, when PostgreSQL is required but unreachable. */
function requirePostgres(): void {
  beforeAll(() => {
    if (!gate.run) throw new Error(gate.reason);
  });
}

suite('sql journal on PostgreSQL: conformance', () => {
  requirePostgres();
  const pool = new pg.Pool({ connectionString: testPostgresUrl(), max: 4 });
  pool.on('error', () => undefined);
  const storages = schemaStorages((schema) => postgresDb(pool, schema, async () => undefined), uniquePrefix('conf'));
  afterAll(async () => {
    if (gate.run) await storages.cleanup();
    await pool.end();
  });
  for (const c of sqlConformanceCases(storages.factory, propertyRuns())) it(c.name, c.run, c.timeoutMs);
});

suite('sql journal on PostgreSQL: two hub processes on one database', () => {
  requirePostgres();
  const schema = uniquePrefix('two');
  const opened: SqlDb[] = [];
  /** One "process": its own pool on the shared schema. */
  const processDb = async (): Promise<SqlDb> => {
    const db = await openDatabase({ url: testPostgresUrl(), schema, connections: 4 });
    opened.push(db);
    return db;
  };
  let dbA: SqlDb;
  let dbB: SqlDb;
  beforeAll(async () => {
    // Two processes starting at once both migrate the fresh schema.
    [dbA, dbB] = await Promise.all([processDb(), processDb()]);
  });
  afterAll(async () => {
    if (opened[0] !== undefined) await opened[0].query(`DROP SCHEMA IF EXISTS "${schema}" CASCADE`);
    for (const db of opened) await db.close();
  });

  it('migrate concurrently and idempotently', async () => {
    const [a, b] = [dbA, dbB];
    const third = await processDb();
    const { rows } = await third.query<{ version: number }>(`SELECT version FROM ${third.tables.schemaVersion}`);
    expect(rows.map((r) => r.version)).toEqual([1]);
    expect([a.kind, b.kind]).toEqual(['postgres', 'postgres']);
  });

  it('ingest the same entries at once, exactly once, while each appends to its own book', async () => {
    const hub = 'H1' as PeerId;
    const shared = 'SHOP' as BookId;
    const deps = (book: string) => testDeps({ book: book as BookId, peer: hub });
    const [zA, zB] = await Promise.all([openSqlJournal(dbA, deps(shared)), openSqlJournal(dbB, deps(shared))]);
    const ownA = await openSqlJournal(dbA, deps('BOOK-A'));
    const ownB = await openSqlJournal(dbB, deps('BOOK-B'));
    // Three tablets' outages, overlapping, cut differently for each process, and large enough for several batches.
    const chains = ['T2', 'T3', 'T4'].map((p) => peerChain(p, 1800, { book: shared }));
    const all = chains.flat();
    const shuffled = [...all].reverse();
    const [reportA, reportB] = await Promise.all([
      zA.ingest(all, 'store-hub-1'),
      zB.ingest(shuffled, 'store-hub-2'),
      ...Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? ownA : ownB).append(sale(i + 1))),
    ]);
    const ids = (r: { accepted: Entry[] }) => r.accepted.map((e) => e.id);
    const acceptedBoth = [...ids(reportA), ...ids(reportB)];
    expect(acceptedBoth.length).toBe(all.length);
    expect(new Set(acceptedBoth).size).toBe(all.length);
    expect(reportA.duplicates + reportB.duplicates).toBe(all.length);
    expect(await zA.count()).toBe(all.length);
    expect(await zB.authors()).toEqual(['T2', 'T3', 'T4'].map((peer) => ({ peer, contiguous: 1800, highest: 1800, count: 1800 })));
    const { rows } = await dbA.query<{ n: string }>(`SELECT count(*) AS n FROM ${dbA.tables.entries} WHERE book = $1`, [shared]);
    expect(Number(rows[0]!.n)).toBe(all.length);
    expect((await ownA.all()).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect((await ownB.all()).map((e) => e.seq)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(await listBooks(dbB)).toEqual(['BOOK-A', 'BOOK-B', 'SHOP']);
    await Promise.all([zA, zB, ownA, ownB].map((j) => j.close()));
  });

  it('append to one book from two processes: seqs 1..n once each, one chain', async () => {
    const deps = testDeps({ book: 'TILL' as BookId, peer: 'H1' as PeerId });
    const a = await openSqlJournal(dbA, deps);
    const b = await openSqlJournal(dbB, deps);
    const entries = await Promise.all(Array.from({ length: 40 }, (_, i) => (i % 2 === 0 ? a : b).append(sale(i + 1))));
    expect(entries.map((e) => e.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 40 }, (_, i) => i + 1));
    const held = await a.all();
    const bySeq = new Map(held.map((e) => [e.seq, e]));
    for (const e of held) expect(e.prev).toBe(e.seq === 1 ? null : bySeq.get(e.seq - 1)!.id);
    expect((await b.device()).seq).toBe(40);
    await Promise.all([a.close(), b.close()]);
  });

  it("one process's listeners hear what the other stored, once each, in arrival order, on its next read or write", async () => {
    const deps = testDeps({ book: 'NEWS' as BookId, peer: 'H1' as PeerId });
    const a = await openSqlJournal(dbA, deps);
    const b = await openSqlJournal(dbB, deps);
    const heard: string[] = [];
    a.onEntries((added) => heard.push(...added.map((e) => e.id)));
    const chain = peerChain('T2', 3000, { book: 'NEWS' });
    const first = await b.append(sale(1));
    const ingested = (await b.ingest(chain, 'T2')).accepted;
    expect(heard).toEqual([]); // a has neither read nor written since
    expect(await a.count()).toBe(3001);
    expect(heard).toEqual([first.id, ...ingested.map((e) => e.id)]);
    const second = await b.append(sale(2));
    const mine = await a.append(sale(3)); // a's write transaction catches up too
    expect(heard.slice(3001)).toEqual([second.id, mine.id]);
    await a.all();
    await b.ingest(chain, 'T2'); // duplicates only: nothing new
    await a.device();
    expect(heard.length).toBe(3003);
    expect(new Set(heard).size).toBe(3003);
    await Promise.all([a.close(), b.close()]);
  });
});

suite('openDatabase on PostgreSQL', () => {
  requirePostgres();
  it('refuses an unreachable server and a bad schema name with a SqlDbError saying why', async () => {
    await expect(openDatabase({ url: 'postgres://postgres@127.0.0.1:1/test' })).rejects.toMatchObject({
      name: 'SqlDbError',
      message: expect.stringContaining('cannot open PostgreSQL at postgres://postgres@127.0.0.1:1/test'),
    });
    await expect(openDatabase({ url: testPostgresUrl(), schema: 'Robert"); DROP TABLE x;--' })).rejects.toBeInstanceOf(SqlDbError);
  });
});
