/**
 * Seeds that once found a bug, replayed exactly as the simulator ran them. Each
 * entry names the bug and where it was fixed; a seed stays here for good, so the
 * same story can never break the same way again.
 */
import { describe, expect, it } from 'vitest';
import { replayCommand, runSeed, type RunOptions } from './run.ts';
import { formatFailure } from './summary.ts';

interface Regression {
  options: RunOptions;
  /** What the seed found, and in which file the fix lives. */
  found: string;
}

const REGRESSIONS: readonly Regression[] = [];

describe('simulator regressions', () => {
  it('has a seed for every bug the simulator found', () => {
    // An empty list is a statement too: so far the simulator found no product bug (see the module README in the report).
    expect(Array.isArray(REGRESSIONS)).toBe(true);
  });

  for (const { options, found } of REGRESSIONS) {
    it(`${replayCommand(options)}: ${found}`, async () => {
      const result = await runSeed(options);
      expect(result.failure === undefined ? 'passes' : formatFailure(result)).toBe('passes');
    });
  }
});
