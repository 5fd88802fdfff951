/**
 * The write planner against a plain model of the two stores: whatever the sizes of
 * the writes, every lsn below nextLsn lives in exactly one place, a sealed block or
 * a tail row, in order, and the tail the planner hands on is the stored tail.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { BookId, Entry, EntryId, PeerId } from '../core/types.ts';
import { propertyRuns } from '../testing/runs.ts';
import { blockText } from './blocks.ts';
import { initialState } from './device-state.ts';
import type { IdbState } from './idb-schema.ts';
import { planWrite, type NewEntry, type WritePlan } from './idb-writes.ts';

function item(n: number): NewEntry {
  return { entry: { id: `id${n}` as EntryId, peer: 'T2' as PeerId, seq: n + 1 } as Entry, text: `"e${n}"` };
}

/** The stores as the plan's requests leave them (add must not overwrite, as in IndexedDB). */
function apply(store: { tail: Map<number, string>; blocks: Map<number, string> }, plan: WritePlan): void {
  if (plan.tailDrop !== undefined) for (let lsn = plan.tailDrop[0]; lsn < plan.tailDrop[1]; lsn++) store.tail.delete(lsn);
  for (const [lsn, text] of plan.tailRows) {
    expect(store.tail.has(lsn)).toBe(false);
    store.tail.set(lsn, text);
  }
  for (const [no, text] of plan.blocks) {
    expect(store.blocks.has(no)).toBe(false);
    store.blocks.set(no, text);
  }
}

describe('planWrite', () => {
  it('property: any sequence of write sizes keeps every entry in exactly one block or tail row', () => {
    fc.assert(
      fc.property(fc.integer({ min: 1, max: 7 }), fc.array(fc.integer({ min: 0, max: 20 }), { maxLength: 12 }), (size, writes) => {
        const store = { tail: new Map<number, string>(), blocks: new Map<number, string>() };
        let state: IdbState = { ...initialState('B1' as BookId, 'T1' as PeerId), authors: [], quarantineRows: 0 };
        let tail: string[] = [];
        let made = 0;
        for (const count of writes) {
          const items = Array.from({ length: count }, () => item(made++));
          const plan = planWrite(state, tail, items, state, size);
          apply(store, plan);
          expect(plan.state.version).toBe(state.version + 1);
          expect(plan.entries.map((e) => e.lsn)).toEqual(items.map((_, i) => state.nextLsn + i));
          state = plan.state;
          tail = plan.tail;
        }
        const texts = Array.from({ length: made }, (_, n) => `"e${n}"`);
        const sealed = Math.floor(made / size);
        expect([...store.blocks.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: sealed }, (_, k) => k));
        for (const [no, text] of store.blocks) expect(text).toBe(blockText(texts.slice(no * size, (no + 1) * size)));
        expect([...store.tail.entries()].sort(([a], [b]) => a - b)).toEqual(texts.slice(sealed * size).map((t, i) => [sealed * size + i, t]));
        expect(tail).toEqual(texts.slice(sealed * size));
        expect(state.nextLsn).toBe(made);
        expect(state.authors).toEqual(made === 0 ? [] : [{ peer: 'T2', contiguous: made, highest: made, count: made, above: [] }]);
      }),
      { numRuns: propertyRuns() },
    );
  });
});
