/**
 * The simulator on a CI budget: DAYBOOK_SIM_SEEDS seeds (24 by default) of
 * DAYBOOK_SIM_STEPS steps (300 by default), from DAYBOOK_SIM_FIRST (1). Each seed
 * must pass every invariant at every step and converge at quiescence. A failure
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
const STEPS = fromEnv('DAYBOOK_SIM_STEPS', 300);
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
    // Every kind of fault must actually have been injected, or the budget proves less than it claims.
    if (SEEDS >= 8) for (const kind of FAULT_KINDS) expect(totals.actions[kind] ?? 0, kind).toBeGreaterThan(0);
    if (SEEDS >= 8) for (const kind of ['seal', 'twin-negate', 'join', 'retire', 'save-draft', 'late-entry']) expect(totals.actions[kind] ?? 0, kind).toBeGreaterThan(0);
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
    const digests = async (r: RunResult): Promise<string[]> => Promise.all(r.world.peers.map(async (p) => stateDigest(await p.ledger())));
    expect(await digests(b.result)).toEqual(await digests(a.result));
    expect(a.result.world.made.size).toBeGreaterThan(20);
  });
});
