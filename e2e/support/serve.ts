/**
 * The harness pages, bundled with esbuild and served from a local HTTP origin
 * (IndexedDB needs a real origin; a file:// page has an opaque one).
 */
import { mkdirSync, readFileSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { join } from 'node:path';
import { build } from 'esbuild';

const ROOT = join(import.meta.dirname, '..', '..');
const OUT = join(ROOT, '.data', 'harness');

/** Pages by name: the entry module each bundles. */
export const PAGES = {
  journal: join(ROOT, 'e2e', 'harness', 'journal-page.ts'),
  'journal-bench': join(ROOT, 'bench', 'harness', 'journal-bench-page.ts'),
  sync: join(ROOT, 'e2e', 'sync-page.ts'),
} as const;
export type PageName = keyof typeof PAGES;

/** Bundle the pages into .data/harness/<name>.js (each entry bundled with everything it imports). */
export async function buildPages(pages: readonly PageName[]): Promise<void> {
  mkdirSync(OUT, { recursive: true });
  await build({
    entryPoints: Object.fromEntries(pages.map((page) => [page, PAGES[page]])),
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
}

/** The bundled script of a page built by buildPages. */
export function pageScript(page: PageName): string {
  return join(OUT, `${page}.js`);
}

export interface HarnessServer {
  origin: string;
  /** The URL of a page (served as /<name>.html). */
  url(page: PageName): string;
  close(): Promise<void>;
}

/** Serve the bundled pages on 127.0.0.1 and an ephemeral port. */
export async function serveHarness(): Promise<HarnessServer> {
  const server: Server = createServer((req, res) => {
    const name = /^\/([\w-]+)\.(html|js)$/.exec(req.url ?? '');
    if (name === null || !(name[1]! in PAGES)) {
      res.writeHead(404).end();
      return;
    }
    // Cross-origin isolation gives performance.now() 5 µs resolution instead of 100 µs.
    const isolated = { 'cross-origin-opener-policy': 'same-origin', 'cross-origin-embedder-policy': 'require-corp', 'cross-origin-resource-policy': 'same-origin' };
    if (name[2] === 'html') {
      res.writeHead(200, { 'content-type': 'text/html', 'cache-control': 'no-store', ...isolated });
      res.end(`<!doctype html><meta charset="utf-8"><title>${name[1]}</title><script type="module" src="/${name[1]}.js"></script>`);
      return;
    }
    res.writeHead(200, { 'content-type': 'text/javascript', 'cache-control': 'no-store', ...isolated });
    res.end(readFileSync(join(OUT, `${name[1]}.js`)));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('no port');
  const origin = `http://127.0.0.1:${address.port}`;
  return {
    origin,
    url: (page) => `${origin}/${page}.html`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}
