/**
 * The one validator for untrusted entries: from a peer, a file, a form or a test.
 * A peer refuses an entry only for faults in the entry itself (shape, limits,
 * balance, id, signature); nothing here looks at other entries or at a clock, so
 * every peer accepts exactly the same entries.
 *
 * Order of the checks: read the input into plain canonical JSON, then the envelope,
 * then the body, then the id, the signature, and last the book (a genuine entry of
 * another book is reported as such).
 */
import { canonicalString, isWellFormed, parseCanonical, utf8 } from './canonical.ts';
import type { Verifier } from './entry.ts';
import { sha256Hex } from './hash.ts';
import { limits } from './limits.ts';
import { type Refusal, type RefusalCode, type Result, assert, ok, refuse } from './result.ts';
import type { BookId, Entry } from './types.ts';
import { checkBody } from './validate-body.ts';
import { checkEnvelope } from './validate-envelope.ts';
import { type JsonObject, quote } from './validate-fields.ts';

export { checkAccount } from './accounts.ts';
export { isEntryId } from './validate-fields.ts';

export interface ValidateOptions {
  /** Checks the author's signature; a verifier that throws counts as a refusal. */
  verify: Verifier;
  /** When given, an entry of any other book is refused ('wrong-book'). */
  book?: BookId;
}

/**
 * Marks a refusal caused by a defect in this validator rather than by the input.
 * Never expected; the foolishness suite fails if any input produces it.
 */
export const INTERNAL_FAULT = 'The entry could not be checked because of a fault in the validator';

/**
 * Decide whether `input` is a valid entry. `input` may be canonical UTF-8 bytes,
 * canonical text, or a JS value (a form's object, a test's literal) that has a
 * canonical form. Returns the entry as fresh plain data (never the caller's
 * object), or the first refusal found. Never throws, whatever `input` is: bytes,
 * any JSON, cycles, proxies, throwing getters, symbols, BigInt, class instances.
 */
export function validate(input: unknown, options: ValidateOptions): Result<Entry> {
  const read = readInput(input);
  if (!read.ok) return read;
  try {
    return checkEntry(read.value.value, read.value.text, options);
  } catch (error) {
    return refuse('shape', `${INTERNAL_FAULT} (${describe(error)}).`);
  }
}

/** `validate` for the wire form: canonical bytes or their text. */
export function decodeEntry(bytes: Uint8Array | string, options: ValidateOptions): Result<Entry> {
  return validate(bytes, options);
}

/** `text` is the canonical text of `value` (what the id and signature cover). */
function checkEntry(value: unknown, text: string, options: ValidateOptions): Result<Entry> {
  const envelope = checkEnvelope(value);
  if (envelope) return { ok: false, refusal: envelope };
  const entry = value as JsonObject & Entry;
  const body = checkBody(entry.body, { kind: entry.kind, peer: entry.peer, seq: entry.seq });
  if (body) return { ok: false, refusal: body };
  const covered = coveredTexts(text, entry);
  if (sha256Hex(covered.idText) !== entry.id) {
    return refuse('bad-id', "The entry's id does not match its content: it was altered or damaged on the way.", 'id');
  }
  if (!signatureHolds(entry, utf8(covered.signingText), options)) {
    return refuse('bad-signature', `The signature does not prove that device ${quote(entry.peer)} wrote this entry.`, 'sig');
  }
  if (options.book !== undefined && entry.book !== options.book) {
    return refuse('wrong-book', `This entry belongs to book ${quote(entry.book)}, not to ${quote(String(options.book))}.`, 'book');
  }
  return ok(entry);
}

/**
 * The texts the id and the signature cover (see entry.ts), cut out of the entry's
 * canonical text rather than written twice more (that was 40% of the time of
 * validation). Exact, because the text is canonical and the entry's shape is
 * validated: keys are sorted, so `sig` is the last key and the top-level `id` is the
 * last `,"id":"` in the text (only string and number fields follow it, and a raw
 * quote cannot occur inside a JSON string). validate.test.ts checks the cut
 * against entry.ts on entries whose text is full of look-alike fields.
 */
function coveredTexts(text: string, entry: Entry): { idText: string; signingText: string } {
  const idField = `,"id":"${entry.id}"`;
  const sigField = `,"sig":${JSON.stringify(entry.sig)}}`;
  const idAt = text.lastIndexOf(',"id":"');
  assert(idAt > 0 && text.startsWith(idField, idAt) && text.endsWith(sigField), 'canonical entry text has sorted id and sig');
  const idText = text.slice(0, idAt) + text.slice(idAt + idField.length);
  return { idText, signingText: `${idText.slice(0, idText.length - sigField.length)}}` };
}

/** Only `true` counts: a verifier that throws or answers anything else refuses. */
function signatureHolds(entry: Entry, message: Uint8Array, options: ValidateOptions): boolean {
  try {
    return options.verify(message, entry.sig, entry.peer) === true;
  } catch {
    return false;
  }
}

interface ReadEntry {
  value: unknown;
  /** The canonical text of `value`. */
  text: string;
}

const textDecoder = new TextDecoder();

/** Bytes and text go through the strict canonical parser; JS values are copied first. */
function readInput(input: unknown): Result<ReadEntry> {
  try {
    if (typeof input === 'string') return withText(parseCanonical(input), input);
    // Decoded again only once the parser has accepted the bytes as canonical UTF-8.
    if (input instanceof Uint8Array) return withText(parseCanonical(input), input);
    if (typeof input === 'object' && input !== null) return readValue(input);
    if (input === null || typeof input === 'number' || typeof input === 'boolean') {
      return refuse('shape', 'An entry must be a JSON object.');
    }
  } catch (error) {
    // A proxy or an exotic object that throws when looked at.
    return refuse('not-bytes', `The input could not be read as an entry (${describe(error)}).`);
  }
  return refuse('not-bytes', 'Expected an entry: its bytes, its text, or an object.');
}

/**
 * A JS value becomes an entry only through its canonical text: copy it once into
 * plain data (each property read once, with a size and depth budget, so a getter
 * cannot answer differently twice and a huge or cyclic value stops early), write
 * the copy canonically, then parse that text like bytes from a peer.
 */
function readValue(input: object): Result<ReadEntry> {
  const context: CopyContext = { budget: limits.entryBytesMax, path: [], refusal: undefined };
  let copy: unknown;
  try {
    copy = copyPlain(input, 0, context);
  } catch (error) {
    return refuse('not-canonical', `Reading the entry failed at ${pathText(context.path)} (${describe(error)}).`, pathText(context.path));
  }
  if (context.refusal) return { ok: false, refusal: context.refusal };
  let text: string;
  try {
    text = canonicalString(copy);
  } catch (error) {
    return refuse('not-canonical', `The entry has no canonical form: ${describe(error)}.`);
  }
  return withText(parseCanonical(text), text);
}

function withText(parsed: Result<unknown>, source: string | Uint8Array): Result<ReadEntry> {
  if (!parsed.ok) return parsed;
  return ok({ value: parsed.value, text: typeof source === 'string' ? source : textDecoder.decode(source) });
}

interface CopyContext {
  /** Lower bound on canonical characters still allowed: exceeding it means too large for sure. */
  budget: number;
  /** Where the copy is, for messages. */
  path: Array<string | number>;
  refusal: Refusal | undefined;
}

function copyPlain(value: unknown, depth: number, context: CopyContext): unknown {
  switch (typeof value) {
    case 'string':
      if (!spend(context, value.length + 2)) return undefined;
      if (!isWellFormed(value)) return stop(context, 'not-canonical', `${describeAt(context)} is not valid Unicode text.`);
      return value;
    case 'number':
      if (!Number.isSafeInteger(value) || Object.is(value, -0)) {
        return stop(context, 'not-canonical', `${describeAt(context)} is ${Number.isFinite(value) ? String(value) : 'not a finite number'}; an entry holds only whole numbers.`);
      }
      return spend(context, 1) ? value : undefined;
    case 'boolean':
      return spend(context, 4) ? value : undefined;
    case 'object':
      if (value === null) return spend(context, 4) ? null : undefined;
      return copyContainer(value, depth, context);
    case 'undefined':
      return stop(context, 'not-canonical', `${describeAt(context)} has no value; leave it out or give it one.`);
    default:
      // A function, symbol or bigint: JSON has no such thing.
      return stop(context, 'not-canonical', `${describeAt(context)} is a ${typeof value}, which has no place in an entry.`);
  }
}

function copyContainer(value: object, depth: number, context: CopyContext): unknown {
  if (depth + 1 > limits.nestingMax) {
    return stop(context, 'too-deep', `The entry nests deeper than ${limits.nestingMax} levels at ${pathText(context.path)}.`);
  }
  if (Array.isArray(value)) return copyArray(value, depth, context);
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) {
    return stop(context, 'not-canonical', `${describeAt(context)} is not plain data (an object made by a class, a date, a map...).`);
  }
  const keys = Object.keys(value);
  // Each key costs at least `"":` plus a one-character value and a comma.
  if (!spend(context, 2 + keys.length * 5)) return undefined;
  // A null prototype: assigning "__proto__" then makes an own property, never a prototype.
  const out = Object.create(null) as Record<string, unknown>;
  for (const key of keys) {
    context.path.push(key);
    if (!spend(context, key.length)) return undefined;
    out[key] = copyPlain((value as Record<string, unknown>)[key], depth + 1, context);
    if (context.refusal) return undefined;
    context.path.pop();
  }
  return out;
}

function copyArray(value: readonly unknown[], depth: number, context: CopyContext): unknown {
  const length = value.length;
  if (!spend(context, 2 + length * 2)) return undefined;
  const out: unknown[] = [];
  for (let i = 0; i < length; i++) {
    context.path.push(i);
    out.push(copyPlain(value[i], depth + 1, context));
    if (context.refusal) return undefined;
    context.path.pop();
  }
  return out;
}

function spend(context: CopyContext, chars: number): boolean {
  context.budget -= chars;
  if (context.budget >= 0) return true;
  stop(context, 'too-large', `The entry is larger than ${limits.entryBytesMax} bytes.`);
  return false;
}

function stop(context: CopyContext, code: RefusalCode, message: string): undefined {
  const path = pathText(context.path);
  context.refusal = path === '' ? { code, message } : { code, message, path };
  return undefined;
}

function describeAt(context: CopyContext): string {
  return context.path.length === 0 ? 'The entry' : `The field ${pathText(context.path)}`;
}

const PLAIN_KEY = /^[A-Za-z_$][A-Za-z0-9_$]{0,40}$/;
/** A hostile value may have keys of any length and content; its path in a message stays short. */
const PATH_CHARS_MAX = 120;

/** `body.postings[1].amount` from its parts; odd keys quoted, the whole cut to PATH_CHARS_MAX. */
function pathText(path: ReadonlyArray<string | number>): string {
  let text = '';
  for (const part of path) {
    if (typeof part === 'number') text += `[${part}]`;
    else if (!PLAIN_KEY.test(part)) text += `[${quote(part)}]`;
    else text += text === '' ? part : `.${part}`;
    if (text.length > PATH_CHARS_MAX) return `${text.slice(0, PATH_CHARS_MAX)}…`;
  }
  return text;
}

/** A short, safe description of anything thrown (which may itself be hostile). */
function describe(error: unknown): string {
  try {
    if (typeof error === 'object' && error !== null && typeof (error as Error).message === 'string') {
      const message = (error as Error).message;
      return message.length > 200 ? `${message.slice(0, 200)}…` : message;
    }
    return typeof error;
  } catch {
    return 'unreadable error';
  }
}
