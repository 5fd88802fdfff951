/**
 * The device's own key: created on first start, kept, and used to sign every entry
 * this device writes. Ed25519 on WebCrypto with a non-extractable private key where
 * the platform has it (Chromium 137+, Node 20), @noble/curves where it does not
 * (feature-detected). The device's peer id is its public key (core/keys-ed25519.ts).
 *
 * A journal for real use (the PWA, the hub) is opened with deviceJournalDeps: the
 * device key's signer, and the Ed25519 verifier in both forms (synchronous for the
 * core, batched for ingest). Such a journal refuses dev-signed entries, and a dev
 * journal refuses Ed25519 ones, so one book never mixes the schemes.
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import type { Signer } from '../core/entry.ts';
import { peerIdOfKey } from '../core/keys-ed25519.ts';
import { signatureText } from '../core/sig-ed25519.ts';
import type { PeerId } from '../core/types.ts';
import type { JournalDeps } from './journal.ts';
import { addKeyOnce, openKeyDb, readKey, type KeyStoreOptions, type StoredDeviceKey } from './keys-store.ts';
import { generateWebCryptoKey, hasWebCryptoEd25519, platformSubtle, webCryptoSign } from './keys-webcrypto.ts';
import type { Ed25519Verification } from './verify-batch.ts';

export interface DeviceKey {
  /** `ed:` + the public key: this device's id in every book. */
  readonly peer: PeerId;
  readonly publicKey: Uint8Array;
  readonly backend: 'webcrypto' | 'noble';
  /** False on WebCrypto: the private key cannot be read, only used. */
  readonly extractable: boolean;
  /** The signature text of `message` (`ed:` + base64url). Rejects only if the platform fails. */
  sign(message: Uint8Array): Promise<string>;
}

export interface DeviceKeyOptions extends KeyStoreOptions {
  /** Which stored key (default 'device'): one per device, whatever the number of books. */
  slot?: string;
  /** The SubtleCrypto to use (default: the platform's); null forces @noble/curves. */
  subtle?: SubtleCrypto | null;
  /** Wall clock for the record's creation time (default Date.now). */
  clock?: () => number;
}

/**
 * The device key kept in IndexedDB, created (and stored) on first call. Two tabs
 * starting at once end up with the same key: the first stored wins. Rejects with the
 * storage's error when IndexedDB fails.
 */
export async function openDeviceKey(options: DeviceKeyOptions = {}): Promise<DeviceKey> {
  const slot = options.slot ?? 'device';
  const subtle = options.subtle === null ? undefined : (options.subtle ?? platformSubtle());
  const db = await openKeyDb(options);
  try {
    const held = await readKey(db, slot);
    if (held !== undefined) return deviceKeyOf(held, subtle);
    const created = await newDeviceKey({ subtle: subtle ?? null, clock: options.clock });
    return deviceKeyOf(await addKeyOnce(db, slot, created), subtle);
  } finally {
    db.close();
  }
}

/** A new key record, not stored: WebCrypto (non-extractable) when the platform has Ed25519, else @noble/curves. */
export async function newDeviceKey(options: { subtle?: SubtleCrypto | null; clock?: (() => number) | undefined } = {}): Promise<StoredDeviceKey> {
  const subtle = options.subtle === null ? undefined : (options.subtle ?? platformSubtle());
  const createdMs = (options.clock ?? Date.now)();
  if (subtle !== undefined && (await hasWebCryptoEd25519(subtle))) {
    return { backend: 'webcrypto', ...(await generateWebCryptoKey(subtle)), createdMs };
  }
  const secretKey = ed25519.utils.randomSecretKey();
  return { backend: 'noble', secretKey, publicKey: ed25519.getPublicKey(secretKey), createdMs };
}

/** The usable key of a stored record. A WebCrypto record needs `subtle` (throws a TypeError without it). */
export function deviceKeyOf(record: StoredDeviceKey, subtle: SubtleCrypto | undefined = platformSubtle()): DeviceKey {
  const peer = peerIdOfKey(record.publicKey);
  if (record.backend === 'noble') {
    const secret = record.secretKey;
    return { peer, publicKey: record.publicKey, backend: 'noble', extractable: true, sign: async (message) => signatureText(ed25519.sign(message, secret)) };
  }
  if (subtle === undefined) throw new TypeError('this device key lives in WebCrypto, which is not available here');
  const { privateKey } = record;
  return {
    peer,
    publicKey: record.publicKey,
    backend: 'webcrypto',
    extractable: privateKey.extractable,
    sign: async (message) => signatureText(await webCryptoSign(subtle, privateKey, message)),
  };
}

/** PKCS #8 wrapping of a 32-byte Ed25519 seed (RFC 8410): what WebCrypto imports. */
const PKCS8_ED25519_PREFIX = Uint8Array.from([0x30, 0x2e, 0x02, 0x01, 0x00, 0x30, 0x05, 0x06, 0x03, 0x2b, 0x65, 0x70, 0x04, 0x22, 0x04, 0x20]);

/**
 * The device key of a 32-byte secret seed kept elsewhere (the hub keeps its seed in
 * its database, where a CryptoKey cannot go): imported into WebCrypto as a
 * non-extractable key where the platform has Ed25519, else used with @noble/curves.
 * Both sign identically (Ed25519 is deterministic). Rejects a seed of another length.
 */
export async function deviceKeyFromSeed(seed: Uint8Array, options: { subtle?: SubtleCrypto | null; clock?: () => number } = {}): Promise<DeviceKey> {
  if (seed.length !== 32) throw new RangeError(`an Ed25519 seed has 32 bytes, not ${seed.length}`);
  const subtle = options.subtle === null ? undefined : (options.subtle ?? platformSubtle());
  const publicKey = ed25519.getPublicKey(seed);
  const createdMs = (options.clock ?? Date.now)();
  if (subtle !== undefined && (await hasWebCryptoEd25519(subtle))) {
    const pkcs8 = new Uint8Array(PKCS8_ED25519_PREFIX.length + 32);
    pkcs8.set(PKCS8_ED25519_PREFIX, 0);
    pkcs8.set(seed, PKCS8_ED25519_PREFIX.length);
    const privateKey = await subtle.importKey('pkcs8', pkcs8, { name: 'Ed25519' }, false, ['sign']);
    return deviceKeyOf({ backend: 'webcrypto', privateKey, publicKey, createdMs }, subtle);
  }
  return deviceKeyOf({ backend: 'noble', secretKey: seed.slice(), publicKey, createdMs });
}

/**
 * The signer of `key`: signs only as `key.peer`, and verifies each signature it
 * makes through `verification` before handing it out (a broken platform key is
 * caught here, and the verified signature is remembered, so the core's synchronous
 * check of the new entry is a cache hit).
 */
export function deviceSigner(key: DeviceKey, verification: Ed25519Verification): Signer {
  return async (message, peer) => {
    if (peer !== key.peer) throw new Error(`this device signs as ${key.peer}, not as ${peer}`);
    const sig = await key.sign(message);
    const [holds] = await verification.verifyBatch([{ message, sig, peer }]);
    if (holds !== true) throw new Error('the device key made a signature that does not verify');
    return sig;
  };
}

/**
 * The dependencies of a journal for real use: this device's identity and signer,
 * and Ed25519 verification (synchronous and batched). `rest` gives the book, the
 * clock, the nonces and the dates.
 */
export function deviceJournalDeps(
  key: DeviceKey,
  verification: Ed25519Verification,
  rest: Omit<JournalDeps, 'peer' | 'signer' | 'verify' | 'verifyBatch'>,
): JournalDeps {
  return { ...rest, peer: key.peer, signer: deviceSigner(key, verification), verify: verification.verify, verifyBatch: verification.verifyBatch };
}
