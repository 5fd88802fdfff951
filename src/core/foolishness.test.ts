/**
 * The foolishness suite (after TinyBase's): thousands of malformed, hostile and
 * absurd inputs. For every one, `validate` must return, never throw; a refusal must
 * carry a known code and a readable message; an `ok` is allowed only where a
 * mutation happened to leave a valid entry, and then it must be self-consistent.
 * A generous per-case time bound catches hangs (it is not a benchmark).
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyRuns } from '../testing/runs.ts';
import { plainCopy, sampleEntry, sampleUnsigned } from '../testing/sample-entries.ts';
import { canonicalString, utf8 } from './canonical.ts';
import { devVerifier, encodeEntry, makeDevEntry } from './entry.ts';
import { limits } from './limits.ts';
import { REFUSAL_CODES, type RefusalCode, type Result } from './result.ts';
import { ENVELOPE_KEYS } from './validate-envelope.ts';
import { KINDS, type Entry, type Kind, type UnsignedEntry } from './types.ts';
import { INTERNAL_FAULT, validate } from './validate.ts';

/** Per-case bound in CPU ms: a hang detector only, far above the tens of microseconds a case takes. */
const HANG_MS = 50;
const runs = { numRuns: propertyRuns() };
const options = { verify: devVerifier };
const seen = new Map<RefusalCode | 'ok', number>();
let slowestMs = 0;

/** Validate `input`, timing it, and check the outcome's contract. */
function fool(input: unknown, may: 'refuse' | 'refuse-or-ok' = 'refuse'): Result<Entry> {
  // CPU time, not wall time: on a shared, loaded machine the process may wait for a
  // core, which says nothing about a hang. (The purity check allows `process` in tests.)
  const start = process.cpuUsage();
  const result = validate(input, options);
  const used = process.cpuUsage(start);
  const elapsedMs = (used.user + used.system) / 1000;
  slowestMs = Math.max(slowestMs, elapsedMs);
  expect(elapsedMs).toBeLessThan(HANG_MS);
  if (result.ok) {
    expect(may).toBe('refuse-or-ok');
    // A valid entry is valid in every form, with one id.
    const again = validate(utf8(encodeEntry(result.value)), options);
    expect(again).toEqual(result);
  } else {
    expect(REFUSAL_CODES).toContain(result.refusal.code);
    expect(typeof result.refusal.message).toBe('string');
    expect(result.refusal.message.length).toBeGreaterThan(0);
    expect(result.refusal.message.length).toBeLessThan(400);
    expect(result.refusal.message).not.toContain(INTERNAL_FAULT);
  }
  const key = result.ok ? 'ok' : result.refusal.code;
  seen.set(key, (seen.get(key) ?? 0) + 1);
  return result;
}

/** True when both values have the same canonical form (false when either has none). */
function sameCanonical(a: unknown, b: unknown): boolean {
  try {
    return canonicalString(a) === canonicalString(b);
  } catch {
    return false;
  }
}

const validBytes = (kind: Kind = 'txn'): Uint8Array => utf8(encodeEntry(sampleEntry(kind)));

describe('random values', () => {
  const hostileKey = fc.oneof(
    fc.string(),
    fc.constantFrom('__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', ...ENVELOPE_KEYS),
  );
  const anything = fc.anything({
    key: hostileKey,
    maxDepth: 12,
    withBigInt: true,
    withBoxedValues: true,
    withDate: true,
    withMap: true,
    withSet: true,
    withNullPrototype: true,
    withObjectString: true,
    withSparseArray: true,
    withTypedArray: true,
    withUnicodeString: true,
  });

  it('fc.anything() as the entry', () => {
    fc.assert(fc.property(anything, (value) => void fool(value)), runs);
  });

  it('fc.anything() in place of any one envelope or body field of a valid entry', () => {
    fc.assert(
      fc.property(fc.constantFrom(...KINDS), fc.nat(), anything, (kind, pick, value) => {
        const entry = plainCopy(sampleEntry(kind));
        const bodyKeys = Object.keys(entry.body);
        const slots = [...ENVELOPE_KEYS.map((k) => [entry, k] as const), ...bodyKeys.map((k) => [entry.body, k] as const)];
        const [target, key] = slots[pick % slots.length]!;
        // Putting back the value a field already has (the join's empty key, say) leaves a valid entry.
        fc.pre(!sameCanonical(target[key], value));
        target[key] = value;
        fool(entry);
      }),
      runs,
    );
  });

  it('fc.jsonValue() as an object, as JSON text and as bytes', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (value) => {
        fool(value);
        const text = JSON.stringify(value);
        fool(text);
        fool(utf8(text));
      }),
      runs,
    );
  });

  it('entry-shaped objects whose fields are each valid or random', () => {
    const valid = plainCopy(sampleEntry('txn'));
    const field = (key: string) => fc.oneof(fc.constant(valid[key]), fc.jsonValue(), fc.string({ unit: 'binary' }));
    const shaped = fc.record(Object.fromEntries(ENVELOPE_KEYS.map((k) => [k, field(k)])));
    fc.assert(fc.property(shaped, (value) => void fool(value, 'refuse-or-ok')), runs);
  });

  it('random bytes, and random strings with lone surrogates', () => {
    const codeUnits = fc.array(fc.integer({ min: 0, max: 0xffff }), { maxLength: 300 }).map((a) => String.fromCharCode(...a));
    fc.assert(
      fc.property(fc.uint8Array({ maxLength: 3000 }), codeUnits, fc.string({ unit: 'binary' }), (bytes, units, text) => {
        fool(bytes);
        fool(units);
        fool(text);
      }),
      runs,
    );
  });
});

describe('invalid UTF-8 and odd bytes inside a valid entry', () => {
  const sequences = [
    [0x80], [0xbf], [0xc0, 0x80], [0xc1, 0xbf], [0xe0, 0x80, 0x80], [0xed, 0xa0, 0x80], [0xed, 0xbf, 0xbf],
    [0xf0, 0x80, 0x80, 0x80], [0xf4, 0x90, 0x80, 0x80], [0xf5], [0xfe], [0xff], [0xc3], [0xe2, 0x82], [0xf0, 0x9f, 0x98],
    [0xef, 0xbb, 0xbf], [0x00], [0x0a], [0x22], [0x5c],
  ];

  it.each(sequences.map((s) => [s.map((b) => b.toString(16)).join(' '), s] as const))('%s at every position of an entry', (_, sequence) => {
    const bytes = validBytes();
    for (let at = 0; at <= bytes.byteLength; at += 7) {
      fool(new Uint8Array([...bytes.slice(0, at), ...sequence, ...bytes.slice(at)]));
    }
  });

  it('a leading byte-order mark', () => {
    expect(fool(new Uint8Array([0xef, 0xbb, 0xbf, ...validBytes()])).ok).toBe(false);
    expect(fool(`\uFEFF${encodeEntry(sampleEntry('txn'))}`).ok).toBe(false);
  });
});

describe('numbers', () => {
  const numbers = [
    Number.NaN, Infinity, -Infinity, -0, 0.1, 1.5, -1.5, 2 ** 53, -(2 ** 53), 2 ** 53 + 2, Number.MAX_VALUE, -Number.MAX_VALUE,
    Number.MIN_VALUE, Number.EPSILON, limits.seqMax, limits.amountAbsMax + 1, -limits.amountAbsMax - 1, 1e21, 0, -1,
  ];
  const texts = ['1e400', '-1e400', '1e3', '1E3', '1.0', '-0', '0.0', '01', '+1', '9007199254740993', '1'.repeat(400), '0x10', 'NaN', 'Infinity', '.5', '5.'];
  const numericSlots: Array<[Kind, string[]]> = [
    ['txn', ['seq']],
    ['txn', ['body', 'postings', '0', 'amount']],
    ['book', ['body', 'windowDays']],
    ['retire', ['body', 'lastSeq']],
    ['negate', ['body', 'target', 'seq']],
    ['summary', ['body', 'cut', '0', 'seq']],
    ['summary', ['body', 'balances', '0', 'amount']],
  ];

  it.each(numericSlots)('every odd number in %s %j, as a value and as text', (kind, path) => {
    for (const n of numbers) {
      const entry = plainCopy(sampleEntry(kind));
      setAt(entry, path, n);
      fool(entry);
      for (const resigned of tryResign(entry)) fool(resigned, 'refuse-or-ok');
    }
    for (const text of texts) {
      const entry = plainCopy(sampleEntry(kind));
      const marker = 'NUMBER-HERE';
      setAt(entry, path, marker);
      fool(canonicalString(entry).replace(`"${marker}"`, text));
    }
  });
});

describe('nesting', () => {
  const DEPTH = 10_000;

  it('10k levels as text (and just under the size limit, to reach the depth check)', () => {
    fool('['.repeat(DEPTH) + ']'.repeat(DEPTH));
    fool('{"a":'.repeat(DEPTH) + '1' + '}'.repeat(DEPTH));
    fool('['.repeat(DEPTH));
    const fits = Math.floor(limits.entryBytesMax / 2) - 10;
    expect(fool('['.repeat(fits) + ']'.repeat(fits)).ok === false).toBe(true);
    const body = '['.repeat(fits - 400) + ']'.repeat(fits - 400);
    const text = encodeEntry(sampleEntry('txn')).replace(/"postings":\[.*?\]\]?/, `"postings":${body}`);
    const result = fool(text);
    expect(result.ok === false && result.refusal.code).toBe('too-deep');
  });

  it('10k levels as objects and arrays, and cycles', () => {
    let asArrays: unknown = 1;
    let asObjects: unknown = 1;
    for (let i = 0; i < DEPTH; i++) {
      asArrays = [asArrays];
      asObjects = { a: asObjects };
    }
    expect(fool(asArrays).ok).toBe(false);
    expect(fool(asObjects).ok).toBe(false);
    const entry = plainCopy(sampleEntry('txn'));
    entry.body['postings'] = asArrays;
    const deep = fool(entry);
    expect(deep.ok === false && deep.refusal.code).toBe('too-deep');

    const cyclic = plainCopy(sampleEntry('txn'));
    cyclic.body['self'] = cyclic;
    fool(cyclic);
    const loop: unknown[] = [];
    loop.push(loop);
    fool(loop);
    const postings = (plainCopy(sampleEntry('txn')).body['postings'] as unknown[]);
    postings.push(postings);
    fool({ ...plainCopy(sampleEntry('txn')), body: { postings } });
  });
});

describe('prototype keys', () => {
  const keys = ['__proto__', 'constructor', 'prototype', 'toString', 'valueOf', 'hasOwnProperty', '__defineGetter__'];

  it.each(keys)('%s as an own key at the top, in the body and in a posting; as text too', (key) => {
    for (const where of [[], ['body'], ['body', 'postings', '1']]) {
      const entry = plainCopy(sampleEntry('txn'));
      const target = where.reduce<any>((o, k) => o[k], entry);
      Object.defineProperty(target, key, { value: { polluted: true }, enumerable: true, configurable: true, writable: true });
      const result = fool(entry);
      expect(result.ok === false && result.refusal.code).toBe('shape');
      fool(canonicalString(entry));
    }
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('a missing required key is not found on the prototype', () => {
    const entry = plainCopy(sampleEntry('txn'));
    delete entry['nonce'];
    Object.setPrototypeOf(entry, { nonce: 'V1StGXR8_Z5jdHi6B-myT' });
    fool(entry);
    // `constructor` is on every object's prototype; a body lacking it must not borrow it.
    const text = canonicalString({ ...plainCopy(sampleEntry('close')), body: {} });
    expect(fool(text).ok).toBe(false);
  });

  it('an entry built on a null prototype is plain data, and valid', () => {
    const entry = Object.assign(Object.create(null) as object, sampleEntry('txn'));
    expect(fool(entry, 'refuse-or-ok').ok).toBe(true);
  });
});

describe('size', () => {
  const megabyte = 'x'.repeat(1 << 20);

  it('1 MB strings in every text field, as objects and as text', () => {
    for (const path of [['nonce'], ['sig'], ['id'], ['book'], ['body', 'memo'], ['body', 'postings', '0', 'account']]) {
      const entry = plainCopy(sampleEntry('txn'));
      setAt(entry, path, megabyte);
      expect(fool(entry).ok).toBe(false);
      expect(fool(canonicalString(entry)).ok).toBe(false);
    }
    fool(megabyte);
    fool(new Uint8Array(1 << 20));
    fool(`"${megabyte}"`);
  });

  it('huge arrays, sparse arrays and objects with many keys', () => {
    const entry = plainCopy(sampleEntry('txn'));
    entry.body['postings'] = new Array(2 ** 32 - 1);
    expect(fool(entry).ok).toBe(false);
    entry.body['postings'] = Array.from({ length: 1_000_000 }, () => ({ account: 'Assets:Cash', amount: 1 }));
    expect(fool(entry).ok).toBe(false);
    const sparse = sampleEntry('txn').body.postings.slice();
    sparse[50] = sparse[0]!;
    fool({ ...sampleEntry('txn'), body: { postings: sparse } });
    const wide = Object.fromEntries(Array.from({ length: 100_000 }, (_, i) => [`k${i}`, i]));
    expect(fool(wide).ok).toBe(false);
    expect(fool({ ...sampleEntry('txn'), body: wide }).ok).toBe(false);
  });
});

describe('hostile JS values', () => {
  const boom = (): never => {
    throw new Error('boom');
  };
  const throwing = (trap: keyof ProxyHandler<object>) => new Proxy(plainCopy(sampleEntry('txn')), { [trap]: boom });
  const hostileError = new Proxy(
    {},
    {
      get: boom,
      getPrototypeOf: boom,
    },
  );

  it('proxies whose traps throw, revoked proxies, and errors that throw when read', () => {
    for (const trap of ['get', 'ownKeys', 'getPrototypeOf', 'has', 'getOwnPropertyDescriptor'] as const) {
      expect(fool(throwing(trap), 'refuse-or-ok').ok).toBe(trap === 'has');
      const nested = plainCopy(sampleEntry('txn'));
      nested.body = new Proxy(nested.body, { [trap]: boom });
      // A trap the copy never triggers leaves plain data behind, which may well be valid.
      fool(nested, 'refuse-or-ok');
    }
    const { proxy, revoke } = Proxy.revocable(plainCopy(sampleEntry('txn')), {});
    revoke();
    expect(fool(proxy).ok).toBe(false);
    const rethrow = new Proxy(plainCopy(sampleEntry('txn')), {
      ownKeys: () => {
        throw hostileError;
      },
    });
    expect(fool(rethrow).ok).toBe(false);
    const bytesProxy = new Proxy(validBytes(), { get: boom });
    expect(fool(bytesProxy).ok).toBe(false);
    fool(new Proxy(validBytes(), { getPrototypeOf: boom }));
  });

  it('getters: throwing, and answering differently on every read', () => {
    const entry = plainCopy(sampleEntry('txn'));
    Object.defineProperty(entry, 'sig', { get: boom, enumerable: true });
    const result = fool(entry);
    expect(result.ok === false && result.refusal.path).toBe('sig');

    // A getter that is valid on the first read and huge afterwards: the copy reads it once.
    const valid = sampleEntry('txn');
    const fickle = plainCopy(valid);
    let reads = 0;
    Object.defineProperty(fickle, 'sig', { get: () => (reads++ === 0 ? valid.sig : 'x'.repeat(1 << 20)), enumerable: true });
    const fickleResult = fool(fickle, 'refuse-or-ok');
    expect(reads).toBe(1);
    expect(fickleResult).toEqual({ ok: true, value: valid });
  });

  it('symbols, functions, BigInt, class instances, boxed values, typed arrays and friends', () => {
    class Posting {
      constructor(
        readonly account: string,
        readonly amount: number,
      ) {}
    }
    const values: unknown[] = [
      Symbol('entry'), () => sampleEntry('txn'), 10n, new Date(0), new Map(), new Set(), new WeakMap(), Promise.resolve(1),
      new String('{}'), new Number(1), new Boolean(true), new Error('x'), /regex/, new ArrayBuffer(8), new DataView(new ArrayBuffer(8)),
      new Uint16Array(4), new Float64Array([Number.NaN]), Buffer.from(encodeEntry(sampleEntry('txn'))).subarray(1), globalThis, Math,
      Object.assign(() => 1, sampleEntry('txn')), { [Symbol.toPrimitive]: boom }, new (class Entry {})(),
    ];
    for (const value of values) {
      fool(value);
      const entry = plainCopy(sampleEntry('txn'));
      entry.body['memo'] = value;
      fool(entry);
    }
    const withClass = plainCopy(sampleEntry('txn'));
    withClass.body['postings'] = [new Posting('Assets:Cash', 5), new Posting('Income:Sales', -5)];
    const classResult = fool(withClass);
    expect(classResult.ok === false && classResult.refusal.path).toBe('body.postings[0]');
    const withSymbolKey = { ...sampleEntry('txn'), [Symbol('hidden')]: 1 };
    // Symbol keys are not data: JSON and the canonical form both ignore them.
    expect(fool(withSymbolKey, 'refuse-or-ok').ok).toBe(true);
  });

  it('a Buffer holding a valid entry is accepted as bytes', () => {
    expect(fool(Buffer.from(encodeEntry(sampleEntry('seal'))), 'refuse-or-ok').ok).toBe(true);
  });
});

describe('mutated valid entries', () => {
  const kind = fc.constantFrom(...KINDS);

  it('bit flips', () => {
    const flips = fc.array(fc.tuple(fc.nat(), fc.nat({ max: 7 })), { minLength: 1, maxLength: 4 });
    fc.assert(
      fc.property(kind, flips, (k, positions) => {
        const bytes = validBytes(k);
        for (const [at, bit] of positions) bytes[at % bytes.byteLength]! ^= 1 << bit;
        fool(bytes, 'refuse-or-ok');
      }),
      runs,
    );
  });

  it('truncation and inserted bytes', () => {
    fc.assert(
      fc.property(kind, fc.nat(), fc.uint8Array({ minLength: 1, maxLength: 8 }), (k, at, extra) => {
        const bytes = validBytes(k);
        const cut = at % bytes.byteLength;
        expect(fool(bytes.slice(0, cut)).ok).toBe(false);
        fool(new Uint8Array([...bytes.slice(0, cut), ...extra, ...bytes.slice(cut)]), 'refuse-or-ok');
      }),
      runs,
    );
  });

  const mutation = fc.record({
    kind,
    op: fc.constantFrom('swap', 'type', 'delete', 'add', 'duplicate'),
    a: fc.nat(),
    b: fc.nat(),
    value: fc.oneof(fc.jsonValue(), fc.anything({ withBigInt: true, withNullPrototype: true }), fc.constantFrom(0, -1, '', [], {}, null)),
    key: fc.oneof(fc.string({ maxLength: 8 }), fc.constantFrom('memo', 'ref', 'id', 'sig', 'extra', '__proto__')),
  });

  it('field swaps, type swaps, deleted, added and duplicated fields; then re-signed when possible', () => {
    fc.assert(
      fc.property(mutation, ({ kind: k, op, a, b, value, key }) => {
        const unsigned = plainCopy(makeDevEntry(sampleUnsigned(k)));
        delete unsigned['id'];
        delete unsigned['sig'];
        mutate(unsigned, op, a, b, value, key);
        const original = sampleEntry(k);
        fool({ ...unsigned, id: original.id, sig: original.sig }, 'refuse-or-ok');
        for (const resigned of tryResign(unsigned)) fool(resigned, 'refuse-or-ok');
      }),
      runs,
    );
  });
});

describe('the suite itself', () => {
  it('reached deep rules, not just the first check (so it cannot pass by checking nothing)', () => {
    const codes = [...seen.keys()];
    for (const code of ['ok', 'shape', 'not-canonical', 'invalid-utf8', 'invalid-json', 'too-large', 'too-deep', 'not-bytes', 'bad-id', 'bad-seq', 'bad-amount', 'unbalanced', 'bad-account', 'limit'] as const) {
      expect(codes).toContain(code);
    }
    const total = [...seen.values()].reduce((s, n) => s + n, 0);
    expect(total).toBeGreaterThan(10_000);
    expect(slowestMs).toBeLessThan(HANG_MS);
  });
});

/** Set the value at a path of keys (array indices as strings). */
function setAt(root: Record<string, unknown>, path: readonly string[], value: unknown): void {
  let node: any = root;
  for (const key of path.slice(0, -1)) node = node[key];
  node[path[path.length - 1]!] = value;
}

/** Every (container, key) in a JSON tree, depth first. */
function slotsOf(root: unknown): Array<[Record<string, unknown> | unknown[], string | number]> {
  const out: Array<[Record<string, unknown> | unknown[], string | number]> = [];
  const walk = (node: unknown): void => {
    if (Array.isArray(node)) node.forEach((child, i) => (out.push([node, i]), walk(child)));
    else if (typeof node === 'object' && node !== null) {
      for (const [key, child] of Object.entries(node)) {
        out.push([node as Record<string, unknown>, key]);
        walk(child);
      }
    }
  };
  walk(root);
  return out;
}

function mutate(root: Record<string, unknown>, op: string, a: number, b: number, value: unknown, key: string): void {
  const slots = slotsOf(root);
  const [ca, ka] = slots[a % slots.length]!;
  const [cb, kb] = slots[b % slots.length]!;
  const get = (c: any, k: string | number): unknown => c[k];
  const set = (c: any, k: string | number, v: unknown): void => {
    c[k] = v;
  };
  if (op === 'swap') {
    const va = get(ca, ka);
    set(ca, ka, get(cb, kb));
    set(cb, kb, va);
  } else if (op === 'type') set(ca, ka, value);
  else if (op === 'delete') {
    if (Array.isArray(ca)) ca.splice(Number(ka), 1);
    else delete ca[ka as string];
  } else if (op === 'add') {
    const container = Array.isArray(cb) || typeof get(ca, ka) !== 'object' ? ca : (get(ca, ka) as Record<string, unknown>);
    if (Array.isArray(container)) container.push(value);
    else Object.defineProperty(container, key, { value, enumerable: true, writable: true, configurable: true });
  } else if (Array.isArray(ca)) ca.push(structuredCloneSafe(get(ca, ka)));
}

function structuredCloneSafe(value: unknown): unknown {
  try {
    return structuredClone(value);
  } catch {
    return value;
  }
}

/** The entry signed again after a change, when it still has a canonical form (else nothing). */
function tryResign(changed: Record<string, unknown>): Entry[] {
  try {
    const { id: _id, sig: _sig, ...unsigned } = changed;
    return [makeDevEntry(unsigned as unknown as UnsignedEntry)];
  } catch {
    return [];
  }
}
