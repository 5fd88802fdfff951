import { describe, expect, it } from 'vitest';
import { propertyRuns } from '../testing/runs.ts';
import { journalConformance } from './conformance.ts';
import { sale, testDeps } from './conformance-kit.ts';
import type { Journal } from './journal.ts';
import { createMemoryStore, openMemoryJournal } from './memory-journal.ts';

const memoryFactory = async () => {
  const store = createMemoryStore();
  return { open: async (deps: Parameters<typeof openMemoryJournal>[0]) => openMemoryJournal(deps, store), dispose: async () => undefined };
};

describe('memory journal: conformance', () => {
  for (const c of journalConformance(memoryFactory, { propertyRuns: propertyRuns() })) it(c.name, c.run);
});

describe('memory journal', () => {
  it('offers no way to update or delete an entry, at the type level either', async () => {
    const journal: Journal = openMemoryJournal(testDeps());
    const entry = await journal.append(sale(1));
    // @ts-expect-error there is no update
    expect(journal.update).toBeUndefined();
    // @ts-expect-error there is no delete
    expect(journal.delete).toBeUndefined();
    // @ts-expect-error there is no put
    expect(journal.put).toBeUndefined();
    // @ts-expect-error drafts can be discarded, entries cannot
    expect(journal.drafts.delete).toBeUndefined();
    expect(Object.isFrozen(entry)).toBe(false); // a copy the caller owns
    expect(await journal.get(entry.id)).toEqual(entry);
  });

  it('two journals on one store (two tabs) never hand out the same seq', async () => {
    const store = createMemoryStore();
    const deps = testDeps();
    const a = openMemoryJournal(deps, store);
    const b = openMemoryJournal(deps, store);
    const entries = await Promise.all(Array.from({ length: 20 }, (_, i) => (i % 2 === 0 ? a : b).append(sale(i + 1))));
    expect(entries.map((e) => e.seq).sort((x, y) => x - y)).toEqual(Array.from({ length: 20 }, (_, i) => i + 1));
    const all = await a.all();
    for (const e of all) if (e.seq > 1) expect(e.prev).toBe(all.find((p) => p.seq === e.seq - 1)!.id);
  });
});
