/**
 * WebCrypto's Ed25519, where the platform has it (Chromium 137+, Node 20, Firefox
 * 129+, Safari 17+): keys whose private half never leaves the platform
 * (non-extractable), and verification off the main thread. Everything here answers
 * a typed value or undefined; callers fall back to @noble/curves when the platform
 * says no.
 */

const ED25519 = { name: 'Ed25519' } as const;

/** The platform's SubtleCrypto, or undefined (an insecure origin, an old runtime). */
export function platformSubtle(): SubtleCrypto | undefined {
  const c = (globalThis as { crypto?: Crypto }).crypto;
  return c?.subtle;
}

const supported = new WeakMap<SubtleCrypto, Promise<boolean>>();

/**
 * Whether `subtle` can make and use Ed25519 keys: asked once per SubtleCrypto by
 * generating a throwaway key, signing and verifying (some runtimes know the name
 * but fail later). Never rejects.
 */
export function hasWebCryptoEd25519(subtle: SubtleCrypto | undefined): Promise<boolean> {
  if (subtle === undefined) return Promise.resolve(false);
  let answer = supported.get(subtle);
  if (answer === undefined) {
    answer = probe(subtle).catch(() => false);
    supported.set(subtle, answer);
  }
  return answer;
}

async function probe(subtle: SubtleCrypto): Promise<boolean> {
  const pair = await subtle.generateKey(ED25519, false, ['sign', 'verify']);
  const message = new Uint8Array([1, 2, 3]);
  const signature = await subtle.sign(ED25519, pair.privateKey, message);
  return subtle.verify(ED25519, pair.publicKey, signature, message);
}

/** A fresh key pair with a non-extractable private key, and the raw public key bytes. */
export async function generateWebCryptoKey(subtle: SubtleCrypto): Promise<{ privateKey: CryptoKey; publicKey: Uint8Array }> {
  const pair = await subtle.generateKey(ED25519, false, ['sign', 'verify']);
  // The public half of a pair is always extractable.
  const publicKey = new Uint8Array(await subtle.exportKey('raw', pair.publicKey));
  return { privateKey: pair.privateKey, publicKey };
}

/** The 64-byte signature of `message` by `privateKey`. Rejects if the platform fails. */
export async function webCryptoSign(subtle: SubtleCrypto, privateKey: CryptoKey, message: Uint8Array): Promise<Uint8Array> {
  return new Uint8Array(await subtle.sign(ED25519, privateKey, message as Uint8Array<ArrayBuffer>));
}

/** A verification key for raw public key bytes (checked by the caller). */
export function importVerifyKey(subtle: SubtleCrypto, publicKey: Uint8Array): Promise<CryptoKey> {
  return subtle.importKey('raw', publicKey as Uint8Array<ArrayBuffer>, ED25519, false, ['verify']);
}

/** Whether `signature` is the key's signature of `message`; false (never a rejection) when the platform fails. */
export async function webCryptoVerify(subtle: SubtleCrypto, key: CryptoKey, signature: Uint8Array, message: Uint8Array): Promise<boolean> {
  try {
    return await subtle.verify(ED25519, key, signature as Uint8Array<ArrayBuffer>, message as Uint8Array<ArrayBuffer>);
  } catch {
    return false;
  }
}
