/**
 * Which requests the service worker answers, as pure functions of a URL, so the
 * rules are tested in Node without a browser (routes.test.ts) and the worker
 * (sw.ts) only wires them to Workbox.
 *
 * The worker precaches the app shell (the files of one build) and nothing else:
 * ledger data lives in IndexedDB, and the hub's endpoints are live by nature. A
 * cached answer from /api, /sync or /signaling would be a stale copy of the books
 * or a dead socket, so those paths are never cached and never get the shell.
 */

/** Path prefixes (below the worker's scope) of the hub's live endpoints. */
export const LIVE_PATH_PREFIXES: readonly string[] = ['api', 'sync', 'signaling'];

/** The shell document every navigation falls back to, relative to the scope. */
export const SHELL_DOCUMENT = 'index.html';

/**
 * True when `url` is one of the hub's live endpoints under `scope` (the worker's
 * scope URL, ending in a slash): the path right below the scope is exactly a live
 * prefix or starts with it followed by `/` or a query. `/api`, `/api/books` and
 * `/sync?book=B1` are live; `/apiary` and `/assets/api.js` are not. A URL of another
 * origin or outside the scope is not ours to judge and answers false.
 */
export function isLiveEndpoint(url: URL, scope: URL): boolean {
  if (url.origin !== scope.origin || !url.pathname.startsWith(scope.pathname)) return false;
  const below = url.pathname.slice(scope.pathname.length);
  const first = below.split('/')[0] ?? '';
  return LIVE_PATH_PREFIXES.includes(first);
}

/**
 * The navigation fallback's deny list for Workbox's NavigationRoute (it matches
 * these against the URL's pathname followed by its search): every live prefix
 * under the scope's path, ended by `/`, `?` or the end.
 */
export function liveEndpointPatterns(scopePath: string): RegExp[] {
  const base = scopePath.endsWith('/') ? scopePath : `${scopePath}/`;
  const escaped = base.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
  return LIVE_PATH_PREFIXES.map((prefix) => new RegExp(`^${escaped}${prefix}(?:[/?]|$)`));
}

/**
 * Messages the page may send the worker. The page's workbox-window sends
 * `{type: 'SKIP_WAITING'}` (messageSkipWaiting) when the user applies an update;
 * anything else is ignored, since any script on the origin can post messages.
 */
export type WorkerCommand = 'skip-waiting';

/** The command `data` (a message's payload) carries, or undefined for anything else. */
export function readCommand(data: unknown): WorkerCommand | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  return (data as { type?: unknown }).type === 'SKIP_WAITING' ? 'skip-waiting' : undefined;
}
