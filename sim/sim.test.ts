/**
 * The simulator on a CI budget: DAYBOOK_SIM_SEEDS seeds (24 by default) of
 * DAYBOOK_SIM_STEPS steps (100 by default, was 300: since the world syncs through
 * the real src/sync sessions a step costs about twice what the old simulated
 * gossip did, and the run must stay well under the 120 s test timeout on a loaded
 * machine), from DAYBOOK_SIM_FIRST (1). Each seed must pass every invariant at
 * every step and converge at quiescence. A failure
 * prints the command that replays it; `npm run sim -- --seeds N` runs more.
 */
import { describe, expect, it } from 'vitest';
import { stateDigest } from '../src/core/digest.ts';
import { FAULT_KINDS } from './actions.ts';
import { replayCommand, runSeed, type RunResult } from './run.ts';
import { addRun, emptyTotals, formatFailure, formatTotals } from './summary.ts';

function fromEnv(name: string, fallback: number): number {
  const n = Number(process.env[name]);
  return Number.isSafeInteger(n) && n > 0 ? n : fallback;
}

const SEEDS = fromEnv('DAYBOOK_SIM_SEEDS', 24);
const STEPS = fromEnv('DAYBOOK_SIM_STEPS', 100);
const FIRST = fromEnv('DAYBOOK_SIM_FIRST', 1);

describe('simulation', () => {
  it(`${SEEDS} seeds of ${STEPS} steps: every invariant at every step, convergence at quiescence`, async () => {
    const totals = emptyTotals();
    const started = performance.now();
    for (let seed = FIRST; seed < FIRST + SEEDS; seed++) {
      const result = await runSeed({ seed, steps: STEPS, tablets: 8 });
      addRun(totals, result);
      if (result.failure !== undefined) console.log(formatFailure(result));
    }
    console.log(formatTotals(totals, performance.now() - started));
    expect(totals.failed.map((r) => replayCommand(r.options))).toEqual([]);
    expect(totals.steps).toBe(SEEDS * STEPS);
    // The world synced through the real sessions, and lost connections with frames on them.
    expect(totals.wire.framesDelivered).toBeGreaterThan(SEEDS * STEPS);
    expect(totals.wire.connectionsDropped).toBeGreaterThan(0);
    expect(totals.wire.framesLost).toBeGreaterThan(0);
    // Every kind of fault must actually have been injected, or the budget proves less than it claims.
    if (SEEDS >= 8) for (const kind of FAULT_KINDS) expect(totals.actions[kind] ?? 0, kind).toBeGreaterThan(0);
    // A seal needs a close and every tablet's ack first: too rare for 100-step runs; regressions.test.ts pins seed 57, which seals.
    if (SEEDS >= 8) for (const kind of ['twin-negate', 'join', 'retire', 'save-draft', 'late-entry']) expect(totals.actions[kind] ?? 0, kind).toBeGreaterThan(0);
  });

  it('replays a seed exactly: the same steps, the same books', async () => {
    const trace = async (): Promise<{ lines: string[]; result: RunResult }> => {
      const lines: string[] = [];
      const result = await runSeed({ seed: 424242, steps: 120, tablets: 5, trace: (line) => lines.push(line) });
      return { lines, result };
    };
    const a = await trace();
    const b = await trace();
    expect(a.result.failure).toBeUndefined();
    expect(b.lines).toEqual(a.lines);
    // The same frames, to the byte: the sessions took no time or randomness of their own.
    expect(b.result.world.network.stats).toEqual(a.result.world.network.stats);
    const digests = async (r: RunResult): Promise<string[]> => Promise.all(r.world.peers.map(async (p) => stateDigest(await p.ledger())));
    expect(await digests(b.result)).toEqual(await digests(a.result));
    expect(a.result.world.made.size).toBeGreaterThan(20);
  });
});
