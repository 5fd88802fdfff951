/**
 * The device key on fake-indexeddb (Node's WebCrypto CryptoKeys survive its
 * structured clone, as they do in a browser's IndexedDB): created once, kept,
 * non-extractable, signing entries that every verifier accepts. The same in real
 * Chromium, across a reload: e2e/keys.spec.ts.
 */
import { IDBFactory } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { keyOfPeer } from '../core/keys-ed25519.ts';
import { ed25519Verifier } from '../core/sig-ed25519.ts';
import type { PeerId } from '../core/types.ts';
import { deviceKeyFromSeed, deviceKeyOf, deviceSigner, newDeviceKey, openDeviceKey } from './keys.ts';
import { openKeyDb, readKey } from './keys-store.ts';
import { createEd25519Verification } from './verify-batch.ts';

const message = new TextEncoder().encode('{"book":"B1","kind":"txn"}');

describe('device keys', () => {
  it('are created on first start, kept in IndexedDB, and the same on every later start', async () => {
    const indexedDB = new IDBFactory();
    const first = await openDeviceKey({ indexedDB });
    expect(first.backend).toBe('webcrypto');
    expect(first.extractable).toBe(false);
    expect(first.peer).toMatch(/^ed:[A-Za-z0-9_-]{43}$/);
    expect(keyOfPeer(first.peer)?.bytes).toEqual(first.publicKey);
    const again = await openDeviceKey({ indexedDB });
    expect(again.peer).toBe(first.peer);
    // Signed by the reopened key, verified by every path.
    const sig = await again.sign(message);
    expect(ed25519Verifier(message, sig, first.peer)).toBe(true);
    expect(await createEd25519Verification().verifyBatch([{ message, sig, peer: first.peer }])).toEqual([true]);
    // What is stored is a CryptoKey that cannot be exported.
    const db = await openKeyDb({ indexedDB });
    const stored = await readKey(db, 'device');
    db.close();
    expect(stored?.backend).toBe('webcrypto');
    if (stored?.backend !== 'webcrypto') throw new Error('unreachable');
    await expect(crypto.subtle.exportKey('pkcs8', stored.privateKey)).rejects.toThrow();
  });

  it('two tabs starting at once end up with one key', async () => {
    const indexedDB = new IDBFactory();
    const keys = await Promise.all([openDeviceKey({ indexedDB }), openDeviceKey({ indexedDB }), openDeviceKey({ indexedDB })]);
    expect(new Set(keys.map((k) => k.peer)).size).toBe(1);
  });

  it('falls back to @noble/curves where WebCrypto lacks Ed25519, and its signatures verify alike', async () => {
    const indexedDB = new IDBFactory();
    const key = await openDeviceKey({ indexedDB, subtle: null });
    expect(key.backend).toBe('noble');
    const again = await openDeviceKey({ indexedDB, subtle: null });
    expect(again.peer).toBe(key.peer);
    const sig = await again.sign(message);
    expect(await createEd25519Verification().verifyBatch([{ message, sig, peer: key.peer }])).toEqual([true]);
    expect(ed25519Verifier(message, sig, key.peer)).toBe(true);
  });

  it('a seed kept elsewhere (the hub) signs the same in WebCrypto and in @noble/curves', async () => {
    const seed = Uint8Array.from({ length: 32 }, (_, i) => i * 7);
    const [webcrypto, noble] = [await deviceKeyFromSeed(seed), await deviceKeyFromSeed(seed, { subtle: null })];
    expect([webcrypto.backend, webcrypto.extractable, noble.backend]).toEqual(['webcrypto', false, 'noble']);
    expect(webcrypto.peer).toBe(noble.peer);
    expect(await webcrypto.sign(message)).toBe(await noble.sign(message));
    await expect(deviceKeyFromSeed(seed.subarray(1))).rejects.toThrow(RangeError);
  });

  it('a device signer signs only as its own device, and only signatures that verify', async () => {
    const key = deviceKeyOf(await newDeviceKey());
    const verification = createEd25519Verification();
    const signer = deviceSigner(key, verification);
    const sig = await signer(message, key.peer);
    expect(verification.verify(message, sig, key.peer)).toBe(true);
    expect(verification.stats()).toMatchObject({ verified: 1, cached: 1 });
    await expect(signer(message, 'T1' as PeerId)).rejects.toThrow(/signs as ed:/);
    const broken = deviceSigner({ ...key, sign: async () => sig }, verification);
    await expect(broken(new Uint8Array([1]), key.peer)).rejects.toThrow(/does not verify/);
  });
});
