/**
 * Model test of sync as a whole: any interleaving of posts, cuts, new links, crashes
 * and partial delivery, followed by a heal, leaves every device holding the same set
 * of entries, each stored once, with the same books. The reference model is the
 * plain union of everything posted.
 */
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { stateDigest } from '../core/digest.ts';
import { fold } from '../core/fold.ts';
import { propertyRuns } from '../testing/runs.ts';
import { Sim, type SimDevice, type SimLink } from './testing/sim.ts';

type Op =
  | { op: 'post'; device: number; count: number }
  | { op: 'link'; a: number; b: number }
  | { op: 'cut'; link: number }
  | { op: 'restart'; device: number }
  | { op: 'steps'; count: number };

const DEVICES = 3;
const op: fc.Arbitrary<Op> = fc.oneof(
  fc.record({ op: fc.constant('post' as const), device: fc.nat({ max: DEVICES - 1 }), count: fc.integer({ min: 1, max: 4 }) }),
  fc.record({ op: fc.constant('link' as const), a: fc.nat({ max: DEVICES - 1 }), b: fc.nat({ max: DEVICES - 1 }) }),
  fc.record({ op: fc.constant('cut' as const), link: fc.nat() }),
  fc.record({ op: fc.constant('restart' as const), device: fc.nat({ max: DEVICES - 1 }) }),
  fc.record({ op: fc.constant('steps' as const), count: fc.integer({ min: 1, max: 30 }) }),
);

async function run(seed: number, ops: readonly Op[]): Promise<void> {
  const sim = new Sim(seed, { session: { creditWindowFrames: 2 } });
  const devices: SimDevice[] = Array.from({ length: DEVICES }, (_, i) => sim.device(`T${i + 1}`));
  let links: SimLink[] = [];
  let posted = 0;
  for (const o of ops) {
    if (o.op === 'post') {
      await sim.post(devices[o.device]!, o.count);
      posted += o.count;
    } else if (o.op === 'link' && o.a !== o.b) links.push(sim.link(devices[o.a]!, devices[o.b]!));
    else if (o.op === 'cut' && links.length > 0) links[o.link % links.length]!.cut();
    else if (o.op === 'restart') devices[o.device] = await sim.restart(devices[o.device]!);
    else if (o.op === 'steps') {
      for (let i = 0; i < o.count && sim.step(); i++) await new Promise((resolve) => setImmediate(resolve));
    }
    links = links.filter((l) => l.up);
  }
  for (let i = 0; i < DEVICES; i++) for (let j = i + 1; j < DEVICES; j++) sim.link(devices[i]!, devices[j]!);
  await sim.settle();
  const expected = (await devices[0]!.journal.all()).map((e) => e.id).sort();
  expect(expected.length, `seed ${seed}`).toBe(posted);
  const digest = stateDigest(fold(await devices[0]!.journal.all()));
  for (const d of devices) {
    expect((await d.journal.all()).map((e) => e.id).sort(), `${d.peer}, seed ${seed}`).toEqual(expected);
    expect(d.store.texts.length).toBe(d.store.byId.size);
    expect(stateDigest(fold(await d.journal.all()))).toBe(digest);
    expect(d.logs.filter((l) => l.level === 'warn' && l.event !== 'closed'), `${d.peer}, seed ${seed}`).toEqual([]);
  }
}

describe('sync converges', () => {
  it('after any interleaving of posts, links, cuts, crashes and partial delivery (property)', async () => {
    await fc.assert(
      fc.asyncProperty(fc.integer({ min: 0, max: 2 ** 31 - 1 }), fc.array(op, { maxLength: 25 }), (seed, ops) => run(seed, ops)),
      { numRuns: propertyRuns() },
    );
  });
});
