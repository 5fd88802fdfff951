/**
 * Typed errors of the journal, named after the browser's own (Dexie style):
 * QuotaExceededError becomes JournalQuotaError, AbortError JournalAbortError, and so
 * on. Every write that fails with one of these has written nothing: the journal's
 * transactions are all-or-nothing, so callers may retry without cleaning up.
 *
 * Refusals of bad input are not exceptions from the core (validate returns a
 * Result); the journal turns a refused append into JournalRefusedError because the
 * caller asked for a write that cannot happen.
 */
import type { Refusal } from '../core/result.ts';

/** Base class: `code` is stable, for callers that switch on it. */
export class JournalError extends Error {
  override name = 'JournalError';
  readonly code: JournalErrorCode = 'unknown';
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

export type JournalErrorCode =
  | 'refused'
  | 'quota'
  | 'abort'
  | 'closed'
  | 'version'
  | 'busy'
  | 'identity'
  | 'draft-not-found'
  | 'draft-conflict'
  | 'too-many-drafts'
  | 'unknown';

/** The input cannot become an entry: the core's refusal says why. Nothing was written. */
export class JournalRefusedError extends JournalError {
  override name = 'JournalRefusedError';
  override readonly code = 'refused';
  constructor(readonly refusal: Refusal) {
    super(`refused (${refusal.code}): ${refusal.message}`);
  }
}

/** The storage is full (QuotaExceededError). Nothing was written. */
export class JournalQuotaError extends JournalError {
  override name = 'JournalQuotaError';
  override readonly code = 'quota';
}

/** The transaction was aborted (AbortError, or a failed commit). Nothing was written. */
export class JournalAbortError extends JournalError {
  override name = 'JournalAbortError';
  override readonly code = 'abort';
}

/** The database connection closed and could not be reopened. Nothing was written. */
export class JournalClosedError extends JournalError {
  override name = 'JournalClosedError';
  override readonly code = 'closed';
}

/** The stored journal was written by a newer version of the app (VersionError). */
export class JournalVersionError extends JournalError {
  override name = 'JournalVersionError';
  override readonly code = 'version';
}

/** Too many writes are queued on this journal (journalLimits.writeQueueMax). Nothing was written. */
export class JournalBusyError extends JournalError {
  override name = 'JournalBusyError';
  override readonly code = 'busy';
}

/** The stored journal belongs to another book or device than the one opening it. */
export class JournalIdentityError extends JournalError {
  override name = 'JournalIdentityError';
  override readonly code = 'identity';
}

/** No draft with that id (it was saved or discarded). */
export class DraftNotFoundError extends JournalError {
  override name = 'DraftNotFoundError';
  override readonly code = 'draft-not-found';
}

/** The draft changed since the caller read it (another tab edited it). Nothing was written. */
export class DraftConflictError extends JournalError {
  override name = 'DraftConflictError';
  override readonly code = 'draft-conflict';
}

/** The device holds journalLimits.draftsMax drafts already. */
export class TooManyDraftsError extends JournalError {
  override name = 'TooManyDraftsError';
  override readonly code = 'too-many-drafts';
}

/**
 * The browser's (or Dexie's) error names found on `error` or its `inner`/`cause`
 * chain, outermost first. Dexie wraps the IndexedDB error of an aborted
 * transaction in its own AbortError with the real reason as `inner`.
 */
export function errorNames(error: unknown): string[] {
  const names: string[] = [];
  let current: unknown = error;
  for (let depth = 0; depth < 8 && typeof current === 'object' && current !== null; depth++) {
    const record = current as { name?: unknown; inner?: unknown; cause?: unknown };
    if (typeof record.name === 'string') names.push(record.name);
    current = record.inner ?? record.cause;
  }
  return names;
}

/**
 * Map any storage failure to a JournalError. A JournalError passes through. The
 * most specific reason wins: a quota failure that aborted the transaction is a
 * JournalQuotaError, not a JournalAbortError.
 */
export function toJournalError(error: unknown): JournalError {
  if (error instanceof JournalError) return error;
  const names = errorNames(error);
  const message = error instanceof Error ? error.message : String(error);
  if (names.includes('QuotaExceededError')) return new JournalQuotaError(`storage is full: ${message}`, { cause: error });
  if (names.includes('VersionError')) return new JournalVersionError(`stored journal is newer: ${message}`, { cause: error });
  if (names.some((n) => n === 'DatabaseClosedError' || n === 'InvalidStateError')) {
    return new JournalClosedError(`database closed: ${message}`, { cause: error });
  }
  if (names.some((n) => n === 'AbortError' || n === 'TransactionInactiveError')) {
    return new JournalAbortError(`transaction aborted: ${message}`, { cause: error });
  }
  return new JournalError(`journal storage failed: ${message}`, { cause: error });
}
