import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyRuns } from '../testing/runs.ts';
import { sampleEntry } from '../testing/sample-entries.ts';
import { NotCanonicalError, canonicalBytes, canonicalString, isWellFormed, parseCanonical, utf8 } from './canonical.ts';
import { devVerifier, encodeEntry, entryIdOf } from './entry.ts';
import type { SignedEntry } from './types.ts';
import { limits } from './limits.ts';
import type { RefusalCode } from './result.ts';
import { validate } from './validate.ts';

const runs = { numRuns: propertyRuns() };

/** Any value that has a canonical form: safe integers, well-formed strings, nesting within the limit. */
const canonicalValue: fc.Arbitrary<unknown> = fc.letrec((tie) => ({
  value: fc.oneof(
    { maxDepth: limits.nestingMax - 1, depthSize: 'small' },
    fc.constantFrom(null, true, false, 0),
    fc.maxSafeInteger().filter((n) => !Object.is(n, -0)),
    fc.integer(),
    fc.string({ unit: 'binary' }),
    fc.string({ unit: 'grapheme-ascii' }),
    fc.array(tie('value'), { maxLength: 5 }),
    fc.dictionary(fc.string({ unit: 'binary', maxLength: 6 }), tie('value'), { maxKeys: 5 }),
  ),
})).value;

function refusalCode(input: Uint8Array | string): RefusalCode | undefined {
  const result = parseCanonical(input);
  return result.ok ? undefined : result.refusal.code;
}

describe('canonical encoding', () => {
  it('round-trips: decode(encode(v)) equals v, and encode(decode(bytes)) equals bytes', () => {
    fc.assert(
      fc.property(canonicalValue, (value) => {
        const bytes = canonicalBytes(value);
        if (bytes.byteLength > limits.entryBytesMax) return;
        const decoded = parseCanonical(bytes);
        expect(decoded).toEqual({ ok: true, value });
        expect(canonicalString(decoded.ok ? decoded.value : undefined)).toBe(new TextDecoder().decode(bytes));
        expect(parseCanonical(canonicalString(value))).toEqual({ ok: true, value });
      }),
      runs,
    );
  });

  it('writes object keys sorted by UTF-16 code unit, at every level', () => {
    expect(canonicalString({ b: 1, a: { d: [3, { z: 1, y: 2 }], c: 'x' } })).toBe('{"a":{"c":"x","d":[3,{"y":2,"z":1}]},"b":1}');
    // Integer-like keys too (JS objects list them first in numeric order), and code-unit order beyond ASCII.
    expect(canonicalString({ '9': 1, '10': 2, a: 3, B: 4 })).toBe('{"10":2,"9":1,"B":4,"a":3}');
    expect(canonicalString({ '\uFF21': 1, '\u{1F600}': 2 })).toBe('{"\u{1F600}":2,"\uFF21":1}');
    fc.assert(
      fc.property(fc.dictionary(fc.string({ unit: 'binary', maxLength: 8 }), fc.integer(), { maxKeys: 12 }), (record) => {
        const keys = Object.keys(record).sort();
        const expected = `{${keys.map((k) => `${JSON.stringify(k)}:${record[k]}`).join(',')}}`;
        expect(canonicalString(record)).toBe(expected);
      }),
      runs,
    );
  });

  it('has no form for values JSON cannot carry exactly', () => {
    for (const value of [1.5, -0, Number.NaN, Infinity, 2 ** 53, undefined, () => 1, Symbol('s'), 1n, new Date(0), new Map(), 'a\uD800']) {
      expect(() => canonicalString({ value }), String(value)).toThrow(NotCanonicalError);
    }
    let deep: unknown = 1;
    for (let i = 0; i <= limits.nestingMax; i++) deep = [deep];
    expect(() => canonicalString(deep)).toThrow(NotCanonicalError);
  });

  it.each([
    ['spaces', '{"a": 1}', 'not-canonical'],
    ['a trailing newline', '{"a":1}\n', 'not-canonical'],
    ['unsorted keys', '{"b":1,"a":2}', 'not-canonical'],
    ['1.0', '{"a":1.0}', 'not-canonical'],
    ['1e3', '{"a":1e3}', 'not-canonical'],
    ['1E3', '{"a":1E3}', 'not-canonical'],
    ['-0', '{"a":-0}', 'not-canonical'],
    ['1e400', '{"a":1e400}', 'not-canonical'],
    ['an unsafe integer', '{"a":9007199254740993}', 'not-canonical'],
    ['a fraction', '{"a":0.5}', 'not-canonical'],
    ['duplicate keys', '{"a":1,"a":1}', 'not-canonical'],
    ['an escaped plain letter', '{"a":"\\u0041"}', 'not-canonical'],
    ['an escaped slash', '{"a":"\\/"}', 'not-canonical'],
    ['an upper-case unicode escape', '{"a":"\\u001F"}', 'not-canonical'],
    ['a raw control character', '{"a":"\u0001"}', 'invalid-json'],
    ['an escaped lone surrogate', '{"a":"\\ud800"}', 'not-canonical'],
    ['single quotes', "{'a':1}", 'invalid-json'],
    ['a trailing comma', '{"a":1,}', 'invalid-json'],
    ['nothing', '', 'invalid-json'],
    ['NaN', 'NaN', 'invalid-json'],
  ] as const)('refuses %s (%j) with %s', (_, text, code) => {
    expect(refusalCode(text)).toBe(code);
    expect(refusalCode(utf8(text))).toBe(code);
  });

  it('refuses a leading byte-order mark', () => {
    expect(refusalCode(new Uint8Array([0xef, 0xbb, 0xbf, ...utf8('{"a":1}')]))).toBe('not-canonical');
    expect(parseCanonical('\uFEFF{"a":1}').ok).toBe(false);
  });

  it.each([
    ['a lone continuation byte', [0x80]],
    ['a truncated two-byte sequence', [0xc3]],
    ['an overlong slash', [0xc0, 0xaf]],
    ['an overlong NUL', [0xc0, 0x80]],
    ['an encoded surrogate', [0xed, 0xa0, 0x80]],
    ['a code point beyond U+10FFFF', [0xf4, 0x90, 0x80, 0x80]],
    ['0xFF', [0xff]],
    ['a truncated four-byte sequence', [0xf0, 0x9f, 0x98]],
  ])('refuses invalid UTF-8: %s', (_, bytes) => {
    const input = new Uint8Array([...utf8('{"a":"'), ...bytes, ...utf8('"}')]);
    expect(refusalCode(input)).toBe('invalid-utf8');
  });

  it('refuses text with a lone surrogate, input over entryBytesMax, nesting over nestingMax, and non-bytes', () => {
    expect(refusalCode('{"a":"\uD800"}')).toBe('invalid-utf8');
    expect(refusalCode(`{"a":"${'x'.repeat(limits.entryBytesMax)}"}`)).toBe('too-large');
    // Under the limit in UTF-16 units but over it in UTF-8 bytes.
    expect(refusalCode(`{"a":"${'é'.repeat(limits.entryBytesMax / 2)}"}`)).toBe('too-large');
    expect(refusalCode('['.repeat(limits.nestingMax + 1) + ']'.repeat(limits.nestingMax + 1))).toBe('too-deep');
    expect(refusalCode('['.repeat(limits.nestingMax) + ']'.repeat(limits.nestingMax))).toBeUndefined();
    // Brackets inside strings do not count.
    expect(refusalCode(`{"a":"${'['.repeat(100)}"}`)).toBeUndefined();
    expect(refusalCode(42 as unknown as string)).toBe('not-bytes');
  });

  it('isWellFormed finds lone surrogates only', () => {
    expect(isWellFormed('a\u{1F600}b')).toBe(true);
    expect(isWellFormed('\uD83D')).toBe(false);
    expect(isWellFormed('\uDE00x')).toBe(false);
    expect(isWellFormed('x\uDE00\uD83D')).toBe(false);
  });
});

describe("an entry's bytes", () => {
  const entry = sampleEntry('txn');
  const bytes = utf8(encodeEntry(entry));

  it('any single byte changed: refused, or (never, short of a hash collision) a different entry', () => {
    fc.assert(
      fc.property(fc.nat({ max: bytes.byteLength - 1 }), fc.integer({ min: 1, max: 255 }), (at, delta) => {
        const changed = bytes.slice();
        changed[at] = (changed[at]! + delta) % 256;
        const result = validate(changed, { verify: devVerifier });
        if (result.ok) expect(result.value.id).not.toBe(entry.id);
        else expect(result.refusal.message.length).toBeGreaterThan(0);
        return !result.ok;
      }),
      runs,
    );
  });

  it('any single byte changed and the id recomputed: the signature still catches it', () => {
    const text = encodeEntry(entry);
    fc.assert(
      fc.property(fc.nat({ max: text.length - 1 }), fc.constantFrom(...'0123456789abcXYZ:-_ '), (at, char) => {
        fc.pre(text[at] !== char);
        const parsed = parseCanonical(text.slice(0, at) + char + text.slice(at + 1));
        if (!parsed.ok || typeof parsed.value !== 'object' || parsed.value === null) return;
        const forged = parsed.value as SignedEntry & { id: string };
        try {
          forged.id = entryIdOf(forged);
        } catch {
          return; // a field went missing: nothing to recompute
        }
        const result = validate(forged, { verify: devVerifier });
        // Only a change inside the id itself survives (recomputing restores it).
        if (result.ok) expect(result.value).toEqual(entry);
      }),
      runs,
    );
  });
});
