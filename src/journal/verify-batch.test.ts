/**
 * Ed25519 verification on the device, WebCrypto (Node's OpenSSL) and @noble/curves
 * side by side: they must give the same answer on every input, good or crafted,
 * through the synchronous and the batched path, and the cache must only ever
 * answer for bytes it verified.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE, numberToBytesLE } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { SignatureCheck } from '../core/entry.ts';
import { peerIdOfKey } from '../core/keys-ed25519.ts';
import { signatureText } from '../core/sig-ed25519.ts';
import type { PeerId } from '../core/types.ts';
import { propertyRuns } from '../testing/runs.ts';
import { hasWebCryptoEd25519, platformSubtle } from './keys-webcrypto.ts';
import { createEd25519Verification } from './verify-batch.ts';

const L = ed25519.Point.Fn.ORDER;
const encoder = new TextEncoder();

function key(seed: number): { secret: Uint8Array; peer: PeerId } {
  const secret = new Uint8Array(32).fill(seed);
  return { secret, peer: peerIdOfKey(ed25519.getPublicKey(secret)) };
}
const alice = key(7);
const bob = key(8);

function signedCheck(secret: Uint8Array, peer: PeerId, text: string): SignatureCheck {
  const message = encoder.encode(text);
  return { message, sig: signatureText(ed25519.sign(message, secret)), peer };
}

/** Good and crafted signatures, each with the answer every verifier must give. */
function cases(): Array<{ name: string; check: SignatureCheck; holds: boolean }> {
  const good = signedCheck(alice.secret, alice.peer, 'a genuine entry');
  const tampered = { ...good, message: encoder.encode('a genuine entrY') };
  const otherKey = { ...signedCheck(bob.secret, bob.peer, 'a genuine entry'), peer: alice.peer };
  const raw = ed25519.sign(good.message, alice.secret);
  const malleated = new Uint8Array([...raw.subarray(0, 32), ...numberToBytesLE(bytesToNumberLE(raw.subarray(32)) + L, 32)]);
  const { scalar, pointBytes } = ed25519.utils.getExtendedPublicKey(alice.secret);
  const torsion = ed25519.Point.fromHex('c7176a703d4dd84fba3c0b760d10670f2a2053fa2c39ccc64ec7fd7792ac037a');
  const r = ed25519.Point.BASE.multiply(99n).add(torsion).toBytes();
  const k = bytesToNumberLE(sha512(new Uint8Array([...r, ...pointBytes, ...good.message]))) % L;
  const torsionR = new Uint8Array([...r, ...numberToBytesLE((99n + k * scalar) % L, 32)]);
  return [
    { name: 'genuine', check: good, holds: true },
    { name: 'tampered bytes', check: tampered, holds: false },
    { name: 'another key', check: otherKey, holds: false },
    { name: 'S + L', check: { ...good, sig: signatureText(malleated) }, holds: false },
    { name: 'R with torsion', check: { ...good, sig: signatureText(torsionR) }, holds: false },
    { name: 'dev signature', check: { ...good, sig: 'dev:0123456789abcdef0123456789abcdef' }, holds: false },
    { name: 'dev author', check: { ...good, peer: 'T1' as PeerId }, holds: false },
    { name: 'garbage', check: { ...good, sig: 'ed:!!' }, holds: false },
  ];
}

describe('Ed25519 verification on the device', () => {
  it('this Node has WebCrypto Ed25519 (so the batch path under test is WebCrypto)', async () => {
    expect(await hasWebCryptoEd25519(platformSubtle())).toBe(true);
    expect(await hasWebCryptoEd25519(undefined)).toBe(false);
  });

  for (const backend of ['webcrypto', 'noble'] as const) {
    it(`${backend}: batch and single answers agree with the rule on good and crafted signatures`, async () => {
      const list = cases();
      const batched = createEd25519Verification(backend === 'noble' ? { subtle: null } : {});
      expect(await batched.verifyBatch(list.map((c) => c.check))).toEqual(list.map((c) => c.holds));
      expect(batched.backend()).toBe(backend);
      const single = createEd25519Verification(backend === 'noble' ? { subtle: null } : {});
      for (const c of list) expect(single.verify(c.check.message, c.check.sig, c.check.peer), c.name).toBe(c.holds);
    });
  }

  it('verifies a signature once per process; the synchronous check then answers from the cache', async () => {
    const verification = createEd25519Verification();
    const checks = Array.from({ length: 50 }, (_, i) => signedCheck(alice.secret, alice.peer, `entry ${i}`));
    expect((await verification.verifyBatch(checks)).every(Boolean)).toBe(true);
    expect(verification.stats()).toMatchObject({ verified: 50, cached: 0 });
    expect((await verification.verifyBatch(checks)).every(Boolean)).toBe(true);
    for (const c of checks) expect(verification.verify(c.message, c.sig, c.peer)).toBe(true);
    expect(verification.stats()).toMatchObject({ verified: 50, cached: 100 });
  });

  it('a cached signature never vouches for other bytes or another author', async () => {
    const verification = createEd25519Verification();
    const good = signedCheck(alice.secret, alice.peer, 'paid 5.00');
    expect(await verification.verifyBatch([good])).toEqual([true]);
    expect(verification.verify(encoder.encode('paid 500.00'), good.sig, good.peer)).toBe(false);
    expect(verification.verify(good.message, good.sig, bob.peer)).toBe(false);
  });

  it('the cache is bounded: forgotten signatures are verified again, never skipped', async () => {
    const verification = createEd25519Verification({ cacheEntriesMax: 2 });
    const checks = [1, 2, 3].map((i) => signedCheck(alice.secret, alice.peer, `entry ${i}`));
    await verification.verifyBatch(checks);
    expect(verification.verify(checks[0]!.message, checks[0]!.sig, alice.peer)).toBe(true);
    expect(verification.stats()).toMatchObject({ verified: 4, cached: 0 });
  });

  it('WebCrypto (batched) and noble (sync) agree on any one-place change of message, signature or author', async () => {
    const base = signedCheck(alice.secret, alice.peer, `{"book":"B1","kind":"txn","memo":"${'x'.repeat(200)}"}`);
    const B64 = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_';
    const change = fc.oneof(
      fc.record({ field: fc.constant('message' as const), at: fc.nat(base.message.length - 1), to: fc.integer({ min: 0, max: 255 }) }),
      fc.record({ field: fc.constant('sig' as const), at: fc.nat(base.sig.length - 1), to: fc.nat(63) }),
      fc.record({ field: fc.constant('peer' as const), at: fc.nat(alice.peer.length - 1), to: fc.nat(63) }),
    );
    await fc.assert(
      fc.asyncProperty(change, async ({ field, at, to }) => {
        const check = { ...base, message: base.message.slice() };
        if (field === 'message') check.message[at] = to;
        else if (field === 'sig') check.sig = check.sig.slice(0, at) + B64[to]! + check.sig.slice(at + 1);
        else check.peer = (check.peer.slice(0, at) + B64[to]! + check.peer.slice(at + 1)) as PeerId;
        const unchanged = check.sig === base.sig && check.peer === base.peer && check.message.every((b, i) => b === base.message[i]);
        const [batch] = await createEd25519Verification().verifyBatch([check]);
        const sync = createEd25519Verification().verify(check.message, check.sig, check.peer);
        expect([batch, sync]).toEqual([unchanged, unchanged]);
      }),
      { numRuns: propertyRuns() },
    );
  }, 120_000);
});
