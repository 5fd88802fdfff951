import { describe, expect, it } from 'vitest';
import type { Entry } from '../core/types.ts';
import type { Journal } from '../journal/journal.ts';
import type { ChannelLike, LocksLike } from './tab-channel.ts';
import { createSeenIds, startTabletSync } from './tablet.ts';

const id = (n: number): string => n.toString(16).padStart(64, '0');
const entry = (n: number): Entry => ({ id: id(n) }) as unknown as Entry;
const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 10));

/** A journal that reports entries like an IndexedDB journal: its own, and other tabs' once it discovers them. */
function fakeJournal(): { journal: Journal; emit(entries: Entry[]): void } {
  const listeners = new Set<(entries: readonly Entry[]) => void>();
  const journal = {
    book: 'B1',
    peer: 'T1',
    onEntries: (listener: (entries: readonly Entry[]) => void) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get: (entryId: string) => Promise.resolve(entry(Number.parseInt(entryId, 16))),
  } as unknown as Journal;
  return { journal, emit: (entries) => listeners.forEach((l) => l(entries)) };
}

/** A tab channel pair in memory: what one side posts the other hears. */
function channelPair(): { mine: (name: string) => ChannelLike; posted: unknown[]; deliver(message: unknown): void } {
  const posted: unknown[] = [];
  let listener: (event: { data: unknown }) => void = () => undefined;
  return {
    posted,
    mine: () => ({ postMessage: (m) => posted.push(m), addEventListener: (_t, l) => (listener = l), close: () => undefined }),
    deliver: (data) => listener({ data }),
  };
}

/** Never grants the lock: the tab follows, so no network starts. */
const neverLead: LocksLike = { request: () => new Promise<void>(() => undefined) };

describe('tablet sync across tabs', () => {
  it('announces an entry once, whether the journal reports it before or after another tab does, and never echoes it back', async () => {
    const { journal, emit } = fakeJournal();
    const channel = channelPair();
    const heard: string[] = [];
    const sync = startTabletSync({ journal, secret: 's', signaling: [], channel: channel.mine, locks: neverLead, onOtherTab: (es) => heard.push(...es.map((e) => e.id)) });
    // Its own append: announced.
    emit([entry(1)]);
    expect(channel.posted).toEqual([{ v: 1, ids: [id(1)] }]);
    // Another tab announces 2, then this tab's journal discovers 2: heard once, not re-announced.
    channel.deliver({ v: 1, ids: [id(2)] });
    await tick();
    emit([entry(2)]);
    expect(heard).toEqual([id(2)]);
    // The journal discovers 3 first (announced once, as before), then the other tab's announcement of 3 is ignored.
    emit([entry(3)]);
    channel.deliver({ v: 1, ids: [id(3), id(1)] });
    await tick();
    expect(heard).toEqual([id(2)]);
    expect(channel.posted).toEqual([{ v: 1, ids: [id(1)] }, { v: 1, ids: [id(3)] }]);
    sync.stop();
  });

  it('remembers a bounded number of ids, oldest forgotten first', () => {
    const seen = createSeenIds(2);
    expect([seen.add('a'), seen.add('a'), seen.add('b'), seen.add('c')]).toEqual([true, false, true, true]);
    expect([seen.has('a'), seen.has('b'), seen.has('c')]).toEqual([false, true, true]);
  });
});
