/**
 * Mutators for the border fuzzers, all driven by one Prng so a case replays from
 * its seed: byte damage (bit flips, set bytes, truncation, inserted, deleted and
 * repeated ranges, crossover with another entry), text damage (whitespace, key
 * order, number forms, escapes and lone surrogates, a byte-order mark), size
 * (huge strings, arrays and digit runs), nesting (thousands of levels), and value
 * damage (a field deleted, added, or replaced by any JSON value, then re-signed
 * so the case reaches the rules after the id and signature checks).
 */
import { canonicalString, utf8 } from '../src/core/canonical.ts';
import { makeDevEntry } from '../src/core/entry.ts';
import type { UnsignedEntry } from '../src/core/types.ts';
import type { Prng } from '../sim/prng.ts';

/** A case's input and how it was made. */
export interface Mutant {
  input: Uint8Array | string | object;
  /** Mutations applied, for the report. */
  ops: string[];
  /** True when the mutant was signed again after a value change (so it may be valid). */
  resigned: boolean;
}

type BytesOp = (bytes: Uint8Array, prng: Prng, corpus: readonly string[]) => Uint8Array;
type TextOp = (text: string, prng: Prng) => string;

const BYTE_OPS: Record<string, BytesOp> = {
  flip: (b, prng) => {
    const out = b.slice();
    for (let n = prng.int(1, 8); n > 0 && out.length > 0; n--) out[prng.int(0, out.length - 1)]! ^= 1 << prng.int(0, 7);
    return out;
  },
  set: (b, prng) => {
    const out = b.slice();
    const odd = [0x00, 0x7f, 0x80, 0xbf, 0xc0, 0xc1, 0xed, 0xf4, 0xf5, 0xfe, 0xff, 0x22, 0x5c, 0x7b, 0x5b];
    for (let n = prng.int(1, 4); n > 0 && out.length > 0; n--) out[prng.int(0, out.length - 1)] = prng.pick(odd)!;
    return out;
  },
  truncate: (b, prng) => b.slice(0, prng.int(0, Math.max(0, b.length - 1))),
  insert: (b, prng) => {
    const at = prng.int(0, b.length);
    const extra = Uint8Array.from({ length: prng.int(1, 16) }, () => prng.int(0, 255));
    return concat(b.slice(0, at), extra, b.slice(at));
  },
  delete: (b, prng) => {
    const at = prng.int(0, b.length);
    return concat(b.slice(0, at), b.slice(Math.min(b.length, at + prng.int(1, 32))));
  },
  repeat: (b, prng) => {
    const at = prng.int(0, b.length);
    const range = b.slice(at, at + prng.int(1, 64));
    return concat(b.slice(0, at), range, range, b.slice(at));
  },
  crossover: (b, prng, corpus) => {
    const other = utf8(prng.pick(corpus)!);
    return concat(b.slice(0, prng.int(0, b.length)), other.slice(prng.int(0, other.length)));
  },
};

/** The byte-damage operators other borders share (crossover excluded: it splices entry texts). */
export const BYTE_DAMAGE = ['flip', 'set', 'truncate', 'insert', 'delete', 'repeat'] as const;

/** Apply the byte-damage operator `name` to a copy of `bytes`. */
export function damageBytes(name: (typeof BYTE_DAMAGE)[number], bytes: Uint8Array, prng: Prng): Uint8Array {
  return BYTE_OPS[name]!(bytes, prng, []);
}

const TEXT_OPS: Record<string, TextOp> = {
  space: (t, prng) => insertAt(t, prng, prng.pick([' ', '\n', '\t', '\r\n', '\u00a0'])!),
  bom: (t) => `\ufeff${t}`,
  loneSurrogate: (t, prng) => insertAt(t, prng, prng.pick(['\ud800', '\udfff', '\\ud800', '\\udc00x'])!),
  escape: (t, prng) => insertAt(t, prng, prng.pick(['\\u0000', '\\"', '\\\\', '\\/', '\\u00e9', '\\x41', '\\'])!),
  number: (t, prng) => replaceNumber(t, prng),
  hugeString: (t, prng) => replaceString(t, prng, 'x'.repeat(prng.pick([200, 600, 20_000, 2_000_000])!)),
  hugeDigits: (t, prng) => replaceNumber(t, prng, `9${'9'.repeat(prng.pick([20, 400, 20_000])!)}`),
  hugeArray: (t, prng) => replaceValue(t, prng, `[${Array.from({ length: prng.pick([150, 2_000, 200_000])! }, () => '0').join(',')}]`),
  deep: (t, prng) => {
    const depth = prng.pick([9, 64, 5_000, 100_000])!;
    return replaceValue(t, prng, `${'['.repeat(depth)}${']'.repeat(depth)}`);
  },
  deepObject: (t, prng) => {
    const depth = prng.pick([9, 200, 3_000])!;
    return replaceValue(t, prng, `${'{"a":'.repeat(depth)}1${'}'.repeat(depth)}`);
  },
  keyOrder: (t, prng) => {
    try {
      const value = JSON.parse(t) as Record<string, unknown>;
      const keys = Object.keys(value);
      const shuffled = keys.map((k) => [prng.u32(), k] as const).sort((a, b) => a[0] - b[0]).map(([, k]) => k);
      return `{${shuffled.map((k) => `${JSON.stringify(k)}:${JSON.stringify(value[k])}`).join(',')}}`;
    } catch {
      return t;
    }
  },
};

/** Random JSON-like values, odd ones favoured: edge numbers, odd keys, control characters. */
export function randomValue(prng: Prng, depth = 0): unknown {
  const leaf = depth >= 3 || prng.chance(0.5);
  if (leaf) {
    return prng.pick<unknown>([
      null,
      true,
      false,
      0,
      -1,
      prng.int(-1_000_000, 1_000_000),
      Number.MAX_SAFE_INTEGER,
      -Number.MAX_SAFE_INTEGER,
      1_000_000_000_001,
      '',
      'Assets:Cash',
      '2025-03-01T12:00:00',
      '2025-02-30',
      'a'.repeat(64),
      prng.string('ab:\u0000\u001f\u00e9\u2028\ud83d\ude00 ', prng.int(0, 12)),
    ]);
  }
  if (prng.chance(0.5)) return Array.from({ length: prng.int(0, 4) }, () => randomValue(prng, depth + 1));
  const out: Record<string, unknown> = {};
  for (let n = prng.int(0, 4); n > 0; n--) {
    const key = prng.pick(['account', 'amount', 'peer', 'seq', 'id', 'memo', 'x', '', '__proto__', 'constructor', prng.string('abz', 3)])!;
    Object.defineProperty(out, key, { value: randomValue(prng, depth + 1), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

/**
 * One fuzz case from a valid entry text: 1-3 stacked mutations of one family, in
 * the input form that family works on (bytes, text, or an object).
 */
export function mutateEntry(text: string, prng: Prng, corpus: readonly string[]): Mutant {
  const family = prng.weighted([4, 3, 3]);
  if (family === 0) {
    let bytes = utf8(text);
    const ops: string[] = [];
    for (let n = prng.int(1, 3); n > 0; n--) {
      const name = prng.pick(Object.keys(BYTE_OPS))!;
      bytes = BYTE_OPS[name]!(bytes, prng, corpus);
      ops.push(name);
    }
    return { input: bytes, ops, resigned: false };
  }
  if (family === 1) {
    let out = text;
    const ops: string[] = [];
    for (let n = prng.int(1, 2); n > 0; n--) {
      const name = prng.pick(Object.keys(TEXT_OPS))!;
      out = TEXT_OPS[name]!(out, prng);
      ops.push(name);
    }
    // As bytes, a lone surrogate becomes U+FFFD (what TextEncoder writes).
    return { input: prng.chance(0.5) ? out : utf8(out), ops, resigned: false };
  }
  return mutateValue(text, prng);
}

/** Change one slot of the parsed entry; sign it again half the time. */
function mutateValue(text: string, prng: Prng): Mutant {
  const entry = JSON.parse(text) as Record<string, unknown>;
  delete entry['id'];
  delete entry['sig'];
  const slots = slotsOf(entry);
  const [container, key] = prng.pick(slots)!;
  const op = prng.pick(['replace', 'delete', 'add', 'swap'])!;
  const record = container as Record<string | number, unknown>;
  if (op === 'replace') record[key] = randomValue(prng);
  else if (op === 'delete') {
    if (Array.isArray(container)) container.splice(Number(key), 1);
    else delete record[key];
  }
  else if (op === 'add') {
    const name = prng.pick(['memo', 'ref', 'extra', '__proto__', 'id', 'sig'])!;
    Object.defineProperty(Array.isArray(container) ? entry : container, name, { value: randomValue(prng), enumerable: true, writable: true, configurable: true });
  } else {
    const [other, otherKey] = prng.pick(slots)!;
    const o = other as Record<string | number, unknown>;
    [record[key], o[otherKey]] = [o[otherKey], record[key]];
  }
  const original = JSON.parse(text) as Record<string, unknown>;
  if (prng.chance(0.5)) {
    try {
      const signed = makeDevEntry(entry as unknown as UnsignedEntry);
      return asForm({ ...signed }, prng, [`value:${op}`, 'resigned'], true);
    } catch {
      // No canonical form: fall through, unsigned.
    }
  }
  return asForm({ ...entry, id: original['id'], sig: original['sig'] }, prng, [`value:${op}`], false);
}

/** The mutant as an object, its canonical text, or its bytes (when it has a canonical form). */
function asForm(value: Record<string, unknown>, prng: Prng, ops: string[], resigned: boolean): Mutant {
  const form = prng.int(0, 2);
  if (form === 0) return { input: value, ops, resigned };
  try {
    const text = canonicalString(value);
    return { input: form === 1 ? text : utf8(text), ops, resigned };
  } catch {
    return { input: value, ops, resigned };
  }
}

/** Every (container, key) of a JSON tree. */
function slotsOf(root: object): Array<[object, string | number]> {
  const out: Array<[object, string | number]> = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach((child, i) => (out.push([node, i]), walk(child)));
    else if (typeof node === 'object' && node !== null) {
      for (const [key, child] of Object.entries(node)) {
        out.push([node, key]);
        walk(child);
      }
    }
  };
  walk(root);
  return out;
}

/** The bytes of `parts`, one after another. */
export function concat(...parts: Uint8Array[]): Uint8Array {
  const out = new Uint8Array(parts.reduce((n, p) => n + p.length, 0));
  let at = 0;
  for (const part of parts) {
    out.set(part, at);
    at += part.length;
  }
  return out;
}

function insertAt(text: string, prng: Prng, piece: string): string {
  const at = prng.int(0, text.length);
  return text.slice(0, at) + piece + text.slice(at);
}

const NUMBER = /-?\d+/g;
const STRING = /"(?:[^"\\]|\\.)*"/g;
const VALUE = /(:)(-?\d+|"(?:[^"\\]|\\.)*"|null|true|false)/g;

function replaceMatch(text: string, pattern: RegExp, prng: Prng, make: (match: RegExpExecArray) => string): string {
  const matches = [...text.matchAll(pattern)] as RegExpExecArray[];
  const m = prng.pick(matches);
  if (m === undefined) return text;
  return text.slice(0, m.index) + make(m) + text.slice(m.index + m[0].length);
}

function replaceNumber(text: string, prng: Prng, with_?: string): string {
  const forms = ['-0', '1.5', '1e3', '1E+2', '0x10', '01', '9007199254740993', '-9007199254740993', 'NaN', 'Infinity', '1.0', '.5', '+1'];
  return replaceMatch(text, NUMBER, prng, () => with_ ?? prng.pick(forms)!);
}

function replaceString(text: string, prng: Prng, with_: string): string {
  return replaceMatch(text, STRING, prng, () => JSON.stringify(with_));
}

function replaceValue(text: string, prng: Prng, with_: string): string {
  return replaceMatch(text, VALUE, prng, (m) => `${m[1] ?? ':'}${with_}`);
}
