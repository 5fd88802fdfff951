/**
 * The hub's SQL journal: ingest of 100k entries through openSqlJournal into PGlite
 * (in memory) and into PostgreSQL, then the idempotent re-ingest of the same 100k,
 * beside baselines measured in the same run on the same rows:
 *
 * - validate only: the core's screening of the 100k, no database (what every peer pays);
 * - raw COPY: the pre-encoded rows loaded into a bare table with the same columns
 *   and primary key (PGlite: COPY FROM '/dev/blob'; PostgreSQL: COPY FROM STDIN,
 *   driven through `pg`'s own copy messages, no extra package);
 * - raw INSERT: the journal's own multi-row `unnest ... ON CONFLICT DO NOTHING`
 *   statements on pre-encoded rows, without validation or bookkeeping.
 *
 *   npx tsx --expose-gc bench/hub-ingest.bench.ts   (alone)
 *   npm run bench -- hub-ingest                     (through the runner)
 *
 * Goal (issue 5): at least 20k entries/s into PostgreSQL. PostgreSQL is skipped,
 * with a note, when it is unreachable (DAYBOOK_TEST_DATABASE_URL, else the machine's).
 */
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';
import { PGlite } from '@electric-sql/pglite';
import pg from 'pg';
import { encodeEntry } from '../src/core/entry.ts';
import { journalLimits } from '../src/core/limits.ts';
import type { Entry } from '../src/core/types.ts';
import { screen } from '../src/journal/author.ts';
import { peerChain, testDeps } from '../src/journal/conformance-kit.ts';
import type { SqlDb } from '../src/hub/db.ts';
import { pgliteDb } from '../src/hub/db-pglite.ts';
import { postgresDb } from '../src/hub/db-postgres.ts';
import { postgresGate, testPostgresUrl } from '../src/hub/db-testing.ts';
import { migrate } from '../src/hub/schema.ts';
import { openSqlJournal } from '../src/hub/sql-journal.ts';
import { heading, report, type Measured } from './lib.ts';

const COUNT = 100_000;
const DEVICES = 10;
const RUNS = 3;

interface Rows {
  entries: Entry[];
  texts: string[];
  /** The rows as CSV, for COPY. */
  csv: string;
}

function buildRows(): Rows {
  const entries: Entry[] = [];
  for (let d = 0; d < DEVICES; d++) entries.push(...peerChain(`T${d + 2}`, COUNT / DEVICES));
  const texts = entries.map(encodeEntry);
  const quote = (s: string): string => `"${s.replaceAll('"', '""')}"`;
  const csv = entries.map((e, i) => [e.id, e.book, e.peer, e.seq, e.kind, e.date, e.hlc, quote(texts[i]!)].join(',')).join('\n') + '\n';
  return { entries, texts, csv };
}

/** Median of RUNS timed runs of `fn`, each after an untimed `setup`. */
async function timed(name: string, setup: () => Promise<void>, fn: () => Promise<void>, items = COUNT): Promise<Measured> {
  const times: number[] = [];
  for (let i = 0; i < RUNS; i++) {
    await setup();
    (globalThis as { gc?: () => void }).gc?.();
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  times.sort((a, b) => a - b);
  return { name, medianMs: times[Math.floor(times.length / 2)]!, runs: RUNS, items };
}

/** Texts as received from the wire, in batches as a hub hands them to the journal. */
function batches(texts: readonly string[]): string[][] {
  const out: string[][] = [];
  for (let i = 0; i < texts.length; i += journalLimits.ingestBatchMax * 5) out.push(texts.slice(i, i + journalLimits.ingestBatchMax * 5));
  return out;
}

async function resetSchema(db: SqlDb): Promise<void> {
  await db.query(`DROP SCHEMA IF EXISTS "${db.schema}" CASCADE`);
  await migrate(db, db.schema);
}

const bareTable = (db: SqlDb): string => `"${db.schema}".bare`;

async function resetBare(db: SqlDb): Promise<void> {
  await db.query(`DROP TABLE IF EXISTS ${bareTable(db)}`);
  await db.query(
    `CREATE TABLE ${bareTable(db)} (id text PRIMARY KEY, book text NOT NULL, peer text NOT NULL, seq integer NOT NULL,
      kind text NOT NULL, date text NOT NULL, hlc text NOT NULL, canonical text NOT NULL)`,
  );
}

/** The journal's insert statement, without validation or bookkeeping, on pre-encoded rows. */
async function rawInsert(db: SqlDb, rows: Rows): Promise<void> {
  const size = journalLimits.ingestBatchMax;
  for (let i = 0; i < rows.entries.length; i += size) {
    const part = rows.entries.slice(i, i + size);
    await db.query(
      `INSERT INTO ${bareTable(db)} (id, book, peer, seq, kind, date, hlc, canonical)
       SELECT * FROM unnest($1::text[], $2::text[], $3::text[], $4::int[], $5::text[], $6::text[], $7::text[], $8::text[])
       ON CONFLICT (id) DO NOTHING`,
      [
        part.map((e) => e.id),
        part.map((e) => e.book),
        part.map((e) => e.peer),
        part.map((e) => e.seq),
        part.map((e) => e.kind),
        part.map((e) => e.date),
        part.map((e) => e.hlc),
        rows.texts.slice(i, i + size),
      ],
    );
  }
}

/** Ingest, re-ingest and baselines on one database; returns the first-ingest figure. */
async function benchDb(label: string, db: SqlDb, rows: Rows, copy: () => Promise<void>, validateOnly: Measured): Promise<Measured> {
  heading(`${label}: ${COUNT} entries of ${DEVICES} devices, through the journal and raw`);
  const copied = await timed(`${label}: raw COPY into a bare table`, () => resetBare(db), copy);
  const inserted = await timed(`${label}: raw multi-row INSERT (no validation)`, () => resetBare(db), () => rawInsert(db, rows));
  let held = 0;
  const ingest = await timed(
    `${label}: journal ingest (validate + insert)`,
    () => resetSchema(db),
    async () => {
      const journal = await openSqlJournal(db, testDeps());
      for (const batch of batches(rows.texts)) await journal.ingest(batch, 'bench');
      held = await journal.count();
      await journal.close();
    },
  );
  if (held !== COUNT) throw new Error(`${label}: the journal holds ${held} entries, not ${COUNT}`);
  const again = await timed(
    `${label}: journal re-ingest of the same (all duplicates)`,
    async () => undefined,
    async () => {
      const journal = await openSqlJournal(db, testDeps());
      let duplicates = 0;
      for (const batch of batches(rows.texts)) duplicates += (await journal.ingest(batch, 'bench')).duplicates;
      await journal.close();
      if (duplicates !== COUNT) throw new Error(`${label}: re-ingest found ${duplicates} duplicates, not ${COUNT}`);
    },
  );
  report(copied);
  report(inserted, copied);
  report(ingest, copied);
  report(again, copied);
  console.log(`  journal ingest is ${(ingest.medianMs / validateOnly.medianMs).toFixed(2)}x the time of validation alone, ${(ingest.medianMs / inserted.medianMs).toFixed(2)}x the raw INSERT`);
  await db.query(`DROP SCHEMA IF EXISTS "${db.schema}" CASCADE`);
  return ingest;
}

/**
 * COPY ... FROM STDIN through `pg` without pg-copy-streams: a Submittable that sends
 * the query, answers the server's CopyInResponse with the data and CopyDone, and
 * settles at ReadyForQuery.
 */
function copyFromStdin(client: pg.PoolClient, sql: string, data: string): Promise<void> {
  return new Promise((resolve, reject) => {
    let failure: Error | undefined;
    const chunkBytes = 1 << 20;
    const buffer = Buffer.from(data);
    const submittable = {
      submit: (connection: { query: (text: string) => void }) => connection.query(sql),
      handleCopyInResponse: (connection: { sendCopyFromChunk: (b: Buffer) => void; endCopyFrom: () => void }) => {
        for (let at = 0; at < buffer.length; at += chunkBytes) connection.sendCopyFromChunk(buffer.subarray(at, at + chunkBytes));
        connection.endCopyFrom();
      },
      handleError: (error: Error) => {
        failure = error;
      },
      handleReadyForQuery: () => (failure === undefined ? resolve() : reject(failure)),
      handleCommandComplete: () => undefined,
      handleRowDescription: () => undefined,
      handleDataRow: () => undefined,
      handleEmptyQuery: () => undefined,
      handlePortalSuspended: () => undefined,
      handleCopyData: () => undefined,
    };
    (client as unknown as { query: (s: unknown) => void }).query(submittable);
  });
}

export async function run(): Promise<void> {
  heading(`building ${COUNT} dev-signed entries`);
  const buildStart = performance.now();
  const rows = buildRows();
  console.log(`  built in ${((performance.now() - buildStart) / 1000).toFixed(1)} s, ${(rows.texts.reduce((n, t) => n + t.length, 0) / COUNT).toFixed(0)} chars per entry`);
  const deps = testDeps();
  const validateOnly = await timed('validate only (the core, no database)', async () => undefined, async () => {
    for (const batch of batches(rows.texts)) {
      for (let i = 0; i < batch.length; i += journalLimits.ingestBatchMax) screen(batch.slice(i, i + journalLimits.ingestBatchMax), deps, encodeEntry);
    }
  });
  heading('baseline');
  report(validateOnly);

  const lite = await PGlite.create();
  const liteDb = pgliteDb(lite, 'bench_hub', () => lite.close());
  await resetSchema(liteDb);
  const columns = '(id, book, peer, seq, kind, date, hlc, canonical)';
  const blob = new Blob([rows.csv]);
  await benchDb('PGlite (memory)', liteDb, rows, async () => {
    await lite.query(`COPY ${bareTable(liteDb)} ${columns} FROM '/dev/blob' WITH (FORMAT csv)`, [], { blob });
  }, validateOnly);
  await liteDb.close();

  const gate = await postgresGate();
  if (!gate.run) {
    console.log(`\n  PostgreSQL skipped: ${gate.reason}`);
    return;
  }
  const pool = new pg.Pool({ connectionString: testPostgresUrl(), max: 2 });
  const pgDb = postgresDb(pool, `bench_hub_${process.pid}`, () => pool.end());
  try {
    await resetSchema(pgDb);
    const ingest = await benchDb('PostgreSQL', pgDb, rows, async () => {
      const client = await pool.connect();
      try {
        await copyFromStdin(client, `COPY ${bareTable(pgDb)} ${columns} FROM STDIN WITH (FORMAT csv)`, rows.csv);
      } finally {
        client.release();
      }
    }, validateOnly);
    const rate = COUNT / (ingest.medianMs / 1000);
    console.log(`  PostgreSQL journal ingest: ${(rate / 1000).toFixed(1)}k entries/s  goal: >= 20k entries/s  ${rate >= 20_000 ? 'MET' : 'NOT MET'}`);
  } finally {
    await pgDb.query(`DROP SCHEMA IF EXISTS "${pgDb.schema}" CASCADE`).catch(() => undefined);
    await pgDb.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run();
}
