/**
 * Ingest into the stored journal: screen a batch (validate each entry alone, in
 * memory), then in one queued write drop what the keydir already holds, plan the
 * rest as block and tail rows plus quarantine rows, and commit. The next batch is
 * screened while the previous one commits: validation runs in the page and the
 * writes in the browser's storage process, so the two overlap.
 */
import { encodeEntry } from '../core/entry.ts';
import { journalLimits } from '../core/limits.ts';
import type { Entry, EntryId } from '../core/types.ts';
import { countersAfterIngest, type Screened } from './author.ts';
import { STALE, type IdbContext, type Stale } from './idb-context.ts';
import type { IdbState } from './idb-schema.ts';
import { planWrite, quarantineRows } from './idb-writes.ts';
import type { IngestReport } from './journal.ts';
import { screenVerified } from './verify-screen.ts';

type Valid = Extract<Screened, { ok: true }>;
type Refused = Extract<Screened, { ok: false }>;

/** Ingest `inputs` in batches of journalLimits.ingestBatchMax, one transaction each; the reports merged. */
export async function ingestBatches(
  ctx: IdbContext,
  inputs: readonly unknown[],
  from: string,
  emit: (accepted: readonly Entry[]) => void,
): Promise<IngestReport> {
  const total: IngestReport = { accepted: [], duplicates: 0, refused: [], alarms: [] };
  const size = journalLimits.ingestBatchMax;
  let previous: Promise<IngestReport> | undefined;
  for (let start = 0; start < inputs.length; start += size) {
    // Every signature is verified (in a batch, when the deps can) before the batch is stored.
    const held = (id: EntryId): boolean => ctx.log.keydir.lsnOf(id) !== undefined;
    const { screened, duplicates } = await screenVerified(inputs.slice(start, start + size), ctx.deps, encodeEntry, held);
    total.duplicates += duplicates;
    if (previous !== undefined) merge(total, await previous);
    // A batch is idempotent, so after a lost connection it is simply run again.
    previous = ctx.write(() => commitBatch(ctx, screened, from, emit));
    previous.catch(() => undefined); // awaited (and thrown) at the next turn; not unhandled meanwhile
    // Let the batch issue its requests before the next one is screened.
    await new Promise((resolve) => setTimeout(resolve, 0));
  }
  if (previous !== undefined) merge(total, await previous);
  return total;
}

function merge(total: IngestReport, report: IngestReport): void {
  total.accepted.push(...report.accepted);
  total.duplicates += report.duplicates;
  total.refused.push(...report.refused);
  total.alarms.push(...report.alarms);
}

/** One batch, against the current state: STALE when another tab wrote first. */
async function commitBatch(
  ctx: IdbContext,
  screened: readonly Screened[],
  from: string,
  emit: (accepted: readonly Entry[]) => void,
): Promise<IngestReport | Stale> {
  const { log, deps } = ctx;
  await log.ensureKeydir();
  const state = log.state;
  const valid = screened.filter((s): s is Valid => s.ok);
  const fresh = valid.filter((v) => log.keydir.lsnOf(v.entry.id) === undefined);
  const refused = screened.filter((s): s is Refused => !s.ok);
  const report: IngestReport = {
    accepted: fresh.map((f) => f.entry),
    duplicates: valid.length - fresh.length,
    refused: refused.map((r) => ({ reason: r.reason, from })),
    alarms: [],
  };
  if (fresh.length === 0 && refused.length === 0) return report;
  const atMs = deps.clock();
  const moved = countersAfterIngest(state, report.accepted, deps.peer, atMs);
  report.alarms = moved.alarms;
  const rows = quarantineRows(state, refused.map((r) => ({ raw: r.raw, truncated: r.truncated, reason: r.reason, from, atMs })));
  const next: IdbState = {
    ...state,
    ...moved.counters,
    quarantined: state.quarantined + refused.length,
    nextQuarantineNo: state.nextQuarantineNo + rows.length,
    quarantineRows: state.quarantineRows + rows.length,
  };
  if (!(await log.commit(planWrite(state, log.tail, fresh, next, log.blockSize, rows)))) return STALE;
  emit(report.accepted);
  return report;
}
