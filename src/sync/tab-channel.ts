/**
 * Tabs of one browser share one journal (IndexedDB is per origin), so they need not
 * sync entries with each other: they only need to hear that another tab added some.
 * One tab per book leads (a Web Lock) and alone runs the network sync; every tab
 * tells the others, over a BroadcastChannel, the ids its journal instance added. The
 * leader offers another tab's new entries to its peers; every tab refreshes its
 * views. No entry is fetched or validated twice, and no peer sees two tabs of one
 * device.
 *
 * Messages are checked like any other input (another tab may run an older version):
 * `{v: 1, ids: [64-hex ids]}`, at most syncLimits.entriesPerFrameMax ids each.
 */
import { isEntryId } from '../core/validate.ts';
import type { EntryId } from '../core/types.ts';
import { syncLimits } from './limits.ts';

/** The part of BroadcastChannel used here (injectable for tests). */
export interface ChannelLike {
  postMessage(message: unknown): void;
  addEventListener(type: 'message', listener: (event: { data: unknown }) => void): void;
  close(): void;
}

export interface TabChannel {
  /** Tell the other tabs this tab's journal added these entries. */
  announce(ids: readonly string[]): void;
  /** Hear the ids other tabs added. Returns the unsubscribe function. */
  onAdded(listener: (ids: EntryId[]) => void): () => void;
  /** Messages from other tabs that were not understood. */
  readonly ignored: number;
  close(): void;
}

/** Open the book's tab channel. */
export function openTabChannel(book: string, make: (name: string) => ChannelLike = (name) => new BroadcastChannel(name)): TabChannel {
  const channel = make(`daybook-tabs:${book}`);
  const listeners = new Set<(ids: EntryId[]) => void>();
  let ignored = 0;
  channel.addEventListener('message', (event) => {
    const ids = readMessage(event.data);
    if (ids === undefined) {
      ignored++;
      return;
    }
    for (const l of listeners) l(ids);
  });
  return {
    announce: (ids) => {
      for (let i = 0; i < ids.length; i += syncLimits.entriesPerFrameMax) {
        channel.postMessage({ v: 1, ids: ids.slice(i, i + syncLimits.entriesPerFrameMax) });
      }
    },
    onAdded: (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    get ignored() {
      return ignored;
    },
    close: () => {
      listeners.clear();
      channel.close();
    },
  };
}

function readMessage(data: unknown): EntryId[] | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const { v, ids } = data as { v?: unknown; ids?: unknown };
  if (v !== 1 || !Array.isArray(ids) || ids.length > syncLimits.entriesPerFrameMax) return undefined;
  return ids.every((id): id is EntryId => isEntryId(id)) ? ids : undefined;
}

/** The part of navigator.locks used here. */
export interface LocksLike {
  request(name: string, callback: () => Promise<void>): Promise<void>;
}

/**
 * Lead the book's sync in this tab when no other tab does: `onLead` runs once this
 * tab holds the lock, and the lock is held until `stop()` (or the tab closes, which
 * hands it to the next tab). Without Web Locks the tab leads at once.
 */
export function lead(book: string, onLead: () => void, locks: LocksLike | undefined = globalThis.navigator?.locks): { stop(): void } {
  let release: () => void = () => undefined;
  let stopped = false;
  if (locks === undefined) {
    onLead();
    return { stop: () => undefined };
  }
  void locks.request(`daybook-sync:${book}`, () => {
    if (stopped) return Promise.resolve();
    onLead();
    return new Promise<void>((resolve) => (release = resolve));
  });
  return {
    stop: () => {
      stopped = true;
      release();
    },
  };
}
