/**
 * SqlDb on PGlite, the embedded PostgreSQL (WebAssembly, in process). PGlite has one
 * connection: its own mutex runs queries and transactions one at a time, so a
 * transaction here is PGlite's transaction.
 */
import { PGlite } from '@electric-sql/pglite';
import type { SqlDb, SqlTx } from './db.ts';
import { tablesOf } from './schema.ts';

/** Start PGlite in `dataDir` (a folder that exists) or in memory, as a SqlDb on `schema` (not migrated). */
export async function openPgliteDb(dataDir: string | undefined, schema: string): Promise<SqlDb> {
  const pg = dataDir === undefined ? await PGlite.create() : await PGlite.create(dataDir);
  return pgliteDb(pg, schema, () => pg.close());
}

/**
 * A SqlDb over an open PGlite, on `schema` (not migrated). `close` is what closing
 * the handle does: tests share one PGlite between many schemas and close it once.
 */
export function pgliteDb(pg: PGlite, schema: string, close: () => Promise<void>): SqlDb {
  const query = async <R>(sql: string, params?: unknown[]): Promise<{ rows: R[] }> => {
    const result = await pg.query<R>(sql, params);
    return { rows: result.rows };
  };
  return {
    kind: 'pglite',
    schema,
    tables: tablesOf(schema),
    query,
    transaction: <T>(fn: (tx: SqlTx) => Promise<T>): Promise<T> =>
      pg.transaction((tx) =>
        fn({
          query: async <R>(sql: string, params?: unknown[]) => ({ rows: (await tx.query<R>(sql, params)).rows }),
        }),
      ),
    close,
  };
}
