/**
 * The PWA build: `npm run build` (vite build) writes the deployable app to dist/:
 * index.html, the hashed JavaScript and CSS, the web app manifest, the icons, and
 * the service worker (sw.js) with the precache list of exactly those files. The hub
 * serves that folder at /.
 *
 * - JSX is compiled by Vite 8's own transform (Oxc) for Preact: no Babel.
 * - The service worker is our own (service-worker/sw.ts), built by vite-plugin-pwa's
 *   injectManifest strategy as a classic script (iife), so every browser that has
 *   service workers can run it, with the precache manifest injected.
 * - DAYBOOK_VERSION (environment, default the package version) names the build: it is
 *   `__DAYBOOK_VERSION__` in code (app/sw-register.ts reads it) and the
 *   `<meta name="daybook-version">` of index.html, so a test or a person can tell
 *   which version a page runs, and two builds with different versions differ in
 *   their shell (what makes the browser see an update).
 */
import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { defineConfig, type Plugin } from 'vite';
import { VitePWA } from 'vite-plugin-pwa';

const repo = (path: string): string => fileURLToPath(new URL(path, import.meta.url));
const packageVersion = (JSON.parse(readFileSync(repo('./package.json'), 'utf8')) as { version: string }).version;
const version = process.env['DAYBOOK_VERSION'] ?? packageVersion;

/** The store's colours: the icon's teal, and the page's paper. */
const themeColour = '#0f5c63';
const backgroundColour = '#faf7ee';
/** Workbox refuses to precache bigger files; the whole app is far below this. */
const precacheFileBytesMax = 5 * 1024 * 1024;

/** Put the build's version into index.html, where it is visible before any script runs. */
function versionMeta(value: string): Plugin {
  return {
    name: 'daybook-version-meta',
    transformIndexHtml: () => [{ tag: 'meta', attrs: { name: 'daybook-version', content: value }, injectTo: 'head' }],
  };
}

export default defineConfig({
  root: repo('./app'),
  base: '/',
  publicDir: repo('./app/public'),
  define: { __DAYBOOK_VERSION__: JSON.stringify(version) },
  oxc: { jsx: { runtime: 'automatic', importSource: 'preact' } },
  build: {
    outDir: repo('./dist'),
    emptyOutDir: true,
    sourcemap: true,
    // dist/.vite/manifest.json: which chunks the entry imports statically and which
    // lazily; bench/app.browser.bench.ts sums the initial JavaScript from it.
    manifest: true,
  },
  plugins: [
    versionMeta(version),
    VitePWA({
      strategies: 'injectManifest',
      srcDir: repo('./service-worker'),
      filename: 'sw.ts',
      // app/sw-register.ts registers the worker itself (workbox-window), with the update prompt.
      injectRegister: false,
      registerType: 'prompt',
      // The glob below already lists every icon; listing them again would duplicate precache entries.
      includeManifestIcons: false,
      injectManifest: {
        rollupFormat: 'iife',
        globPatterns: ['**/*.{js,css,html,svg,png,webmanifest}'],
        maximumFileSizeToCacheInBytes: precacheFileBytesMax,
      },
      manifest: {
        id: '/',
        name: 'daybook',
        short_name: 'daybook',
        description: "The store's book of original entry: post, correct and close the day on the tablet, online or not.",
        lang: 'en',
        start_url: '/',
        scope: '/',
        display: 'standalone',
        orientation: 'landscape',
        theme_color: themeColour,
        background_color: backgroundColour,
        categories: ['business', 'finance', 'productivity'],
        icons: [
          { src: 'icon-192.png', sizes: '192x192', type: 'image/png', purpose: 'any' },
          { src: 'icon-512.png', sizes: '512x512', type: 'image/png', purpose: 'any' },
          { src: 'icon-maskable-512.png', sizes: '512x512', type: 'image/png', purpose: 'maskable' },
        ],
      },
    }),
  ],
});
