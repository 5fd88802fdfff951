/**
 * Every bound of the hub process in one place (TigerBeetle style), units last. They
 * bound what one client may cost the hub; they never change which entries a peer
 * accepts (that is src/core/limits.ts).
 */
export const hubLimits = {
  /** Bytes of one request body (POST /api/books/:book/entries); beyond it: 413. */
  requestBodyBytesMax: 1024 * 1024,
  /** Entries in one POST; the journal's own ingest batch (more: 413, send several). */
  entriesPerPostMax: 2000,
  /** Characters of a request target (path and query); beyond it: 414. */
  urlCharsMax: 4096,
  /** Rows of one journal page; the default page is journalPageDefault. */
  journalPageMax: 500,
  journalPageDefault: 50,
  /** Books one hub holds open; a sync to a new book beyond it is refused. */
  booksOpenMax: 1000,
  /** Graceful shutdown: how long in-flight requests and writes may take before the hub exits anyway. */
  shutdownGraceMs: 10_000,
  /** Headers of one request must arrive within this (slowloris). */
  headersTimeoutMs: 10_000,
  /** A whole request (body included) must arrive within this. */
  requestTimeoutMs: 30_000,
  /** Refused entries listed in one POST answer (the rest are counted). */
  refusalsListedMax: 100,
} as const;

export type HubLimits = typeof hubLimits;
