/**
 * Findings of the border fuzzers, each pinned by the case that found it.
 */
import { describe, expect, it } from 'vitest';
import { canonicalString, NotCanonicalError, parseCanonical } from '../src/core/canonical.ts';
import { limits } from '../src/core/limits.ts';
import { fuzzCanonical } from './canonical.fuzz.ts';

function nestedEmpty(depth: number): unknown {
  let value: unknown = [];
  for (let i = 0; i < depth; i++) value = [value];
  return value;
}

describe('fuzz findings', () => {
  // Seed 1 case 1269 found it: canonicalString counted value depth, parseCanonical
  // bracket depth, so `[]` nested nestingMax deep was written and then refused as too
  // deep. canonical.ts now counts brackets in both.
  it('canonical seed 1 case 1269: the empty container at the depth limit now agrees', () => {
    const report = fuzzCanonical(1, 1, 1269);
    expect(report.bugs).toEqual([]);
    expect(report.known).toEqual({});
  });

  it('canonicalString writes what parseCanonical accepts at the depth limit, and nothing deeper', () => {
    const atLimit = canonicalString(nestedEmpty(limits.nestingMax - 1));
    expect(parseCanonical(atLimit).ok).toBe(true);
    expect(() => canonicalString(nestedEmpty(limits.nestingMax))).toThrow(NotCanonicalError);
    expect(parseCanonical(`${'['.repeat(limits.nestingMax + 1)}${']'.repeat(limits.nestingMax + 1)}`)).toMatchObject({ ok: false, refusal: { code: 'too-deep' } });
  });
});
