/**
 * Journals opened for real use (Ed25519 device keys), in memory and on IndexedDB
 * (fake-indexeddb): every entry from a peer has its signature verified in a batch
 * before it is stored; forged, tampered, re-signed and replayed entries are refused
 * with a reason and kept in quarantine; the book holds only genuine entries.
 */
import { IDBFactory, IDBKeyRange } from 'fake-indexeddb';
import { describe, expect, it } from 'vitest';
import { encodeEntry, finishEntry, makeDevEntry, signingBytes } from '../core/entry.ts';
import type { BookId, Entry, UnsignedEntry } from '../core/types.ts';
import { BOOK, countingNonce, peerChain, sale, steppingClock, testDeps } from './conformance-kit.ts';
import { screen } from './author.ts';
import { openIdbJournal } from './idb-journal.ts';
import type { Journal, JournalDeps } from './journal.ts';
import { deviceJournalDeps, deviceKeyOf, newDeviceKey, type DeviceKey } from './keys.ts';
import { openMemoryJournal } from './memory-journal.ts';
import { createEd25519Verification, type Ed25519Verification } from './verify-batch.ts';
import { screenVerified } from './verify-screen.ts';

let nextDb = 0;
const opens: Record<string, (deps: JournalDeps) => Promise<Journal>> = {
  memory: async (deps) => openMemoryJournal(deps),
  indexeddb: (deps) => openIdbJournal(deps, { indexedDB: new IDBFactory(), IDBKeyRange, name: `verify-${++nextDb}` }),
};

async function device(): Promise<DeviceKey> {
  return deviceKeyOf(await newDeviceKey());
}

function depsOf(key: DeviceKey, verification: Ed25519Verification, book: BookId = BOOK): JournalDeps {
  return deviceJournalDeps(key, verification, { book, clock: steppingClock(), nonce: countingNonce('k') });
}

function unsignedOf(entry: Entry): UnsignedEntry {
  const { id: _id, sig: _sig, ...rest } = entry;
  return rest;
}

/** Three genuine entries of `key` in `book`, written by its own journal. */
async function writtenBy(key: DeviceKey, verification: Ed25519Verification, book: BookId = BOOK): Promise<Entry[]> {
  const journal = openMemoryJournal(depsOf(key, verification, book));
  for (const amount of [100, 200, 300]) await journal.append(sale(amount));
  return journal.all();
}

for (const [name, open] of Object.entries(opens)) {
  describe(`${name} journal with device keys`, () => {
    it('appends entries signed by the device key, checked by the core from the cache', async () => {
      const verification = createEd25519Verification();
      const me = await device();
      const journal = await open(depsOf(me, verification));
      const entries = [await journal.append(sale(500)), await journal.append(sale(700))];
      expect(entries.map((e) => [e.peer, e.seq, e.sig.slice(0, 3)])).toEqual([
        [me.peer, 1, 'ed:'],
        [me.peer, 2, 'ed:'],
      ]);
      // Each signature verified once (by the signer), then confirmed by validate from the cache.
      expect(verification.stats()).toMatchObject({ verified: 2, cached: 2, refused: 0 });
      await journal.close();
    });

    it('refuses forged, tampered, re-signed and replayed entries with a reason, and keeps them in quarantine', async () => {
      const senders = createEd25519Verification();
      const [me, other, mallory] = [await device(), await device(), await device()];
      const genuine = await writtenBy(other, senders);
      const [first] = genuine as [Entry];
      const tamperedBody = { ...unsignedOf(first), body: { postings: [{ account: 'Assets:Cash', amount: 1 }, { account: 'Income:Sales', amount: -1 }] } } as UnsignedEntry;
      const forged = { ...unsignedOf(first), nonce: 'forgedforgedforged001' };
      const otherBook = await writtenBy(other, senders, 'B2' as BookId);
      const cases: Array<[string, unknown, string]> = [
        ['tampered after signing (id recomputed)', finishEntry(tamperedBody, first.sig), 'bad-signature'],
        ['tampered after signing (id kept)', { ...first, body: tamperedBody.body }, 'bad-id'],
        ['signed by another key', finishEntry(unsignedOf(first), await mallory.sign(signingBytes(first))), 'bad-signature'],
        ['a forged author (peer)', finishEntry(forged, await mallory.sign(signingBytes(forged))), 'bad-signature'],
        ['moved into this book', finishEntry({ ...unsignedOf(otherBook[0]!), book: BOOK }, otherBook[0]!.sig), 'bad-signature'],
        ['replayed from another book', otherBook[1]!, 'wrong-book'],
        ['dev-signed, as a real device', makeDevEntry(unsignedOf(first)), 'bad-signature'],
        ['dev-signed, dev device', peerChain('T9', 1)[0]!, 'bad-signature'],
      ];
      const verification = createEd25519Verification();
      const journal = await open(depsOf(me, verification));
      const report = await journal.ingest([...cases.map((c) => c[1]), ...genuine.map((e) => JSON.stringify(e))], 'rogue');
      expect(report.accepted.map((e) => e.id)).toEqual(genuine.map((e) => e.id));
      expect(report.refused.map((r) => r.reason.code)).toEqual(cases.map((c) => c[2]));
      const quarantine = await journal.quarantine();
      expect(quarantine.map((q) => [q.reason.code, q.from])).toEqual(cases.map((c) => [c[2], 'rogue']));
      for (const q of quarantine.filter((r) => r.reason.code === 'bad-signature')) {
        expect(q.reason.message).toMatch(/signature does not match the author's key/);
        expect(q.raw.length).toBeGreaterThan(100);
      }
      expect((await journal.all()).map((e) => e.id).sort()).toEqual(genuine.map((e) => e.id).sort());
      expect((await journal.device()).quarantined).toBe(cases.length);
      await journal.close();
    });

    it('verifies each entry once: a repeated ingest is all duplicates and verifies nothing', async () => {
      const [me, other] = [await device(), await device()];
      const genuine = await writtenBy(other, createEd25519Verification());
      const verification = createEd25519Verification();
      const journal = await open(depsOf(me, verification));
      expect((await journal.ingest(genuine, 'peer')).accepted).toHaveLength(3);
      const after = verification.stats();
      expect(after.verified).toBe(3);
      const again = await journal.ingest([...genuine, ...genuine], 'peer');
      expect([again.accepted.length, again.duplicates, again.refused.length]).toEqual([0, 6, 0]);
      expect(verification.stats().verified).toBe(3);
      await journal.close();
    });

    it('a dev journal refuses every Ed25519 entry: one book never mixes the schemes', async () => {
      const genuine = await writtenBy(await device(), createEd25519Verification());
      const journal = await open(testDeps());
      const report = await journal.ingest(genuine, 'peer');
      expect(report.refused.map((r) => r.reason.code)).toEqual(['bad-signature', 'bad-signature', 'bad-signature']);
      await journal.close();
    });
  });
}

describe('screenVerified', () => {
  it('is the plain screen without a batch verifier, and refuses everything a faulty batch verifier was asked about', async () => {
    const dev = peerChain('T2', 3);
    const plain = await screenVerified(dev, testDeps(), encodeEntry);
    expect(plain).toEqual(screen(dev, testDeps(), encodeEntry));
    const genuine = await writtenBy(await device(), createEd25519Verification());
    const verification = createEd25519Verification();
    const faulty = { book: BOOK, verify: verification.verify, verifyBatch: () => Promise.reject(new Error('crypto gone')) };
    const screened = await screenVerified(genuine, faulty, encodeEntry);
    expect(screened.screened.map((s) => (s.ok ? 'ok' : s.reason.code))).toEqual(['bad-signature', 'bad-signature', 'bad-signature']);
    // Held ids are not verified again; they pass through to be counted as duplicates.
    const held = new Set(genuine.map((e) => e.id));
    const again = await screenVerified(genuine, faulty, encodeEntry, (id) => held.has(id));
    expect(again.screened.every((s) => s.ok)).toBe(true);
  });
});

