/**
 * What the sync browser tests and benchmarks need from Node: the sync harness page
 * bundled with esbuild and served on 127.0.0.1, the project's own signaling server,
 * and tablets (separate browser contexts of one Chromium) with the page open.
 * Kept apart from e2e/support (the journal tests' harness), which it does not change.
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startSignalingServer, type SignalingServer } from '../src/sync/signaling-server.ts';
import { CHROMIUM, FLAGS } from './support/chromium.ts';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, '.data', 'sync-harness');

export interface SyncWorld {
  origin: string;
  signaling: SignalingServer;
  browser: Browser;
  signalingLog: string[];
  /** A new tablet: its own browser context, the harness page loaded. */
  tablet(): Promise<Page>;
  close(): Promise<void>;
}

/** Bundle the page, serve it, start the signaling server and Chromium. */
export async function startSyncWorld(): Promise<SyncWorld> {
  mkdirSync(OUT, { recursive: true });
  await build({
    entryPoints: { sync: join(ROOT, 'e2e', 'sync-page.ts') },
    outdir: OUT,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    sourcemap: 'inline',
    logLevel: 'warning',
    define: { global: 'globalThis' },
  });
  const http: Server = createServer((req, res) => {
    if (req.url === '/sync.html') {
      res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'no-store' });
      res.end('<!doctype html><meta charset="utf-8"><title>sync</title><script type="module" src="/sync.js"></script>');
    } else if (req.url === '/sync.js') {
      res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' });
      res.end(readFileSync(join(OUT, 'sync.js')));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const address = http.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const origin = `http://127.0.0.1:${address.port}`;
  const signalingLog: string[] = [];
  const signaling = await startSignalingServer({ log: (l) => signalingLog.push(`${l.event}: ${l.detail}`) });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
  const contexts: BrowserContext[] = [];
  return {
    origin,
    signaling,
    browser,
    signalingLog,
    tablet: async () => {
      const context = await browser.newContext();
      contexts.push(context);
      const page = await context.newPage();
      page.on('pageerror', (error) => console.log(`[page error] ${error.message}`));
      await openPage(page, origin);
      return page;
    },
    close: async () => {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close();
      await signaling.close();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}

/** Load (or reload) the harness in `page` and wait until it is ready. */
export async function openPage(page: Page, origin: string): Promise<void> {
  await page.goto(`${origin}/sync.html`);
  await page.waitForFunction(() => document.title === 'sync harness ready');
}
