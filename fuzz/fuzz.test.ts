/**
 * The border fuzzers on a CI budget (DAYBOOK_FUZZ_CASES per target, 20,000 by
 * default, except the Yjs bridge: 4,000 by default, as each of its cases opens a
 * journal and a document; DAYBOOK_FUZZ_SEED picks the seed, 1 by default). `npm run fuzz` runs
 * the long version. Every case must end accepted or refused with a typed reason,
 * within the CPU bound; the harness itself is checked to catch what it claims to.
 */
import { describe, expect, it } from 'vitest';
import { fuzzCanonical } from './canonical.fuzz.ts';
import { fuzzFrame } from './frame.fuzz.ts';
import { caseCpuMsMax, refusalProblem, runFuzz, type FuzzReport } from './harness.ts';
import { fuzzValidate } from './validate.fuzz.ts';
import { fuzzYjs, HUGE_STRUCT_COUNT, LARGE_UPDATE } from './yjs.fuzz.ts';
import { refuse } from '../src/core/result.ts';

const CASES = positive(process.env['DAYBOOK_FUZZ_CASES']) ?? 20_000;
const SEED = positive(process.env['DAYBOOK_FUZZ_SEED']) ?? 1;
const YJS_CASES = positive(process.env['DAYBOOK_FUZZ_CASES']) ?? 4_000;

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

  it(`the sync frame decoder: ${CASES} damaged, field-written, random and oversized frames, each accepted and re-encoded or refused with a typed reason`, () => {
    const report = fuzzFrame(SEED, CASES);
    console.log(`frame fuzz: ${report.cases} cases, outcomes ${JSON.stringify(report.outcomes)}, known ${JSON.stringify(report.known)}, slowest ${report.slowestMs.toFixed(2)} ms CPU`);
    expect(bugsOf(report)).toEqual([]);
    expect(report.cases).toBe(CASES);
    // Every frame type must be accepted somewhere, and every way of refusing reached.
    for (const type of ['hello', 'frontier', 'want', 'entries', 'yjs', 'credit', 'bye']) expect(Object.keys(report.outcomes)).toContain(`ok:${type}`);
    for (const code of ['empty', 'too-large', 'bad-version', 'unknown-type', 'trailing-bytes', 'limit', 'bad-value', 'truncated', 'bad-varint', 'bad-utf8', 'too-long']) {
      expect(Object.keys(report.outcomes)).toContain(code);
    }
    expect(report.known).toEqual({});
  });

  it(`the Yjs bridge: ${YJS_CASES} hostile updates, nothing reaches the journal but valid entries under their own ids`, async () => {
    const report = await fuzzYjs(SEED, YJS_CASES);
    console.log(`yjs fuzz: ${report.cases} cases in ${(report.elapsedMs / 1000).toFixed(1)} s, outcomes ${JSON.stringify(report.outcomes)}, slowest ${report.slowestMs.toFixed(2)} ms CPU`);
    // A slow case whose update claims millions of structs (the pinned Yjs finding) or
    // is over 1 MiB (within the limit: a measured cost) is reported, not failed; anything else is a bug.
    const bugs = report.bugs.filter((b) => !(b.kind === 'slow' && (b.ops.includes(HUGE_STRUCT_COUNT) || b.ops.includes(LARGE_UPDATE))));
    expect(bugsOf({ ...report, bugs })).toEqual([]);
    expect(report.cases).toBe(YJS_CASES);
    for (const outcome of ['rejected', 'ignored', 'forwarded', 'forwarded+ignored']) expect(Object.keys(report.outcomes)).toContain(outcome);
  }, 120_000);

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
