/**
 * The journal: one device's append-only store of the entries of one book, with its
 * drafts and its device state. This file is the contract; memory-journal.ts and
 * idb-journal.ts implement it, and conformance.ts checks every implementation
 * against it (the Node hub's SQL journal will run the same suite).
 *
 * The contract:
 *
 * 1. Append only. There is no update and no delete of an entry anywhere in this
 *    interface. An entry, once held, is held for ever, byte for byte.
 * 2. append(input) makes the device's next entry: it assigns seq (last + 1), prev
 *    (the device's head) and hlc (a tick of the device's HLC), signs, validates with
 *    the core, and commits the entry together with the device's counters in one
 *    durable transaction. It resolves only after the commit: resolved means on disk.
 *    It rejects with a JournalError and writes nothing otherwise. Appends run one at
 *    a time (callers queue), so seqs never repeat and never skip, even across a
 *    failed append or a crash.
 * 3. ingest(inputs, from) takes entries from a peer: each is validated alone; a
 *    refused one goes to quarantine with its reason, its sender and the time, never
 *    into the journal; an entry already held (same id) counts as a duplicate; the
 *    rest are added, in batches of journalLimits.ingestBatchMax per transaction.
 *    Entries that are valid alone but conflict with others (equivocation, an unknown
 *    target) are kept: judging them is the fold's work, recomputed from the set.
 *    Ingest never moves this device's counters backwards; an entry of this device's
 *    own identity with a higher seq than it knows moves them forward, so the device
 *    never reuses a seq anyone has seen it use.
 * 4. Reads see every committed write. all() and scan() return every entry held, in
 *    local arrival order (an order that means nothing to the books).
 * 5. Drafts belong to this device only; save(id) removes the draft and appends its
 *    entry in one transaction: never both, never neither.
 * 6. Listeners of onEntries hear about entries after their transaction committed:
 *    this instance's own appends, saves and accepted ingests, and entries that
 *    other instances on the same storage (other tabs) stored, once this instance
 *    catches up with them (stored journals catch up on every read and write, and
 *    when another tab announces a commit).
 */
import type { BatchVerifier, Signer, Verifier } from '../core/entry.ts';
import type { HlcState } from '../core/hlc.ts';
import type { Refusal } from '../core/result.ts';
import type { BodyByKind, BookId, BusinessDate, Entry, EntryId, Kind, PeerId } from '../core/types.ts';

/** What a caller asks to append: any kind, with its body, optionally dated. */
export type AppendInput = { [K in Kind]: { kind: K; body: BodyByKind[K]; date?: BusinessDate } }[Kind];

/** A JSON value: what drafts and settings may hold. */
export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/**
 * A draft's content: any kind, with a body that may still be incomplete. The body
 * must be plain JSON (checked when stored); an AppendInput is a DraftInput.
 */
export interface DraftInput {
  kind: Kind;
  body: unknown;
  date?: BusinessDate;
}

export interface Draft extends DraftInput {
  id: string;
  createdMs: number;
  updatedMs: number;
  /** Grows by one with every edit; pass it back to edit or save to detect a concurrent edit. */
  version: number;
}

export interface Drafts {
  /** Store a new draft. Refuses (JournalRefusedError) a body with no canonical JSON form or over the entry size limit. */
  create(input: DraftInput): Promise<Draft>;
  /** Replace a draft's content. DraftNotFoundError if it is gone; DraftConflictError if `expectedVersion` is stale. */
  edit(id: string, input: DraftInput, expectedVersion?: number): Promise<Draft>;
  /** The draft, or undefined. */
  get(id: string): Promise<Draft | undefined>;
  /** Every draft, oldest first. */
  list(): Promise<Draft[]>;
  /** Throw a draft away. Discarding a draft that is gone is not an error. */
  discard(id: string): Promise<void>;
  /**
   * Turn the draft into the device's next entry, exactly like append, and remove the
   * draft in the same transaction. On any failure both stay as they were.
   */
  save(id: string, expectedVersion?: number): Promise<Entry>;
}

/** A refused input from a peer, kept aside as evidence. */
export interface QuarantineRecord {
  /** Local number, growing: the quarantine's order. */
  no: number;
  /** The input as text (JSON for objects), cut to journalLimits.quarantineRawCharsMax. */
  raw: string;
  truncated: boolean;
  reason: Refusal;
  /** Who sent it (a peer id, a hub, a file name). */
  from: string;
  /** Local wall time it was refused at. */
  atMs: number;
}

export interface IngestReport {
  /** Entries newly added, in input order. */
  accepted: Entry[];
  /** Inputs whose id was already held (or repeated earlier in the same call). */
  duplicates: number;
  refused: Array<{ reason: Refusal; from: string }>;
  /** HLC alarms raised by accepted entries (a remote clock far ahead); never a reason to refuse. */
  alarms: string[];
}

/** What the device knows about itself. */
export interface DeviceState {
  book: BookId;
  peer: PeerId;
  /** Seq of this device's last entry; 0 before its first. */
  seq: number;
  /** Id of this device's last entry; null before its first. */
  head: EntryId | null;
  hlc: HlcState;
  /** Local settings of the book on this device (display, zone, ...): plain JSON. */
  settings: { [key: string]: Json };
  /** Refusals counted since the journal was created (stored or not). */
  quarantined: number;
}

/** One author as held here: the frontier's inputs for sync and summaries. */
export interface AuthorHeld {
  peer: PeerId;
  /** Highest seq such that 1..seq are all held (0 when seq 1 is missing). */
  contiguous: number;
  /** Highest seq held at all. */
  highest: number;
  /** Entries held from this author (more than `highest` means equivocation). */
  count: number;
}

export interface StorageStatus {
  /** True when the browser promised not to evict this origin's storage. */
  persisted: boolean;
  usageBytes?: number;
  quotaBytes?: number;
}

export type EntriesListener = (added: readonly Entry[]) => void;

export interface Journal {
  readonly book: BookId;
  readonly peer: PeerId;
  /** Contract point 2. Rejects with JournalRefusedError (invalid input), JournalQuotaError, JournalAbortError, JournalClosedError, JournalBusyError. */
  append(input: AppendInput): Promise<Entry>;
  /** Contract point 3. Rejects only for storage failures; batches before the failing one stay committed, and a retry is safe (idempotent by id). */
  ingest(inputs: readonly unknown[], from: string): Promise<IngestReport>;
  /**
   * The entry with this id, or undefined. A stored journal answers from its keydir,
   * which the first scan builds: called before any scan, it reads every entry once.
   */
  get(id: EntryId): Promise<Entry | undefined>;
  /** Number of entries held. */
  count(): Promise<number>;
  /** Every entry held (contract point 4). Reads sealed blocks, not rows: fast at cold start. */
  all(): Promise<Entry[]>;
  /** Every entry held, handed over in chunks (a block at a time), so a loader need not hold them twice. Resolves to the total. */
  scan(onChunk: (entries: readonly Entry[]) => void): Promise<number>;
  /** One author's entries with fromSeq <= seq <= toSeq, by seq then id; at most journalLimits.ingestBatchMax. Like get, it needs the keydir. */
  range(peer: PeerId, fromSeq: number, toSeq: number): Promise<Entry[]>;
  /** Every author held, by peer id. */
  authors(): Promise<AuthorHeld[]>;
  device(): Promise<DeviceState>;
  /** Merge `patch` into the device's settings (a key set to null is removed). */
  updateSettings(patch: { [key: string]: Json }): Promise<DeviceState>;
  /** Refused inputs, oldest first, at most `limit` (default 100) from `afterNo`. */
  quarantine(options?: { afterNo?: number; limit?: number }): Promise<QuarantineRecord[]>;
  /** Quarantine rows stored (DeviceState.quarantined counts every refusal). */
  quarantineCount(): Promise<number>;
  readonly drafts: Drafts;
  /** Hear about entries added, after commit (contract point 6). Returns the unsubscribe function. */
  onEntries(listener: EntriesListener): () => void;
  /** Ask the platform to keep the storage (navigator.storage.persist()); resolves to its answer. */
  persist(): Promise<boolean>;
  storageStatus(): Promise<StorageStatus>;
  /** Finish queued writes and release the storage. Further calls reject with JournalClosedError. */
  close(): Promise<void>;
}

/** What every journal is built from: the device's identity, its keys, and where time and randomness come from. */
export interface JournalDeps {
  book: BookId;
  peer: PeerId;
  signer: Signer;
  verify: Verifier;
  /**
   * Optional: checks a batch of signatures asynchronously (Ed25519 on WebCrypto).
   * When given, ingest verifies every batch with it before storing anything, and
   * `verify` only confirms what it verified (see verify-screen.ts). Journals for real
   * use get both from deviceJournalDeps (keys.ts); the dev scheme needs neither.
   */
  verifyBatch?: BatchVerifier;
  /** Wall clock, ms since the epoch. */
  clock: () => number;
  /** A fresh 21-char nonce (nanoid). */
  nonce: () => string;
  /** The business date of a wall-clock instant (default: UTC). */
  dateOf?: (ms: number) => BusinessDate;
}
