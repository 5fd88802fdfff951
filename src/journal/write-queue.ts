/**
 * One journal's writes, one at a time. Appends read the device's counters and write
 * them back; running two at once would hand out the same seq twice, so every write
 * (append, save, ingest, settings) goes through this queue. The queue is bounded
 * (journalLimits.writeQueueMax): a caller that floods it gets JournalBusyError
 * rather than an ever-growing backlog.
 */
import { journalLimits } from '../core/limits.ts';
import { JournalBusyError, JournalClosedError } from './errors.ts';

export interface WriteQueue {
  /** Run `task` after every earlier task settled; its result or error is passed through. */
  run<T>(task: () => Promise<T>): Promise<T>;
  /** Refuse new tasks and resolve once the queued ones settled. */
  close(): Promise<void>;
}

/** A fresh queue holding at most `max` pending tasks (the running one included). */
export function createWriteQueue(max: number = journalLimits.writeQueueMax): WriteQueue {
  let tail: Promise<unknown> = Promise.resolve();
  let pending = 0;
  let closed = false;
  return {
    run<T>(task: () => Promise<T>): Promise<T> {
      if (closed) return Promise.reject(new JournalClosedError('the journal is closed'));
      if (pending >= max) return Promise.reject(new JournalBusyError(`${pending} writes are queued already`));
      pending++;
      const result = tail.then(task).finally(() => {
        pending--;
      });
      // The chain must continue whether this task failed or not.
      tail = result.catch(() => undefined);
      return result;
    },
    async close(): Promise<void> {
      closed = true;
      await tail;
    },
  };
}
