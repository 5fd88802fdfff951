/**
 * Drafts of the SQL journal: rows of this device only. Saving one removes the row
 * and appends its entry in one transaction (appendEntry's `extra`), checking there
 * that the draft is still at the version that was signed.
 */
import type { BusinessDate, Kind } from '../core/types.ts';
import { journalLimits } from '../core/limits.ts';
import { editedDraft, mustDraft, newDraft } from '../journal/draft-rules.ts';
import { TooManyDraftsError } from '../journal/errors.ts';
import type { Draft, Drafts } from '../journal/journal.ts';
import type { SqlTx } from './db.ts';
import { appendEntry, readOp, writeOp, type SqlContext } from './sql-context.ts';

interface DraftRow {
  id: string;
  kind: string;
  body: string;
  date: string | null;
  created_ms: number | string;
  updated_ms: number | string;
  version: number | string;
}

function draftOf(row: DraftRow): Draft {
  const draft: Draft = {
    id: row.id,
    kind: row.kind as Kind,
    body: JSON.parse(row.body) as unknown,
    createdMs: Number(row.created_ms),
    updatedMs: Number(row.updated_ms),
    version: Number(row.version),
  };
  if (row.date !== null) draft.date = row.date as BusinessDate;
  return draft;
}

/** The drafts of the context's device. */
export function sqlDrafts(ctx: SqlContext): Drafts {
  const { db, t, deps } = ctx;
  const key = [deps.book, deps.peer];
  const read = async (q: SqlTx, id: string, lock = false): Promise<Draft | undefined> => {
    const { rows } = await q.query<DraftRow>(
      `SELECT * FROM ${t.drafts} WHERE book = $1 AND peer = $2 AND id = $3${lock ? ' FOR UPDATE' : ''}`,
      [...key, id],
    );
    return rows[0] === undefined ? undefined : draftOf(rows[0]);
  };
  const store = async (q: SqlTx, draft: Draft): Promise<void> => {
    await q.query(
      `INSERT INTO ${t.drafts} (book, peer, id, kind, body, date, created_ms, updated_ms, version)
       VALUES ($1, $2, $3, $4, $5, $6, $7, $8, $9)
       ON CONFLICT (book, peer, id) DO UPDATE SET kind = EXCLUDED.kind, body = EXCLUDED.body, date = EXCLUDED.date,
         updated_ms = EXCLUDED.updated_ms, version = EXCLUDED.version`,
      [...key, draft.id, draft.kind, JSON.stringify(draft.body), draft.date ?? null, draft.createdMs, draft.updatedMs, draft.version],
    );
  };
  return {
    create: (input) =>
      writeOp(ctx, async () => {
        const draft = newDraft(deps.nonce(), input, deps.clock());
        await db.transaction(async (tx) => {
          const { rows } = await tx.query<{ n: number | string }>(`SELECT count(*) AS n FROM ${t.drafts} WHERE book = $1 AND peer = $2`, key);
          const held = Number(rows[0]!.n);
          if (held >= journalLimits.draftsMax) throw new TooManyDraftsError(`${held} drafts held`);
          await store(tx, draft);
        });
        return draft;
      }),
    edit: (id, input, expectedVersion) =>
      writeOp(ctx, () =>
        db.transaction(async (tx) => {
          const draft = editedDraft(await read(tx, id, true), id, input, deps.clock(), expectedVersion);
          await store(tx, draft);
          return draft;
        }),
      ),
    get: (id) => readOp(ctx, () => read(db, id)),
    list: () =>
      readOp(ctx, async () => {
        const { rows } = await db.query<DraftRow>(
          `SELECT * FROM ${t.drafts} WHERE book = $1 AND peer = $2 ORDER BY created_ms, id COLLATE "C"`,
          key,
        );
        return rows.map(draftOf);
      }),
    discard: (id) =>
      writeOp(ctx, async () => {
        await db.query(`DELETE FROM ${t.drafts} WHERE book = $1 AND peer = $2 AND id = $3`, [...key, id]);
      }),
    save: (id, expectedVersion) =>
      writeOp(ctx, async () => {
        const draft = mustDraft(await read(db, id), id, expectedVersion);
        return appendEntry(ctx, draft, async (tx) => {
          // Checked again under the lock: the draft may have changed or gone while the entry was signed.
          mustDraft(await read(tx, id, true), id, draft.version);
          await tx.query(`DELETE FROM ${t.drafts} WHERE book = $1 AND peer = $2 AND id = $3`, [...key, id]);
        });
      }),
  };
}
