/**
 * Ed25519 entry signatures in Node: signing and verifying with WebCrypto (OpenSSL)
 * and with @noble/curves, one by one and in batches (Promise.all over chunks), and
 * a catch-up of 100k signed entries into a memory journal beside the same catch-up
 * of dev-signed entries (the "unsigned" baseline: the dev scheme only hashes),
 * measured in the same run.
 *
 *   npx tsx bench/sig.bench.ts      (alone)
 *   npm run bench -- sig            (through the runner)
 */
import { ed25519 } from '@noble/curves/ed25519.js';
import { pathToFileURL } from 'node:url';
import { devSigner, devVerifier, encodeEntry, finishEntry, signingBytes } from '../src/core/entry.ts';
import { prepareSignature, verifyPrepared } from '../src/core/sig-ed25519.ts';
import type { Entry, PeerId, UnsignedEntry } from '../src/core/types.ts';
import { countingNonce, steppingClock } from '../src/journal/conformance-kit.ts';
import { deviceKeyOf, newDeviceKey, type DeviceKey } from '../src/journal/keys.ts';
import { importVerifyKey, webCryptoVerify } from '../src/journal/keys-webcrypto.ts';
import { openMemoryJournal } from '../src/journal/memory-journal.ts';
import { createEd25519Verification } from '../src/journal/verify-batch.ts';
import { realisticTxns } from './core-codec.bench.ts';
import { heading, measure, report } from './lib.ts';

const ENTRIES = 100_000;
/** The slow paths are measured on a slice and reported per entry. */
const SLICE = 1_000;
const DEVICES = 4;

interface Signed {
  entries: Entry[];
  messages: Uint8Array[];
}

/** `ENTRIES` realistic txns spread over `keys`, re-authored and signed by them (WebCrypto, in parallel). */
async function signedEntries(keys: readonly DeviceKey[]): Promise<Signed> {
  const base = realisticTxns(ENTRIES);
  const entries = new Array<Entry>(base.length);
  const messages = new Array<Uint8Array>(base.length);
  const chunk = 1024;
  for (let start = 0; start < base.length; start += chunk) {
    await Promise.all(
      base.slice(start, start + chunk).map(async (entry, i) => {
        const { id: _id, sig: _sig, ...rest } = entry;
        // Each device writes one contiguous run of seqs, as a till does.
        const { device, seq } = authorOf(start + i);
        const key = keys[device]!;
        const unsigned = { ...rest, peer: key.peer, seq, prev: seq === 1 ? null : rest.prev } as UnsignedEntry;
        const message = signingBytes(unsigned);
        messages[start + i] = message;
        entries[start + i] = finishEntry(unsigned, await key.sign(message));
      }),
    );
  }
  return { entries, messages };
}

/** Entry `index` is written by device `device` at `seq`: ENTRIES / DEVICES consecutive seqs each. */
function authorOf(index: number): { device: number; seq: number } {
  const per = ENTRIES / DEVICES;
  return { device: Math.floor(index / per), seq: (index % per) + 1 };
}

/** The same entries under dev signatures, for the unsigned baseline. */
function devEntries(entries: readonly Entry[]): Entry[] {
  return entries.map((entry, i) => {
    const { id: _id, sig: _sig, ...rest } = entry;
    const unsigned = { ...rest, peer: `T${authorOf(i).device}` as PeerId } as UnsignedEntry;
    return finishEntry(unsigned, devSigner(signingBytes(unsigned), unsigned.peer) as string);
  });
}

export async function run(): Promise<void> {
  heading(`Ed25519 signatures, Node ${process.version}: ${ENTRIES / 1000}k entries by ${DEVICES} devices (slow paths on ${SLICE})`);
  const keys = await Promise.all(Array.from({ length: DEVICES }, async () => deviceKeyOf(await newDeviceKey())));
  const secret = ed25519.utils.randomSecretKey();
  const { entries, messages } = await signedEntries(keys);
  const sigs = entries.map((e) => e.sig);
  const subtle = globalThis.crypto.subtle;
  const cryptoKeys = await Promise.all(keys.map((k) => importVerifyKey(subtle, k.publicKey)));
  const prepared = entries.map((e) => prepareSignature(e.sig, e.peer)!);

  // Every figure of one group covers the same entries, so the ratios compare like with like.
  const some = messages.slice(0, SLICE);
  const signWc = await measure('sign, WebCrypto, batched (Promise.all, chunks of 512)', async () => {
    for (let start = 0; start < SLICE; start += 512) await Promise.all(some.slice(start, start + 512).map((m) => keys[0]!.sign(m)));
  }, { runs: 3, items: SLICE });
  const signNoble = await measure('sign, @noble/curves', () => {
    for (const m of some) ed25519.sign(m, secret);
  }, { runs: 3, items: SLICE });
  report(signWc);
  report(signNoble, signWc);

  const verifyOne = (i: number): Promise<boolean> => webCryptoVerify(subtle, cryptoKeys[authorOf(i).device]!, prepared[i]!.signature, messages[i]!);
  const batched = await measure('verify, WebCrypto, batched (Promise.all, chunks of 512)', async () => {
    for (let start = 0; start < SLICE; start += 512) await Promise.all(some.slice(start, start + 512).map((_, i) => verifyOne(start + i)));
  }, { runs: 3, items: SLICE });
  const oneByOne = await measure('verify, WebCrypto, one awaited at a time', async () => {
    for (let i = 0; i < SLICE; i++) await verifyOne(i);
  }, { runs: 3, items: SLICE });
  const nobleOurs = await measure('verify, @noble/curves, cofactorless (ours, sync)', () => {
    for (let i = 0; i < SLICE; i++) verifyPrepared(messages[i]!, prepared[i]!);
  }, { runs: 3, items: SLICE });
  const nobleLib = await measure('verify, @noble/curves ed25519.verify (cofactored)', () => {
    for (let i = 0; i < SLICE; i++) ed25519.verify(prepared[i]!.signature, messages[i]!, prepared[i]!.key.bytes);
  }, { runs: 3, items: SLICE });
  const checks = entries.map((e, i) => ({ message: messages[i]!, sig: sigs[i]!, peer: e.peer }));
  const ours = await measure('verifyBatch (checks, cache, WebCrypto), fresh cache', () => createEd25519Verification().verifyBatch(checks.slice(0, SLICE)), { runs: 3, items: SLICE });
  report(batched);
  report(oneByOne, batched);
  report(nobleOurs, batched);
  report(nobleLib, batched);
  report(ours, batched);

  heading('chunk size of a batch verification (10k entries, fresh cache each run)');
  let baseChunk;
  const slice = checks.slice(0, 10_000);
  for (const chunk of [1, 16, 64, 512, 4096]) {
    const m = await measure(`verifyBatch, chunks of ${chunk}`, () => createEd25519Verification({ chunkEntries: chunk }).verifyBatch(slice), { runs: 3, items: slice.length });
    report(m, baseChunk);
    baseChunk ??= m;
  }

  heading(`catch-up: ingest ${ENTRIES / 1000}k entries from peers into a memory journal`);
  const dev = devEntries(entries);
  const devTexts = dev.map(encodeEntry);
  const texts = entries.map(encodeEntry);
  const deps = { book: entries[0]!.book, clock: steppingClock(), nonce: countingNonce() };
  const unsigned = await measure('dev-signed (no real signature: baseline)', async () => {
    const journal = openMemoryJournal({ ...deps, peer: 'T0' as PeerId, signer: devSigner, verify: devVerifier });
    const result = await journal.ingest(devTexts, 'bench');
    if (result.accepted.length !== ENTRIES) throw new Error(`accepted ${result.accepted.length} of ${ENTRIES}`);
  }, { runs: 3, warmup: 0, items: ENTRIES });
  const signed = await measure('Ed25519, verified in batches (WebCrypto)', async () => {
    const verification = createEd25519Verification();
    const journal = openMemoryJournal({ ...deps, peer: 'T0' as PeerId, signer: devSigner, verify: verification.verify, verifyBatch: verification.verifyBatch });
    const result = await journal.ingest(texts, 'bench');
    if (result.accepted.length !== ENTRIES) throw new Error(`accepted ${result.accepted.length} of ${ENTRIES}`);
  }, { runs: 3, warmup: 0, items: ENTRIES });
  report(unsigned);
  report(signed, unsigned);
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run();
}
