/**
 * One test per validation rule: its refusal code, the field it names, and a message
 * a store manager can read. Broken entries are re-signed after the change (when
 * they still have a canonical form), so the rule under test is the one that refuses,
 * not the id or signature check behind it.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyRuns } from '../testing/runs.ts';
import { canonicalString, utf8 } from './canonical.ts';
import { devVerifier, encodeEntry, entryIdOf, finishEntry, makeDevEntry, signingBytes } from './entry.ts';
import { limits } from './limits.ts';
import type { Refusal, RefusalCode } from './result.ts';
import { KINDS, type BookId, type Entry, type Kind, type UnsignedEntry } from './types.ts';
import { INTERNAL_FAULT, checkAccount, decodeEntry, isEntryId, validate } from './validate.ts';
import { SAMPLE_BOOK, SAMPLE_ID_A, SAMPLE_ID_B, plainCopy, sampleEntry, sampleUnsigned } from '../testing/sample-entries.ts';

const options = { verify: devVerifier };

function check(input: unknown): ReturnType<typeof validate> {
  return validate(input, options);
}

/** The refusal of `input`; also asserts the message reads as a sentence. */
function refusal(input: unknown): Refusal {
  const result = check(input);
  if (result.ok) throw new Error(`expected a refusal, got ok for ${JSON.stringify(input)?.slice(0, 200)}`);
  const { message } = result.refusal;
  expect(message).toMatch(/^[A-Z].*[.]$/s);
  expect(message).not.toMatch(/undefined|\[object|NaN/);
  expect(message).not.toContain(INTERNAL_FAULT);
  return result.refusal;
}

function expectRefused(input: unknown, code: RefusalCode, path?: string, message?: string | RegExp): Refusal {
  const found = refusal(input);
  expect(found.code).toBe(code);
  if (path !== undefined) expect(found.path).toBe(path);
  if (message !== undefined) expect(found.message).toMatch(message);
  return found;
}

/** A sample entry of `kind` with `change` applied to its signed part, then signed again. */
function resigned<K extends Kind>(kind: K, change: (u: Record<string, any>) => void): Entry {
  const unsigned = structuredClone(sampleUnsigned(kind)) as unknown as Record<string, any>;
  change(unsigned);
  return makeDevEntry(unsigned as unknown as UnsignedEntry<K>);
}

/** Like `resigned`, changing only the body. */
function withBody<K extends Kind>(kind: K, change: (body: Record<string, any>) => void): Entry {
  return resigned(kind, (u) => change(u['body']));
}

describe('accepted input forms', () => {
  it.each(KINDS)('accepts a valid %s entry as an object, as text and as bytes', (kind) => {
    const entry = sampleEntry(kind);
    const text = encodeEntry(entry);
    for (const input of [entry, text, utf8(text)]) {
      const result = check(input);
      expect(result).toEqual({ ok: true, value: entry });
    }
    expect(decodeEntry(utf8(text), options)).toEqual({ ok: true, value: entry });
  });

  it('returns a fresh copy: changing the input afterwards changes nothing', () => {
    const input = plainCopy(sampleEntry('txn'));
    const result = check(input);
    expect(result.ok).toBe(true);
    if (!result.ok) return;
    expect(result.value).not.toBe(input);
    (input['body']['postings'] as Array<{ amount: number }>)[0]!.amount = 999;
    expect(result.value).toEqual(sampleEntry('txn'));
  });

  it.each([undefined, () => 1, Symbol('entry'), 10n])('refuses %s as not-bytes', (input) => {
    expectRefused(input, 'not-bytes');
  });

  it.each([null, 42, true, [], 'null', '[]', '"entry"'])('refuses the JSON value %j as shape: an entry is an object', (input) => {
    expectRefused(input, 'shape', undefined, /object/);
  });

  it('refuses text that is not canonical, and objects that have no canonical form', () => {
    const text = encodeEntry(sampleEntry('txn'));
    expectRefused(text.replace(',"book"', ', "book"'), 'not-canonical');
    expectRefused(JSON.stringify(JSON.parse(text), null, 1), 'not-canonical');
    expectRefused({ ...sampleEntry('txn'), seq: Number.NaN }, 'not-canonical', 'seq');
    expectRefused({ ...sampleEntry('txn'), seq: 1.5 }, 'not-canonical', 'seq', /whole numbers/);
    expectRefused({ ...sampleEntry('txn'), seq: -0 }, 'not-canonical', 'seq');
    expectRefused({ ...sampleEntry('txn'), sig: undefined }, 'not-canonical', 'sig', /has no value/);
    expectRefused({ ...sampleEntry('txn'), sig: 10n }, 'not-canonical', 'sig', /a bigint, which has no place/);
    expectRefused({ ...sampleEntry('txn'), sig: new Date(0) }, 'not-canonical', 'sig', /not plain data/);
    expectRefused({ ...sampleEntry('txn'), nonce: 'a\uD800b' }, 'not-canonical', 'nonce', /Unicode/);
  });

  it('refuses an entry over entryBytesMax even when every field is within its own limit', () => {
    // 150 balance lines of 64-character accounts and 24-digit amounts: about 17 KB.
    const balances = Array.from({ length: limits.balanceLinesMax }, (_, i) => ({
      account: `Assets:${'A'.repeat(54)}${String(i).padStart(3, '0')}`,
      amount: '9'.repeat(limits.balanceDigitsMax),
    }));
    const entry = withBody('summary', (b) => {
      b['balances'] = balances;
    });
    const found = expectRefused(utf8(encodeEntry(entry)), 'too-large');
    expect(found.message).toContain(String(limits.entryBytesMax));
    expectRefused(entry, 'too-large');
  });

  it('refuses nesting beyond nestingMax as too-deep, from text and from objects', () => {
    let deep: unknown = 1;
    for (let i = 0; i < limits.nestingMax; i++) deep = [deep];
    const entry = { ...sampleEntry('txn'), body: { postings: deep } };
    expectRefused(entry, 'too-deep');
    expectRefused(canonicalString({ ...sampleEntry('txn'), body: {} }).replace('"body":{}', `"body":${JSON.stringify({ postings: deep })}`), 'too-deep');
  });
});

describe('id and signature cover exactly what entry.ts says', () => {
  // Text full of look-alike fields: the validator cuts the id and signing texts out
  // of the canonical text, and must agree with entryIdOf and signingBytes.
  const tricky = fc.oneof(
    fc.string({ unit: 'binary', maxLength: 30 }),
    fc.constantFrom(',"id":"', '"id":"' + SAMPLE_ID_A + '"', ',"sig":"x"}', '"}', '\\', '\\"', '{"hlc":"1"}', '"sig":'),
  );
  const text = fc.array(tricky, { maxLength: 4 }).map((parts) => parts.join('').replace(/[\u0000-\u001F\u007F-\u009F]/g, ''));

  it('for any memo, ref, reason and signature', () => {
    fc.assert(
      fc.property(fc.constantFrom('txn', 'negate', 'retire') as fc.Arbitrary<Kind>, text, text, fc.string({ maxLength: 40 }), (kind, a, b, sig) => {
        const unsigned = structuredClone(sampleUnsigned(kind)) as unknown as Record<string, any>;
        const body = unsigned['body'];
        if (kind === 'txn') {
          body.memo = codePoints(a, limits.memoCharsMax);
          body.ref = codePoints(`R${b}`, limits.refCharsMax);
        } else body.reason = codePoints(`R${a}${b}`, limits.reasonCharsMax);
        const entry = finishEntry(unsigned as unknown as UnsignedEntry, sig);
        const messages: Uint8Array[] = [];
        const verify = (message: Uint8Array) => (messages.push(message), true);
        for (const input of [entry, encodeEntry(entry), utf8(encodeEntry(entry))]) {
          expect(validate(input, { verify })).toEqual({ ok: true, value: entry });
        }
        for (const message of messages) expect(message).toEqual(signingBytes(entry));
        // A wrong id is still caught, whatever the text looks like.
        expect(validate({ ...entry, id: entryIdOf({ ...entry, sig: `${sig}x` }) }, { verify }).ok).toBe(false);
      }),
      { numRuns: propertyRuns() },
    );
  });
});

describe('envelope', () => {
  it('refuses a missing field, naming it', () => {
    const entry = plainCopy(sampleEntry('txn'));
    delete entry['hlc'];
    expectRefused(entry, 'shape', 'hlc', /missing the field "hlc"/);
  });

  it.each(['extra', '__proto__', 'constructor'])('refuses an extra field %s', (key) => {
    const entry = plainCopy(sampleEntry('txn'));
    Object.defineProperty(entry, key, { value: 1, enumerable: true });
    expectRefused(entry, 'shape', key, /does not belong/);
    expectRefused(canonicalString(entry), 'shape', key);
  });

  it.each([
    ['nonce', 'tooShort', 'shape'],
    ['nonce', 'V1StGXR8_Z5jdHi6B-my!', 'shape'],
    ['nonce', 12345, 'shape'],
    ['book', '', 'shape'],
    ['book', 'b'.repeat(limits.bookIdCharsMax + 1), 'limit'],
    ['book', 'store 7', 'shape'],
    ['peer', 'till/1', 'shape'],
    ['peer', 'p'.repeat(limits.peerIdCharsMax + 1), 'limit'],
    ['kind', 'refund', 'unknown-kind'],
    ['kind', 7, 'shape'],
    ['seq', 0, 'bad-seq'],
    ['seq', -3, 'bad-seq'],
    ['seq', limits.seqMax, 'bad-seq'],
    ['seq', '2', 'bad-seq'],
    ['hlc', '1740830400000-3', 'bad-hlc'],
    ['hlc', '174083040000a-0003', 'bad-hlc'],
    ['date', '2025-02-30T12:00:00', 'bad-date'],
    ['date', '2025-03-01 12:00:00', 'bad-date'],
    ['date', '1999-12-31T23:59:59', 'bad-date'],
  ] as const)('refuses %s = %j with %s', (field, value, code) => {
    const entry = resigned('txn', (u) => {
      u[field] = value;
    });
    expectRefused(entry, code, field);
  });

  it('refuses a signature that is not text or longer than sigCharsMax', () => {
    const unsigned = sampleUnsigned('txn');
    expectRefused(finishEntry(unsigned, 42 as unknown as string), 'shape', 'sig', /must be text/);
    expectRefused(finishEntry(unsigned, 's'.repeat(limits.sigCharsMax + 1)), 'limit', 'sig', /at most 256/);
    // At the limit the shape is fine; the dev verifier then refuses the made-up signature.
    expectRefused(finishEntry(unsigned, 's'.repeat(limits.sigCharsMax)), 'bad-signature', 'sig');
  });

  it('explains an unknown kind by listing the known ones', () => {
    const entry = resigned('txn', (u) => {
      u['kind'] = 'refund';
    });
    expectRefused(entry, 'unknown-kind', 'kind', /Unknown kind of entry "refund"; expected one of book, txn, negate/);
  });

  it('accepts the largest seq and the widest id characters', () => {
    const entry = resigned('txn', (u) => {
      u['seq'] = limits.seqMax - 1;
      u['peer'] = 'Till_1.a:b-C';
      u['book'] = 'b'.repeat(limits.bookIdCharsMax);
    });
    expect(check(entry).ok).toBe(true);
  });

  it('chains: prev is null exactly for seq 1', () => {
    const first = resigned('txn', (u) => {
      u['seq'] = 1;
      u['prev'] = null;
    });
    expect(check(first).ok).toBe(true);
    expectRefused(
      resigned('txn', (u) => {
        u['seq'] = 1;
      }),
      'bad-chain',
      'prev',
      /first entry \(seq 1\) must have prev set to null/,
    );
    expectRefused(
      resigned('txn', (u) => {
        u['prev'] = null;
      }),
      'bad-chain',
      'prev',
      /must name its previous entry/,
    );
    expectRefused(
      resigned('txn', (u) => {
        u['prev'] = SAMPLE_ID_A.toUpperCase();
      }),
      'bad-chain',
      'prev',
    );
  });

  it('refuses an id that is not an entry id, and one that does not match the content', () => {
    const entry = plainCopy(sampleEntry('txn'));
    expectRefused({ ...entry, id: String(entry['id']).toUpperCase() }, 'bad-id', 'id', /64 lowercase hex/);
    expectRefused({ ...entry, id: SAMPLE_ID_B }, 'bad-id', 'id', /does not match its content/);
    // Content changed under the same id and signature.
    expectRefused({ ...entry, date: '2025-03-02T12:00:00' }, 'bad-id', 'id');
  });

  it('refuses a signature that does not verify, with a consistent id', () => {
    const forged = finishEntry(sampleUnsigned('txn'), 'dev:00000000000000000000000000000000');
    expectRefused(forged, 'bad-signature', 'sig', /does not prove that device "till-1" wrote this entry/);
  });

  it('treats a verifier that throws, or answers anything but true, as a refusal', () => {
    const entry = sampleEntry('txn');
    const throwing = validate(entry, {
      verify: () => {
        throw new Error('key store unavailable');
      },
    });
    expect(throwing.ok === false && throwing.refusal.code).toBe('bad-signature');
    const truthy = validate(entry, { verify: (() => 1) as unknown as typeof devVerifier });
    expect(truthy.ok === false && truthy.refusal.code).toBe('bad-signature');
  });

  it('passes the verifier the signing bytes, the signature and the author', () => {
    const entry = sampleEntry('txn');
    const calls: Array<[string, string, string]> = [];
    validate(entry, {
      verify: (message, sig, peer) => {
        calls.push([new TextDecoder().decode(message), sig, peer]);
        return true;
      },
    });
    const { id: _id, sig: _sig, ...unsigned } = entry;
    expect(calls).toEqual([[canonicalString(unsigned), entry.sig, entry.peer]]);
  });

  it('refuses a genuine entry replayed into another book', () => {
    const entry = sampleEntry('txn');
    expect(validate(entry, { ...options, book: SAMPLE_BOOK }).ok).toBe(true);
    const other = validate(entry, { ...options, book: 'store-8.main' as BookId });
    expect(other).toEqual({
      ok: false,
      refusal: { code: 'wrong-book', path: 'book', message: 'This entry belongs to book "store-7.main", not to "store-8.main".' },
    });
  });

  it('never refuses for reasons outside the entry: far dates, old clocks, unknown targets', () => {
    const farAhead = resigned('negate', (u) => {
      u['date'] = '2999-12-31T23:59:59';
      u['hlc'] = '0000000000000-0000';
    });
    expect(check(farAhead).ok).toBe(true);
  });
});

describe('book body', () => {
  it.each([
    ['name', '', 'shape'],
    ['name', 'n'.repeat(limits.nameCharsMax + 1), 'limit'],
    ['currency', 'eur', 'shape'],
    ['currency', 'EURO', 'shape'],
    ['timezone', 'Europe Paris', 'shape'],
    ['timezone', '', 'shape'],
    ['period', 'week', 'shape'],
    ['windowDays', 0, 'limit'],
    ['windowDays', limits.windowDaysMax + 1, 'limit'],
    ['windowDays', '28', 'shape'],
  ] as const)('refuses %s = %j with %s', (field, value, code) => {
    expectRefused(
      withBody('book', (b) => {
        b[field] = value;
      }),
      code,
      `body.${field}`,
    );
  });

  it('accepts zone names with +, - and _', () => {
    expect(check(withBody('book', (b) => (b['timezone'] = 'Etc/GMT+5'))).ok).toBe(true);
    expect(check(withBody('book', (b) => (b['timezone'] = 'America/Port-au-Prince'))).ok).toBe(true);
  });
});

describe('txn body', () => {
  it('refuses unknown and missing body fields', () => {
    expectRefused(withBody('txn', (b) => (b['note'] = 'x')), 'shape', 'body.note', /does not belong/);
    expectRefused(withBody('txn', (b) => delete b['postings']), 'shape', 'body.postings', /missing/);
  });

  it('accepts a txn without memo and ref, and an empty memo', () => {
    expect(check(withBody('txn', (b) => (delete b['memo'], delete b['ref']))).ok).toBe(true);
    expect(check(withBody('txn', (b) => (b['memo'] = ''))).ok).toBe(true);
  });

  it('needs 2..postingsPerEntryMax postings', () => {
    expectRefused(withBody('txn', (b) => (b['postings'] = {})), 'shape', 'body.postings', /must be a list/);
    expectRefused(withBody('txn', (b) => b['postings'].splice(1)), 'shape', 'body.postings', /at least two postings/);
    const many = (n: number) => Array.from({ length: n }, (_, i) => ({ account: 'Assets:Cash', amount: i % 2 === 0 ? 5 : -5 }));
    const most = withBody('txn', (b) => (b['postings'] = many(limits.postingsPerEntryMax)));
    expect(check(most).ok).toBe(true);
    expectRefused(withBody('txn', (b) => (b['postings'] = many(limits.postingsPerEntryMax + 2))), 'limit', 'body.postings');
  });

  it('refuses a posting with extra or missing fields', () => {
    expectRefused(withBody('txn', (b) => (b['postings'][0].currency = 'EUR')), 'shape', 'body.postings[0].currency');
    expectRefused(withBody('txn', (b) => delete b['postings'][2].account), 'shape', 'body.postings[2].account');
    expectRefused(withBody('txn', (b) => (b['postings'][1] = 'Assets:Cash 12')), 'shape', 'body.postings[1]');
  });

  it('refuses amounts that are not whole numbers of minor units', () => {
    expectRefused(withBody('txn', (b) => (b['postings'][1].amount = '-1000')), 'bad-amount', 'body.postings[1].amount', /whole number of minor units/);
    expectRefused(withBody('txn', (b) => (b['postings'][1].amount = null)), 'bad-amount', 'body.postings[1].amount');
  });

  it('refuses a zero amount', () => {
    const entry = withBody('txn', (b) => {
      b['postings'][1].amount = 0;
      b['postings'][2].amount = -1250;
    });
    expectRefused(entry, 'zero-amount', 'body.postings[1].amount', /Posting 2's amount is zero/);
  });

  it('caps each amount at amountAbsMax', () => {
    const max = limits.amountAbsMax;
    const atCap = withBody('txn', (b) => (b['postings'] = [
      { account: 'Assets:Cash', amount: max },
      { account: 'Income:Sales', amount: -max },
    ]));
    expect(check(atCap).ok).toBe(true);
    const beyond = withBody('txn', (b) => (b['postings'] = [
      { account: 'Assets:Cash', amount: max + 1 },
      { account: 'Income:Sales', amount: -max - 1 },
    ]));
    expectRefused(beyond, 'limit', 'body.postings[0].amount', /beyond the limit/);
  });

  it('refuses unbalanced postings, saying by how much', () => {
    const debit = withBody('txn', (b) => (b['postings'][0].amount = 2500));
    const found = expectRefused(debit, 'unbalanced', 'body.postings');
    expect(found.message).toBe('Postings do not balance: debits exceed credits by 1250 minor units.');
    const credit = withBody('txn', (b) => (b['postings'][1].amount = -1001));
    expectRefused(credit, 'unbalanced', 'body.postings', /^Postings do not balance: credits exceed debits by 1 minor units\.$/);
  });

  it('refuses a bad account in a posting, at its path', () => {
    const entry = withBody('txn', (b) => (b['postings'][1].account = 'sales'));
    expectRefused(entry, 'bad-account', 'body.postings[1].account', /must start with Assets, Liabilities, Equity, Income or Expenses/);
    expectRefused(withBody('txn', (b) => (b['postings'][1].account = 5)), 'bad-account', 'body.postings[1].account');
  });

  it('counts memo length in code points, and refuses beyond memoCharsMax', () => {
    const emoji = '☕'.repeat(limits.memoCharsMax);
    const astral = '😀'.repeat(limits.memoCharsMax); // 2 UTF-16 units each
    expect(check(withBody('txn', (b) => (b['memo'] = emoji))).ok).toBe(true);
    expect(check(withBody('txn', (b) => (b['memo'] = astral))).ok).toBe(true);
    expectRefused(withBody('txn', (b) => (b['memo'] = `${astral}😀`)), 'limit', 'body.memo', /501 characters long; at most 500/);
  });

  it.each(['\u0000', '\u0007', '\n', '\t', '\u001F', '\u007F', '\u0085', '\u009F'])('refuses control character %j in text', (c) => {
    expectRefused(withBody('txn', (b) => (b['memo'] = `Coffee${c}`)), 'shape', 'body.memo', /control character \(U\+00[0-9A-F]{2}\)/);
  });

  it('refuses an empty or too long ref, and a ref that is not text', () => {
    expectRefused(withBody('txn', (b) => (b['ref'] = '')), 'shape', 'body.ref', /must not be empty/);
    expectRefused(withBody('txn', (b) => (b['ref'] = 'r'.repeat(limits.refCharsMax + 1))), 'limit', 'body.ref');
    expectRefused(withBody('txn', (b) => (b['ref'] = 42)), 'shape', 'body.ref', /must be text/);
  });

  it('refuses lone surrogates (text that is not Unicode)', () => {
    const entry = plainCopy(sampleEntry('txn'));
    entry.body['memo'] = 'caf\uDC00';
    expectRefused(entry, 'not-canonical', 'body.memo', /Unicode/);
    // As bytes: a UTF-8-encoded surrogate (ED B0 80) is invalid UTF-8.
    const text = encodeEntry(sampleEntry('txn'));
    const bytes = utf8(text.replace('Two coffees', 'Two coffeeX'));
    const at = bytes.indexOf('X'.charCodeAt(0));
    const broken = new Uint8Array([...bytes.slice(0, at), 0xed, 0xb0, 0x80, ...bytes.slice(at + 1)]);
    expectRefused(broken, 'invalid-utf8');
  });
});

describe('negate and admit bodies', () => {
  it.each(['negate', 'admit'] as const)('%s: target must name peer, seq and id', (kind) => {
    expectRefused(withBody(kind, (b) => delete b['target'].id), 'shape', 'body.target.id', /missing/);
    expectRefused(withBody(kind, (b) => (b['target'].peer = 'till 2')), 'shape', 'body.target.peer');
    expectRefused(withBody(kind, (b) => (b['target'].seq = 0)), 'bad-seq', 'body.target.seq');
    expectRefused(withBody(kind, (b) => (b['target'].id = 'abc')), 'shape', 'body.target.id', /entry id/);
    expectRefused(withBody(kind, (b) => (b['target'] = SAMPLE_ID_A)), 'shape', 'body.target', /must be an object/);
  });

  it.each(['negate', 'admit'] as const)('%s: reason is 1..reasonCharsMax characters', (kind) => {
    expectRefused(withBody(kind, (b) => (b['reason'] = '')), 'shape', 'body.reason', /must not be empty/);
    expectRefused(withBody(kind, (b) => (b['reason'] = 'r'.repeat(limits.reasonCharsMax + 1))), 'limit', 'body.reason');
  });

  it.each(['negate', 'admit'] as const)('%s: may not point at itself', (kind) => {
    const self = resigned(kind, (u) => {
      u['body'].target = { peer: u['peer'], seq: u['seq'], id: SAMPLE_ID_A };
    });
    expectRefused(self, 'shape', 'body.target', /cannot point at itself/);
    // Same author, earlier seq: a device negating its own earlier mistake.
    const own = resigned(kind, (u) => {
      u['body'].target = { peer: u['peer'], seq: 1, id: SAMPLE_ID_A };
    });
    expect(check(own).ok).toBe(true);
  });
});

describe('summary and seal bodies', () => {
  it('summary: asOf is a real day', () => {
    expectRefused(withBody('summary', (b) => (b['asOf'] = '2025-02-29')), 'bad-date', 'body.asOf');
    expectRefused(withBody('summary', (b) => (b['asOf'] = '2025-03-01T00:00:00')), 'bad-date', 'body.asOf');
  });

  it.each(['summary', 'seal'] as const)('%s: cut lines are well-formed, unique and sorted by peer', (kind) => {
    const line = (peer: string, seq = 3) => ({ peer, seq, head: SAMPLE_ID_A });
    expect(check(withBody(kind, (b) => (b['cut'] = []))).ok).toBe(true);
    expectRefused(withBody(kind, (b) => (b['cut'] = [line('till-2'), line('till-1')])), 'shape', 'body.cut[1].peer', /sorted by device id/);
    expectRefused(withBody(kind, (b) => (b['cut'] = [line('till-1'), line('till-1', 4)])), 'shape', 'body.cut[1].peer', /once/);
    expectRefused(withBody(kind, (b) => (b['cut'] = [line('till-1', 0)])), 'bad-seq', 'body.cut[0].seq');
    expectRefused(withBody(kind, (b) => (b['cut'] = [{ ...line('till-1'), head: null }])), 'shape', 'body.cut[0].head');
    expectRefused(withBody(kind, (b) => (b['cut'] = [{ peer: 'till-1', seq: 1 }])), 'shape', 'body.cut[0].head');
    const tooMany = Array.from({ length: limits.cutLinesMax + 1 }, (_, i) => line(`p${String(i).padStart(3, '0')}`));
    expectRefused(withBody(kind, (b) => (b['cut'] = tooMany)), 'limit', 'body.cut');
    expect(check(withBody(kind, (b) => (b['cut'] = tooMany.slice(1)))).ok).toBe(true);
  });

  it.each(['summary', 'seal'] as const)('%s: balance lines are sorted, non-zero decimal strings', (kind) => {
    const line = (account: string, amount = '5') => ({ account, amount });
    const set = (balances: unknown) => withBody(kind, (b) => (b['balances'] = balances));
    expect(check(set([])).ok).toBe(true);
    expect(check(set([line('Assets:Cash', `-${'9'.repeat(limits.balanceDigitsMax)}`)])).ok).toBe(true);
    expectRefused(set([line('Income:Sales'), line('Assets:Cash')]), 'shape', 'body.balances[1].account', /sorted by account/);
    expectRefused(set([line('Assets:Cash'), line('Assets:Cash')]), 'shape', 'body.balances[1].account');
    for (const amount of ['0', '-0', '012', '1.5', '1e3', '+5', ' 5', '']) {
      expectRefused(set([line('Assets:Cash', amount)]), 'bad-amount', 'body.balances[0].amount', /non-zero whole number written as text/);
    }
    expectRefused(set([{ account: 'Assets:Cash', amount: 5 }]), 'bad-amount', 'body.balances[0].amount');
    expectRefused(set([line('Assets:Cash', '1'.repeat(limits.balanceDigitsMax + 1))]), 'limit', 'body.balances[0].amount', /25 digits/);
    expectRefused(set([line('Assets')]), 'bad-account', 'body.balances[0].account');
    expectRefused(set([{ account: 'Assets:Cash' }]), 'shape', 'body.balances[0].amount');
    const many = Array.from({ length: limits.balanceLinesMax + 1 }, (_, i) => line(`Assets:A${String(i).padStart(3, '0')}`));
    expectRefused(set(many), 'limit', 'body.balances');
  });

  it('seal: period, prevSeal and digest', () => {
    expect(check(withBody('seal', (b) => (b['prevSeal'] = null))).ok).toBe(true);
    expect(check(withBody('seal', (b) => (b['period'] = '2025-03'))).ok).toBe(true);
    expectRefused(withBody('seal', (b) => (b['period'] = '2025-3')), 'bad-date', 'body.period');
    expectRefused(withBody('seal', (b) => (b['prevSeal'] = 'none')), 'bad-chain', 'body.prevSeal');
    expectRefused(withBody('seal', (b) => (b['digest'] = 'F'.repeat(64))), 'shape', 'body.digest', /64 lowercase hex/);
    expectRefused(withBody('seal', (b) => delete b['digest']), 'shape', 'body.digest');
  });
});

describe('close and ack bodies', () => {
  it.each(['close', 'ack'] as const)('%s: period is a day or a month', (kind) => {
    for (const period of ['2025-03-01', '2025-03', '2024-02-29']) {
      expect(check(withBody(kind, (b) => (b['period'] = period))).ok).toBe(true);
    }
    for (const period of ['2025-13', '2025-02-29', '2025', 202503, '2025-03-01T00:00:00']) {
      expectRefused(withBody(kind, (b) => (b['period'] = period)), 'bad-date', 'body.period', /a real day like 2025-03-01 or a month like 2025-03/);
    }
  });
});

describe('roster bodies', () => {
  it('join: device, name, key and roles', () => {
    const set = (field: string, value: unknown) => withBody('join', (b) => (b[field] = value));
    expect(check(set('roles', [])).ok).toBe(true);
    expect(check(set('roles', ['closer', 'enrol', 'owner'])).ok).toBe(true);
    expect(check(set('key', 'k'.repeat(limits.keyCharsMax))).ok).toBe(true);
    expectRefused(set('roles', ['owner', 'closer']), 'shape', 'body.roles[1]', /alphabetical order/);
    expectRefused(set('roles', ['closer', 'closer']), 'shape', 'body.roles[1]', /once each/);
    expectRefused(set('roles', ['admin']), 'shape', 'body.roles[0]', /one of owner, closer, enrol/);
    expectRefused(set('roles', 'owner'), 'shape', 'body.roles');
    expectRefused(set('key', 'abc+/='), 'shape', 'body.key', /base64url/);
    expectRefused(set('key', 'k'.repeat(limits.keyCharsMax + 1)), 'limit', 'body.key');
    expectRefused(set('device', ''), 'shape', 'body.device');
    expectRefused(set('name', 'Till\r\n1'), 'shape', 'body.name', /control character/);
  });

  it('retire: lastSeq 0..seqMax-1 and a reason', () => {
    expect(check(withBody('retire', (b) => (b['lastSeq'] = 0))).ok).toBe(true);
    expectRefused(withBody('retire', (b) => (b['lastSeq'] = -1)), 'bad-seq', 'body.lastSeq');
    expectRefused(withBody('retire', (b) => (b['lastSeq'] = limits.seqMax)), 'bad-seq', 'body.lastSeq');
    expectRefused(withBody('retire', (b) => delete b['reason']), 'shape', 'body.reason');
  });

  it('succeed: from and to differ', () => {
    expectRefused(withBody('succeed', (b) => (b['to'] = b['from'])), 'shape', 'body.to', /cannot succeed itself/);
    expectRefused(withBody('succeed', (b) => (b['lastSeq'] = '40')), 'bad-seq', 'body.lastSeq');
    expectRefused(withBody('succeed', (b) => (b['key'] = 'a b')), 'shape', 'body.key');
    expectRefused(withBody('succeed', (b) => (b['name'] = '')), 'shape', 'body.name');
  });
});

describe('checkAccount', () => {
  it.each(['Assets:Cash', 'Expenses:Food:Coffee-Beans', 'Assets:2024', 'Liabilities:VAT:FR', 'Equity:A:B:C:D:E', 'Income:X'])(
    'accepts %s',
    (name) => {
      expect(checkAccount(name)).toBeUndefined();
    },
  );

  it.each([
    ['cash', 'Account "cash" must start with Assets, Liabilities, Equity, Income or Expenses, like Assets:Cash.'],
    ['Revenue:Sales', 'Account "Revenue:Sales" must start with Assets, Liabilities, Equity, Income or Expenses, like Assets:Cash.'],
    ['', 'The account name is empty; write one like Assets:Cash.'],
    ['Assets', 'Account "Assets" is only a group; add a name after a colon, like Assets:Cash.'],
    ['Assets:', 'Account "Assets:" has an empty part; remove the extra colon.'],
    ['Assets::Cash', 'Account "Assets::Cash" has an empty part; remove the extra colon.'],
    ['Assets:cash', 'In account "Assets:cash", the part "cash" must start with a capital letter or a digit and use only letters, digits and "-".'],
    ['Assets:Caisse Café', 'In account "Assets:Caisse Café", the part "Caisse Café" must start with a capital letter or a digit and use only letters, digits and "-".'],
    ['Assets:-Cash', 'In account "Assets:-Cash", the part "-Cash" must start with a capital letter or a digit and use only letters, digits and "-".'],
    ['Equity:A:B:C:D:E:F', 'Account "Equity:A:B:C:D:E:F" has 7 parts; at most 6 are allowed.'],
  ])('refuses %j', (name, message) => {
    expect(checkAccount(name)).toEqual({ code: 'bad-account', message });
  });

  it('refuses names over accountCharsMax, quoting only the start of them', () => {
    const long = `Assets:${'A'.repeat(limits.accountCharsMax - 6)}`;
    expect(checkAccount(long.slice(0, -1))).toBeUndefined();
    const found = checkAccount(long);
    expect(found?.code).toBe('bad-account');
    expect(found?.message).toContain(`is ${limits.accountCharsMax + 1} characters long; at most ${limits.accountCharsMax}`);
    expect(found!.message.length).toBeLessThan(150);
  });

  it('answers for values that are not strings instead of throwing', () => {
    expect(checkAccount(undefined as unknown as string)?.code).toBe('bad-account');
    expect(checkAccount({} as unknown as string)?.code).toBe('bad-account');
  });
});

describe('isEntryId', () => {
  it('is true exactly for 64 lowercase hex characters', () => {
    expect(isEntryId(SAMPLE_ID_B)).toBe(true);
    expect(isEntryId(sampleEntry('txn').id)).toBe(true);
    for (const value of [SAMPLE_ID_B.toUpperCase(), SAMPLE_ID_B.slice(1), `${SAMPLE_ID_B}0`, `g${SAMPLE_ID_B.slice(1)}`, 42, null, undefined]) {
      expect(isEntryId(value)).toBe(false);
    }
  });
});

/** The first `max` code points: slicing code units could split a surrogate pair. */
function codePoints(text: string, max: number): string {
  return Array.from(text).slice(0, max).join('');
}
