/**
 * Test support for the hub's server tests (no test runner here): a hub on
 * 127.0.0.1 with a free port, its journals in memory or PGlite, optionally with the
 * demo store; and small HTTP helpers over fetch.
 */
import { nanoid } from 'nanoid';
import { devSigner, devVerifier } from '../core/entry.ts';
import type { BookId, PeerId } from '../core/types.ts';
import type { Journal } from '../journal/journal.ts';
import { openMemoryJournal } from '../journal/memory-journal.ts';
import { memorySource, type JournalSource } from './books-source.ts';
import type { HubConfig } from './config.ts';
import { seedDemo } from './demo.ts';
import { createLog, type Log } from './log.ts';
import { startHub, type Hub } from './server.ts';

/** A JSON answer as tests read it (field by field, checked by expect). */
// eslint-disable-next-line @typescript-eslint/no-explicit-any
export type Answer = any;

/** A config for tests: any free port on 127.0.0.1, in memory, serving `staticDir`. */
export function testConfig(overrides: Partial<HubConfig> = {}): HubConfig {
  return { port: 0, host: '127.0.0.1', dataDir: '', databaseUrl: undefined, dbSchema: undefined, publicUrl: undefined, memory: true, upstream: undefined, nats: undefined, demo: false, staticDir: '/nonexistent-daybook-dist', ...overrides };
}

/** Log lines a test can read. */
export function memoryLog(): { log: Log; lines: Array<Record<string, unknown>> } {
  const lines: Array<Record<string, unknown>> = [];
  return { lines, log: createLog({ write: (line) => void lines.push(JSON.parse(line) as Record<string, unknown>), level: 'debug' }) };
}

/** Start a hub for a test, with the demo store seeded unless `demo` is false. */
export async function testHub(options: { source?: JournalSource; config?: Partial<HubConfig>; demo?: boolean } = {}): Promise<Hub & { lines: Array<Record<string, unknown>> }> {
  const { log, lines } = memoryLog();
  const source = options.source ?? memorySource({ clock: Date.now });
  const hub = await startHub({ config: testConfig(options.config), source, log });
  if (options.demo !== false) await seedDemo(hub.books);
  return Object.assign(hub, { lines });
}

/** GET `path` on the hub; the status and the parsed JSON body (undefined when not JSON). */
export async function getJson(hub: { url: string }, path: string): Promise<{ status: number; body: Answer }> {
  const res = await fetch(`${hub.url}${path}`);
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment
  return { status: res.status, body: parseOrUndefined(text) as Answer };
}

/** POST `body` (a string is sent as it is) to `path`. */
export async function postJson(hub: { url: string }, path: string, body: unknown, headers: Record<string, string> = {}): Promise<{ status: number; body: Answer }> {
  const res = await fetch(`${hub.url}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: typeof body === 'string' ? body : JSON.stringify(body),
  });
  const text = await res.text();
  // eslint-disable-next-line @typescript-eslint/no-unsafe-assignment
  return { status: res.status, body: parseOrUndefined(text) as Answer };
}

function parseOrUndefined(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

/** A tablet's journal in memory for `book`, signing with the dev scheme. */
export function tabletJournal(book: string, peer: string): Journal {
  return openMemoryJournal({ book: book as BookId, peer: peer as PeerId, signer: devSigner, verify: devVerifier, clock: Date.now, nonce: () => nanoid() });
}

/** Resolve once `check` is true (polled every 20 ms), reject after `ms`. */
export async function until(check: () => boolean | Promise<boolean>, ms = 10_000, what = 'the condition'): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}
