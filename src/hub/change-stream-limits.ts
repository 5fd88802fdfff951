/**
 * Limits of the change stream (change-stream.ts), in one place, units last.
 */
export const changeStreamLimits = {
  /** Entries waiting to be published, all books together. Past it new entries are left to the next journal scan. */
  queueMax: 50_000,
  /** Publishes awaiting their acknowledgement at once. */
  inFlightMax: 256,
  /** How long a publish waits for JetStream's acknowledgement. */
  publishTimeoutMs: 5_000,
  /** First wait after a failed publish or connect; doubles up to retryMaxMs. */
  retryMinMs: 200,
  retryMaxMs: 10_000,
  /** JetStream's window in which a repeated Nats-Msg-Id is dropped as a duplicate. */
  duplicateWindowMs: 24 * 60 * 60 * 1000,
  /** Ids of published entries remembered per book, so a rescan does not publish them again. */
  publishedIdsMax: 1_000_000,
} as const;
