/**
 * What the hub browser test needs from Node: the hub harness page (e2e/hub-page.ts)
 * bundled with esbuild and served on 127.0.0.1, Chromium, and hub processes: the real
 * `daybook hub` command (bin/daybook.js) spawned as a child on its own port and data
 * folder, so a test can stop it, SIGKILL it and start it again on the same database.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { join } from 'node:path';
import { build } from 'esbuild';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { CHROMIUM, FLAGS } from './support/chromium.ts';

const ROOT = join(import.meta.dirname, '..');
const OUT = join(ROOT, '.data', 'harness');

export interface HubProcess {
  readonly port: number;
  /** http://127.0.0.1:port */
  readonly url: string;
  readonly dataDir: string;
  /** Output of the process so far (JSON log lines and the banner). */
  output(): string;
  /** Start (or start again, on the same port and data) and wait until /health answers. */
  start(): Promise<void>;
  /** SIGKILL: no shutdown, no flush, no bye. */
  kill(): Promise<void>;
  /** SIGTERM and wait for the exit (graceful shutdown). */
  stop(): Promise<void>;
  readonly running: boolean;
}

/** A free TCP port on 127.0.0.1 (bound, then released). */
export async function freePort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  await new Promise((resolve) => server.close(resolve));
  return port;
}

/** A `daybook hub` process on `port` with PGlite in a fresh folder; `upstream` is the cloud hub's URL. */
export function hubProcess(label: string, port: number, upstream?: string): HubProcess {
  const root = join(ROOT, '.data', 'e2e-hubs');
  mkdirSync(root, { recursive: true });
  const dataDir = mkdtempSync(join(root, `${label}-`));
  let child: ChildProcess | undefined;
  let out = '';
  const url = `http://127.0.0.1:${port}`;
  const exited = (c: ChildProcess): Promise<void> => (c.exitCode !== null || c.signalCode !== null ? Promise.resolve() : new Promise((resolve) => c.once('exit', () => resolve())));
  return {
    port,
    url,
    dataDir,
    output: () => out,
    get running() {
      return child !== undefined && child.exitCode === null && child.signalCode === null;
    },
    start: async () => {
      const args = [join(ROOT, 'bin', 'daybook.js'), 'hub', '--port', String(port), '--data', dataDir, ...(upstream === undefined ? [] : ['--upstream', upstream])];
      const c = spawn(process.execPath, args, { cwd: ROOT, stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, DATABASE_URL: '' } });
      child = c;
      c.stdout.on('data', (d: Buffer) => (out += d.toString()));
      c.stderr.on('data', (d: Buffer) => (out += d.toString()));
      const deadline = Date.now() + 60_000;
      for (;;) {
        if (c.exitCode !== null) throw new Error(`hub ${label} exited with ${c.exitCode}: ${out.slice(-2000)}`);
        const ok = await fetch(`${url}/health`).then((r) => r.ok, () => false);
        if (ok) return;
        if (Date.now() > deadline) throw new Error(`hub ${label} did not answer /health within 60 s: ${out.slice(-2000)}`);
        await new Promise((r) => setTimeout(r, 100));
      }
    },
    kill: async () => {
      if (child === undefined) return;
      const c = child;
      c.kill('SIGKILL');
      await exited(c);
    },
    stop: async () => {
      if (child === undefined) return;
      const c = child;
      c.kill('SIGTERM');
      await exited(c);
    },
  };
}

export interface HubWorld {
  origin: string;
  browser: Browser;
  /** A new tablet: its own browser context, the hub harness page loaded. */
  tablet(): Promise<Page>;
  close(): Promise<void>;
}

/** Bundle and serve the hub harness page, and start Chromium. */
export async function startHubWorld(): Promise<HubWorld> {
  mkdirSync(OUT, { recursive: true });
  await build({
    entryPoints: { hub: join(ROOT, 'e2e', 'hub-page.ts') },
    outdir: OUT,
    bundle: true,
    format: 'esm',
    platform: 'browser',
    target: 'chrome120',
    sourcemap: 'inline',
    logLevel: 'warning',
    // y-webrtc's dependencies read Node's `global`.
    define: { global: 'globalThis' },
  });
  const http: Server = createServer((req, res) => {
    if (req.url === '/hub.html') {
      res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'no-store' });
      res.end('<!doctype html><meta charset="utf-8"><title>hub</title><script type="module" src="/hub.js"></script>');
    } else if (req.url === '/hub.js') {
      res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store' });
      res.end(readFileSync(join(OUT, 'hub.js')));
    } else res.writeHead(404).end();
  });
  await new Promise<void>((resolve) => http.listen(0, '127.0.0.1', resolve));
  const origin = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
  const browser = await chromium.launch({ executablePath: CHROMIUM, args: FLAGS, headless: true });
  const contexts: BrowserContext[] = [];
  return {
    origin,
    browser,
    tablet: async () => {
      const context = await browser.newContext();
      contexts.push(context);
      const page = await context.newPage();
      page.on('pageerror', (error) => console.log(`[page error] ${error.message}`));
      await page.goto(`${origin}/hub.html`);
      await page.waitForFunction(() => document.title === 'hub harness ready');
      return page;
    },
    close: async () => {
      for (const c of contexts) await c.close().catch(() => undefined);
      await browser.close();
      await new Promise((resolve) => http.close(resolve));
    },
  };
}

/** Remove a hub's data folder (after a passing test). */
export function removeData(hub: HubProcess): void {
  rmSync(hub.dataDir, { recursive: true, force: true });
}
