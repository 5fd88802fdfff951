/**
 * The one canonical byte form of an entry: JSON with object keys sorted by UTF-16
 * code unit, no insignificant whitespace, integers only (no fractions, no -0, no
 * exponents), strings as JSON.stringify writes them, UTF-8 bytes. It is what is
 * hashed, signed, stored and gossiped.
 *
 * Decoding is strict: the input must be valid UTF-8, valid JSON, and re-encode to
 * exactly the same text. That makes `decode` and `encode` inverse on every input
 * `decode` accepts, so one entry has exactly one byte form and one id.
 */
import { limits } from './limits.ts';
import { type Result, ok, refuse, AssertionError } from './result.ts';

const utf8Encoder = new TextEncoder();
const utf8Decoder = new TextDecoder('utf-8', { fatal: true, ignoreBOM: true });

/** Thrown by `canonicalString` for a value that has no canonical form (a programmer error). */
export class NotCanonicalError extends AssertionError {
  override name = 'NotCanonicalError';
}

const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

/** True when the string is well-formed Unicode (no lone surrogates), so it has a UTF-8 form. */
export function isWellFormed(text: string): boolean {
  return !LONE_SURROGATE.test(text);
}

/**
 * The canonical text of a JSON-like value. Throws NotCanonicalError for values that
 * have none: non-integers, -0, unsafe integers, undefined, functions, non-plain
 * objects, lone surrogates, nesting beyond `limits.nestingMax`.
 */
export function canonicalString(value: unknown): string {
  const parts: string[] = [];
  write(value, 0, parts);
  return parts.join('');
}

/** UTF-8 bytes of `canonicalString(value)`. */
export function canonicalBytes(value: unknown): Uint8Array {
  return utf8Encoder.encode(canonicalString(value));
}

/** `depth` counts the brackets around `value`, as parseCanonical's depth check does. */
function write(value: unknown, depth: number, out: string[]): void {
  if (typeof value === 'object' && value !== null && depth + 1 > limits.nestingMax) {
    throw new NotCanonicalError('nested too deeply');
  }
  if (value === null) {
    out.push('null');
  } else if (typeof value === 'boolean') {
    out.push(value ? 'true' : 'false');
  } else if (typeof value === 'number') {
    if (!Number.isSafeInteger(value) || Object.is(value, -0)) {
      throw new NotCanonicalError(`number ${String(value)} is not a safe integer`);
    }
    out.push(String(value));
  } else if (typeof value === 'string') {
    if (!isWellFormed(value)) throw new NotCanonicalError('string has a lone surrogate');
    out.push(JSON.stringify(value));
  } else if (Array.isArray(value)) {
    out.push('[');
    for (let i = 0; i < value.length; i++) {
      if (i > 0) out.push(',');
      write(value[i], depth + 1, out);
    }
    out.push(']');
  } else if (typeof value === 'object' && isPlainObject(value)) {
    const record = value as Record<string, unknown>;
    const keys = Object.keys(record).sort();
    out.push('{');
    keys.forEach((key, i) => {
      if (i > 0) out.push(',');
      if (!isWellFormed(key)) throw new NotCanonicalError('key has a lone surrogate');
      out.push(JSON.stringify(key), ':');
      write(record[key], depth + 1, out);
    });
    out.push('}');
  } else {
    throw new NotCanonicalError(`a ${typeof value} has no canonical form`);
  }
}

function isPlainObject(value: object): boolean {
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

/**
 * Parse canonical bytes (or their text). Never throws. Refuses input over
 * `limits.entryBytesMax`, invalid UTF-8, invalid JSON, nesting beyond the limit, and
 * anything that is not exactly in canonical form.
 */
export function parseCanonical(input: Uint8Array | string): Result<unknown> {
  let text: string;
  if (typeof input === 'string') {
    // A JS string may hold lone surrogates, which have no UTF-8 form.
    if (input.length > limits.entryBytesMax) return tooLarge(input.length);
    if (!isWellFormed(input)) return refuse('invalid-utf8', 'The entry text is not valid Unicode.');
    text = input;
  } else if (input instanceof Uint8Array) {
    if (input.byteLength > limits.entryBytesMax) return tooLarge(input.byteLength);
    try {
      text = utf8Decoder.decode(input);
    } catch {
      return refuse('invalid-utf8', 'The entry bytes are not valid UTF-8.');
    }
    if (text.charCodeAt(0) === 0xfeff) return refuse('not-canonical', 'The entry starts with a byte-order mark.');
  } else {
    return refuse('not-bytes', 'Expected the bytes or text of an entry.');
  }
  if (utf8Encoder.encode(text).byteLength > limits.entryBytesMax) return tooLarge(text.length);
  const depth = jsonDepth(text);
  if (depth > limits.nestingMax) {
    return refuse('too-deep', `The entry nests ${depth} levels deep; at most ${limits.nestingMax} are allowed.`);
  }
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    return refuse('invalid-json', 'The entry is not valid JSON.');
  }
  let again: string;
  try {
    again = canonicalString(value);
  } catch (error) {
    const why = error instanceof Error ? error.message : 'unknown';
    return refuse('not-canonical', `The entry is not in canonical form: ${why}.`);
  }
  if (again !== text) {
    return refuse('not-canonical', 'The entry is not in canonical form (key order, spacing or number format).');
  }
  return ok(value);
}

function tooLarge(size: number): Result<never> {
  return refuse('too-large', `The entry is ${size} bytes; at most ${limits.entryBytesMax} are allowed.`);
}

/** Maximum bracket depth of JSON text, ignoring brackets inside strings. Linear, no recursion. */
function jsonDepth(text: string): number {
  let depth = 0;
  let max = 0;
  let inString = false;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (inString) {
      if (c === 0x5c) i++;
      else if (c === 0x22) inString = false;
    } else if (c === 0x22) inString = true;
    else if (c === 0x5b || c === 0x7b) max = Math.max(max, ++depth);
    else if (c === 0x5d || c === 0x7d) depth--;
  }
  return max;
}

export function utf8(text: string): Uint8Array {
  return utf8Encoder.encode(text);
}
