/**
 * The built app (dist/) for browser tests and benchmarks: building it when it is
 * missing or older than its sources, building other versions of it elsewhere (the
 * update test), and a small static server that tests share.
 *
 * The server serves one folder at a time at / on 127.0.0.1 (a secure context, so
 * service workers run), and can be switched to another folder while it runs: that
 * is how a test "deploys" a new version to a page that is already open. Extra
 * routes (a benchmark's own page on the same origin, hence the same IndexedDB)
 * can be added beside the app's files.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, renameSync, rmSync, statSync } from 'node:fs';
import { createServer, type Server } from 'node:http';
import { extname, join, normalize } from 'node:path';

export const REPO = join(import.meta.dirname, '..', '..');
/** Where `npm run build` writes the app. */
export const DIST = join(REPO, 'dist');
/** What a build reads: if any of it is newer than dist/index.html, dist/ is stale. */
const BUILD_INPUTS = ['app', 'service-worker', 'src', 'vite.config.ts', 'package.json'];
const IGNORED_INPUT = /(\.test\.tsx?|\.md)$/;
/** A build on this machine takes seconds; this bounds a hung one. */
const buildMsMax = 300_000;

const CONTENT_TYPES: Record<string, string> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json',
  '.map': 'application/json',
  '.webmanifest': 'application/manifest+json',
  '.png': 'image/png',
  '.svg': 'image/svg+xml',
  '.ico': 'image/x-icon',
  '.woff2': 'font/woff2',
  '.txt': 'text/plain; charset=utf-8',
};

/** Newest modification time (ms) of the files under `path` that a build reads. */
function newestMs(path: string): number {
  if (!existsSync(path)) return 0;
  const stat = statSync(path);
  if (!stat.isDirectory()) return IGNORED_INPUT.test(path) ? 0 : stat.mtimeMs;
  let newest = 0;
  for (const name of readdirSync(path)) newest = Math.max(newest, newestMs(join(path, name)));
  return newest;
}

/** True when `outDir` holds a build at least as new as every input of the build. */
export function isFresh(outDir: string = DIST): boolean {
  const index = join(outDir, 'index.html');
  if (!existsSync(index) || !existsSync(join(outDir, 'sw.js'))) return false;
  const built = statSync(index).mtimeMs;
  return BUILD_INPUTS.every((input) => newestMs(join(REPO, input)) <= built);
}

/**
 * Run `vite build` (vite.config.ts) into `outDir` (default dist/) with
 * DAYBOOK_VERSION = `version` when given. Rejects with vite's output when the
 * build fails.
 */
export async function buildApp(options: { outDir?: string; version?: string } = {}): Promise<void> {
  const args = [join(REPO, 'node_modules', 'vite', 'bin', 'vite.js'), 'build', '--config', join(REPO, 'vite.config.ts'), '--logLevel', 'warn'];
  if (options.outDir !== undefined) args.push('--outDir', options.outDir, '--emptyOutDir');
  const env = { ...process.env };
  if (options.version !== undefined) env['DAYBOOK_VERSION'] = options.version;
  const child = spawn(process.execPath, args, { cwd: REPO, env, stdio: ['ignore', 'pipe', 'pipe'] });
  let output = '';
  child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString()));
  child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
  const code = await new Promise<number | null>((resolve, reject) => {
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`vite build took longer than ${buildMsMax} ms:\n${output}`));
    }, buildMsMax);
    child.once('exit', (exitCode) => {
      clearTimeout(timer);
      resolve(exitCode);
    });
  });
  if (code !== 0) throw new Error(`vite build failed (exit ${code}):\n${output}`);
}

/**
 * Build dist/ unless it is fresh. Returns whether it built. The build goes to a
 * folder of its own and replaces dist/ in one rename, so a server reading dist/ (or
 * another process building it at the same time) never sees half a build.
 * DAYBOOK_DIST_REUSE=1 takes dist/ as it is when it holds a build (one the hub or a
 * person just built).
 */
export async function ensureDist(): Promise<boolean> {
  if (isFresh()) return false;
  if (process.env['DAYBOOK_DIST_REUSE'] === '1' && existsSync(join(DIST, 'index.html'))) return false;
  const staging = join(REPO, '.data', `dist-build-${process.pid}-${Date.now()}`);
  try {
    await buildApp({ outDir: staging });
    rmSync(DIST, { recursive: true, force: true });
    renameSync(staging, DIST);
  } catch (error) {
    // Someone else's build won the rename: theirs is as good as ours.
    if (!isFresh()) throw error;
  } finally {
    rmSync(staging, { recursive: true, force: true });
  }
  return true;
}

/** An extra route: a fixed body, or a file read on each request. */
export type ExtraRoute = { type: string; body: string } | { type: string; file: string };

export interface AppServer {
  origin: string;
  /** The absolute URL of `path` (default: the app's start page). */
  url(path?: string): string;
  /** Serve `dir` from now on (a new deployment). */
  switchTo(dir: string): void;
  /** Requests seen, as "METHOD /path", oldest first (for asserting what reached the network). */
  readonly requests: readonly string[];
  close(): Promise<void>;
}

/**
 * Serve `dir` (default dist/) at / on 127.0.0.1 and an ephemeral port. A path with a
 * file extension is that file or 404; any other path is a navigation and gets
 * index.html (the app routes on the client). Everything but the hashed files
 * under /assets is served `no-cache`, so the browser revalidates index.html and
 * sw.js and notices a new deployment. `extra` routes win over files.
 */
export async function serveApp(options: { dir?: string; extra?: Record<string, ExtraRoute> } = {}): Promise<AppServer> {
  let root = options.dir ?? DIST;
  const extra = options.extra ?? {};
  const requests: string[] = [];
  const server: Server = createServer((req, res) => {
    const path = decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname);
    requests.push(`${req.method ?? 'GET'} ${path}`);
    const route = extra[path];
    if (route !== undefined) {
      res.writeHead(200, { 'content-type': route.type, 'cache-control': 'no-store' });
      res.end('body' in route ? route.body : readFileSync(route.file));
      return;
    }
    const file = resolveFile(root, path);
    if (file === undefined) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    const type = CONTENT_TYPES[extname(file)] ?? 'application/octet-stream';
    // Only Vite's content-hashed assets may be cached for good; everything else
    // keeps its name across builds and must be revalidated to notice a new one.
    const hashed = path.startsWith('/assets/');
    res.writeHead(200, { 'content-type': type, 'cache-control': hashed ? 'public, max-age=31536000, immutable' : 'no-cache' });
    res.end(readFileSync(file));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  if (address === null || typeof address === 'string') throw new Error('the app server has no port');
  const origin = `http://127.0.0.1:${address.port}`;
  return {
    origin,
    url: (path = '/') => `${origin}${path}`,
    switchTo: (dir) => {
      root = dir;
    },
    requests,
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

/** The file `path` names under `root`, index.html for a navigation, or undefined. Never leaves `root`. */
function resolveFile(root: string, path: string): string | undefined {
  const relative = normalize(path).replace(/^([/\\])+/, '');
  if (relative.split(/[/\\]/).includes('..')) return undefined;
  if (extname(relative) === '') return join(root, 'index.html');
  const file = join(root, relative);
  return existsSync(file) && statSync(file).isFile() ? file : undefined;
}

/** The parts of a Playwright page the helpers below need (kept narrow: no import of the test runner here). */
interface PageLike {
  waitForFunction(fn: () => boolean, arg?: undefined, options?: { timeout?: number }): Promise<unknown>;
  evaluate<R>(fn: () => R | Promise<R>): Promise<R>;
}

/** Wait until a service worker controls `page` (installed, precached, activated, claimed). */
export async function waitForControl(page: PageLike, timeoutMs = 30_000): Promise<void> {
  await page.waitForFunction(() => navigator.serviceWorker.controller !== null, undefined, { timeout: timeoutMs });
}

/** The version the page runs: the `<meta name="daybook-version">` of the index.html it loaded. */
export function pageVersion(page: PageLike): Promise<string | null> {
  return page.evaluate(() => document.querySelector('meta[name="daybook-version"]')?.getAttribute('content') ?? null);
}
