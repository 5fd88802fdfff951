/**
 * Device keys in real Chromium (WebCrypto Ed25519, Chromium 137+): a non-extractable
 * key created on first start and kept in IndexedDB survives a reload and a browser
 * restart and signs as the same device; its signatures verify in Node; a journal in
 * the page signs its entries with it and refuses forged ones from peers.
 *
 *   npx playwright test e2e/keys.spec.ts
 */
import { expect, test } from '@playwright/test';
import { rmSync } from 'node:fs';
import type { BrowserContext, Page } from 'playwright-core';
import { encodeEntry, finishEntry, makeDevEntry, signingBytes } from '../src/core/entry.ts';
import { ed25519Verifier } from '../src/core/sig-ed25519.ts';
import type { BookId, Entry, UnsignedEntry } from '../src/core/types.ts';
import { validate } from '../src/core/validate.ts';
import { countingNonce, sale, steppingClock } from '../src/journal/conformance-kit.ts';
import { deviceJournalDeps, deviceKeyOf, newDeviceKey } from '../src/journal/keys.ts';
import { openMemoryJournal } from '../src/journal/memory-journal.ts';
import { createEd25519Verification } from '../src/journal/verify-batch.ts';
import { loadKeysPage, serveKeysPage, type KeysServer } from './keys-serve.ts';
import { firstPage, freshProfile, launchPersistent } from './support/chromium.ts';

const BOOK = 'KEYS-1' as BookId;
let server: KeysServer;

test.beforeAll(async () => {
  server = await serveKeysPage();
});

test.afterAll(async () => {
  await server?.close();
});

const load = (page: Page): Promise<void> => loadKeysPage(page, server);

function unsignedOf(entry: Entry): UnsignedEntry {
  const { id: _id, sig: _sig, ...rest } = entry;
  return rest;
}

test('a non-extractable key kept in IndexedDB survives a reload and a restart, and signs as the same device', async () => {
  const profile = freshProfile('keys');
  const message = '{"book":"B1","kind":"txn","seq":1}';
  let context: BrowserContext = await launchPersistent(profile);
  try {
    let page = await firstPage(context);
    await load(page);
    const first = await page.evaluate(() => window.keys.open());
    expect(first).toMatchObject({ backend: 'webcrypto', extractable: false, storedType: '[object CryptoKey]', exportRefused: 'InvalidAccessError' });
    expect(first.peer).toMatch(/^ed:[A-Za-z0-9_-]{43}$/);
    const sig = await page.evaluate((m) => window.keys.sign(m), message);
    // Node checks the browser's signature with nothing but the peer id.
    expect(ed25519Verifier(new TextEncoder().encode(message), sig, first.peer as Entry['peer'])).toBe(true);
    expect(await page.evaluate(([m, s, p]) => window.keys.verify(m, s, p), [message, sig, first.peer] as const)).toEqual({ batch: true, sync: true, backend: 'webcrypto' });

    await page.reload();
    await load(page);
    const reloaded = await page.evaluate(() => window.keys.open());
    expect(reloaded.peer).toBe(first.peer);
    // Ed25519 is deterministic: the same key signs the same bytes identically.
    expect(await page.evaluate((m) => window.keys.sign(m), message)).toBe(sig);

    await context.close();
    context = await launchPersistent(profile);
    page = await firstPage(context);
    await load(page);
    expect((await page.evaluate(() => window.keys.open())).peer).toBe(first.peer);
    expect(await page.evaluate((m) => window.keys.sign(m), message)).toBe(sig);
    // The batch path in Chromium is WebCrypto's, and agrees with the synchronous one.
    await page.evaluate(() => window.keys.prepareChecks(50));
    for (const how of ['batch', 'one-by-one', 'noble'] as const) expect(await page.evaluate((h) => window.keys.timeVerify(h, 50), how)).toBeGreaterThan(0);
  } finally {
    await context.close();
  }
  rmSync(profile, { recursive: true, force: true });
});

test('a journal in the page signs with the device key and refuses forged entries from peers', async () => {
  const profile = freshProfile('keys-journal');
  const context = await launchPersistent(profile);
  try {
    const page = await firstPage(context);
    await load(page);
    const me = await page.evaluate(() => window.keys.open());
    await page.evaluate((b) => window.keys.openJournal(b), BOOK);
    const mine = JSON.parse(await page.evaluate(() => window.keys.append(1250))) as Entry;
    expect(mine.peer).toBe(me.peer);
    expect(validate(mine, { verify: ed25519Verifier, book: BOOK }).ok).toBe(true);

    // Another real device writes two entries; a rogue device without the key tries to pass as it.
    const other = deviceKeyOf(await newDeviceKey());
    const rogue = deviceKeyOf(await newDeviceKey());
    const verification = createEd25519Verification();
    const theirs = openMemoryJournal(deviceJournalDeps(other, verification, { book: BOOK, clock: steppingClock(), nonce: countingNonce('o') }));
    await theirs.append(sale(300));
    await theirs.append(sale(400));
    const genuine = await theirs.all();
    const forged = { ...unsignedOf(genuine[0]!), nonce: 'roguerogueroguerogue1' };
    const inputs = [
      ...genuine.map(encodeEntry),
      encodeEntry(finishEntry(forged, await rogue.sign(signingBytes(forged)))),
      encodeEntry(finishEntry({ ...unsignedOf(genuine[1]!), body: sale(1).body }, genuine[1]!.sig)),
      encodeEntry(makeDevEntry({ ...unsignedOf(genuine[0]!), nonce: 'devdevdevdevdevdevdev' })),
    ];
    const summary = await page.evaluate(([texts]) => window.keys.ingest(texts, 'rogue-tablet'), [inputs] as const);
    expect(summary.accepted).toBe(2);
    expect(summary.refused.map((r) => r.code)).toEqual(['bad-signature', 'bad-signature', 'bad-signature']);
    for (const r of summary.refused) expect(r.message).toMatch(/signature does not match the author's key/);
    expect(summary.quarantined).toEqual(summary.refused.map((r) => ({ code: r.code, from: 'rogue-tablet' })));
    expect(summary.count).toBe(3);
  } finally {
    await context.close();
  }
  rmSync(profile, { recursive: true, force: true });
});
