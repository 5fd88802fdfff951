/**
 * The border fuzzers on a CI budget (DAYBOOK_FUZZ_CASES per target, 20,000 by
 * default; DAYBOOK_FUZZ_SEED picks the seed, 1 by default). `npm run fuzz` runs
 * the long version. Every case must end accepted or refused with a typed reason,
 * within the CPU bound; the harness itself is checked to catch what it claims to.
 */
import { describe, expect, it } from 'vitest';
import { fuzzCanonical } from './canonical.fuzz.ts';
import { caseCpuMsMax, refusalProblem, runFuzz, type FuzzReport } from './harness.ts';
import { fuzzValidate } from './validate.fuzz.ts';
import { refuse } from '../src/core/result.ts';

const CASES = positive(process.env['DAYBOOK_FUZZ_CASES']) ?? 20_000;
const SEED = positive(process.env['DAYBOOK_FUZZ_SEED']) ?? 1;

function positive(text: string | undefined): number | undefined {
  const n = Number(text);
  return Number.isSafeInteger(n) && n > 0 ? n : undefined;
}

function bugsOf(report: FuzzReport): string[] {
  return report.bugs.map((b) => `case ${b.case} (${b.kind}; ${b.ops.join(' ')}): ${b.detail}`);
}

describe('border fuzzing', () => {
  it(`the validator: ${CASES} mutated and random inputs, each accepted or refused with a typed reason`, () => {
    const report = fuzzValidate(SEED, CASES);
    console.log(`validate fuzz: ${report.cases} cases, outcomes ${JSON.stringify(report.outcomes)}, slowest ${report.slowestMs.toFixed(2)} ms CPU`);
    expect(bugsOf(report)).toEqual([]);
    expect(report.cases).toBe(CASES);
    // The mutations must reach the deep rules, or the run proves little beyond the parser.
    for (const code of ['ok', 'shape', 'invalid-utf8', 'invalid-json', 'not-canonical', 'too-large', 'too-deep', 'bad-id', 'bad-chain', 'bad-seq', 'bad-date', 'bad-hlc', 'unknown-kind']) {
      expect(Object.keys(report.outcomes)).toContain(code);
    }
    if (CASES >= 20_000) for (const code of ['unbalanced', 'bad-amount', 'bad-account', 'limit']) expect(Object.keys(report.outcomes)).toContain(code);
  });

  it(`the canonical codec: ${CASES} cases, parse and write agree`, () => {
    const report = fuzzCanonical(SEED, CASES);
    console.log(`canonical fuzz: ${report.cases} cases, outcomes ${JSON.stringify(report.outcomes)}, known ${JSON.stringify(report.known)}`);
    expect(bugsOf(report)).toEqual([]);
    expect(report.cases).toBe(CASES);
    for (const code of ['ok', 'invalid-json', 'invalid-utf8', 'not-canonical', 'too-large', 'too-deep', 'no-canonical-form']) {
      expect(Object.keys(report.outcomes)).toContain(code);
    }
    expect(report.known).toEqual({});
  });

  it('one case replays alone, with the same outcome as in its run', () => {
    const run = fuzzValidate(SEED, 200);
    const replayed: Record<string, number> = {};
    for (let i = 0; i < 200; i++) {
      const one = fuzzValidate(SEED, 1, i);
      for (const [k, v] of Object.entries(one.outcomes)) replayed[k] = (replayed[k] ?? 0) + v;
    }
    expect(replayed).toEqual(run.outcomes);
  });
});

describe('the harness', () => {
  it('reports a throw, a slow case, an untyped refusal and a judge objection as bugs', () => {
    const kinds = ['throw', 'slow', 'bad-refusal', 'judge', 'fine'] as const;
    const slowUs = caseCpuMsMax() * 1500;
    let next = 0;
    const report = runFuzz('test', 1, kinds.length, () => {
      const kind = kinds[next++]!;
      return {
        ops: [kind],
        run: () => {
          if (kind === 'throw') throw new RangeError('boom');
          if (kind === 'slow') for (const end = process.cpuUsage().user + slowUs; process.cpuUsage().user < end; );
          return kind === 'bad-refusal' ? { ok: false as const, refusal: { code: 'nonsense' as never, message: 'x' } } : refuse('shape', 'A readable reason.');
        },
        outcome: () => 'refused',
        judge: (r) => (kind === 'judge' ? 'objection' : r.ok ? undefined : refusalProblem(r.refusal)),
      };
    });
    expect(report.bugs.map((b) => b.kind).sort()).toEqual(['bad-refusal', 'judge', 'slow', 'throw']);
  });
});
