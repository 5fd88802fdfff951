/**
 * The app shell: navigation (hash routes), the current screen, the status bar and
 * the update banner. Post is part of the first bundle; every other screen is loaded
 * when first opened.
 */
import type { Runtime } from '../model/runtime.ts';
import { routeHash, type Screen } from '../model/route.ts';
import PostScreen from '../screens/post.tsx';
import { useRoute, useVersion } from './hooks.ts';
import { Lazy } from './lazy.tsx';
import { StatusBar } from './status-bar.tsx';

const LABELS: Record<Screen, string> = {
  post: 'Post',
  drafts: 'Drafts',
  journal: 'Journal',
  books: 'Books',
  reconcile: 'Reconcile',
  close: 'Close',
  devices: 'Devices',
  export: 'Export',
};

const loaders = {
  drafts: () => import('../screens/drafts.tsx'),
  journal: () => import('../screens/journal.tsx'),
  books: () => import('../screens/books.tsx'),
  reconcile: () => import('../screens/reconcile.tsx'),
  close: () => import('../screens/close.tsx'),
  devices: () => import('../screens/devices.tsx'),
  export: () => import('../screens/export.tsx'),
} as const;

export function App({ runtime, update }: { runtime: Runtime; update: (() => void) | undefined }) {
  const route = useRoute();
  // The book's name arrives with its genesis (by sync, on a tablet that just joined).
  useVersion(runtime);
  const bookName = runtime.settings?.name ?? 'Waiting for the book…';
  return (
    <div class="shell">
      <header class="top">
        <h1 class="book-name">{bookName}</h1>
        <nav aria-label="Screens">
          {(Object.keys(LABELS) as Screen[]).map((s) => (
            <a key={s} href={routeHash(s)} class="nav-link" aria-current={route.screen === s ? 'page' : undefined}>
              {LABELS[s]}
            </a>
          ))}
        </nav>
      </header>
      {update !== undefined && (
        <div class="update-banner" role="status">
          A new version is ready. <button type="button" onClick={update}>Reload</button>
        </div>
      )}
      <main id="screen" aria-label={LABELS[route.screen]}>
        {route.screen === 'post' ? <PostScreen runtime={runtime} route={route} /> : <Lazy key={route.screen} load={loaders[route.screen]} runtime={runtime} route={route} />}
      </main>
      <StatusBar runtime={runtime} />
    </div>
  );
}
