/**
 * SqlDb on PostgreSQL through `pg`: a pool of connections; a transaction holds one
 * connection from BEGIN to COMMIT (ROLLBACK when its function throws).
 */
import pg from 'pg';
import type { SqlDb, SqlTx } from './db.ts';
import { dbLimits } from './db-limits.ts';
import { tablesOf } from './schema.ts';

/** A pool on `url`, checked with one query, as a SqlDb on `schema` (not migrated). */
export async function openPostgresDb(url: string, schema: string, connections: number): Promise<SqlDb> {
  const pool = new pg.Pool({ connectionString: url, max: connections, connectionTimeoutMillis: dbLimits.connectTimeoutMs });
  // An idle connection the server drops must not crash the process: the pool replaces it.
  pool.on('error', () => undefined);
  try {
    await pool.query('SELECT 1');
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
  return postgresDb(pool, schema, () => pool.end());
}

/** A SqlDb over a pool, on `schema` (not migrated). `close` is what closing the handle does. */
export function postgresDb(pool: pg.Pool, schema: string, close: () => Promise<void>): SqlDb {
  return {
    kind: 'postgres',
    schema,
    tables: tablesOf(schema),
    query: async <R>(sql: string, params?: unknown[]) => ({ rows: (await pool.query(sql, params)).rows as R[] }),
    transaction: async <T>(fn: (tx: SqlTx) => Promise<T>): Promise<T> => {
      const client = await pool.connect();
      let broken: Error | undefined;
      try {
        await client.query('BEGIN');
        try {
          const result = await fn({ query: async <R>(sql: string, params?: unknown[]) => ({ rows: (await client.query(sql, params)).rows as R[] }) });
          await client.query('COMMIT');
          return result;
        } catch (error) {
          await client.query('ROLLBACK').catch((rollbackError: unknown) => {
            // A connection that cannot even roll back is dropped, not reused.
            broken = rollbackError instanceof Error ? rollbackError : new Error(String(rollbackError));
          });
          throw error;
        }
      } finally {
        client.release(broken);
      }
    },
    close,
  };
}
