/**
 * Hash routes: `#/post`, `#/journal?entry=<id>`, … No router library: a route is a
 * screen name and a few text parameters, read from and written to location.hash.
 */
export const SCREENS = ['post', 'drafts', 'journal', 'books', 'reconcile', 'close', 'devices', 'export'] as const;
export type Screen = (typeof SCREENS)[number];

export interface Route {
  screen: Screen;
  params: Record<string, string>;
}

/** The route of a hash; unknown or empty hashes go to the Post screen. */
export function parseRoute(hash: string): Route {
  const text = hash.replace(/^#\/?/, '');
  const [path = '', query = ''] = text.split('?', 2);
  const screen = (SCREENS as readonly string[]).includes(path) ? (path as Screen) : 'post';
  const params: Record<string, string> = {};
  for (const [k, v] of new URLSearchParams(query)) params[k] = v;
  return { screen, params };
}

/** The hash of a route. */
export function routeHash(screen: Screen, params: Record<string, string> = {}): string {
  const query = new URLSearchParams(params).toString();
  return `#/${screen}${query === '' ? '' : `?${query}`}`;
}
