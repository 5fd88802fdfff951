/**
 * Sync in Node, on the deterministic in-memory network (src/sync/testing/sim.ts):
 * catch-up of 10k and 100k entries device to device, beside the baseline of ingesting
 * the same entries straight into a journal (the validation every peer must pay, with
 * no sync at all); bytes on the wire per entry against the canonical entry bytes; and
 * the same entries carried as Yjs updates (the design's first idea), to decide
 * whether Yjs earns its place beside the frontier protocol.
 *
 *   npx tsx --expose-gc bench/sync.bench.ts   (alone)
 *   npm run bench -- sync                     (through the runner)
 *
 * Goals (issue 4, for tablets; Node figures are the floor under them): catch-up of
 * 10k < 1 s, 100k < 8 s; wire bytes <= 1.3x canonical entry bytes.
 */
import { pathToFileURL } from 'node:url';
import { performance } from 'node:perf_hooks';
import * as Y from 'yjs';
import { encodeEntry } from '../src/core/entry.ts';
import type { Entry } from '../src/core/types.ts';
import { peerChain, testDeps } from '../src/journal/conformance-kit.ts';
import { openMemoryJournal } from '../src/journal/memory-journal.ts';
import { chunkYjsUpdate } from '../src/sync/frame-pack.ts';
import { encodeFrame } from '../src/sync/frame.ts';
import { Sim } from '../src/sync/testing/sim.ts';
import { heading, median } from './lib.ts';

async function ingestAll(entries: readonly Entry[]): Promise<number> {
  const journal = openMemoryJournal(testDeps());
  const start = performance.now();
  for (let i = 0; i < entries.length; i += 2000) await journal.ingest(entries.slice(i, i + 2000), 'bench');
  return performance.now() - start;
}

async function catchUp(entries: readonly Entry[]): Promise<{ ms: number; wire: number; canonical: number; frames: number }> {
  const sim = new Sim(1);
  sim.burst = 64;
  const a = sim.device('T1');
  for (let i = 0; i < entries.length; i += 2000) await a.journal.ingest(entries.slice(i, i + 2000), 'bench');
  const b = sim.device('T2');
  const start = performance.now();
  sim.link(a, b);
  await sim.settle();
  const ms = performance.now() - start;
  if ((await b.journal.count()) !== entries.length) throw new Error('catch-up incomplete');
  const sa = a.mesh.sessions()[0]!.stats;
  const sb = b.mesh.sessions()[0]!.stats;
  return { ms, wire: sa.bytesOut + sb.bytesOut, canonical: sb.entryBytesIn, frames: sa.framesOut };
}

async function catchUps(): Promise<void> {
  heading('catch-up device to device (memory journals, in-process network)');
  for (const [count, runs, goal] of [[10_000, 3, '< 1 s'], [100_000, 1, '< 8 s']] as const) {
    const entries = [...peerChain('T7', Math.floor(count * 0.6)), ...peerChain('T8', count - Math.floor(count * 0.6))];
    const base: number[] = [];
    const sync: Array<Awaited<ReturnType<typeof catchUp>>> = [];
    for (let i = 0; i < runs; i++) {
      base.push(await ingestAll(entries));
      sync.push(await catchUp(entries));
      globalThis.gc?.();
    }
    const ms = median(sync.map((s) => s.ms));
    const baseMs = median(base);
    const s = sync[0]!;
    console.log(
      `  ${String(count).padStart(7)} entries: catch-up ${ms.toFixed(0).padStart(6)} ms (n=${runs})  ` +
        `baseline "ingest alone" ${baseMs.toFixed(0)} ms -> sync costs ${(ms / baseMs).toFixed(2)}x  goal: ${goal}`,
    );
    console.log(`  ${' '.repeat(16)}wire ${(s.wire / count).toFixed(1)} B/entry vs canonical ${(s.canonical / count).toFixed(1)} B/entry = ${(s.wire / s.canonical).toFixed(3)}x (goal <= 1.3x), ${s.frames} frames`);
  }
}

/** The same entries as Yjs updates: per transaction of 100, and as one state update for a late joiner. */
function yjsCompared(): void {
  heading('the same 10k entries carried by Yjs (Y.Map id -> canonical text)');
  const entries = peerChain('T7', 10_000);
  const texts = entries.map(encodeEntry);
  const canonical = texts.reduce((n, t) => n + Buffer.byteLength(t), 0);
  const doc = new Y.Doc();
  const map = doc.getMap<string>('entries');
  const updates: Uint8Array[] = [];
  doc.on('update', (u: Uint8Array) => updates.push(u));
  let start = performance.now();
  for (let i = 0; i < texts.length; i += 100) {
    doc.transact(() => {
      for (let j = i; j < i + 100; j++) map.set(entries[j]!.id, texts[j]!);
    });
  }
  const writeMs = performance.now() - start;
  const live = updates.reduce((n, u) => n + u.byteLength, 0);
  const liveFramed = updates.reduce((n, u) => n + chunkYjsUpdate('B1/2025-03', 1, u).reduce((m, f) => m + encodeFrame(f).byteLength, 0), 0);
  const state = Y.encodeStateAsUpdate(doc);
  const other = new Y.Doc();
  start = performance.now();
  for (const u of updates) Y.applyUpdate(other, u);
  const applyMs = performance.now() - start;
  console.log(`  canonical entry bytes              ${(canonical / 1e6).toFixed(2)} MB (${(canonical / 10_000).toFixed(1)} B/entry)`);
  console.log(`  Yjs updates, transactions of 100   ${(live / canonical).toFixed(3)}x canonical; in our frames ${(liveFramed / canonical).toFixed(3)}x; write ${writeMs.toFixed(0)} ms, apply ${applyMs.toFixed(0)} ms`);
  console.log(`  Yjs whole state for a late joiner  ${(state.byteLength / 1e6).toFixed(2)} MB in one update (${(state.byteLength / canonical).toFixed(3)}x): y-webrtc sends it as one message, over SCTP's 256 KiB`);
  console.log('  (entries frames carry the same texts at about 1.005x; Yjs adds a second copy of every live entry when it runs beside them)');
}

export async function run(): Promise<void> {
  await catchUps();
  yjsCompared();
}

if (process.argv[1] !== undefined && import.meta.url === pathToFileURL(process.argv[1]).href) {
  await run();
}
