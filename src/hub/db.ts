/**
 * The hub's SQL database: PGlite (embedded PostgreSQL) in a folder or in memory,
 * or a real PostgreSQL through `pg`. Both speak the same SQL and carry the same
 * schema (schema.ts), so everything above this file is written once.
 */
import { mkdir } from 'node:fs/promises';
import { openPgliteDb } from './db-pglite.ts';
import { openPostgresDb } from './db-postgres.ts';
import { dbLimits } from './db-limits.ts';
import { defaultSchema, isSchemaName, migrate, type Tables } from './schema.ts';

export { dbLimits } from './db-limits.ts';

export interface SqlTx {
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
}

export interface SqlDb {
  readonly kind: 'pglite' | 'postgres';
  /** The PostgreSQL schema (namespace) holding this hub's tables. */
  readonly schema: string;
  /** Qualified names of this hub's tables, for SQL text. */
  readonly tables: Tables;
  query<R = Record<string, unknown>>(sql: string, params?: unknown[]): Promise<{ rows: R[] }>;
  /** Run fn in one transaction (BEGIN/COMMIT, ROLLBACK on throw). */
  transaction<T>(fn: (tx: SqlTx) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

export interface OpenDatabaseOptions {
  /** PGlite's folder (created if missing); undefined with no url = PGlite in memory. */
  dataDir?: string;
  /** A PostgreSQL connection string (postgres://...); when set, dataDir is ignored. */
  url?: string;
  /** Schema holding the tables (default `daybook`): lower-case letters, digits, _. */
  schema?: string;
  /** Connections in the PostgreSQL pool (default dbLimits.poolConnectionsDefault). */
  connections?: number;
}


/** The database could not be opened or migrated; `message` says why in words. */
export class SqlDbError extends Error {
  override name = 'SqlDbError';
}

/**
 * PGlite in `dataDir` (created if missing; undefined = in memory), or PostgreSQL
 * through `pg` when url is set. Migrates the schema. Rejects with SqlDbError (a
 * bad schema name, an unreachable server, a schema newer than this code).
 */
export async function openDatabase(options: OpenDatabaseOptions): Promise<SqlDb> {
  const schema = options.schema ?? defaultSchema;
  if (!isSchemaName(schema)) throw new SqlDbError(`"${schema}" is not a schema name: use lower-case letters, digits and _ (at most 63)`);
  const connections = options.connections ?? dbLimits.poolConnectionsDefault;
  if (!Number.isInteger(connections) || connections < 1 || connections > dbLimits.poolConnectionsMax) {
    throw new SqlDbError(`${String(connections)} connections: give a whole number from 1 to ${dbLimits.poolConnectionsMax}`);
  }
  let db: SqlDb;
  try {
    if (options.url !== undefined) {
      db = await openPostgresDb(options.url, schema, connections);
    } else {
      if (options.dataDir !== undefined) await mkdir(options.dataDir, { recursive: true });
      db = await openPgliteDb(options.dataDir, schema);
    }
  } catch (error) {
    const where = options.url !== undefined ? `PostgreSQL at ${redactUrl(options.url)}` : `PGlite in ${options.dataDir ?? 'memory'}`;
    throw new SqlDbError(`cannot open ${where}: ${messageOf(error)}`, { cause: error });
  }
  try {
    await migrate(db, schema);
  } catch (error) {
    await db.close().catch(() => undefined);
    throw new SqlDbError(`cannot migrate schema "${schema}": ${messageOf(error)}`, { cause: error });
  }
  return db;
}

/** The url without its password, for messages and logs. */
export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    if (parsed.password !== '') parsed.password = '***';
    return parsed.toString();
  } catch {
    return '(an unparsable URL)';
  }
}

function messageOf(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}
