/**
 * Drafts in the stored journal. A draft lives in its own store and never touches
 * the entries, except when saved: then reading and removing the draft and adding
 * its entry share one transaction, so a crash leaves either the draft or the entry,
 * never both and never neither.
 */
import { journalLimits } from '../core/limits.ts';
import { editedDraft, mustDraft, newDraft } from './draft-rules.ts';
import { TooManyDraftsError } from './errors.ts';
import type { IdbContext } from './idb-context.ts';
import { onResult } from './idb-raw.ts';
import type { Draft, Drafts } from './journal.ts';

/** The Drafts of a stored journal. */
export function idbDrafts(ctx: IdbContext): Drafts {
  const { log, deps } = ctx;
  const db = log.db;
  return {
    create: async (input) => {
      const draft = newDraft(deps.nonce(), input, deps.clock());
      const step = (): Promise<Draft> =>
        db.transaction('rw', db.drafts, async () => {
          const held = await db.drafts.count();
          if (held >= journalLimits.draftsMax) throw new TooManyDraftsError(`${held} drafts held`);
          await db.drafts.add(draft);
          return draft;
        });
      return ctx.write(step, () => db.drafts.get(draft.id));
    },
    edit: (id, input, expectedVersion) =>
      ctx.write(() =>
        db.transaction('rw', db.drafts, async () => {
          const draft = editedDraft(await db.drafts.get(id), id, input, deps.clock(), expectedVersion);
          await db.drafts.put(draft);
          return draft;
        }),
      ),
    get: (id) => ctx.read(() => db.drafts.get(id)),
    list: () =>
      ctx.read(async () => (await db.drafts.toArray()).sort((a, b) => a.createdMs - b.createdMs || (a.id < b.id ? -1 : 1))),
    discard: (id) => ctx.write(() => db.drafts.delete(id)),
    save: async (id, expectedVersion) => {
      const draft = mustDraft(await ctx.read(() => db.drafts.get(id)), id, expectedVersion);
      return ctx.appendWith(draft, ['drafts'], (tx, fail) => {
        const drafts = tx.objectStore('drafts');
        // Checked again inside the transaction: another tab may have saved or edited it.
        onResult(drafts.get(id), fail, (row) => {
          mustDraft(row as Draft | undefined, id, draft.version);
          drafts.delete(id);
        });
      });
    },
  };
}
