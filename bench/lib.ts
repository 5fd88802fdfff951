/**
 * A tiny benchmark kit. The machines are shared and noisy, so every figure is a
 * median over several runs, and every benchmark prints a baseline measured in the
 * same run beside it, with the ratio.
 */
import { performance } from 'node:perf_hooks';

export interface Measured {
  name: string;
  /** Median wall time of one run, in milliseconds. */
  medianMs: number;
  runs: number;
  /** Items processed per run (entries, postings, ...), for a throughput figure. */
  items?: number;
}

/** Run `fn` `runs` times (after `warmup` untimed runs) and return the median time. */
export async function measure(
  name: string,
  fn: () => unknown,
  options: { runs?: number; warmup?: number; items?: number } = {},
): Promise<Measured> {
  const runs = options.runs ?? 5;
  for (let i = 0; i < (options.warmup ?? 1); i++) await fn();
  const times: number[] = [];
  for (let i = 0; i < runs; i++) {
    const start = performance.now();
    await fn();
    times.push(performance.now() - start);
  }
  const result: Measured = { name, medianMs: median(times), runs };
  if (options.items !== undefined) result.items = options.items;
  return result;
}

export function median(values: readonly number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  if (sorted.length === 0) return Number.NaN;
  return sorted.length % 2 === 1 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

export function percentile(values: readonly number[], p: number): number {
  const sorted = [...values].sort((a, b) => a - b);
  if (sorted.length === 0) return Number.NaN;
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index]!;
}

/** Print one figure, its throughput, and (optionally) its ratio to a baseline. */
export function report(m: Measured, baseline?: Measured, goal?: string): void {
  const perSec = m.items === undefined ? '' : `  ${formatRate(m.items / (m.medianMs / 1000))}/s`;
  const ratio = baseline === undefined ? '' : `  ${(m.medianMs / baseline.medianMs).toFixed(2)}x the time of "${baseline.name}"`;
  const goalText = goal === undefined ? '' : `  goal: ${goal}`;
  console.log(`  ${m.name.padEnd(52)} median ${m.medianMs.toFixed(2).padStart(10)} ms (n=${m.runs})${perSec}${ratio}${goalText}`);
}

function formatRate(rate: number): string {
  if (rate >= 1e6) return `${(rate / 1e6).toFixed(2)}M`;
  if (rate >= 1e3) return `${(rate / 1e3).toFixed(1)}k`;
  return rate.toFixed(0);
}

export function heading(title: string): void {
  console.log(`\n${title}`);
}
