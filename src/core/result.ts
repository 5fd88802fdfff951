/**
 * Typed refusals. Operating errors (bad input from a peer, a file or a form) are
 * values, never exceptions: `validate` and `decode` return a Result and never throw.
 */

export const REFUSAL_CODES = [
  'not-bytes',
  'too-large',
  'invalid-utf8',
  'invalid-json',
  'not-canonical',
  'too-deep',
  'shape',
  'unknown-kind',
  'limit',
  'unbalanced',
  'zero-amount',
  'bad-amount',
  'bad-account',
  'bad-date',
  'bad-hlc',
  'bad-seq',
  'bad-chain',
  'bad-id',
  'bad-signature',
  'wrong-book',
] as const;
export type RefusalCode = (typeof REFUSAL_CODES)[number];

export interface Refusal {
  code: RefusalCode;
  /** A sentence a store manager can read. */
  message: string;
  /** Where in the entry, e.g. `body.postings[2].amount`. */
  path?: string;
}

export type Result<T> = { ok: true; value: T } | { ok: false; refusal: Refusal };

export function ok<T>(value: T): Result<T> {
  return { ok: true, value };
}

export function refuse<T = never>(code: RefusalCode, message: string, path?: string): Result<T> {
  return { ok: false, refusal: path === undefined ? { code, message } : { code, message, path } };
}

/** A programmer error inside the core: an assertion that failed. Never caused by peer input. */
export class AssertionError extends Error {
  override name = 'AssertionError';
}

export function assert(condition: unknown, message: string): asserts condition {
  if (!condition) throw new AssertionError(message);
}
