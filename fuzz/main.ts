/**
 * `npm run fuzz -- [--cases N] [--seed S] [--target validate|canonical|frame|yjs|all] [--case I]`
 *
 * Runs N cases (default 100,000) against each target from seed S (default 1), with
 * a progress line per 10,000 cases, and prints outcomes, the slowest case and every
 * bug with its replay command. --case I replays case I alone. Exits 1 on any bug.
 */
import { fuzzCanonical } from './canonical.fuzz.ts';
import { fuzzFrame } from './frame.fuzz.ts';
import { formatReport, type FuzzReport } from './harness.ts';
import { fuzzValidate } from './validate.fuzz.ts';
import { fuzzYjs } from './yjs.fuzz.ts';

const TARGETS: Record<string, (seed: number, cases: number, first?: number) => FuzzReport | Promise<FuzzReport>> = {
  validate: fuzzValidate,
  canonical: fuzzCanonical,
  frame: fuzzFrame,
  yjs: fuzzYjs,
};

interface Cli {
  cases: number;
  seed: number;
  targets: string[];
  only?: number;
}

function parse(argv: readonly string[]): Cli {
  const cli: Cli = { cases: 100_000, seed: 1, targets: Object.keys(TARGETS) };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const next = argv[++i] ?? '';
    const n = Number(next);
    if (flag === '--cases' && Number.isSafeInteger(n) && n > 0) cli.cases = n;
    else if (flag === '--seed' && Number.isSafeInteger(n) && n >= 0) cli.seed = n;
    else if (flag === '--case' && Number.isSafeInteger(n) && n >= 0) cli.only = n;
    else if (flag === '--target' && (next === 'all' || next in TARGETS)) cli.targets = next === 'all' ? Object.keys(TARGETS) : [next];
    else throw new Error(`bad option ${flag} ${next}`);
  }
  return cli;
}

async function main(): Promise<number> {
  const cli = parse(process.argv.slice(2));
  let bugs = 0;
  for (const target of cli.targets) {
    const fuzz = TARGETS[target]!;
    if (cli.only !== undefined) {
      const report = await fuzz(cli.seed, 1, cli.only);
      console.log(formatReport(report));
      console.log(`  case ${cli.only}: ops ${Object.keys(report.ops).join(' ')}; outcome ${Object.keys(report.outcomes).join('')}`);
      bugs += report.bugCount;
      continue;
    }
    const chunk = 10_000;
    const total: FuzzReport = { target, seed: cli.seed, cases: 0, outcomes: {}, ops: {}, bugs: [], bugCount: 0, known: {}, slowestMs: 0, elapsedMs: 0 };
    for (let first = 0; first < cli.cases; first += chunk) {
      const part = await fuzz(cli.seed, Math.min(chunk, cli.cases - first), first);
      merge(total, part);
      console.log(`${target}: ${total.cases}/${cli.cases} cases, ${total.bugCount} bugs, ${(total.elapsedMs / 1000).toFixed(0)} s`);
    }
    console.log(formatReport(total));
    console.log(`  mutations: ${Object.entries(total.ops).sort(([a], [b]) => (a < b ? -1 : 1)).map(([k, v]) => `${k} ${v}`).join(', ')}`);
    bugs += total.bugCount;
  }
  return bugs > 0 ? 1 : 0;
}

function merge(into: FuzzReport, part: FuzzReport): void {
  into.cases += part.cases;
  into.bugCount += part.bugCount;
  into.bugs.push(...part.bugs.slice(0, Math.max(0, 20 - into.bugs.length)));
  into.slowestMs = Math.max(into.slowestMs, part.slowestMs);
  into.elapsedMs += part.elapsedMs;
  for (const [k, v] of Object.entries(part.outcomes)) into.outcomes[k] = (into.outcomes[k] ?? 0) + v;
  for (const [k, v] of Object.entries(part.ops)) into.ops[k] = (into.ops[k] ?? 0) + v;
  for (const [k, v] of Object.entries(part.known)) into.known[k] = (into.known[k] ?? 0) + v;
}

process.exit(await main());
