/**
 * The built PWA (vite's dist/), served with the content types and cache rules an
 * offline-first app needs: index.html, the service worker and the manifest are
 * revalidated on every load (`no-cache`), so a new version reaches the tablets;
 * vite's hashed files under assets/ never change under their name (`immutable`, a
 * year). Paths are resolved inside the folder only (no `..`, no symlink escapes);
 * an app route without a file extension gets index.html (the app routes itself).
 */
import { createReadStream } from 'node:fs';
import { realpath, stat } from 'node:fs/promises';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { extname, join, resolve, sep } from 'node:path';

const TYPES: Readonly<Record<string, string>> = {
  '.html': 'text/html; charset=utf-8',
  '.js': 'text/javascript; charset=utf-8',
  '.mjs': 'text/javascript; charset=utf-8',
  '.css': 'text/css; charset=utf-8',
  '.json': 'application/json; charset=utf-8',
  '.webmanifest': 'application/manifest+json; charset=utf-8',
  '.map': 'application/json; charset=utf-8',
  '.txt': 'text/plain; charset=utf-8',
  '.svg': 'image/svg+xml',
  '.png': 'image/png',
  '.jpg': 'image/jpeg',
  '.jpeg': 'image/jpeg',
  '.webp': 'image/webp',
  '.ico': 'image/x-icon',
  '.woff': 'font/woff',
  '.woff2': 'font/woff2',
  '.wasm': 'application/wasm',
};

const IMMUTABLE = 'public, max-age=31536000, immutable';
const REVALIDATE = 'no-cache';

/** The cache rule of a file at `path` (relative, with forward slashes) in dist/. */
export function cacheControlOf(path: string): string {
  return path.startsWith('assets/') ? IMMUTABLE : REVALIDATE;
}

/** The content type of a file name (application/octet-stream when unknown). */
export function contentTypeOf(path: string): string {
  return TYPES[extname(path).toLowerCase()] ?? 'application/octet-stream';
}

export interface StaticSite {
  /** Answer a GET/HEAD for `pathname`; resolves true when it answered, false when nothing matched. */
  serve(req: IncomingMessage, res: ServerResponse, pathname: string): Promise<boolean>;
  /** True when the folder holds an index.html (the app is built). */
  built(): Promise<boolean>;
}

/** Serve the folder `dir`. Contract: never throws; never serves a file outside `dir`. */
export function staticSite(dir: string): StaticSite {
  const root = resolve(dir);
  const file = async (relative: string): Promise<{ path: string; size: number; mtime: Date } | undefined> => {
    const full = join(root, relative);
    if (full !== root && !full.startsWith(root + sep)) return undefined;
    try {
      const real = await realpath(full);
      const realRoot = await realpath(root);
      if (real !== realRoot && !real.startsWith(realRoot + sep)) return undefined;
      const info = await stat(real);
      return info.isFile() ? { path: real, size: info.size, mtime: info.mtime } : undefined;
    } catch {
      return undefined;
    }
  };
  return {
    built: async () => (await file('index.html')) !== undefined,
    serve: async (req, res, pathname) => {
      let relative: string;
      try {
        relative = decodeURIComponent(pathname).replace(/^\/+/, '');
      } catch {
        return false;
      }
      if (relative.includes('\0') || relative.split('/').some((part) => part === '..')) return false;
      if (relative === '' || relative.endsWith('/')) relative += 'index.html';
      let found = await file(relative);
      // An app route (no extension): the app's shell answers, and routes itself.
      if (found === undefined && extname(relative) === '') {
        relative = 'index.html';
        found = await file(relative);
      }
      if (found === undefined) return false;
      res.writeHead(200, {
        'content-type': contentTypeOf(relative),
        'content-length': found.size,
        'cache-control': cacheControlOf(relative),
        'last-modified': found.mtime.toUTCString(),
        'x-content-type-options': 'nosniff',
        // The service worker may control the whole origin wherever vite put it.
        ...(/(^|\/)(sw|service-worker)\.js$/.test(relative) ? { 'service-worker-allowed': '/' } : {}),
      });
      if (req.method === 'HEAD') {
        res.end();
        return true;
      }
      await new Promise<void>((done) => {
        const stream = createReadStream(found.path);
        stream.on('error', () => {
          res.destroy();
          done();
        });
        stream.on('end', () => done());
        res.on('close', () => {
          stream.destroy();
          done();
        });
        stream.pipe(res);
      });
      return true;
    },
  };
}
