/**
 * The simulated network carries the real sync: entries reach other devices through
 * src/sync sessions (frames, credit, wants), and the faults are only those a real
 * ordered, reliable connection can suffer. A fault that reordered frames inside a
 * connection would break the protocol's order (a want before hello, entries for a
 * want not asked) and the sessions would cut each other off: so "no cut-off after
 * hundreds of faults" is what shows the order is kept.
 */
import { describe, expect, it } from 'vitest';
import type { AppendInput } from '../src/journal/journal.ts';
import { checkStep } from './invariants.ts';
import { World } from './world.ts';

const sale = (amount: number): AppendInput => ({ kind: 'txn', body: { postings: [{ account: 'Assets:Cash', amount }, { account: 'Income:Sales', amount: -amount }] } });

async function world(seed: number): Promise<World> {
  const w = new World({ seed, tablets: 4, hubs: 1 });
  await w.setup();
  await w.deliverDue(Infinity);
  return w;
}

async function holders(w: World, id: string): Promise<string[]> {
  const out: string[] = [];
  for (const p of w.peers) if ((await p.entries()).some((e) => e.id === id)) out.push(p.node);
  return out;
}

describe('sim network (real sync sessions)', () => {
  it('connects every pair and carries an append to every device through real frames', async () => {
    const w = await world(3);
    for (const p of w.peers) expect(w.network.links(p.node)).toHaveLength(w.peers.length - 1);
    const framesBefore = w.network.stats.framesDelivered;
    const entry = await w.appendResolved(w.peer('T1'), sale(250));
    expect(w.network.inFlight()).toBeGreaterThan(0);
    await w.deliverDue(Infinity);
    expect(await holders(w, entry.id)).toEqual(w.peers.map((p) => p.node));
    expect(w.network.stats.framesDelivered).toBeGreaterThan(framesBefore);
    const pushed = w.network.mesh('T1')!.sessions().reduce((n, s) => n + s.stats.entriesOut, 0);
    expect(pushed).toBeGreaterThan(0);
    await checkStep(w);
  });

  it('a dropped connection loses its frames in flight; the next connection repairs by frontier', async () => {
    const w = await world(4);
    const entry = await w.appendResolved(w.peer('T2'), sale(300));
    // Drop every connection of T2 while its pushes are on the wire.
    while (w.network.links('T2').length > 0) w.network.drop(w.prng);
    expect(w.network.stats.framesLost).toBeGreaterThan(0);
    await w.deliverDue(Infinity);
    // Nobody else can have it: every frame carrying it was lost with its connection.
    expect(await holders(w, entry.id)).toEqual(['T2']);
    w.nowMs += 24 * 3_600_000;
    await w.deliverDue(Infinity);
    expect(await holders(w, entry.id)).toEqual(w.peers.map((p) => p.node));
    await checkStep(w);
  });

  it('a partition closes the connections across and none reopens until the heal', async () => {
    const w = await world(5);
    w.network.partition(w.prng);
    expect(w.network.partitioned).toBe(true);
    const across = (): number => w.peers.reduce((n, p) => n + w.network.links(p.node).filter((q) => !w.network.linked(p.node, q)).length, 0);
    expect(across()).toBe(0);
    const counts = w.peers.map((p) => w.network.links(p.node).length);
    w.nowMs += 48 * 3_600_000;
    await w.deliverDue(Infinity);
    expect(w.peers.map((p) => w.network.links(p.node).length)).toEqual(counts);
    w.network.heal();
    w.nowMs += 48 * 3_600_000;
    await w.deliverDue(Infinity);
    for (const p of w.peers) expect(w.network.links(p.node)).toHaveLength(w.peers.length - 1);
  });

  it('delays, cross-connection reorders and relays never break a connection’s order (no cut-off)', async () => {
    const w = await world(6);
    let faults = 0;
    for (let i = 0; i < 150; i++) {
      const writer = w.peers[1 + (i % 4)]!;
      await w.appendResolved(writer, sale(100 + i));
      const kind = i % 3;
      const note = kind === 0 ? w.network.delay(w.prng) : kind === 1 ? w.network.reorder(w.prng) : w.network.duplicate(w.prng, (t) => w.decode(t));
      if (note !== undefined) faults++;
      w.nowMs += w.prng.int(0, 20 * 60_000);
      await w.deliverDue();
    }
    w.nowMs += 10 * 24 * 3_600_000;
    await w.deliverDue(Infinity);
    expect(faults).toBeGreaterThan(100);
    expect(w.network.stats.events['cut-off'] ?? 0).toBe(0);
    expect(w.network.stats.connectionsClosedByBye).toBe(0);
    await checkStep(w);
  });

  it('a damaged entry inside a well-formed frame is refused by the journal, and counted', async () => {
    const w = await world(7);
    await w.appendResolved(w.peer('T1'), sale(410));
    expect(w.network.corrupt(w.prng)).toBeDefined();
    await w.deliverDue(Infinity);
    expect(w.corrupted.size).toBe(1);
    const refused = w.peers.reduce((n, p) => n + p.model.refused, 0);
    expect(refused).toBe(1);
    // The refusals invariant compares the journal's quarantine with the model.
    await checkStep(w);
  });
});
