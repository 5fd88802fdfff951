import { describe, expect, it } from 'vitest';
import { SAMPLE_PEER, sampleUnsigned } from '../testing/sample-entries.ts';
import { canonicalBytes, canonicalString, parseCanonical } from './canonical.ts';
import { devSigner, devVerifier, encodeEntry, entryIdOf, finishEntry, makeDevEntry, makeEntry, signingBytes } from './entry.ts';
import { sha256Hex } from './hash.ts';
import type { Entry, PeerId } from './types.ts';

const decoder = new TextDecoder();

/** The entry without its id, as the id is defined over it. */
function withoutId(entry: Entry): Omit<Entry, 'id'> {
  const { id: _id, ...rest } = entry;
  return rest;
}

describe('signingBytes', () => {
  it('are the canonical bytes of the entry without id and sig', () => {
    const unsigned = sampleUnsigned('txn');
    expect(decoder.decode(signingBytes(unsigned))).toBe(canonicalString(unsigned));
    // Extra fields on the object (an id, a sig, anything) are not signed.
    const entry = makeDevEntry(unsigned);
    expect(signingBytes(entry)).toEqual(signingBytes(unsigned));
    expect(signingBytes({ ...unsigned, extra: 1 } as typeof unsigned)).toEqual(signingBytes(unsigned));
  });
});

describe('makeDevEntry', () => {
  const entry = makeDevEntry(sampleUnsigned('txn'));

  it('sets id to the SHA-256 of the canonical bytes without id', () => {
    expect(entry.id).toBe(sha256Hex(canonicalBytes(withoutId(entry))));
    expect(entry.id).toMatch(/^[0-9a-f]{64}$/);
    expect(entryIdOf(entry)).toBe(entry.id);
  });

  it('signs so that devVerifier accepts the signing bytes for the author', () => {
    expect(entry.sig).toMatch(/^dev:[0-9a-f]{32}$/);
    expect(devVerifier(signingBytes(entry), entry.sig, entry.peer)).toBe(true);
  });

  it('fails verification when anything signed is tampered with, or for another author', () => {
    const tampered = { ...entry, body: { ...entry.body, memo: 'Three coffees' } };
    expect(devVerifier(signingBytes(tampered), entry.sig, entry.peer)).toBe(false);
    expect(devVerifier(signingBytes({ ...entry, seq: 3 }), entry.sig, entry.peer)).toBe(false);
    expect(devVerifier(signingBytes(entry), entry.sig, 'till-2' as PeerId)).toBe(false);
    expect(devVerifier(signingBytes(entry), `${entry.sig.slice(0, -1)}0`, entry.peer)).toBe(entry.sig.endsWith('0'));
  });

  it('makes the id cover the signature: a different sig gives a different id', () => {
    const other = finishEntry(sampleUnsigned('txn'), 'dev:other');
    expect(other.id).not.toBe(entry.id);
    expect(entryIdOf({ ...entry, sig: 'dev:other' })).toBe(other.id);
  });

  it('is deterministic, and any change to the content changes the id', () => {
    expect(makeDevEntry(sampleUnsigned('txn'))).toEqual(entry);
    const changed = makeDevEntry(sampleUnsigned('txn', { nonce: 'V1StGXR8_Z5jdHi6B-myU' }));
    expect(changed.id).not.toBe(entry.id);
  });

  it('encodes to canonical text that decodes to the same entry', () => {
    const text = encodeEntry(entry);
    expect(parseCanonical(text)).toEqual({ ok: true, value: entry });
    expect(text.startsWith('{"body":{"memo":')).toBe(true);
  });
});

describe('makeEntry and finishEntry', () => {
  it('makeEntry asks the signer for the signing bytes and the author, then computes the id', async () => {
    const unsigned = sampleUnsigned('negate');
    const calls: Array<[string, PeerId]> = [];
    const entry = await makeEntry(unsigned, async (message, peer) => {
      calls.push([decoder.decode(message), peer]);
      return 'sig-from-a-key';
    });
    expect(calls).toEqual([[canonicalString(unsigned), SAMPLE_PEER]]);
    expect(entry.sig).toBe('sig-from-a-key');
    expect(entry.id).toBe(entryIdOf(entry));
  });

  it('makeEntry with devSigner equals makeDevEntry', async () => {
    const unsigned = sampleUnsigned('join');
    expect(await makeEntry(unsigned, devSigner)).toEqual(makeDevEntry(unsigned));
  });

  it('finishEntry attaches a signature made elsewhere', () => {
    const unsigned = sampleUnsigned('close');
    const sig = devSigner(signingBytes(unsigned), unsigned.peer) as string;
    expect(finishEntry(unsigned, sig)).toEqual(makeDevEntry(unsigned));
  });
});
