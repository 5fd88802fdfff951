import { describe, expect, it } from 'vitest';
import { createWriteQueue } from './write-queue.ts';

describe('write queue', () => {
  it('runs tasks one at a time in order, and a failure does not stop the next', async () => {
    const queue = createWriteQueue(10);
    const log: string[] = [];
    const task = (name: string, fail = false) => async () => {
      log.push(`${name} start`);
      await new Promise((resolve) => setTimeout(resolve, 5));
      log.push(`${name} end`);
      if (fail) throw new Error(name);
      return name;
    };
    const results = await Promise.allSettled([queue.run(task('a')), queue.run(task('b', true)), queue.run(task('c'))]);
    expect(log).toEqual(['a start', 'a end', 'b start', 'b end', 'c start', 'c end']);
    expect(results.map((r) => r.status)).toEqual(['fulfilled', 'rejected', 'fulfilled']);
  });

  it('refuses beyond its bound and after close', async () => {
    const queue = createWriteQueue(2);
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    const first = queue.run(() => gate);
    const second = queue.run(async () => 2);
    await expect(queue.run(async () => 3)).rejects.toMatchObject({ name: 'JournalBusyError' });
    release();
    await Promise.all([first, second]);
    await queue.close();
    await expect(queue.run(async () => 4)).rejects.toMatchObject({ name: 'JournalClosedError' });
  });
});
