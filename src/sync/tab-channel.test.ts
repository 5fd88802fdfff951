import { describe, expect, it } from 'vitest';
import { lead, openTabChannel, type LocksLike } from './tab-channel.ts';

const id = (n: number): string => n.toString(16).padStart(64, '0');
const tick = (): Promise<void> => new Promise((resolve) => setTimeout(resolve, 20));

describe('tab channel', () => {
  it('tells the other tabs of one book the ids added, and nobody else', async () => {
    const a = openTabChannel('B1');
    const b = openTabChannel('B1');
    const other = openTabChannel('B2');
    const heardB: string[][] = [];
    const heardA: string[][] = [];
    const heardOther: string[][] = [];
    b.onAdded((ids) => heardB.push(ids));
    a.onAdded((ids) => heardA.push(ids));
    other.onAdded((ids) => heardOther.push(ids));
    a.announce([id(1), id(2)]);
    a.announce(Array.from({ length: 300 }, (_, i) => id(i + 10)));
    await tick();
    expect(heardB.map((ids) => ids.length)).toEqual([2, 256, 44]);
    expect(heardA).toEqual([]);
    expect(heardOther).toEqual([]);
    for (const c of [a, b, other]) c.close();
  });

  it('ignores messages it does not understand', async () => {
    const a = openTabChannel('B3');
    const raw = new BroadcastChannel('daybook-tabs:B3');
    const heard: string[][] = [];
    a.onAdded((ids) => heard.push(ids));
    for (const junk of [null, 'x', { v: 2, ids: [] }, { v: 1, ids: ['not-an-id'] }, { v: 1, ids: Array(300).fill(id(1)) }]) raw.postMessage(junk);
    raw.postMessage({ v: 1, ids: [id(7)] });
    await tick();
    expect(heard).toEqual([[id(7)]]);
    expect(a.ignored).toBe(5);
    raw.close();
    a.close();
  });

  it('lets one tab lead at a time, and hands over when it stops', async () => {
    // A fake of navigator.locks: exclusive, queued.
    let holder: Promise<void> = Promise.resolve();
    const locks: LocksLike = {
      request: (_name, callback) => {
        const run = holder.then(callback);
        holder = run;
        return run;
      },
    };
    const leaders: string[] = [];
    const first = lead('B1', () => leaders.push('first'), locks);
    lead('B1', () => leaders.push('second'), locks);
    await tick();
    expect(leaders).toEqual(['first']);
    first.stop();
    await tick();
    expect(leaders).toEqual(['first', 'second']);
    const alone: string[] = [];
    lead('B1', () => alone.push('no locks'), undefined);
    expect(alone).toEqual(['no locks']);
  });
});
