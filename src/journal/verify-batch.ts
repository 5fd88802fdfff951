/**
 * Ed25519 verification on a device: a synchronous Verifier for the core's validate,
 * and a BatchVerifier for ingest, sharing one cache of what was verified.
 *
 * Why both: the core's Verifier hook is synchronous (validation stays a plain
 * function), but the only fast Ed25519 on a tablet is WebCrypto, which is
 * asynchronous (5x faster than @noble/curves in Chromium, 10-40x in Node: see
 * bench/sig.bench.ts and bench/sig.browser.bench.ts). So a
 * journal verifies each ingest batch first, with WebCrypto, in parallel chunks;
 * every signature that holds is remembered; the synchronous verifier then finds it
 * in the cache. Anything it does not find, it verifies itself with @noble/curves:
 * nothing is ever let through unverified, and nothing is verified twice in one
 * process while the cache remembers it.
 *
 * Both paths first run the core's prepareSignature (canonical key of prime order,
 * S < L), and both compute the cofactorless equation, so they agree on every input
 * (see src/core/sig-ed25519.ts).
 */
import type { BatchVerifier, SignatureCheck, Verifier } from '../core/entry.ts';
import { sha256 } from '@noble/hashes/sha2.js';
import { utf8 } from '../core/canonical.ts';
import { journalLimits } from '../core/limits.ts';
import { base64urlOf } from '../core/sig-base64url.ts';
import { prepareSignature, verifyPrepared, type PreparedSignature } from '../core/sig-ed25519.ts';
import { hasWebCryptoEd25519, importVerifyKey, platformSubtle, webCryptoVerify } from './keys-webcrypto.ts';

export interface VerificationStats {
  /** Signatures checked by curve arithmetic (WebCrypto or noble). */
  verified: number;
  /** Signatures answered from the cache. */
  cached: number;
  /** Signatures refused. */
  refused: number;
}

export interface Ed25519Verification {
  /** For validate(): a cached answer, else a synchronous @noble/curves check (remembered when it holds). */
  readonly verify: Verifier;
  /** For ingest: every signature checked, WebCrypto in parallel chunks where the platform has it. */
  readonly verifyBatch: BatchVerifier;
  /** Which library the batch path uses (known after the first batch; 'noble' until then). */
  backend(): 'webcrypto' | 'noble';
  stats(): VerificationStats;
}

export interface VerificationOptions {
  /** The SubtleCrypto to verify with (default: the platform's); null forces @noble/curves. */
  subtle?: SubtleCrypto | null;
  /** Signatures remembered (default journalLimits.verifiedCacheEntriesMax). */
  cacheEntriesMax?: number;
  /** Signatures verified at once (default journalLimits.verifyChunkEntries). */
  chunkEntries?: number;
}

/** Verification keys imported into WebCrypto, per peer id (one import per author). */
const KEYS_MAX = 4096;

/**
 * A verification of Ed25519 entry signatures with its own cache. One per process is
 * the intent (the journals of several books may share it). Never throws, never rejects.
 */
export function createEd25519Verification(options: VerificationOptions = {}): Ed25519Verification {
  const subtle = options.subtle === null ? undefined : (options.subtle ?? platformSubtle());
  const cacheMax = options.cacheEntriesMax ?? journalLimits.verifiedCacheEntriesMax;
  const chunk = Math.max(1, options.chunkEntries ?? journalLimits.verifyChunkEntries);
  const verifiedKeys = new Set<string>();
  const keys = new Map<string, Promise<CryptoKey>>();
  const stats: VerificationStats = { verified: 0, cached: 0, refused: 0 };
  let webCrypto = false;

  const remember = (key: string): void => {
    if (verifiedKeys.size >= cacheMax) verifiedKeys.delete(verifiedKeys.values().next().value!);
    verifiedKeys.add(key);
  };
  const answered = (holds: boolean, key: string): boolean => {
    if (holds) remember(key);
    else stats.refused++;
    return holds;
  };

  const verify: Verifier = (message, sig, peer) => {
    try {
      const prepared = prepareSignature(sig, peer);
      if (prepared === undefined) return answered(false, '');
      const key = cacheKey(message, sig, peer);
      if (verifiedKeys.has(key)) {
        stats.cached++;
        return true;
      }
      stats.verified++;
      return answered(verifyPrepared(message, prepared), key);
    } catch {
      return false;
    }
  };

  const cryptoKeyOf = (peer: string, prepared: PreparedSignature): Promise<CryptoKey> => {
    let key = keys.get(peer);
    if (key === undefined) {
      if (keys.size >= KEYS_MAX) keys.delete(keys.keys().next().value!);
      key = importVerifyKey(subtle!, prepared.key.bytes);
      keys.set(peer, key);
    }
    return key;
  };

  const verifyOne = async (item: SignatureCheck, prepared: PreparedSignature): Promise<boolean> => {
    if (!webCrypto) return verifyPrepared(item.message, prepared);
    try {
      return await webCryptoVerify(subtle!, await cryptoKeyOf(item.peer, prepared), prepared.signature, item.message);
    } catch {
      return false;
    }
  };

  const verifyBatch: BatchVerifier = async (items) => {
    const answers = new Array<boolean>(items.length).fill(false);
    try {
      webCrypto = await hasWebCryptoEd25519(subtle);
      const todo: Array<{ at: number; key: string; prepared: PreparedSignature }> = [];
      items.forEach((item, at) => {
        const prepared = prepareSignature(item.sig, item.peer);
        if (prepared === undefined) return void answered(false, '');
        const key = cacheKey(item.message, item.sig, item.peer);
        if (verifiedKeys.has(key)) {
          stats.cached++;
          answers[at] = true;
        } else todo.push({ at, key, prepared });
      });
      for (let start = 0; start < todo.length; start += chunk) {
        const part = todo.slice(start, start + chunk);
        const holds = await Promise.all(part.map((t) => verifyOne(items[t.at]!, t.prepared)));
        stats.verified += part.length;
        part.forEach((t, i) => (answers[t.at] = answered(holds[i] === true, t.key)));
      }
    } catch {
      // A fault here refuses what is left: answers start false.
    }
    return answers;
  };

  return { verify, verifyBatch, backend: () => (webCrypto ? 'webcrypto' : 'noble'), stats: () => ({ ...stats }) };
}

/**
 * What a verified signature is remembered by: a SHA-256 over the author, the
 * signature and the signed bytes (43 characters, so 200k remembered signatures take
 * about 20 MB), so a cached answer is never reused for other bytes or another
 * author under the same signature.
 */
function cacheKey(message: Uint8Array, sig: string, peer: string): string {
  // The peer id has no newline, and the signature's length is written out: the parts cannot run into each other.
  const hash = sha256.create().update(utf8(`${peer}\n${sig.length}\n${sig}`)).update(message).digest();
  return base64urlOf(hash);
}
