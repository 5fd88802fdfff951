/**
 * Where a tablet keeps its device key: a small IndexedDB database of its own
 * (`daybook-keys`), apart from the books' journals, because one device key signs
 * for every book on the device and outlives any one book's database.
 *
 * On WebCrypto the record holds the private CryptoKey itself: IndexedDB stores it
 * by structured clone, and a non-extractable key stays non-extractable there (the
 * page can sign with it, never read it). Only the @noble/curves fallback must keep
 * the secret's bytes, for want of anything better on that platform.
 */

/** A device key as stored. */
export type StoredDeviceKey =
  | { backend: 'webcrypto'; privateKey: CryptoKey; publicKey: Uint8Array; createdMs: number }
  | { backend: 'noble'; secretKey: Uint8Array; publicKey: Uint8Array; createdMs: number };

export const KEYS_DB_NAME = 'daybook-keys';
const STORE = 'keys';
const VERSION = 1;

export interface KeyStoreOptions {
  /** The IndexedDB factory (default: the platform's). */
  indexedDB?: IDBFactory;
  /** Database name (default KEYS_DB_NAME). */
  name?: string;
}

/** Open the key database, creating it on first use. Rejects with the browser's error. */
export function openKeyDb(options: KeyStoreOptions = {}): Promise<IDBDatabase> {
  const factory = options.indexedDB ?? globalThis.indexedDB;
  if (factory === undefined) return Promise.reject(new Error('IndexedDB is not available here'));
  return new Promise((resolve, reject) => {
    const request = factory.open(options.name ?? KEYS_DB_NAME, VERSION);
    request.onupgradeneeded = () => {
      if (!request.result.objectStoreNames.contains(STORE)) request.result.createObjectStore(STORE);
    };
    request.onsuccess = () => resolve(request.result);
    request.onerror = () => reject(request.error ?? new Error('the key database could not be opened'));
    request.onblocked = () => reject(new Error('the key database is blocked by another tab'));
  });
}

/** The key stored in `slot`, or undefined. */
export function readKey(db: IDBDatabase, slot: string): Promise<StoredDeviceKey | undefined> {
  return new Promise((resolve, reject) => {
    const request = db.transaction(STORE, 'readonly').objectStore(STORE).get(slot);
    request.onsuccess = () => resolve(request.result as StoredDeviceKey | undefined);
    request.onerror = () => reject(request.error ?? new Error('the device key could not be read'));
  });
}

/**
 * Store `key` in `slot` unless a key is there already, in one strict transaction,
 * and resolve to the key the slot holds afterwards: `key`, or the one another tab
 * stored first (both tabs then sign as the same device).
 */
export function addKeyOnce(db: IDBDatabase, slot: string, key: StoredDeviceKey): Promise<StoredDeviceKey> {
  return new Promise((resolve, reject) => {
    const tx = db.transaction(STORE, 'readwrite', { durability: 'strict' });
    const store = tx.objectStore(STORE);
    let held: StoredDeviceKey = key;
    const existing = store.get(slot);
    existing.onsuccess = () => {
      if (existing.result !== undefined) held = existing.result as StoredDeviceKey;
      else store.add(key, slot);
    };
    tx.oncomplete = () => resolve(held);
    tx.onabort = () => reject(tx.error ?? new Error('storing the device key was aborted'));
  });
}
