/**
 * `npm run sim -- [--seeds N] [--first S] [--seed S] [--steps N] [--tablets N] [--hubs 1|2] [--credit FRAMES] [--trace] [--stop]`
 *
 * Runs seeds first..first+N-1 (default 1..20), or replays one seed with --seed
 * (add --trace to print every step). --credit sets the credit window every sync
 * session grants (small windows stress flow control). Prints a progress line, every failure with
 * the command that replays it, and a summary. Exits 1 when any seed failed.
 */
import { runSeed, type RunOptions } from './run.ts';
import { addRun, emptyTotals, formatFailure, formatTotals } from './summary.ts';

interface Cli {
  seeds: number;
  first: number;
  steps: number;
  tablets: number;
  hubs?: number;
  credit?: number;
  trace: boolean;
  stop: boolean;
}

function parse(argv: readonly string[]): Cli {
  const cli: Cli = { seeds: 20, first: 1, steps: 400, tablets: 8, trace: false, stop: false };
  for (let i = 0; i < argv.length; i++) {
    const flag = argv[i]!;
    const value = (): number => {
      const n = Number(argv[++i]);
      if (!Number.isSafeInteger(n) || n < 0) throw new Error(`${flag} needs a whole number`);
      return n;
    };
    if (flag === '--seeds') cli.seeds = value();
    else if (flag === '--first') cli.first = value();
    else if (flag === '--seed') [cli.first, cli.seeds] = [value(), 1];
    else if (flag === '--steps') cli.steps = value();
    else if (flag === '--tablets') cli.tablets = Math.max(2, value());
    else if (flag === '--hubs') cli.hubs = Math.min(2, Math.max(1, value()));
    else if (flag === '--credit') cli.credit = Math.max(1, value());
    else if (flag === '--trace') cli.trace = true;
    else if (flag === '--stop') cli.stop = true;
    else throw new Error(`unknown option ${flag}`);
  }
  return cli;
}

async function main(): Promise<number> {
  const cli = parse(process.argv.slice(2));
  const totals = emptyTotals();
  const started = performance.now();
  const interactive = process.stderr.isTTY === true;
  for (let k = 0; k < cli.seeds; k++) {
    const options: RunOptions = { seed: cli.first + k, steps: cli.steps, tablets: cli.tablets };
    if (cli.hubs !== undefined) options.hubs = cli.hubs;
    if (cli.credit !== undefined) options.creditWindowFrames = cli.credit;
    if (cli.trace) options.trace = (line) => console.log(line);
    const result = await runSeed(options);
    addRun(totals, result);
    if (result.failure !== undefined) console.log(`\n${formatFailure(result)}`);
    const progress = `seed ${options.seed} (${k + 1}/${cli.seeds})  steps ${totals.steps}  failed ${totals.failed.length}  ${((performance.now() - started) / 1000).toFixed(0)} s`;
    if (interactive) process.stderr.write(`\r${progress}   `);
    else if ((k + 1) % 10 === 0 || k + 1 === cli.seeds) console.log(progress);
    if (result.failure !== undefined && cli.stop) break;
  }
  if (interactive) process.stderr.write('\n');
  console.log(formatTotals(totals, performance.now() - started));
  if (totals.failed.length > 0) console.log(`failed seeds: ${totals.failed.map((r) => r.options.seed).join(' ')}`);
  return totals.failed.length > 0 ? 1 : 0;
}

main().then(
  (code) => process.exit(code),
  (error: unknown) => {
    console.error(error);
    process.exit(2);
  },
);
