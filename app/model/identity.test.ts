import { describe, expect, it } from 'vitest';
import type { BookId, PeerId } from '../../src/core/types.ts';
import { IDENTITY_KEY, makeId, readIdentity, writeIdentity, type KeyValue } from './identity.ts';

function memory(): KeyValue & { map: Map<string, string> } {
  const map = new Map<string, string>();
  return { map, getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v) };
}

describe('device identity', () => {
  it('round-trips, and is absent at first start', () => {
    const store = memory();
    expect(readIdentity(store)).toBeUndefined();
    const identity = { book: 'corner-shop-x1' as BookId, peer: 'till-1' as PeerId, name: 'Till 1', secret: 'abcdefghij', signaling: ['ws://h/signaling'], hubs: [] };
    writeIdentity(store, identity);
    expect(readIdentity(store)).toEqual(identity);
  });

  it('treats a damaged record as no identity', () => {
    const store = memory();
    for (const bad of ['{', 'null', '[]', '{"book":"a b","peer":"p","name":"n","secret":"s","signaling":[],"hubs":[]}', '{"book":"b","peer":"p","name":"n","secret":"s","signaling":[1],"hubs":[]}']) {
      store.map.set(IDENTITY_KEY, bad);
      expect(readIdentity(store), bad).toBeUndefined();
    }
  });

  it('makes ids the core accepts', () => {
    expect(makeId('Corner Shop — Café', 'Ab_3-x')).toBe('corner-shop-cafe-Ab_3-x');
    expect(makeId('***', 'q1')).toBe('x-q1');
    expect(makeId('a'.repeat(100), 'b'.repeat(100)).length).toBe(64);
  });
});
