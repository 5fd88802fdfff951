/**
 * Test support for the hub's SQL code (no test runner here): where the test
 * PostgreSQL is, whether its tests run, and journal storages that each get a schema
 * of their own on a shared database, so thousands of property cases do not pay for
 * a database (or a PGlite start) each.
 */
import pg from 'pg';
import { journalConformance } from '../journal/conformance.ts';
import type { JournalFactory } from '../journal/conformance-kit.ts';
import type { SqlDb } from './db.ts';
import { migrate } from './schema.ts';
import { openSqlJournal } from './sql-journal.ts';

/** The test PostgreSQL: DAYBOOK_TEST_DATABASE_URL, else the machine's `test` database. */
export function testPostgresUrl(): string {
  return process.env['DAYBOOK_TEST_DATABASE_URL'] ?? 'postgres://postgres@127.0.0.1:5432/test';
}

/**
 * Time one property case may take, in ms. A case runs propertyRuns() (1,000 in CI)
 * journals on a real database; on a shared two-core machine under load that took
 * two to three minutes, past vitest's default: the bound is generous on purpose.
 */
export const propertyCaseTimeoutMs = 15 * 60_000;

/** The conformance suite's cases for `factory` (`runs` per property: propertyRuns()), each with the timeout it needs, for `it(name, run, timeoutMs)`. */
export function sqlConformanceCases(
  factory: JournalFactory,
  runs: number,
): Array<{ name: string; run: () => Promise<void>; timeoutMs: number | undefined }> {
  return journalConformance(factory, { propertyRuns: runs }).map((c) => ({
    ...c,
    timeoutMs: c.name.startsWith('property') ? propertyCaseTimeoutMs : undefined,
  }));
}

/** What to do with the PostgreSQL tests: run them, skip them (with the reason), or fail them (with the reason). */
export type PostgresGate = { run: true } | { run: false; skip: boolean; reason: string };

/**
 * Probe the test PostgreSQL once. Unreachable means failing, unless
 * DAYBOOK_SKIP_POSTGRES=1 outside CI: under CI (env CI set) the tests always run,
 * so a database that did not come up fails the run instead of passing it quietly.
 */
export async function postgresGate(url = testPostgresUrl()): Promise<PostgresGate> {
  const client = new pg.Client({ connectionString: url, connectionTimeoutMillis: 3000 });
  client.on('error', () => undefined);
  try {
    await client.connect();
    await client.query('SELECT 1');
    return { run: true };
  } catch (error) {
    const why = error instanceof Error ? error.message || error.name : String(error);
    const ci = process.env['CI'] !== undefined && process.env['CI'] !== '' && process.env['CI'] !== 'false';
    const skip = !ci && process.env['DAYBOOK_SKIP_POSTGRES'] === '1';
    const how = ci
      ? 'CI requires it: .ci/run starts PostgreSQL; check that it came up'
      : 'start it (pg_ctlcluster <version> main start), set DAYBOOK_TEST_DATABASE_URL, or set DAYBOOK_SKIP_POSTGRES=1 to skip these tests';
    return { run: false, skip, reason: `PostgreSQL at ${url} is unreachable (${why}); ${how}` };
  } finally {
    await client.end().catch(() => undefined);
  }
}

/**
 * Journal storages on one shared database, a schema each. A disposed storage's
 * rows are deleted and its schema handed to the next storage, so a run of many
 * cases creates only as many schemas as are open at once. `cleanup` drops them all.
 */
export function schemaStorages(
  dbFor: (schema: string) => SqlDb,
  prefix: string,
): { factory: JournalFactory; cleanup: () => Promise<void>; created: () => readonly string[] } {
  const free: SqlDb[] = [];
  const created: SqlDb[] = [];
  let named = 0;
  const factory: JournalFactory = async () => {
    let db = free.pop();
    if (db === undefined) {
      // Named before the first await: two storages opened at once must not share a schema.
      db = dbFor(`${prefix}_${++named}`);
      await migrate(db, db.schema);
      created.push(db);
    }
    const mine = db;
    return {
      open: (deps) => openSqlJournal(mine, deps),
      dispose: async () => {
        await clearSchema(mine);
        free.push(mine);
      },
    };
  };
  const cleanup = async (): Promise<void> => {
    for (const db of created) await db.query(`DROP SCHEMA IF EXISTS "${db.schema}" CASCADE`);
  };
  return { factory, cleanup, created: () => created.map((db) => db.schema) };
}

/** Delete every row of a schema's tables (tests only: the journal itself never deletes an entry). */
export async function clearSchema(db: SqlDb): Promise<void> {
  const t = db.tables;
  // One statement (data-modifying CTEs): a round trip per table would dominate thousands of property cases.
  await db.query(
    `WITH a AS (DELETE FROM ${t.entries}), b AS (DELETE FROM ${t.devices}), c AS (DELETE FROM ${t.authors}),
       d AS (DELETE FROM ${t.drafts}) DELETE FROM ${t.quarantine}`,
  );
}

/** A schema-name prefix unique to this test process, so concurrent runs on one PostgreSQL never meet. */
export function uniquePrefix(tag: string): string {
  return `t_${tag}_${process.pid}_${Date.now().toString(36)}`;
}
