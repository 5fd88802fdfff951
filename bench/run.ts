/**
 * The bench runner: `npm run bench [-- [--node-only] [name ...]]`.
 *
 * Imports every `bench/*.bench.ts` and awaits its exported `run()`, one file at a
 * time, in name order: Node benches first, then the `*.browser.bench.ts` files
 * (which launch Chromium themselves) unless `--node-only`. Names given on the
 * command line keep only the files whose name contains one of them
 * (`npm run bench -- fold` runs bench/fold.bench.ts).
 *
 * Files run one after another, never in parallel: the machines are shared and
 * small, and two benches at once would measure each other. A failing bench is
 * reported and the others still run; the exit code says whether all passed.
 */
import { readdirSync } from 'node:fs';
import { basename, join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { pathToFileURL } from 'node:url';

const BENCH_DIR = import.meta.dirname;
const BENCH_FILE = /\.bench\.ts$/;
const BROWSER_FILE = /\.browser\.bench\.ts$/;

interface Options {
  nodeOnly: boolean;
  filters: string[];
}

/** Parse argv: `--node-only`, `--help`, and name filters. Exits on an unknown flag. */
function parseArgs(argv: readonly string[]): Options {
  const options: Options = { nodeOnly: false, filters: [] };
  for (const arg of argv) {
    if (arg === '--node-only') options.nodeOnly = true;
    else if (arg === '--help' || arg === '-h') usage(0);
    else if (arg.startsWith('-')) usage(2, `unknown option ${arg}`);
    else options.filters.push(arg.toLowerCase());
  }
  return options;
}

function usage(code: number, problem?: string): never {
  if (problem !== undefined) console.error(problem);
  console.log('usage: npm run bench -- [--node-only] [name ...]');
  console.log('  runs bench/*.bench.ts (then *.browser.bench.ts unless --node-only);');
  console.log('  names keep only the files whose name contains one of them.');
  process.exit(code);
}

/** The bench files to run, Node ones first, each group in name order. */
function selectFiles(options: Options): string[] {
  const all = readdirSync(BENCH_DIR).filter((name) => BENCH_FILE.test(name)).sort();
  const wanted = all.filter((name) => options.filters.length === 0 || options.filters.some((f) => name.toLowerCase().includes(f)));
  const node = wanted.filter((name) => !BROWSER_FILE.test(name));
  const browser = options.nodeOnly ? [] : wanted.filter((name) => BROWSER_FILE.test(name));
  return [...node, ...browser];
}

/** Import one bench file and await its `run()`. Returns false if it failed. */
async function runFile(name: string): Promise<boolean> {
  console.log(`\n=== bench/${name} ===`);
  const start = performance.now();
  try {
    const module = (await import(pathToFileURL(join(BENCH_DIR, name)).href)) as { run?: unknown };
    if (typeof module.run !== 'function') throw new Error(`bench/${name} does not export a run() function`);
    await (module.run as () => unknown)();
    console.log(`--- bench/${name} done in ${((performance.now() - start) / 1000).toFixed(1)} s`);
    return true;
  } catch (error) {
    console.error(`--- bench/${name} FAILED:`, error);
    return false;
  } finally {
    // Leave the next bench a clean heap when node runs with --expose-gc (npm run bench does).
    (globalThis as { gc?: () => void }).gc?.();
  }
}

async function main(): Promise<void> {
  const options = parseArgs(process.argv.slice(2));
  const files = selectFiles(options);
  if (files.length === 0) {
    const filtered = options.filters.length > 0 ? ` matching ${options.filters.join(', ')}` : '';
    console.log(`No benchmarks${filtered} in ${basename(BENCH_DIR)}/ (files named *.bench.ts).`);
    process.exitCode = options.filters.length > 0 ? 1 : 0;
    return;
  }
  const gcNote = typeof (globalThis as { gc?: unknown }).gc === 'function' ? 'gc exposed' : 'gc not exposed';
  console.log(`daybook benchmarks: ${files.length} file(s), Node ${process.version}, ${gcNote}`);
  const failed: string[] = [];
  for (const name of files) if (!(await runFile(name))) failed.push(name);
  if (failed.length > 0) {
    console.error(`\n${failed.length} of ${files.length} bench file(s) failed: ${failed.join(', ')}`);
    process.exitCode = 1;
  } else {
    console.log(`\nAll ${files.length} bench file(s) ran.`);
  }
}

await main();
