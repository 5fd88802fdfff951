/**
 * Registering daybook's service worker (service-worker/sw.ts, built to /sw.js)
 * and the update flow: a new version installs in the background and waits; the
 * app is told through `onUpdateReady` and shows the user a banner; only when the
 * user applies it does the new version take over and the page reload once. A
 * reload in the middle of a sale would lose the clerk's work, so this module
 * never reloads by itself.
 */
import { Workbox } from 'workbox-window';

/** Where the built worker is served, and the scope it controls (the hub serves the app at /). */
export const serviceWorkerUrl = '/sw.js';
export const serviceWorkerScope = '/';
/**
 * How often an open page asks the server for a new version. A store tablet may keep
 * the app open for days without a navigation (the browser's own check), so the page
 * checks by itself, and also when the network comes back.
 */
export const updateCheckIntervalMs = 60 * 60 * 1000;

/**
 * The version of this build: `DAYBOOK_VERSION` at build time (vite.config.ts
 * defines it), the package version by default, 'dev' where nothing defined it
 * (tests run this file unbuilt).
 */
declare const __DAYBOOK_VERSION__: string | undefined;
export const appVersion: string = typeof __DAYBOOK_VERSION__ === 'string' ? __DAYBOOK_VERSION__ : 'dev';

/**
 * Register the service worker and check for a new version every
 * `updateCheckIntervalMs` and whenever the network comes back. When a new version
 * is installed and waiting (now, or after any later check while the page lives),
 * calls `onUpdateReady(apply)`;
 * `apply()` tells the waiting worker to take over and reloads the page once it
 * controls it. Calling `apply` twice does nothing more.
 *
 * Resolves when the registration was made. Resolves without doing anything where
 * service workers are unavailable (an insecure origin, an old browser, a test in
 * Node). A failed registration is logged and resolves too: the app still works
 * online without its worker, and must not fail to start because of it.
 */
export async function registerServiceWorker(onUpdateReady: (apply: () => void) => void): Promise<void> {
  if (typeof navigator === 'undefined' || !('serviceWorker' in navigator)) return;
  const workbox = new Workbox(serviceWorkerUrl, { scope: serviceWorkerScope });
  // Registered before register(), so a version that was already waiting is announced too.
  workbox.addEventListener('waiting', () => onUpdateReady(applyOnce(workbox)));
  try {
    // Not immediate: Workbox waits for the page's load event, so precaching the
    // shell does not compete with the first start for the network and the disk.
    await workbox.register();
  } catch (error) {
    console.warn('daybook: the service worker could not be registered; the app will not start offline.', error);
    return;
  }
  const check = (): void => void workbox.update().catch(() => undefined); // offline: try again later
  setInterval(check, updateCheckIntervalMs);
  window.addEventListener('online', check);
}

/**
 * The `apply` of one waiting version: reload once the new worker controls the
 * page, then ask it to take over. If another tab already applied it (nothing waits
 * any more), the new version is active and this page only needs the reload.
 */
function applyOnce(workbox: Workbox): () => void {
  let applied = false;
  return () => {
    if (applied) return;
    applied = true;
    void (async () => {
      const registration = await navigator.serviceWorker.getRegistration(serviceWorkerScope);
      if (registration?.waiting === null || registration?.waiting === undefined) {
        window.location.reload();
        return;
      }
      navigator.serviceWorker.addEventListener('controllerchange', () => window.location.reload(), { once: true });
      workbox.messageSkipWaiting();
    })();
  };
}
