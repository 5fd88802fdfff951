/**
 * SHA-256, synchronous, from @noble/hashes: an audited, dependency-free, pure
 * implementation. It is the one package the core imports (see src/layers.test.ts):
 * hashing is pure computation, and WebCrypto's digest is asynchronous and absent
 * from some contexts, which would make every fold asynchronous.
 */
import { sha256 } from '@noble/hashes/sha2.js';
import { bytesToHex } from '@noble/hashes/utils.js';
import { utf8 } from './canonical.ts';

/** Lowercase hex SHA-256 of bytes, or of a string's UTF-8 bytes. */
export function sha256Hex(input: Uint8Array | string): string {
  return bytesToHex(sha256(typeof input === 'string' ? utf8(input) : input));
}
