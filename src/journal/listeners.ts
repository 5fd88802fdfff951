/**
 * The onEntries listeners of one journal. A listener that throws must not turn a
 * committed append into a rejected one (the entry is on disk either way), so its
 * error is rethrown on its own, where the platform reports uncaught errors.
 */
import type { Entry } from '../core/types.ts';
import type { EntriesListener } from './journal.ts';

export interface Listeners {
  add(listener: EntriesListener): () => void;
  /** Tell every listener; never throws. Does nothing for an empty list. */
  emit(added: readonly Entry[]): void;
}

/** An empty set of listeners. */
export function createListeners(): Listeners {
  const set = new Set<EntriesListener>();
  return {
    add(listener) {
      set.add(listener);
      return () => {
        set.delete(listener);
      };
    },
    emit(added) {
      if (added.length === 0) return;
      for (const listener of [...set]) {
        try {
          listener(added);
        } catch (error) {
          queueMicrotask(() => {
            throw error;
          });
        }
      }
    },
  };
}
