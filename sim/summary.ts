/**
 * Totals over many runs, and how they are printed: seeds, steps, faults of each
 * kind injected, invariant checks run, sync traffic, and what evictions cost.
 */
import { FAULT_KINDS } from './actions.ts';
import { emptyEvictionStats, type EvictionStats } from './eviction.ts';
import { emptyWireStats, type WireStats } from './network.ts';
import { replayCommand, type RunResult } from './run.ts';

export interface Totals {
  seeds: number;
  failed: RunResult[];
  steps: number;
  entries: number;
  actions: Record<string, number>;
  checks: Record<string, number>;
  resolved: number;
  committedUnresolved: number;
  lostInCrash: number;
  sealRefusedAfterCheck: number;
  delivered: number;
  /** Query store batches on the fast path, and by folding again. */
  applies: { fast: number; refold: number };
  quiescenceRoundsMax: number;
  wire: WireStats;
  eviction: EvictionStats;
}

export function emptyTotals(): Totals {
  return {
    seeds: 0,
    failed: [],
    steps: 0,
    entries: 0,
    actions: {},
    checks: {},
    resolved: 0,
    committedUnresolved: 0,
    lostInCrash: 0,
    sealRefusedAfterCheck: 0,
    delivered: 0,
    applies: { fast: 0, refold: 0 },
    quiescenceRoundsMax: 0,
    wire: emptyWireStats(),
    eviction: emptyEvictionStats(),
  };
}

function addCounts(into: Record<string, number>, from: Record<string, number>): void {
  for (const [k, v] of Object.entries(from)) into[k] = (into[k] ?? 0) + v;
}

export function addRun(totals: Totals, result: RunResult): void {
  const { world } = result;
  totals.seeds++;
  if (result.failure !== undefined) totals.failed.push(result);
  totals.steps += result.steps;
  totals.entries += world.made.size;
  addCounts(totals.actions, world.counts.actions);
  addCounts(totals.checks, world.counts.checks);
  totals.resolved += world.counts.resolved;
  totals.committedUnresolved += world.counts.committedUnresolved;
  totals.lostInCrash += world.counts.lostInCrash;
  totals.sealRefusedAfterCheck += world.counts.sealRefusedAfterCheck;
  totals.delivered += world.counts.delivered;
  for (const peer of world.peers) {
    totals.applies.fast += peer.applies.fast;
    totals.applies.refold += peer.applies.refold;
  }
  totals.quiescenceRoundsMax = Math.max(totals.quiescenceRoundsMax, result.quiescenceRounds ?? 0);
  const w = world.network.stats;
  for (const key of Object.keys(totals.wire) as Array<keyof WireStats>) {
    if (key === 'events' || key === 'framesByType') addCounts(totals.wire[key], w[key]);
    else totals.wire[key] += w[key];
  }
  const e = world.eviction;
  for (const key of Object.keys(totals.eviction) as Array<keyof EvictionStats>) {
    if (key === 'lostAgesMs') totals.eviction.lostAgesMs.push(...e.lostAgesMs);
    else if (key === 'overstatedNotes') totals.eviction.overstatedNotes.push(...e.overstatedNotes.slice(0, Math.max(0, 5 - totals.eviction.overstatedNotes.length)));
    else totals.eviction[key] += e[key];
  }
}

/** A failed run as a person reads it: what broke, the last steps, and the command that replays it. */
export function formatFailure(result: RunResult): string {
  const f = result.failure!;
  return [
    `FAILED seed ${result.options.seed} at step ${f.step}: ${f.message}`,
    '  last steps:',
    ...f.recent.map((line) => `    ${line}`),
    `  replay: ${replayCommand(result.options)}`,
  ].join('\n');
}

export function formatTotals(t: Totals, elapsedMs: number): string {
  const lines: string[] = [];
  lines.push(`seeds ${t.seeds} (${t.failed.length} failed), steps ${t.steps}, entries made ${t.entries}, ${(elapsedMs / 1000).toFixed(1)} s`);
  const done = (name: string): number => t.actions[name] ?? 0;
  const skipped = (name: string): number => t.actions[`${name} (skipped)`] ?? 0;
  lines.push(`faults injected: ${FAULT_KINDS.map((k) => `${k} ${done(k)}`).join(', ')}`);
  const others = Object.keys(t.actions).filter((k) => !k.endsWith('(skipped)') && !FAULT_KINDS.includes(k)).sort();
  lines.push(`actions: ${others.map((k) => `${k} ${done(k)}${skipped(k) > 0 ? ` (+${skipped(k)} skipped)` : ''}`).join(', ')}`);
  const checks = Object.entries(t.checks).sort(([a], [b]) => (a < b ? -1 : 1));
  const checkTotal = checks.reduce((n, [, v]) => n + v, 0);
  lines.push(`invariant checks: ${checkTotal} (${checks.map(([k, v]) => `${k} ${v}`).join(', ')})`);
  lines.push(`appends: ${t.resolved} resolved, ${t.committedUnresolved} committed unresolved at a crash, ${t.lostInCrash} lost unresolved in a crash`);
  const w = t.wire;
  lines.push(`sync (real sessions): ${w.connectionsOpened} connections opened, ${w.connectionsDropped} dropped by a fault, ${w.connectionsClosedByBye} closed with a bye; ${w.framesDelivered} frames delivered (${(w.bytesDelivered / 1e6).toFixed(1)} MB), ${w.framesLost} lost with their connection; quiescence in <= ${t.quiescenceRoundsMax} rounds`);
  const listed = (counts: Record<string, number>): string =>
    Object.entries(counts)
      .sort(([a], [b]) => (a < b ? -1 : 1))
      .map(([k, v]) => `${k} ${v}`)
      .join(', ');
  lines.push(`  frames by type: ${listed(w.framesByType)}; entries pushed live ${w.entriesPushed}, served for wants ${w.entriesServed}`);
  lines.push(`  session log: ${listed(w.events)}`);
  lines.push(`query store: ${t.applies.fast + t.applies.refold} batches applied, ${t.applies.fast} on the fast path, ${t.applies.refold} by folding again`);
  if (t.sealRefusedAfterCheck > 0) lines.push(`seals refused after the precheck: ${t.sealRefusedAfterCheck}`);
  lines.push(...formatEviction(t.eviction));
  return lines.join('\n');
}

function formatEviction(e: EvictionStats): string[] {
  const ages = [...e.lostAgesMs].sort((a, b) => a - b);
  const minutes = (ms: number | undefined): string => (ms === undefined ? '-' : `${Math.round(ms / 60_000)} min`);
  return [
    `evictions: ${e.evictions}; entries on wiped tablets ${e.entriesHeld}, held nowhere else ${e.soleCopies} (${e.rescuedFromWire} later rescued from frames still in flight)`,
    `  own entries ${e.ownEntries}, lost ${e.ownLost} (${e.ownLostResolved} of them resolved appends)`,
    `  "held by N" just before: warned (said 1) for ${e.lostWarned} lost, said >= 2 for ${e.lostUnwarned} lost; overstated for ${e.overstated} own entries, understated for ${e.understated}`,
    `  age of lost entries at the wipe: median ${minutes(ages[Math.floor(ages.length / 2)])}, max ${minutes(ages[ages.length - 1])}`,
    ...e.overstatedNotes.map((note) => `  overstated: ${note}`),
  ];
}
