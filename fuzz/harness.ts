/**
 * The fuzz loop shared by every border: case i of seed S is generated from its own
 * PRNG (so one case replays alone), run under a CPU-time bound, and judged. The
 * outcome of every case is "accepted" or "refused with a typed reason"; a throw, a
 * case over the time bound, or a judge's objection is a bug, reported with the
 * command that replays it.
 */
import { REFUSAL_CODES, type Refusal } from '../src/core/result.ts';
import { INTERNAL_FAULT } from '../src/core/validate.ts';
import { Prng } from '../sim/prng.ts';

/** Per-case CPU bound: a hang detector far above the microseconds a case takes (override: DAYBOOK_FUZZ_CASE_MS). */
export function caseCpuMsMax(): number {
  const fromEnv = Number(process.env['DAYBOOK_FUZZ_CASE_MS']);
  return Number.isFinite(fromEnv) && fromEnv > 0 ? fromEnv : 100;
}

export interface FuzzBug {
  case: number;
  kind: 'throw' | 'slow' | 'bad-refusal' | 'judge';
  detail: string;
  ops: string[];
}

export interface FuzzReport {
  target: string;
  seed: number;
  cases: number;
  /** 'ok' or the refusal code, with counts. */
  outcomes: Record<string, number>;
  /** Mutation families and operators used, with counts. */
  ops: Record<string, number>;
  bugs: FuzzBug[];
  bugCount: number;
  /** Objections the judge marks as known findings (reported, not failing), with counts. */
  known: Record<string, number>;
  slowestMs: number;
  elapsedMs: number;
}

/** One generated case: a label for the report, and the work to time. */
export interface FuzzCase<T> {
  ops: string[];
  /** The call under test; must return, never throw. */
  run: () => T;
  /** Judge the result: undefined when it keeps the contract, else what is wrong. */
  judge: (result: T) => string | undefined;
  /** The outcome to count: 'ok' or a refusal code. */
  outcome: (result: T) => string;
}

/** The PRNG of case `index` of `seed`: independent of every other case. */
export function casePrng(seed: number, index: number): Prng {
  return new Prng((Math.imul(seed >>> 0, 0x9e3779b1) ^ Math.imul(index + 1, 0x85ebca77)) >>> 0);
}

/** Run cases [first, first + cases) of `seed` through `make`. */
export function runFuzz<T>(target: string, seed: number, cases: number, make: (prng: Prng) => FuzzCase<T>, first = 0): FuzzReport {
  const report = emptyReport(target, seed);
  const started = performance.now();
  for (let i = first; i < first + cases; i++) {
    const c = make(casePrng(seed, i));
    const cpu = process.cpuUsage();
    let settled: Settled<T>;
    try {
      settled = { result: c.run() };
    } catch (error) {
      settled = { error };
    }
    record(report, i, c, settled, process.cpuUsage(cpu));
  }
  report.elapsedMs = performance.now() - started;
  return report;
}

/** A case whose call under test is asynchronous (it must settle, never reject). */
export interface AsyncFuzzCase<T> extends Omit<FuzzCase<T>, 'run'> {
  run: () => Promise<T>;
}

/**
 * runFuzz for an asynchronous border: each case is awaited before the next begins,
 * so the CPU time measured is the case's own (its microtasks included). A rejection
 * counts as a throw.
 */
export async function runFuzzAsync<T>(target: string, seed: number, cases: number, make: (prng: Prng) => AsyncFuzzCase<T>, first = 0): Promise<FuzzReport> {
  const report = emptyReport(target, seed);
  const started = performance.now();
  for (let i = first; i < first + cases; i++) {
    const c = make(casePrng(seed, i));
    const cpu = process.cpuUsage();
    let settled: Settled<T>;
    try {
      settled = { result: await c.run() };
    } catch (error) {
      settled = { error };
    }
    record(report, i, c, settled, process.cpuUsage(cpu));
  }
  report.elapsedMs = performance.now() - started;
  return report;
}

type Settled<T> = { result: T } | { error: unknown };

function emptyReport(target: string, seed: number): FuzzReport {
  return { target, seed, cases: 0, outcomes: {}, ops: {}, bugs: [], bugCount: 0, known: {}, slowestMs: 0, elapsedMs: 0 };
}

/** Count case `index` into the report: its ops, its outcome, and any bug (a throw, a slow case, an objection). */
function record<T>(report: FuzzReport, index: number, c: Omit<FuzzCase<T>, 'run'>, settled: Settled<T>, used: NodeJS.CpuUsage): void {
  report.cases++;
  for (const op of c.ops) report.ops[op] = (report.ops[op] ?? 0) + 1;
  const bug = (kind: FuzzBug['kind'], detail: string): void => {
    report.bugCount++;
    if (report.bugs.length < 20) report.bugs.push({ case: index, kind, detail, ops: c.ops });
  };
  if ('error' in settled) return bug('throw', describe(settled.error));
  const ms = (used.user + used.system) / 1000;
  report.slowestMs = Math.max(report.slowestMs, ms);
  if (ms > caseCpuMsMax()) bug('slow', `${ms.toFixed(1)} ms of CPU (bound ${caseCpuMsMax()} ms)`);
  const outcome = c.outcome(settled.result);
  report.outcomes[outcome] = (report.outcomes[outcome] ?? 0) + 1;
  const objection = c.judge(settled.result);
  if (objection?.startsWith('known:') === true) report.known[objection] = (report.known[objection] ?? 0) + 1;
  else if (objection !== undefined) bug(objection.startsWith('refusal:') ? 'bad-refusal' : 'judge', objection);
}

/** What is wrong with a refusal, if anything: an unknown code, an unreadable message, an internal fault. */
export function refusalProblem(refusal: Refusal): string | undefined {
  if (!(REFUSAL_CODES as readonly string[]).includes(refusal.code)) return `refusal: unknown code ${String(refusal.code)}`;
  if (typeof refusal.message !== 'string' || refusal.message.length === 0 || refusal.message.length > 400) return 'refusal: message missing or over 400 characters';
  if (refusal.message.includes(INTERNAL_FAULT)) return `refusal: internal fault: ${refusal.message}`;
  return undefined;
}

export function describe(error: unknown): string {
  if (error instanceof Error) return `${error.name}: ${error.message}`.slice(0, 300);
  return String(error).slice(0, 300);
}

/** A report as lines: outcomes, the slowest case, and each bug with its replay command. */
export function formatReport(r: FuzzReport): string {
  const outcomes = Object.entries(r.outcomes).sort(([, a], [, b]) => b - a).map(([k, v]) => `${k} ${v}`).join(', ');
  const lines = [
    `${r.target}: ${r.cases} cases in ${(r.elapsedMs / 1000).toFixed(1)} s, seed ${r.seed}; ${r.bugCount} bugs; slowest case ${r.slowestMs.toFixed(2)} ms CPU`,
    `  outcomes: ${outcomes}`,
    ...Object.entries(r.known).map(([what, n]) => `  ${what} (${n} cases)`),
  ];
  for (const bug of r.bugs) {
    lines.push(`  BUG case ${bug.case} (${bug.kind}; ${bug.ops.join(' ')}): ${bug.detail}`);
    lines.push(`    replay: npm run fuzz -- --target ${r.target} --seed ${r.seed} --case ${bug.case}`);
  }
  return lines.join('\n');
}
