/**
 * The storage-free half of the journal, shared by every implementation: making this
 * device's next entry from its counters, screening entries from peers, and moving
 * the counters. All of it runs before a transaction opens (signing may be
 * asynchronous, and an IndexedDB transaction cannot wait for anything but its own
 * requests), so a transaction only checks that the counters it was prepared from
 * are still current and writes.
 */
import { businessDateFromUtcMs } from '../core/dates.ts';
import { makeEntry } from '../core/entry.ts';
import { hlcReceive, hlcTick, type HlcState } from '../core/hlc.ts';
import { journalLimits } from '../core/limits.ts';
import type { Refusal } from '../core/result.ts';
import type { BusinessDate, Entry, EntryId, Kind, UnsignedEntry } from '../core/types.ts';
import { validate } from '../core/validate.ts';
import { JournalError, JournalRefusedError } from './errors.ts';
import type { JournalDeps } from './journal.ts';

/** The device's authoring counters: what an append reads and writes. */
export interface Counters {
  seq: number;
  head: EntryId | null;
  hlc: HlcState;
}

/** What an entry is made from: an append's input or a saved draft. */
export interface EntryInput {
  kind: Kind;
  body: unknown;
  date?: BusinessDate | undefined;
}

/** The date an entry gets when its input has none. */
export function defaultDateOf(ms: number): BusinessDate {
  return businessDateFromUtcMs(ms, 0);
}

/**
 * Make, sign and validate the entry that follows `counters`, and the counters after
 * it. Throws JournalRefusedError (with the core's refusal) for input the core
 * refuses, and JournalError when the signer fails. Writes nothing.
 */
export async function prepareEntry(
  input: EntryInput,
  counters: Counters,
  deps: JournalDeps,
): Promise<{ entry: Entry; counters: Counters }> {
  const nowMs = deps.clock();
  const tick = hlcTick(counters.hlc, nowMs);
  const date = input.date ?? (deps.dateOf ?? defaultDateOf)(nowMs);
  const unsigned = {
    nonce: deps.nonce(),
    book: deps.book,
    kind: input.kind,
    peer: deps.peer,
    seq: counters.seq + 1,
    prev: counters.head,
    hlc: tick.hlc,
    date,
    body: input.body,
  } as unknown as UnsignedEntry;
  const entry = await signOrRefuse(unsigned, deps);
  const checked = validate(entry, { verify: deps.verify, book: deps.book });
  if (!checked.ok) throw new JournalRefusedError(checked.refusal);
  return { entry: checked.value, counters: { seq: entry.seq, head: entry.id, hlc: tick.state } };
}

async function signOrRefuse(unsigned: UnsignedEntry, deps: JournalDeps): Promise<Entry> {
  try {
    return await makeEntry(unsigned, deps.signer);
  } catch (error) {
    // makeEntry throws NotCanonicalError for values with no canonical form (a float
    // amount, undefined): that is bad input, not a broken signer.
    if (error instanceof Error && error.name === 'NotCanonicalError') {
      throw new JournalRefusedError({ code: 'not-canonical', message: `The entry has no canonical form: ${error.message}.` });
    }
    throw new JournalError(`signing failed: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

/** One peer input after screening: an entry to add, or a refusal to quarantine. */
export type Screened =
  | { ok: true; entry: Entry; text: string }
  | { ok: false; reason: Refusal; raw: string; truncated: boolean };

/**
 * Validate each input alone (never throws) and drop repeats of an id inside the
 * batch. `duplicates` counts the repeats. The canonical text of each accepted
 * entry is kept (or computed once, for object inputs), because storage keeps the text.
 */
export function screen(
  inputs: readonly unknown[],
  deps: Pick<JournalDeps, 'verify' | 'book'>,
  encode: (entry: Entry) => string,
): { screened: Screened[]; duplicates: number } {
  const seen = new Set<string>();
  const screened: Screened[] = [];
  let duplicates = 0;
  for (const input of inputs) {
    const checked = validate(input, { verify: deps.verify, book: deps.book });
    if (!checked.ok) {
      screened.push({ ok: false, reason: checked.refusal, ...rawText(input) });
    } else if (seen.has(checked.value.id)) {
      duplicates++;
    } else {
      seen.add(checked.value.id);
      // The core accepts text only in canonical form, so accepted text is already the stored form.
      const text = typeof input === 'string' ? input : encode(checked.value);
      screened.push({ ok: true, entry: checked.value, text });
    }
  }
  return { screened, duplicates };
}

/** The input as bounded text for the quarantine: strings as they are, bytes decoded, anything else as JSON. */
export function rawText(input: unknown): { raw: string; truncated: boolean } {
  const full = fullText(input);
  const max = journalLimits.quarantineRawCharsMax;
  return full.length > max ? { raw: full.slice(0, max), truncated: true } : { raw: full, truncated: false };
}

function fullText(input: unknown): string {
  if (typeof input === 'string') return input;
  if (input instanceof Uint8Array) return new TextDecoder('utf-8', { fatal: false }).decode(input);
  try {
    // JSON.stringify throws on cycles and bigint, and returns undefined for functions.
    return JSON.stringify(input) ?? String(input);
  } catch {
    try {
      return String(input);
    } catch {
      return '[unprintable input]';
    }
  }
}

/**
 * The counters after accepting `entries` from peers at `nowMs`: the HLC follows
 * each remote stamp (alarms collected, never refusing), and an entry of this
 * device's own identity beyond its seq moves seq and head forward, never back.
 */
export function countersAfterIngest(
  counters: Counters,
  entries: readonly Entry[],
  self: string,
  nowMs: number,
): { counters: Counters; alarms: string[] } {
  let { seq, head, hlc } = counters;
  const alarms: string[] = [];
  for (const entry of entries) {
    const received = hlcReceive(hlc, entry.hlc, nowMs);
    hlc = received.state;
    if (received.alarm !== undefined) alarms.push(received.alarm);
    if (entry.peer === self && entry.seq > seq) {
      seq = entry.seq;
      head = entry.id;
    }
  }
  return { counters: { seq, head, hlc }, alarms };
}
