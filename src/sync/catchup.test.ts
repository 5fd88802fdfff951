import { describe, expect, it } from 'vitest';
import { peerChain } from '../journal/conformance-kit.ts';
import { syncLimits } from './limits.ts';
import { Sim, runSeed } from './testing/sim.ts';

const seed = runSeed();

describe('catch-up of a large book', () => {
  it('a new device catches up on 100k entries, with bounded frames in flight', async () => {
    const sim = new Sim(seed);
    sim.burst = 64;
    const a = sim.device('T1');
    const t0 = performance.now();
    const chains = [peerChain('T7', 60_000), peerChain('T8', 40_000)];
    for (const chain of chains) {
      for (let i = 0; i < chain.length; i += 2000) await a.journal.ingest(chain.slice(i, i + 2000), 'file');
    }
    const t1 = performance.now();
    const b = sim.device('T2');
    sim.link(a, b);
    await sim.settle();
    const t2 = performance.now();
    expect(await b.journal.count()).toBe(100_000);
    const ids = new Set((await b.journal.all()).map((e) => e.id));
    expect(ids.size).toBe(100_000);
    expect(sim.largestFrame).toBeLessThanOrEqual(syncLimits.frameBytesMax);
    // The window of data frames plus a few control frames (credit, want, frontier).
    expect(sim.maxInFlight).toBeLessThanOrEqual(syncLimits.creditWindowFrames + 8);
    const s = a.mesh.sessions()[0]!;
    const sb = b.mesh.sessions()[0]!;
    const entryBytes = sb.stats.entryBytesIn;
    console.log(
      `catch-up 100k (seed ${seed}): setup ${(t1 - t0).toFixed(0)} ms, sync ${(t2 - t1).toFixed(0)} ms in Node memory journals; ` +
        `${s.stats.framesOut} frames, ${(s.stats.bytesOut / 100_000).toFixed(1)} B/entry on the wire vs ${(entryBytes / 100_000).toFixed(1)} B canonical ` +
        `(${(s.stats.bytesOut / entryBytes).toFixed(3)}x), max ${sim.maxInFlight} frames in flight`,
    );
    expect(s.stats.bytesOut / entryBytes).toBeLessThan(1.3);
  });
});
