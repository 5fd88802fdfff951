/**
 * Ed25519 signatures of entries: their text form, the checks every verifier runs
 * first, and a synchronous verifier for the core's Verifier hook.
 *
 * A signature is written `ed:` + base64url of its 64 bytes (89 characters, within
 * limits.sigCharsMax). The rule every peer applies, whatever library it verifies
 * with, is RFC 8032 §5.1.7 in its cofactorless form, which is what OpenSSL (Node)
 * and BoringSSL (Chromium) compute:
 *
 *   the author's key passes keyOfPeer (canonical, prime order), S < L, and
 *   encode([S]B - [k]A) = R, where k = SHA-512(R || A || message) mod L.
 *
 * @noble/curves' own verify is cofactored (it would accept a signature whose R
 * carries a torsion component, which the others refuse), so the synchronous
 * verifier below computes the cofactorless equation itself from noble's point
 * arithmetic. The same set of entries is then accepted by every peer.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { bytesToNumberLE, equalBytes } from '@noble/curves/utils.js';
import { sha512 } from '@noble/hashes/sha2.js';
import type { Verifier } from './entry.ts';
import { keyOfPeer, type CheckedKey } from './keys-ed25519.ts';
import { base64urlOf, bytesOfBase64url } from './sig-base64url.ts';

export const ED25519_SIG_PREFIX = 'ed:';
export const ED25519_SIG_BYTES = 64;
/** The order of the prime subgroup (L in RFC 8032). */
const L = ed25519.Point.Fn.ORDER;

/** The text of a 64-byte Ed25519 signature. */
export function signatureText(signature: Uint8Array): string {
  if (signature.length !== ED25519_SIG_BYTES) throw new RangeError(`an Ed25519 signature has ${ED25519_SIG_BYTES} bytes, not ${signature.length}`);
  return `${ED25519_SIG_PREFIX}${base64urlOf(signature)}`;
}

/** What a verifier needs once the cheap checks passed. */
export interface PreparedSignature {
  key: CheckedKey;
  /** The 64 signature bytes: R then S. */
  signature: Uint8Array;
}

/**
 * The shared first half of every Ed25519 verification: `peer` names an acceptable
 * key and `sig` is the canonical text of 64 bytes whose S is below L. Undefined
 * means the signature is refused without any curve arithmetic. Never throws.
 */
export function prepareSignature(sig: string, peer: string): PreparedSignature | undefined {
  if (typeof sig !== 'string' || !sig.startsWith(ED25519_SIG_PREFIX)) return undefined;
  const key = keyOfPeer(peer);
  if (key === undefined) return undefined;
  const signature = bytesOfBase64url(sig.slice(ED25519_SIG_PREFIX.length), ED25519_SIG_BYTES);
  if (signature === undefined) return undefined;
  // A malleable S (S + L) would give a second valid signature, hence a second id, for one entry.
  if (bytesToNumberLE(signature.subarray(32)) >= L) return undefined;
  return { key, signature };
}

/** The cofactorless check of a prepared signature over `message`, with noble's arithmetic. */
export function verifyPrepared(message: Uint8Array, prepared: PreparedSignature): boolean {
  const { key, signature } = prepared;
  const r = signature.subarray(0, 32);
  const s = bytesToNumberLE(signature.subarray(32));
  const hashed = new Uint8Array(64 + message.length);
  hashed.set(r, 0);
  hashed.set(key.bytes, 32);
  hashed.set(message, 64);
  const k = bytesToNumberLE(sha512(hashed)) % L;
  const expected = ed25519.Point.BASE.multiplyUnsafe(s).subtract(key.point.multiplyUnsafe(k));
  return equalBytes(expected.toBytes(), r);
}

/**
 * The synchronous Ed25519 verifier (1.5 ms an entry in Chromium: for single
 * entries and where WebCrypto lacks Ed25519; catch-up verifies in batches with
 * WebCrypto, see src/journal/verify-batch.ts). Refuses every signature that is not
 * an Ed25519 signature of an `ed:` author, dev signatures included. Never throws.
 */
export const ed25519Verifier: Verifier = (message, sig, peer) => {
  try {
    const prepared = prepareSignature(sig, peer);
    return prepared !== undefined && verifyPrepared(message, prepared);
  } catch {
    return false;
  }
};
