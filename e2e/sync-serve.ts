/**
 * What the sync browser tests and benchmarks need from Node: the sync harness page
 * bundled with esbuild and served on 127.0.0.1, the project's own signaling server,
 * and tablets (separate browser contexts of one Chromium) with the page open.
 * The page is bundled by e2e/support/serve.ts, like the journal's harness pages.
 */
import { readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { startSignalingServer, type SignalingServer } from '../src/sync/signaling-server.ts';
import { CHROMIUM, FLAGS } from './support/chromium.ts';
import { buildPages, pageScript } from './support/serve.ts';


export interface SyncWorld {
  origin: string;
  signaling: SignalingServer;
  browser: Browser;
  signalingLog: string[];
  /** A new tablet: its own browser context, the harness page loaded. */
  tablet(): Promise<Page>;
  close(): Promise<void>;
}

export interface SyncWorldOptions {
  /** Address the page server and the signaling server bind (default 127.0.0.1). */
  host?: string;
  /** Chromium flags beside FLAGS, given the page origin. */
  extraFlags?: (origin: string) => string[];
}

/** Bundle the page, serve it, start the signaling server and Chromium. */
export async function startSyncWorld(worldOptions: SyncWorldOptions = {}): Promise<SyncWorld> {
  const host = worldOptions.host ?? '127.0.0.1';
  await buildPages(['sync']);
  const http: Server = createServer((req, res) => {
    if (req.url === '/sync.html') {
      res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'no-store' });
      res.end('<!doctype html><meta charset="utf-8"><title>sync</title><script type="module" src="/sync.js"></script>');
    } else if (req.url === '/sync.js') {
      res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' });
      res.end(readFileSync(pageScript('sync')));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => http.listen(0, host, resolve));
  const address = http.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const origin = `http://${host}:${address.port}`;
  const signalingLog: string[] = [];
  const signaling = await startSignalingServer({ host, log: (l) => signalingLog.push(`${l.event}: ${l.detail}`) });
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: [...FLAGS, ...(worldOptions.extraFlags?.(origin) ?? [])], headless: true });
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
