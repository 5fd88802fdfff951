import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import { describe, expect, it } from 'vitest';
import { devSigner, devVerifier, finishEntry, makeDevEntry, signingBytes } from './entry.ts';
import { ED25519_PEER_PREFIX, keyOfPeer, peerIdOfKey } from './keys-ed25519.ts';
import { base64urlOf, bytesOfBase64url } from './sig-base64url.ts';
import { ed25519Verifier, prepareSignature, signatureText } from './sig-ed25519.ts';
import type { BookId, Entry, PeerId, UnsignedEntry } from './types.ts';
import { validate } from './validate.ts';

const L = ed25519.Point.Fn.ORDER;

/** A deterministic test device: secret from a one-byte seed. */
function testKey(seed: number): { secret: Uint8Array; peer: PeerId } {
  const secret = new Uint8Array(32).fill(seed);
  return { secret, peer: peerIdOfKey(ed25519.getPublicKey(secret)) };
}

function unsigned(peer: PeerId, book = 'B1'): UnsignedEntry<'txn'> {
  return {
    nonce: 'n00000000000000000001',
    book: book as BookId,
    kind: 'txn',
    peer,
    seq: 1,
    prev: null,
    hlc: '1735689600000-0000' as UnsignedEntry['hlc'],
    date: '2025-01-01T09:00:00' as UnsignedEntry['date'],
    body: { postings: [{ account: 'Assets:Cash', amount: 500 }, { account: 'Income:Sales', amount: -500 }] },
  };
}

function signed(secret: Uint8Array, entry: UnsignedEntry): Entry {
  return finishEntry(entry, signatureText(ed25519.sign(signingBytes(entry), secret)));
}

const alice = testKey(1);
const bob = testKey(2);

describe('base64url', () => {
  it('round-trips and refuses every other spelling', () => {
    for (const length of [0, 1, 2, 3, 31, 32, 64]) {
      const bytes = Uint8Array.from({ length }, (_, i) => (i * 37 + 11) & 0xff);
      const text = base64urlOf(bytes);
      expect(bytesOfBase64url(text, length)).toEqual(bytes);
    }
    const key = base64urlOf(new Uint8Array(32).fill(0xff)); // 43 chars, last one carries 2 unused bits
    expect(bytesOfBase64url(key, 32)).toBeDefined();
    const last = key.at(-1)!;
    const sibling = key.slice(0, -1) + (last === '8' ? '9' : '8');
    expect(bytesOfBase64url(sibling, 32)).toBeUndefined();
    expect(bytesOfBase64url(`${key}=`, 32)).toBeUndefined();
    expect(bytesOfBase64url(key.replace(/.$/, '+'), 32)).toBeUndefined();
    expect(bytesOfBase64url(key.slice(1), 32)).toBeUndefined();
  });
});

describe('Ed25519 identities', () => {
  it('a peer id is the public key: 46 characters that an entry envelope accepts', () => {
    expect(alice.peer).toMatch(/^ed:[A-Za-z0-9_-]{43}$/);
    expect(keyOfPeer(alice.peer)?.bytes).toEqual(ed25519.getPublicKey(alice.secret));
  });

  it('refuses keys that are not canonical, not on the curve, small order or with torsion', () => {
    const bytes = ed25519.getPublicKey(alice.secret);
    // y >= p: the non-canonical spelling of a small y (y = p + 1 names the point y = 1).
    const nonCanonical = numberToBytesLE(2n ** 255n - 19n + 1n, 32);
    const identity = numberToBytesLE(1n, 32); // y = 1: the neutral point, small order
    const torsion = ed25519.Point.fromBytes(bytes).add(smallOrderPoint()).toBytes();
    for (const bad of [nonCanonical, identity, torsion]) expect(keyOfPeer(`${ED25519_PEER_PREFIX}${base64urlOf(bad)}`)).toBeUndefined();
    expect(keyOfPeer('T1')).toBeUndefined();
    expect(keyOfPeer(`${ED25519_PEER_PREFIX}short`)).toBeUndefined();
  });
});

describe('Ed25519 signatures of entries', () => {
  it('sign and verify round trip, through the core validator', () => {
    const entry = signed(alice.secret, unsigned(alice.peer));
    expect(ed25519Verifier(signingBytes(entry), entry.sig, entry.peer)).toBe(true);
    expect(validate(entry, { verify: ed25519Verifier, book: 'B1' as BookId }).ok).toBe(true);
  });

  it('refuses tampered bytes, another key, a forged peer and a replay into another book', () => {
    const entry = signed(alice.secret, unsigned(alice.peer));
    const message = signingBytes(entry);
    const tampered = message.slice();
    const at = tampered.length - 5;
    tampered[at] = tampered[at]! ^ 1;
    expect(ed25519Verifier(tampered, entry.sig, entry.peer)).toBe(false);
    // Bob signs, but the entry names Alice as its author (a forged peer).
    const forged = signed(bob.secret, unsigned(alice.peer));
    expect(ed25519Verifier(signingBytes(forged), forged.sig, forged.peer)).toBe(false);
    expect(validate(forged, { verify: ed25519Verifier })).toMatchObject({ ok: false, refusal: { code: 'bad-signature', path: 'sig' } });
    // Moved into another book with a fresh id: the signature covered the book.
    const moved = finishEntry({ ...unsigned(alice.peer), book: 'B2' as BookId }, entry.sig);
    expect(validate(moved, { verify: ed25519Verifier })).toMatchObject({ ok: false, refusal: { code: 'bad-signature' } });
    // Replayed unchanged into another book's journal: refused as another book's entry.
    expect(validate(entry, { verify: ed25519Verifier, book: 'B2' as BookId })).toMatchObject({ ok: false, refusal: { code: 'wrong-book' } });
  });

  it('refuses a malleated S (S + L) and a non-canonical signature text', () => {
    const entry = signed(alice.secret, unsigned(alice.peer));
    const bytes = bytesOfBase64url(entry.sig.slice(3), 64)!;
    const s = bytesToNumberLE(bytes.subarray(32)) + L;
    const malleated = new Uint8Array(64);
    malleated.set(bytes.subarray(0, 32), 0);
    malleated.set(numberToBytesLE(s, 32), 32);
    expect(prepareSignature(signatureText(malleated), alice.peer)).toBeUndefined();
    expect(ed25519Verifier(signingBytes(entry), `${entry.sig}A`, alice.peer)).toBe(false);
    expect(ed25519Verifier(signingBytes(entry), entry.sig.replace('ed:', 'ed25519:'), alice.peer)).toBe(false);
  });

  it('is cofactorless: refuses a signature whose R carries torsion, which noble\u2019s cofactored verify accepts', () => {
    const entry = unsigned(alice.peer);
    const message = signingBytes(entry);
    const { scalar: a, pointBytes } = ed25519.utils.getExtendedPublicKey(alice.secret);
    const r = 12345n;
    const rPoint = ed25519.Point.BASE.multiply(r).add(smallOrderPoint());
    const rBytes = rPoint.toBytes();
    const k = bytesToNumberLE(sha512(new Uint8Array([...rBytes, ...pointBytes, ...message]))) % L;
    const sig = new Uint8Array([...rBytes, ...numberToBytesLE((r + k * a) % L, 32)]);
    expect(ed25519.verify(sig, message, pointBytes)).toBe(true); // cofactored: accepts
    expect(ed25519Verifier(message, signatureText(sig), alice.peer)).toBe(false);
  });

  it('keeps the schemes apart: no dev signature for an ed: author, no Ed25519 signature in a dev book', () => {
    const real = signed(alice.secret, unsigned(alice.peer));
    expect(validate(real, { verify: devVerifier }).ok).toBe(false);
    const devForgery = makeDevEntry(unsigned(alice.peer));
    expect(validate(devForgery, { verify: devVerifier }).ok).toBe(false);
    expect(validate(devForgery, { verify: ed25519Verifier }).ok).toBe(false);
    const dev = makeDevEntry(unsigned('T1' as PeerId));
    expect(validate(dev, { verify: devVerifier }).ok).toBe(true);
    expect(validate(dev, { verify: ed25519Verifier }).ok).toBe(false);
    expect(devSigner(new Uint8Array(1), 'T1' as PeerId)).toMatch(/^dev:/);
  });
});

/** A point of order 8: clearing the cofactor of it gives the identity. */
function smallOrderPoint(): ReturnType<typeof ed25519.Point.fromBytes> {
  // The point with y = 0 has order 4; a point of order 8 exists with a known encoding.
  const order8 = ed25519.Point.fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a');
  expect(order8.isSmallOrder()).toBe(true);
  expect(order8.multiply(4n).is0()).toBe(false);
  return order8;
}
