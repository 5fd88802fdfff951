/**
 * The hub's SQL schema, one for PGlite and PostgreSQL alike, and its migrations.
 *
 * Every table lives in one PostgreSQL schema (namespace) named by the database
 * handle, so one database can hold several hubs' data side by side (tests give each
 * case its own). Many books share the tables: every row carries its book.
 *
 * - entries: every entry held, as its canonical text exactly as received or encoded,
 *   plus the columns the hub looks entries up by. `arrival` numbers rows in local
 *   arrival order (scan order; it means nothing to the books). The entry id is the
 *   key: an id names one entry of one book (the book is inside the hashed text).
 * - devices: the journal's device state per (book, hub device): counters, HLC,
 *   settings, quarantine numbering, and a version that grows with every write so a
 *   write prepared from an older state (another process wrote) is prepared again.
 * - authors: per (book, author) frontier row, updated with the entries.
 * - drafts, quarantine: as in the tablets' journal.
 *
 * Migrations only add (CREATE ... IF NOT EXISTS): running them again, or from two
 * processes at once (serialised by an advisory lock), changes nothing.
 */
import type { SqlDb } from './db.ts';

/** Tables of one schema, as qualified, quoted SQL names. */
export interface Tables {
  schemaVersion: string;
  entries: string;
  devices: string;
  authors: string;
  drafts: string;
  quarantine: string;
}

/** The default schema name of a hub's tables. */
export const defaultSchema = 'daybook';

const SCHEMA_NAME = /^[a-z_][a-z0-9_]{0,62}$/;

/** True for a schema name this module accepts: lower-case letters, digits and _, at most 63 characters. */
export function isSchemaName(name: string): boolean {
  return SCHEMA_NAME.test(name);
}

/** The qualified table names of `schema` (assumed checked by isSchemaName). */
export function tablesOf(schema: string): Tables {
  const q = (table: string): string => `"${schema}".${table}`;
  return {
    schemaVersion: q('schema_version'),
    entries: q('entries'),
    devices: q('devices'),
    authors: q('authors'),
    drafts: q('drafts'),
    quarantine: q('quarantine'),
  };
}

/** Each migration, in order; index + 1 is its version. Never edit one that shipped: add another. */
function migrations(t: Tables): string[][] {
  return [
    [
      `CREATE TABLE IF NOT EXISTS ${t.entries} (
        arrival bigserial NOT NULL,
        id text PRIMARY KEY,
        book text NOT NULL,
        peer text NOT NULL,
        seq integer NOT NULL,
        kind text NOT NULL,
        date text NOT NULL,
        hlc text NOT NULL,
        canonical text NOT NULL
      )`,
      `CREATE INDEX IF NOT EXISTS entries_book_arrival ON ${t.entries} (book, arrival)`,
      `CREATE INDEX IF NOT EXISTS entries_book_peer_seq ON ${t.entries} (book, peer, seq)`,
      `CREATE TABLE IF NOT EXISTS ${t.devices} (
        book text NOT NULL,
        peer text NOT NULL,
        seq integer NOT NULL,
        head text,
        hlc_wall_ms bigint NOT NULL,
        hlc_counter integer NOT NULL,
        settings text NOT NULL,
        quarantined bigint NOT NULL,
        next_quarantine_no bigint NOT NULL,
        quarantine_rows bigint NOT NULL,
        version bigint NOT NULL,
        PRIMARY KEY (book, peer)
      )`,
      `CREATE TABLE IF NOT EXISTS ${t.authors} (
        book text NOT NULL,
        peer text NOT NULL,
        contiguous integer NOT NULL,
        highest integer NOT NULL,
        count integer NOT NULL,
        above text NOT NULL,
        PRIMARY KEY (book, peer)
      )`,
      `CREATE TABLE IF NOT EXISTS ${t.drafts} (
        book text NOT NULL,
        peer text NOT NULL,
        id text NOT NULL,
        kind text NOT NULL,
        body text NOT NULL,
        date text,
        created_ms bigint NOT NULL,
        updated_ms bigint NOT NULL,
        version integer NOT NULL,
        PRIMARY KEY (book, peer, id)
      )`,
      `CREATE TABLE IF NOT EXISTS ${t.quarantine} (
        book text NOT NULL,
        no bigint NOT NULL,
        raw text NOT NULL,
        truncated boolean NOT NULL,
        reason text NOT NULL,
        sender text NOT NULL,
        at_ms bigint NOT NULL,
        PRIMARY KEY (book, no)
      )`,
    ],
  ];
}

/** The schema version this code writes. */
export const schemaVersion = 1;

/**
 * Bring `schema` up to schemaVersion: create it and its tables if missing, apply
 * the migrations not applied yet, record them. Idempotent; safe from several
 * processes at once. Throws (a database error) if the database refuses, or if the
 * schema was written by a newer version of the hub.
 */
export async function migrate(db: SqlDb, schema: string): Promise<void> {
  const t = tablesOf(schema);
  await db.transaction(async (tx) => {
    // Two processes creating the same tables at once can collide in the catalog; the lock orders them.
    await tx.query('SELECT pg_advisory_xact_lock(hashtext($1))', [`daybook-migrate:${schema}`]);
    await tx.query(`CREATE SCHEMA IF NOT EXISTS "${schema}"`);
    await tx.query(`CREATE TABLE IF NOT EXISTS ${t.schemaVersion} (version integer PRIMARY KEY, applied_ms bigint NOT NULL)`);
    const { rows } = await tx.query<{ version: number | null }>(`SELECT max(version) AS version FROM ${t.schemaVersion}`);
    const current = rows[0]?.version ?? 0;
    if (current > schemaVersion) {
      throw new Error(`schema "${schema}" is at version ${current}, newer than this hub's ${schemaVersion}: upgrade the hub`);
    }
    const all = migrations(t);
    for (let version = current + 1; version <= all.length; version++) {
      for (const statement of all[version - 1]!) await tx.query(statement);
      await tx.query(`INSERT INTO ${t.schemaVersion} (version, applied_ms) VALUES ($1, $2)`, [version, Date.now()]);
    }
  });
}
