import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Hub } from './server.ts';
import { getJson, testHub } from './server-testing.ts';

let dir: string;
let hub: Hub;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'daybook-dist-'));
  mkdirSync(join(dir, 'assets'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>daybook</title>');
  writeFileSync(join(dir, 'sw.js'), 'self.addEventListener("fetch", () => {});');
  writeFileSync(join(dir, 'manifest.webmanifest'), '{"name":"daybook"}');
  writeFileSync(join(dir, 'assets', 'index-B2x9Qa1z.js'), 'console.log(1)');
  writeFileSync(join(dir, 'assets', 'index-Cq81ZZaa.css'), 'body{}');
  writeFileSync(join(dir, 'icon.png'), Buffer.from([0x89, 0x50, 0x4e, 0x47]));
  symlinkSync('/etc/hostname', join(dir, 'escape.txt'));
  hub = await testHub({ demo: false, config: { staticDir: dir } });
});
afterAll(async () => {
  await hub.close();
  rmSync(dir, { recursive: true, force: true });
});

async function head(path: string): Promise<{ status: number; type: string | null; cache: string | null }> {
  const res = await fetch(`${hub.url}${path}`);
  await res.arrayBuffer();
  return { status: res.status, type: res.headers.get('content-type'), cache: res.headers.get('cache-control') };
}

/** A raw GET, so the path reaches the hub exactly as written (fetch would normalise "..") */
function rawGet(path: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port: hub.port, path, method: 'GET' }, (res) => {
      let body = '';
      res.on('data', (d: Buffer) => (body += d.toString()));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('the built app', () => {
  it('serves each file with its content type; the shell, worker and manifest revalidate, hashed assets are immutable', async () => {
    expect(await head('/')).toEqual({ status: 200, type: 'text/html; charset=utf-8', cache: 'no-cache' });
    expect(await head('/index.html')).toEqual({ status: 200, type: 'text/html; charset=utf-8', cache: 'no-cache' });
    expect(await head('/sw.js')).toEqual({ status: 200, type: 'text/javascript; charset=utf-8', cache: 'no-cache' });
    expect(await head('/manifest.webmanifest')).toEqual({ status: 200, type: 'application/manifest+json; charset=utf-8', cache: 'no-cache' });
    expect(await head('/assets/index-B2x9Qa1z.js')).toEqual({ status: 200, type: 'text/javascript; charset=utf-8', cache: 'public, max-age=31536000, immutable' });
    expect(await head('/assets/index-Cq81ZZaa.css')).toMatchObject({ status: 200, type: 'text/css; charset=utf-8' });
    expect(await head('/icon.png')).toMatchObject({ status: 200, type: 'image/png' });
  });

  it('answers app routes with the shell, and missing files with 404', async () => {
    const route = await fetch(`${hub.url}/journal/today`);
    expect(route.status).toBe(200);
    expect(await route.text()).toContain('<title>daybook</title>');
    expect((await head('/assets/gone-12345678.js')).status).toBe(404);
  });

  it('never serves a file outside the folder', async () => {
    expect((await rawGet('/../package.json')).status).toBe(404);
    expect((await rawGet('/assets/..%2f..%2fpackage.json')).status).toBe(404);
    expect((await rawGet('/escape.txt')).status).toBe(404);
    expect((await rawGet('/index.html%00.js')).status).toBe(404);
    // A path without an extension is an app route: the shell answers, never the file outside.
    const passwd = await rawGet('/%2e%2e/%2e%2e/etc/passwd');
    expect(passwd.body).toContain('<title>daybook</title>');
    expect(passwd.body).not.toContain('root:');
    expect((await getJson(hub, '/health')).status).toBe(200);
  });
});

describe('without a build', () => {
  it('says at / how to build the app, and still serves the API', async () => {
    const bare = await testHub({ demo: false });
    try {
      const { status, body } = await getJson(bare, '/');
      expect(status).toBe(200);
      expect(body.app).toMatch(/npm run build/);
      expect((await getJson(bare, '/api/books')).body).toEqual({ books: [] });
    } finally {
      await bare.close();
    }
  });
});
