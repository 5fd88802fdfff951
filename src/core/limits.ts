/**
 * Every limit of the core, in one place (TigerBeetle style: a limit on everything).
 * Names carry their unit last. Changing a limit changes which entries peers accept,
 * so every peer of a book must run the same values.
 */
export const limits = {
  /** Canonical bytes of one entry. Fits one 16 KiB sync frame with its header. */
  entryBytesMax: 15 * 1024,
  /** JSON nesting depth of an entry (the deepest legal entry nests 4). */
  nestingMax: 8,
  postingsPerEntryMax: 100,
  /** Per posting, in minor units. 100 postings at the cap still sum well inside 2^53. */
  amountAbsMax: 1_000_000_000_000,
  accountCharsMax: 64,
  accountSegmentsMax: 6,
  memoCharsMax: 500,
  refCharsMax: 100,
  reasonCharsMax: 500,
  nameCharsMax: 64,
  peerIdCharsMax: 64,
  bookIdCharsMax: 64,
  keyCharsMax: 128,
  sigCharsMax: 256,
  nonceChars: 21,
  /** Author seqs start at 1 and stay below this. */
  seqMax: 2 ** 31,
  /** Authors in one cut (summary or seal). */
  cutLinesMax: 128,
  /** Balance lines in one summary or seal. */
  balanceLinesMax: 150,
  /** Decimal digits of a balance in a summary or seal (sign excluded). */
  balanceDigitsMax: 24,
  windowDaysMax: 366,
  windowDaysDefault: 28,
  /** HLC logical counter (4 digits). */
  hlcCounterMax: 9999,
  /** An HLC this far ahead of the local clock raises the skew alarm. */
  clockSkewAlarmMs: 5 * 60 * 1000,
  /** A remote HLC this far ahead of the local clock is not followed by the local HLC. */
  hlcDriftMaxMs: 60 * 60 * 1000,
  /** A business date this far ahead of the entry's own HLC raises the skew alarm (beyond any zone offset). */
  dateAheadAlarmMs: 15 * 60 * 1000,
} as const;

export type Limits = typeof limits;

/**
 * Limits of a device's local journal (src/journal). They tune local storage only and
 * never change which entries a peer accepts, so devices may differ in them.
 */
export const journalLimits = {
  /** Entries per sealed storage block: cold start reads blocks, not rows (measured in bench/journal.browser.bench.ts). */
  blockEntries: 1024,
  /** Entries from peers written per transaction by one ingest batch. */
  ingestBatchMax: 2000,
  /** Appends (and other writes) waiting in one journal's queue before new ones are refused as busy. */
  writeQueueMax: 1000,
  /** Characters of a refused input's raw text kept in quarantine (the rest is cut). */
  quarantineRawCharsMax: 16 * 1024,
  /** Quarantine rows kept; refusals beyond it are still counted, not stored. */
  quarantineRowsMax: 10_000,
  /** Drafts kept on one device. */
  draftsMax: 1000,
  /** Attempts of one write that lost its database connection (reopened between attempts). */
  writeAttemptsMax: 5,
  /** Times one write is prepared again because another tab wrote first (someone progresses each time). */
  raceRetriesMax: 100,
  /** Verified signatures remembered per process, so no entry is verified twice (about 150 B each); oldest forgotten first. */
  verifiedCacheEntriesMax: 200_000,
  /** Signatures handed to WebCrypto at once by a batch verification (measured in bench/sig.bench.ts). */
  verifyChunkEntries: 512,
} as const;
