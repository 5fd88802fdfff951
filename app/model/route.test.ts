import { describe, expect, it } from 'vitest';
import { parseRoute, routeHash } from './route.ts';
import { listWindow, newestFirstPage } from './virtual.ts';

describe('hash routes', () => {
  it('reads and writes routes, defaulting to Post', () => {
    expect(parseRoute('')).toEqual({ screen: 'post', params: {} });
    expect(parseRoute('#/nowhere')).toEqual({ screen: 'post', params: {} });
    expect(parseRoute('#/journal?entry=ab12&q=milk')).toEqual({ screen: 'journal', params: { entry: 'ab12', q: 'milk' } });
    expect(parseRoute(routeHash('drafts', { edit: 'x y' }))).toEqual({ screen: 'drafts', params: { edit: 'x y' } });
    expect(routeHash('close')).toBe('#/close');
  });
});

describe('virtual list window', () => {
  it('renders only the rows near the viewport', () => {
    expect(listWindow(100_000, 50, 500, 0)).toEqual({ first: 0, count: 16, padTop: 0, padBottom: (100_000 - 16) * 50 });
    const w = listWindow(100_000, 50, 500, 50 * 50_000);
    expect(w.first).toBe(49_995);
    expect(w.count).toBe(21);
    expect(w.padTop + w.count * 50 + w.padBottom).toBe(100_000 * 50);
    expect(listWindow(3, 50, 500, 9999)).toEqual({ first: 0, count: 3, padTop: 0, padBottom: 0 });
    expect(listWindow(0, 50, 500, 0).count).toBe(0);
  });
  it('maps newest-first rows to oldest-first pages', () => {
    expect(newestFirstPage(100, 0, 10)).toEqual({ offset: 90, limit: 10 });
    expect(newestFirstPage(100, 95, 10)).toEqual({ offset: 0, limit: 5 });
    expect(newestFirstPage(0, 0, 10)).toEqual({ offset: 0, limit: 0 });
  });
});
