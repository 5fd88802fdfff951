/**
 * Ed25519 verification in headless Chromium (BoringSSL behind WebCrypto, and
 * @noble/curves in the page), on signatures made by a real non-extractable device
 * key: batched WebCrypto, one awaited at a time, and noble's synchronous path, each
 * on the same signatures, medians over runs, in the same browser.
 *
 *   npx tsx bench/sig.browser.bench.ts      (alone)
 *   npm run bench -- sig.browser            (through the runner)
 */
import { pathToFileURL } from 'node:url';
import { chromium } from 'playwright-core';
import { loadKeysPage, serveKeysPage } from '../e2e/keys-serve.ts';
import { CHROMIUM, FLAGS } from '../e2e/support/chromium.ts';
import { heading, median, report, type Measured } from './lib.ts';

const SIGNATURES = 5_000;
/** noble is about 10x slower: it verifies a slice, reported per entry. */
const NOBLE_SLICE = 500;
const RUNS = 3;

export async function run(): Promise<void> {
  const server = await serveKeysPage();
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
  try {
    const page = await (await browser.newContext()).newPage();
    await loadKeysPage(page, server);
    const key = await page.evaluate(() => window.keys.open());
    heading(`Ed25519 verification in Chromium ${browser.version()} (device key: ${key.backend}), ${SIGNATURES} signatures`);
    await page.evaluate((n) => window.keys.prepareChecks(n), SIGNATURES);
    const timed = async (name: string, how: 'batch' | 'one-by-one' | 'noble', items: number): Promise<Measured> => {
      await page.evaluate(([h, n]) => window.keys.timeVerify(h, n), [how, Math.min(items, 200)] as const);
      const times: number[] = [];
      for (let i = 0; i < RUNS; i++) times.push(await page.evaluate(([h, n]) => window.keys.timeVerify(h, n), [how, items] as const));
      return { name, medianMs: median(times), runs: RUNS, items };
    };
    const batch = await timed('verifyBatch, WebCrypto (chunks of 512)', 'batch', SIGNATURES);
    const one = await timed('verifyBatch of one, awaited one at a time', 'one-by-one', NOBLE_SLICE);
    const noble = await timed('verify, @noble/curves (sync, cofactorless)', 'noble', NOBLE_SLICE);
    report(batch);
    report(one);
    report(noble);
    console.log(`  per entry: batch ${((batch.medianMs / SIGNATURES) * 1000).toFixed(0)} µs, one at a time ${((one.medianMs / NOBLE_SLICE) * 1000).toFixed(0)} µs, noble ${((noble.medianMs / NOBLE_SLICE) * 1000).toFixed(0)} µs`);
  } finally {
    await browser.close();
    await server.close();
  }
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run();
}
