/**
 * Ed25519 device identities. A device's peer id IS its public key, written
 * `ed:` + base64url of the 32 key bytes (46 characters, within limits.peerIdCharsMax):
 * whoever holds an entry can check its signature with nothing but the entry, no
 * lookup and no roster, so every peer refuses a bad signature identically and at
 * once. The `ed:` prefix keeps real identities apart from the dev scheme's ids (see
 * entry.ts: a dev signature never proves an `ed:` author).
 *
 * A key is accepted only in its one canonical encoding, on the curve, and of prime
 * order (no torsion, not small order). Implementations of Ed25519 (OpenSSL in Node,
 * BoringSSL in Chromium, @noble/curves) disagree on such odd keys; refusing them
 * before any of them is asked keeps every peer's answer the same, which a ledger
 * whose rules are functions of the set of entries needs.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import type { EdwardsPoint } from '@noble/curves/abstract/edwards.js';
import { base64urlOf, bytesOfBase64url } from './sig-base64url.ts';
import type { PeerId } from './types.ts';

export const ED25519_PEER_PREFIX = 'ed:';
/** Bytes of an Ed25519 public key. */
export const ED25519_KEY_BYTES = 32;
/** Checked keys remembered (a key check costs a scalar multiplication, about a millisecond). */
const CHECKED_KEYS_MAX = 4096;

/** The peer id of the device whose Ed25519 public key is `publicKey` (32 bytes). */
export function peerIdOfKey(publicKey: Uint8Array): PeerId {
  if (publicKey.length !== ED25519_KEY_BYTES) throw new RangeError(`an Ed25519 public key has ${ED25519_KEY_BYTES} bytes, not ${publicKey.length}`);
  return `${ED25519_PEER_PREFIX}${base64urlOf(publicKey)}` as PeerId;
}

/** True when `peer` claims to be an Ed25519 identity (has the prefix); says nothing about the key's validity. */
export function isEd25519Peer(peer: string): boolean {
  return typeof peer === 'string' && peer.startsWith(ED25519_PEER_PREFIX);
}

export interface CheckedKey {
  /** The 32 bytes of the key. */
  bytes: Uint8Array;
  /** The key as a curve point (for the synchronous verifier). */
  point: EdwardsPoint;
}

const checked = new Map<string, CheckedKey | null>();

/**
 * The public key named by `peer`, or undefined when `peer` is not an Ed25519
 * identity or its key is not acceptable (not canonical, not on the curve, small
 * order or with a torsion component). Pure; results are memoised per peer id.
 */
export function keyOfPeer(peer: string): CheckedKey | undefined {
  const known = checked.get(peer);
  if (known !== undefined) return known ?? undefined;
  const key = checkKey(peer);
  if (checked.size >= CHECKED_KEYS_MAX) checked.delete(checked.keys().next().value!);
  checked.set(peer, key ?? null);
  return key;
}

function checkKey(peer: string): CheckedKey | undefined {
  if (!isEd25519Peer(peer)) return undefined;
  const bytes = bytesOfBase64url(peer.slice(ED25519_PEER_PREFIX.length), ED25519_KEY_BYTES);
  if (bytes === undefined) return undefined;
  try {
    // zip215 false: only the canonical encoding (y < p, no "negative zero" x).
    const point = ed25519.Point.fromBytes(bytes, false);
    if (point.isSmallOrder() || !point.isTorsionFree()) return undefined;
    return { bytes, point };
  } catch {
    return undefined;
  }
}
