/**
 * Where the hub's journals live: the SQL database (PGlite or PostgreSQL, through
 * db.ts and sql-journal.ts) or memory (tests, `--memory`). One interface, so the
 * registry is written once. Each book is seen by the hub's own device for that book:
 * a device id made on first use and kept beside the book (a small table of the
 * hub's in SQL), so a restarted hub is the same device and never reuses a seq.
 */
import { nanoid } from 'nanoid';
import { devSigner, devVerifier, type Signer, type Verifier } from '../core/entry.ts';
import type { BookId, PeerId } from '../core/types.ts';
import type { Journal, JournalDeps } from '../journal/journal.ts';
import { createMemoryStore, openMemoryJournal, type MemoryJournalStore } from '../journal/memory-journal.ts';
import { openDatabase, type SqlDb } from './db.ts';
import { listBooks, openSqlJournal } from './sql-journal.ts';

export interface JournalSource {
  readonly kind: 'pglite' | 'postgres' | 'memory';
  /** The SQL database behind it (undefined in memory): pinning uses it. */
  readonly db?: SqlDb;
  /** Books stored, sorted. */
  listBooks(): Promise<BookId[]>;
  /** Open the book's journal as the hub's device for it (made on first use). */
  open(book: BookId): Promise<Journal>;
  /** Release the database (journals are closed by their owner first). */
  close(): Promise<void>;
}

export interface SourceDeps {
  clock: () => number;
  /** Entry signatures (the dev scheme until device keys land, issue 8). */
  signer?: Signer;
  verify?: Verifier;
}

function depsFor(book: BookId, peer: PeerId, deps: SourceDeps): JournalDeps {
  return { book, peer, signer: deps.signer ?? devSigner, verify: deps.verify ?? devVerifier, clock: deps.clock, nonce: () => nanoid() };
}

/** A new hub device id: "hub-" and 16 url-safe characters (within the core's id rules). */
export function newHubPeer(): PeerId {
  return `hub-${nanoid(16)}` as PeerId;
}

/** Journals in memory (nothing survives the process). */
export function memorySource(deps: SourceDeps): JournalSource {
  const stores = new Map<BookId, { peer: PeerId; store: MemoryJournalStore }>();
  return {
    kind: 'memory',
    listBooks: async () => [...stores.keys()].sort(),
    open: async (book) => {
      let held = stores.get(book);
      if (held === undefined) stores.set(book, (held = { peer: newHubPeer(), store: createMemoryStore() }));
      return openMemoryJournal(depsFor(book, held.peer, deps), held.store);
    },
    close: async () => undefined,
  };
}


/** Journals in the SQL database; the hub's device per book in table hub_devices. */
export async function sqlSource(db: SqlDb, deps: SourceDeps): Promise<JournalSource> {
  // The hub's own table, in the hub's schema beside the journal's tables (db.ts validated the name).
  const table = `"${db.schema}".hub_devices`;
  await db.query(`CREATE TABLE IF NOT EXISTS ${table} (book text PRIMARY KEY, peer text NOT NULL, created_ms bigint NOT NULL)`);
  const peerOf = async (book: BookId): Promise<PeerId> => {
    // Insert-or-keep, then read: two processes racing on one book agree on one device.
    await db.query(`INSERT INTO ${table} (book, peer, created_ms) VALUES ($1, $2, $3) ON CONFLICT (book) DO NOTHING`, [book, newHubPeer(), deps.clock()]);
    const { rows } = await db.query<{ peer: string }>(`SELECT peer FROM ${table} WHERE book = $1`, [book]);
    return rows[0]!.peer as PeerId;
  };
  return {
    kind: db.kind,
    db,
    listBooks: async () => {
      const { rows } = await db.query<{ book: string }>(`SELECT book FROM ${table}`);
      const stored = await listBooks(db);
      return [...new Set([...stored, ...rows.map((r) => r.book as BookId)])].sort();
    },
    open: async (book) => openSqlJournal(db, depsFor(book, await peerOf(book), deps)),
    close: () => db.close(),
  };
}

/**
 * The source a configuration asks for: memory (`--memory`), PostgreSQL (a database
 * URL) or PGlite in the data folder. Rejects (SqlDbError) when the database cannot
 * be opened, with a reason the CLI prints.
 */
export async function openSource(config: { memory: boolean; databaseUrl: string | undefined; dataDir: string; dbSchema: string | undefined }, deps: SourceDeps): Promise<JournalSource> {
  if (config.memory) return memorySource(deps);
  const schema = config.dbSchema === undefined ? {} : { schema: config.dbSchema };
  const db = await openDatabase(config.databaseUrl !== undefined ? { url: config.databaseUrl, ...schema } : { dataDir: config.dataDir, ...schema });
  try {
    return await sqlSource(db, deps);
  } catch (error) {
    await db.close().catch(() => undefined);
    throw error;
  }
}
