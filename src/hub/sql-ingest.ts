/**
 * Ingest into the SQL journal: screen a batch in memory (validate each input alone,
 * drop repeats inside it), then in one transaction insert the entries not held yet
 * with one multi-row statement (`unnest` of arrays, `ON CONFLICT (id) DO NOTHING`),
 * fold them into their authors' rows, store the refusals in quarantine and move
 * the counters. The database tells which ids it inserted, so two hub processes
 * ingesting the same entries at once store and report each exactly once.
 *
 * Before screening, one lookup finds the batch's inputs that are exact copies of
 * held entries (sql-held.ts): they count as duplicates without the core's work.
 * The next batch is screened while the previous one commits: validation runs in
 * this process and the writes in the database server, so the two overlap.
 */
import { encodeEntry } from '../core/entry.ts';
import { journalLimits } from '../core/limits.ts';
import { countersAfterIngest, type Screened } from '../journal/author.ts';
import type { EntryId } from '../core/types.ts';
import type { IngestReport } from '../journal/journal.ts';
import { screenVerified } from '../journal/verify-screen.ts';
import type { SqlTx } from './db.ts';
import { dbLimits } from './db-limits.ts';
import { sqlJournalError, writeOp, type SqlContext } from './sql-context.ts';
import { heldInBatch } from './sql-held.ts';
import { addToAuthors, insertEntries, readState, writeState, type SqlState } from './sql-state.ts';

type Valid = Extract<Screened, { ok: true }>;
type Refused = Extract<Screened, { ok: false }>;

/** Ingest `inputs` in batches of journalLimits.ingestBatchMax, one transaction each; the reports merged. */
export async function ingestBatches(ctx: SqlContext, inputs: readonly unknown[], from: string): Promise<IngestReport> {
  ctx.live();
  const total: IngestReport = { accepted: [], duplicates: 0, refused: [], alarms: [] };
  const size = journalLimits.ingestBatchMax;
  let previous: Promise<IngestReport> | undefined;
  for (let start = 0; start < inputs.length; start += size) {
    const batch = inputs.slice(start, start + size);
    const held = await heldInBatch(ctx, batch).catch((error: unknown) => {
      throw sqlJournalError(error);
    });
    // Exact copies of held entries are duplicates as they stand; the rest is validated (signatures in a batch when the deps can).
    const rest = held.sameText.size === 0 ? batch : batch.filter((_, i) => !held.sameText.has(i));
    const { screened, duplicates } = await screenInSlices(rest, ctx, (id) => held.ids.has(id));
    total.duplicates += duplicates + held.sameText.size;
    if (previous !== undefined) merge(total, await previous);
    previous = writeOp(ctx, () => commitBatch(ctx, screened, stripNul(String(from))));
    previous.catch(() => undefined); // awaited (and thrown) at the next turn; not unhandled meanwhile
  }
  if (previous !== undefined) merge(total, await previous);
  return total;
}

/**
 * screenVerified over slices of dbLimits.screenSliceEntries, yielding to the event
 * loop between them, with repeats of an id across slices dropped as duplicates
 * (each slice drops its own).
 */
async function screenInSlices(
  inputs: readonly unknown[],
  ctx: SqlContext,
  isHeld: (id: EntryId) => boolean,
): Promise<{ screened: Screened[]; duplicates: number }> {
  const screened: Screened[] = [];
  const seen = new Set<EntryId>();
  let duplicates = 0;
  const size = dbLimits.screenSliceEntries;
  for (let at = 0; at < inputs.length; at += size) {
    if (at > 0) await new Promise((resolve) => setImmediate(resolve));
    const part = await screenVerified(inputs.slice(at, at + size), ctx.deps, encodeEntry, isHeld);
    duplicates += part.duplicates;
    for (const item of part.screened) {
      if (item.ok && seen.has(item.entry.id)) {
        duplicates++;
        continue;
      }
      if (item.ok) seen.add(item.entry.id);
      screened.push(item);
    }
  }
  return { screened, duplicates };
}

function merge(total: IngestReport, report: IngestReport): void {
  total.accepted.push(...report.accepted);
  total.duplicates += report.duplicates;
  total.refused.push(...report.refused);
  total.alarms.push(...report.alarms);
}

/** One batch in one transaction; listeners hear the accepted entries after the commit. */
async function commitBatch(ctx: SqlContext, screened: readonly Screened[], from: string): Promise<IngestReport> {
  const { db, t, deps } = ctx;
  const valid = screened.filter((s): s is Valid => s.ok);
  const refused = screened.filter((s): s is Refused => !s.ok);
  const atMs = deps.clock();
  const { report, arrived } = await db.transaction(async (tx) => {
    // The device row is locked first by every write of this book, so writers queue on it and never deadlock.
    const state = (await readState(tx, t, deps.book, deps.peer, true))!;
    const theirs = await ctx.announcer.since(tx);
    const inserted = await insertEntries(tx, t, deps.book, valid);
    const accepted = valid.filter((v) => inserted.has(v.entry.id)).map((v) => v.entry);
    const out: IngestReport = {
      accepted,
      duplicates: valid.length - accepted.length,
      refused: refused.map((r) => ({ reason: r.reason, from })),
      alarms: [],
    };
    const arrived = [...theirs, ...accepted.map((entry) => ({ arrival: inserted.get(entry.id)!, entry }))];
    if (accepted.length === 0 && refused.length === 0) return { report: out, arrived };
    await addToAuthors(tx, t, deps.book, accepted);
    const moved = countersAfterIngest(state, accepted, deps.peer, atMs);
    out.alarms = moved.alarms;
    const stored = await quarantine(tx, ctx, state, refused, from, atMs);
    await writeState(tx, t, {
      ...state,
      ...moved.counters,
      quarantined: state.quarantined + refused.length,
      nextQuarantineNo: state.nextQuarantineNo + stored,
      quarantineRows: state.quarantineRows + stored,
    });
    return { report: out, arrived };
  });
  ctx.announcer.announce(arrived);
  return report;
}

/** Store refusals as quarantine rows, up to journalLimits.quarantineRowsMax per book; returns how many were stored. */
async function quarantine(tx: SqlTx, ctx: SqlContext, state: SqlState, refused: readonly Refused[], from: string, atMs: number): Promise<number> {
  const room = Math.max(0, journalLimits.quarantineRowsMax - state.quarantineRows);
  const kept = refused.slice(0, room);
  if (kept.length === 0) return 0;
  await tx.query(
    `INSERT INTO ${ctx.t.quarantine} (book, no, raw, truncated, reason, sender, at_ms)
     SELECT $1, u.no, u.raw, u.truncated, u.reason, $2, $3
     FROM unnest($4::bigint[], $5::text[], $6::boolean[], $7::text[]) AS u(no, raw, truncated, reason)`,
    [
      ctx.deps.book,
      from,
      atMs,
      kept.map((_, i) => state.nextQuarantineNo + i),
      kept.map((r) => stripNul(r.raw)),
      kept.map((r) => r.truncated),
      kept.map((r) => JSON.stringify(r.reason)),
    ],
  );
  return kept.length;
}

/** PostgreSQL text cannot hold U+0000; evidence keeps a visible mark in its place. */
function stripNul(text: string): string {
  return text.includes('\u0000') ? text.replaceAll('\u0000', '\\u0000') : text;
}

