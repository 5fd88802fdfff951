/**
 * daybook's service worker: the app shell for offline start, and an update flow
 * that waits for the user.
 *
 * - Precaches the files of one build (Workbox injects their list and revisions at
 *   `self.__WB_MANIFEST` when vite-plugin-pwa builds this file), so a tablet that
 *   loaded the app once starts with the network gone.
 * - Every navigation inside the scope gets the precached index.html (the app routes
 *   on the client), except the hub's live endpoints (routes.ts), which are never
 *   cached and never answered from here.
 * - A new version installs and then waits: it takes over only when the page sends
 *   SKIP_WAITING (the user pressed "update"), never by itself, so a shift is never
 *   interrupted by a reload. The very first install claims the open page at once,
 *   so that page is offline-ready without a reload.
 * - Caches of older Workbox versions are cleaned up on activation.
 *
 * This file imports nothing of the app (layers: service-worker imports nothing).
 */
import { clientsClaim } from 'workbox-core';
import { cleanupOutdatedCaches, createHandlerBoundToURL, precacheAndRoute, type PrecacheEntry } from 'workbox-precaching';
import { NavigationRoute, registerRoute } from 'workbox-routing';
import { liveEndpointPatterns, readCommand, SHELL_DOCUMENT } from './routes.ts';

/**
 * The parts of ServiceWorkerGlobalScope this worker uses. The project compiles
 * against the DOM library only (adding the WebWorker library beside it clashes), so
 * the worker's global is typed here, narrowly.
 */
interface WorkerScope {
  /** The precache manifest, replaced at build time by the list of the build's files. */
  __WB_MANIFEST: Array<PrecacheEntry | string>;
  registration: ServiceWorkerRegistration;
  skipWaiting(): Promise<void>;
  addEventListener(type: 'message', listener: (event: MessageEvent) => void): void;
}
declare const self: WorkerScope;

precacheAndRoute(self.__WB_MANIFEST);
cleanupOutdatedCaches();

const scopePath = new URL(self.registration.scope).pathname;
registerRoute(new NavigationRoute(createHandlerBoundToURL(SHELL_DOCUMENT), { denylist: liveEndpointPatterns(scopePath) }));

self.addEventListener('message', (event) => {
  if (readCommand(event.data) === 'skip-waiting') void self.skipWaiting();
});

// Without a previous version there is nothing to wait for: take the page that
// installed us, so it works offline from its first load. After skipWaiting (an
// update the user applied) this is what makes the new version control the page.
clientsClaim();
