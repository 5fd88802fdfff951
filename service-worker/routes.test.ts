import { describe, expect, it } from 'vitest';
import { isLiveEndpoint, liveEndpointPatterns, readCommand } from './routes.ts';

const scope = new URL('http://127.0.0.1:8080/');

describe('isLiveEndpoint', () => {
  it('says yes for the hub endpoints and anything below them', () => {
    for (const path of ['/api', '/api/', '/api/books/B1', '/sync', '/sync?book=B1', '/signaling', '/signaling/room']) {
      expect(isLiveEndpoint(new URL(path, scope), scope), path).toBe(true);
    }
  });

  it('says no for the shell, assets and look-alike names', () => {
    for (const path of ['/', '/index.html', '/assets/api.js', '/apiary', '/synced', '/journal/sync', '/manifest.webmanifest']) {
      expect(isLiveEndpoint(new URL(path, scope), scope), path).toBe(false);
    }
  });

  it('judges paths below a sub-path scope, and nothing of another origin', () => {
    const sub = new URL('http://127.0.0.1:8080/store/');
    expect(isLiveEndpoint(new URL('/store/api/x', sub), sub)).toBe(true);
    expect(isLiveEndpoint(new URL('/api/x', sub), sub)).toBe(false);
    expect(isLiveEndpoint(new URL('http://example.com/api'), scope)).toBe(false);
  });
});

describe('liveEndpointPatterns', () => {
  it('matches the same pathnames as isLiveEndpoint', () => {
    const patterns = liveEndpointPatterns('/');
    const paths = ['/api', '/api/books', '/sync', '/signaling/x', '/apiary', '/assets/api.js', '/', '/journal'];
    for (const path of paths) {
      const byPattern = patterns.some((p) => p.test(path));
      expect(byPattern, path).toBe(isLiveEndpoint(new URL(path, scope), scope));
    }
  });

  it('matches a live path followed by a query, as NavigationRoute tests pathname + search', () => {
    const patterns = liveEndpointPatterns('/');
    expect(patterns.some((p) => p.test('/api?book=B1'))).toBe(true);
    expect(patterns.some((p) => p.test('/?view=api'))).toBe(false);
  });

  it('escapes the scope path and adds the missing slash', () => {
    const [api] = liveEndpointPatterns('/a.b');
    expect(api!.test('/a.b/api/x')).toBe(true);
    expect(api!.test('/aXb/api/x')).toBe(false);
  });
});

describe('readCommand', () => {
  it('reads the skip-waiting message workbox-window sends', () => {
    expect(readCommand({ type: 'SKIP_WAITING' })).toBe('skip-waiting');
  });

  it('ignores anything else without throwing', () => {
    for (const data of [undefined, null, 'SKIP_WAITING', 42, [], {}, { type: 'skip' }, { type: { toString: () => 'SKIP_WAITING' } }]) {
      expect(readCommand(data)).toBeUndefined();
    }
  });
});
