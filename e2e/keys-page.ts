/**
 * The device-key harness page, driven by e2e/keys.spec.ts through `window.keys`:
 * the real code of src/journal/keys.ts in real Chromium, its key in the page's
 * IndexedDB, and a real journal (IndexedDB) signing with it and verifying what it
 * ingests in batches.
 */
import { encodeEntry, type SignatureCheck } from '../src/core/entry.ts';
import type { BookId, Entry } from '../src/core/types.ts';
import { openIdbJournal } from '../src/journal/idb-journal.ts';
import type { Journal } from '../src/journal/journal.ts';
import { deviceJournalDeps, openDeviceKey, type DeviceKey } from '../src/journal/keys.ts';
import { KEYS_DB_NAME, openKeyDb, readKey } from '../src/journal/keys-store.ts';
import { createEd25519Verification } from '../src/journal/verify-batch.ts';

export interface KeyInfo {
  peer: string;
  backend: string;
  extractable: boolean;
  /** What the stored record holds: a CryptoKey object, and whether exporting it was refused. */
  storedType: string;
  exportRefused: string;
}

export interface IngestSummary {
  accepted: number;
  refused: Array<{ code: string; message: string }>;
  quarantined: Array<{ code: string; from: string }>;
  count: number;
}

let key: DeviceKey | undefined;
const verification = createEd25519Verification();
let journal: Journal | undefined;
let nonce = 0;
let checks: SignatureCheck[] = [];

const api = {
  async open(): Promise<KeyInfo> {
    key = await openDeviceKey();
    const db = await openKeyDb();
    const stored = await readKey(db, 'device');
    db.close();
    let exportRefused = 'exported!';
    if (stored?.backend === 'webcrypto') {
      try {
        await crypto.subtle.exportKey('pkcs8', stored.privateKey);
      } catch (error) {
        exportRefused = (error as Error).name;
      }
    }
    const storedType = stored?.backend === 'webcrypto' ? Object.prototype.toString.call(stored.privateKey) : String(stored?.backend);
    return { peer: key.peer, backend: key.backend, extractable: key.extractable, storedType, exportRefused };
  },
  async sign(text: string): Promise<string> {
    return key!.sign(new TextEncoder().encode(text));
  },
  async verify(text: string, sig: string, peer: string): Promise<{ batch: boolean; sync: boolean; backend: string }> {
    const message = new TextEncoder().encode(text);
    const fresh = createEd25519Verification();
    const [batch] = await fresh.verifyBatch([{ message, sig, peer: peer as Entry['peer'] }]);
    const sync = createEd25519Verification().verify(message, sig, peer as Entry['peer']);
    return { batch: batch === true, sync, backend: fresh.backend() };
  },
  async openJournal(book: string): Promise<void> {
    journal = await openIdbJournal(
      deviceJournalDeps(key!, verification, { book: book as BookId, clock: () => Date.now(), nonce: () => `keys${String(++nonce).padStart(17, '0')}` }),
    );
  },
  async append(amount: number): Promise<string> {
    const entry = await journal!.append({
      kind: 'txn',
      body: { postings: [{ account: 'Assets:Cash', amount }, { account: 'Income:Sales', amount: -amount }] },
    });
    return encodeEntry(entry);
  },
  async ingest(texts: string[], from: string): Promise<IngestSummary> {
    const report = await journal!.ingest(texts, from);
    const quarantine = await journal!.quarantine();
    return {
      accepted: report.accepted.length,
      refused: report.refused.map((r) => ({ code: r.reason.code, message: r.reason.message })),
      quarantined: quarantine.map((q) => ({ code: q.reason.code, from: q.from })),
      count: await journal!.count(),
    };
  },
  /** Sign `n` entry-sized messages with the device key, kept for the timings below (bench/sig.browser.bench.ts). */
  async prepareChecks(n: number): Promise<void> {
    const message = (i: number): Uint8Array => new TextEncoder().encode(`{"book":"B1","n":${i},"pad":"${'x'.repeat(250)}"}`);
    checks = await Promise.all(Array.from({ length: n }, async (_, i) => ({ message: message(i), sig: await key!.sign(message(i)), peer: key!.peer })));
  },
  /** Milliseconds to verify the first `n` prepared signatures: `how` says with what, always with a fresh cache. */
  async timeVerify(how: 'batch' | 'one-by-one' | 'noble', n: number): Promise<number> {
    const items = checks.slice(0, n);
    const start = performance.now();
    let holds: boolean[];
    if (how === 'batch') holds = await createEd25519Verification().verifyBatch(items);
    else if (how === 'noble') {
      const { verify } = createEd25519Verification({ subtle: null });
      holds = items.map((c) => verify(c.message, c.sig, c.peer));
    } else {
      const one = createEd25519Verification();
      holds = [];
      for (const c of items) holds.push(...(await one.verifyBatch([c])));
    }
    const ms = performance.now() - start;
    if (!holds.every(Boolean)) throw new Error('a genuine signature failed');
    return ms;
  },
  dbName: KEYS_DB_NAME,
};

declare global {
  interface Window {
    keys: typeof api;
  }
}

window.keys = api;
document.title = 'keys harness ready';
