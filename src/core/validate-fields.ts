/**
 * Field checks shared by the envelope and body validators. Each returns a Refusal
 * naming the field, or undefined when the field is fine. They run on plain JSON
 * data (what JSON.parse returns), so they read only own properties and never throw.
 */
import { isWellFormed } from './canonical.ts';
import { limits } from './limits.ts';
import type { Refusal, RefusalCode } from './result.ts';
import type { EntryId } from './types.ts';

/** A refusal, or undefined when the checked thing is fine. */
export type Problem = Refusal | undefined;

/** A plain JSON object as JSON.parse makes it. */
export type JsonObject = Record<string, unknown>;

const ENTRY_ID = /^[0-9a-f]{64}$/;
/** Book and peer ids: short printable ASCII that is safe in URLs, file names and logs. */
const ID_CHARS = /^[A-Za-z0-9._:-]+$/;
const BASE64URL = /^[A-Za-z0-9_-]*$/;
/** C0 and C1 control characters, DEL included: invisible, and they break exports and terminals. */
const CONTROL = /[\u0000-\u001F\u007F-\u009F]/;
/** How much of a bad value a message quotes: enough to recognise it, never a megabyte. */
const QUOTE_CHARS_MAX = 40;

/** True for an entry id: 64 lowercase hex characters (a SHA-256). */
export function isEntryId(value: unknown): value is EntryId {
  return typeof value === 'string' && ENTRY_ID.test(value);
}

/** A refusal with its path (the path is omitted when empty, i.e. the entry as a whole). */
export function problem(code: RefusalCode, message: string, path: string): Refusal {
  return path === '' ? { code, message } : { code, message, path };
}

/** `parent.key`, or `key` at the top. */
export function joinPath(parent: string, key: string): string {
  return parent === '' ? key : `${parent}.${key}`;
}

/** True for a JSON object (not null, not an array). */
export function isObject(value: unknown): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/**
 * A value quoted for a message: JSON-escaped (so control characters show as
 * escapes), and cut to a few dozen characters so a huge value cannot flood a screen.
 */
export function quote(value: string): string {
  if (value.length <= QUOTE_CHARS_MAX) return JSON.stringify(value);
  let cut = value.slice(0, QUOTE_CHARS_MAX);
  // Never end on half of a surrogate pair.
  if (/[\uD800-\uDBFF]$/.test(cut)) cut = cut.slice(0, -1);
  return `${JSON.stringify(cut)}…`;
}

/**
 * Refusal ('shape') unless `value` is an object whose keys are exactly `required`
 * plus any of `optional`. Checked before any field is read, so later reads of those
 * names only ever see own properties (never `constructor` from the prototype).
 */
export function checkKeys(
  value: unknown,
  required: readonly string[],
  optional: readonly string[],
  path: string,
  what: string,
): Problem {
  if (!isObject(value)) return problem('shape', `${what} must be an object.`, path);
  for (const key of Object.keys(value)) {
    if (!required.includes(key) && !optional.includes(key)) {
      return problem('shape', `${what} has a field ${quote(key)} that does not belong there.`, joinPath(path, key));
    }
  }
  for (const key of required) {
    if (!Object.hasOwn(value, key)) return problem('shape', `${what} is missing the field "${key}".`, joinPath(path, key));
  }
  return undefined;
}

/** Code points in a well-formed string (what a person counts as characters, near enough). */
export function codePointLength(text: string): number {
  let pairs = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 0xd800 && c <= 0xdbff) pairs++;
  }
  return text.length - pairs;
}

/**
 * Refusal unless `value` is free text a person wrote (memo, reason, name, ref):
 * a string of well-formed Unicode without control characters, `min..max` code points.
 */
export function checkText(value: unknown, path: string, label: string, min: number, max: number): Problem {
  if (typeof value !== 'string') return problem('shape', `${label} must be text.`, path);
  if (!isWellFormed(value)) return problem('shape', `${label} is not valid Unicode text.`, path);
  const control = CONTROL.exec(value);
  if (control) {
    const hex = control[0].charCodeAt(0).toString(16).toUpperCase().padStart(4, '0');
    return problem('shape', `${label} contains an invisible control character (U+${hex}); remove it.`, path);
  }
  const length = codePointLength(value);
  if (length < min) return problem('shape', `${label} must not be empty.`, path);
  if (length > max) return problem('limit', `${label} is ${length} characters long; at most ${max} are allowed.`, path);
  return undefined;
}

/**
 * Refusal unless `value` is a book or device id: 1..`max` characters of
 * letters, digits, `.`, `_`, `:` and `-`.
 */
export function checkId(value: unknown, path: string, label: string, max: number): Problem {
  if (typeof value !== 'string' || value.length === 0) return problem('shape', `${label} must be a non-empty id.`, path);
  if (value.length > max) return problem('limit', `${label} is ${value.length} characters long; at most ${max} are allowed.`, path);
  if (!ID_CHARS.test(value)) {
    return problem('shape', `${label} ${quote(value)} may only use letters, digits, ".", "_", ":" and "-".`, path);
  }
  return undefined;
}

/** Refusal unless `value` is a device (peer) id. */
export function checkPeerId(value: unknown, path: string, label: string): Problem {
  return checkId(value, path, label, limits.peerIdCharsMax);
}

/** Refusal ('bad-seq') unless `value` is an integer `min..limits.seqMax - 1`. */
export function checkSeq(value: unknown, path: string, label: string, min: number): Problem {
  if (typeof value !== 'number' || !Number.isSafeInteger(value) || value < min || value >= limits.seqMax) {
    return problem('bad-seq', `${label} must be a whole number from ${min} to ${limits.seqMax - 1}.`, path);
  }
  return undefined;
}

/** Refusal ('shape' unless another code is given) when `value` is not an entry id. */
export function checkEntryId(value: unknown, path: string, label: string, code: RefusalCode = 'shape'): Problem {
  if (isEntryId(value)) return undefined;
  return problem(code, `${label} must be an entry id (64 lowercase hex characters).`, path);
}

/** Refusal unless `value` is a public key: 0..keyCharsMax base64url characters (empty until device keys exist). */
export function checkKey(value: unknown, path: string, label: string): Problem {
  if (typeof value !== 'string') return problem('shape', `${label} must be text.`, path);
  if (value.length > limits.keyCharsMax) {
    return problem('limit', `${label} is ${value.length} characters long; at most ${limits.keyCharsMax} are allowed.`, path);
  }
  if (!BASE64URL.test(value)) return problem('shape', `${label} may only use base64url characters (A-Z, a-z, 0-9, "-", "_").`, path);
  return undefined;
}
