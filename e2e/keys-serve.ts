/**
 * The device-key harness page (e2e/keys-page.ts) bundled with esbuild and served on
 * 127.0.0.1 (IndexedDB and WebCrypto need a real origin), for e2e/keys.spec.ts and
 * bench/sig.browser.bench.ts.
 */
import { readFileSync } from 'node:fs';
import { createServer } from 'node:http';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Page } from 'playwright-core';

const OUT = join(import.meta.dirname, '..', '.data', 'harness-keys');

export interface KeysServer {
  /** The page's URL. */
  url: string;
  close(): Promise<void>;
}

/** Bundle the page and serve it on an ephemeral port. */
export async function serveKeysPage(): Promise<KeysServer> {
  await build({
    entryPoints: { keys: join(import.meta.dirname, 'keys-page.ts') },
    outdir: OUT,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    logLevel: 'warning',
  });
  const server = createServer((req, res) => {
    if (req.url === '/keys.html') {
      res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'no-store' });
      res.end('<!doctype html><meta charset="utf-8"><title>keys</title><script type="module" src="/keys.js"></script>');
    } else if (req.url === '/keys.js') {
      res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' });
      res.end(readFileSync(join(OUT, 'keys.js')));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  return {
    url: `http://127.0.0.1:${address.port}/keys.html`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Open the harness in `page` and wait until `window.keys` is there. */
export async function loadKeysPage(page: Page, server: KeysServer): Promise<void> {
  await page.goto(server.url);
  await page.waitForFunction(() => document.title === 'keys harness ready');
}
