/**
 * Making entries: the signing bytes, the signature hook and the id.
 *
 *   signing bytes = canonical bytes of the entry without `id` and `sig`
 *   sig           = signer(signing bytes)
 *   id            = SHA-256 of the canonical bytes of the entry without `id`
 *   wire form     = canonical bytes of the whole entry (`encodeEntry`)
 *
 * So the id covers the signature, and a copy cannot be altered under the same id.
 * Signing and verifying are injected. Two schemes exist, and one book only ever
 * holds entries of one of them, because each verifier refuses the other's:
 * - Ed25519 device keys (sig-ed25519.ts, keys-ed25519.ts): the author's peer id is
 *   `ed:` + its public key, so the entry alone proves who wrote it. For real use.
 * - the dev scheme below: integrity only, for tests, benches and the simulator. It
 *   never accepts an `ed:` author, so it cannot be used to forge a real device.
 */
import { canonicalBytes, canonicalString } from './canonical.ts';
import { sha256Hex } from './hash.ts';
import type { Entry, EntryId, Kind, PeerId, SignedEntry, UnsignedEntry } from './types.ts';

/** Produces the signature of `message` by the device `peer`. */
export type Signer = (message: Uint8Array, peer: PeerId) => string | Promise<string>;

/**
 * Decides whether `sig` is `peer`'s signature over `message`. Synchronous, so
 * validation stays a plain function; must never throw (return false instead).
 */
export type Verifier = (message: Uint8Array, sig: string, peer: PeerId) => boolean;

/** One signature to check: what a Verifier is called with. */
export interface SignatureCheck {
  message: Uint8Array;
  sig: string;
  peer: PeerId;
}

/**
 * Checks many signatures at once, asynchronously (WebCrypto verifies off the main
 * thread, in parallel): answers one boolean per item, in order, with exactly the
 * Verifier's decisions. Must never reject (answer false instead). Used where a batch
 * of entries arrives (a journal's ingest), so that a batch is verified before any of
 * it is stored; the synchronous Verifier then only confirms what was verified.
 */
export type BatchVerifier = (items: readonly SignatureCheck[]) => Promise<boolean[]>;

/** The bytes an author signs. */
export function signingBytes(entry: UnsignedEntry): Uint8Array {
  const { nonce, book, kind, peer, seq, prev, hlc, date, body } = entry;
  return canonicalBytes({ nonce, book, kind, peer, seq, prev, hlc, date, body });
}

/** The id of a signed entry: SHA-256 of its canonical bytes without `id`. */
export function entryIdOf(entry: SignedEntry): EntryId {
  const { nonce, book, kind, peer, seq, prev, hlc, date, body, sig } = entry;
  return sha256Hex(canonicalBytes({ nonce, book, kind, peer, seq, prev, hlc, date, body, sig })) as EntryId;
}

/** Attach a signature already made and compute the id. */
export function finishEntry<K extends Kind>(unsigned: UnsignedEntry<K>, sig: string): Entry & { kind: K } {
  const signed = { ...unsigned, sig };
  return { ...signed, id: entryIdOf(signed) } as unknown as Entry & { kind: K };
}

/** Sign with `signer` and compute the id. */
export async function makeEntry<K extends Kind>(unsigned: UnsignedEntry<K>, signer: Signer): Promise<Entry & { kind: K }> {
  const sig = await signer(signingBytes(unsigned), unsigned.peer);
  return finishEntry(unsigned, sig);
}

/** The canonical wire text of an entry (what is stored and gossiped). */
export function encodeEntry(entry: Entry): string {
  return canonicalString(entry);
}

/**
 * Development signature scheme: `dev:` + SHA-256(peer, message), first 32 hex chars.
 * It proves integrity (a changed byte fails) but NOT authorship: anyone can compute
 * it. For tests, benches and the simulator; never use it to trust a peer. A journal
 * for real use takes Ed25519 device keys (src/journal/keys.ts).
 */
export const devSigner: Signer = (message, peer) => devSignature(message, peer);

/**
 * Accepts dev signatures only, and never for an Ed25519 identity (`ed:` peer id):
 * anyone can compute a dev signature, so accepting one for a real device's id would
 * let anyone write in its name. This keeps the two schemes from mixing in one book.
 */
export const devVerifier: Verifier = (message, sig, peer) => !peer.startsWith('ed:') && sig === devSignature(message, peer);

function devSignature(message: Uint8Array, peer: PeerId): string {
  const prefix = new TextEncoder().encode(`${peer}\n`);
  const all = new Uint8Array(prefix.byteLength + message.byteLength);
  all.set(prefix, 0);
  all.set(message, prefix.byteLength);
  return `dev:${sha256Hex(all).slice(0, 32)}`;
}

/** Synchronous convenience for tests and the simulator: sign with the dev scheme. */
export function makeDevEntry<K extends Kind>(unsigned: UnsignedEntry<K>): Entry & { kind: K } {
  return finishEntry(unsigned, devSignature(signingBytes(unsigned), unsigned.peer));
}
