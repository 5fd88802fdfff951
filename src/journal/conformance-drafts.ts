/**
 * Conformance cases for drafts: create, edit, list, discard, and save, where saving
 * removes the draft and appends its entry together or not at all.
 */
import { journalLimits } from '../core/limits.ts';
import { check, equal, rejects, sale, withJournal, type ConformanceCase, type JournalFactory } from './conformance-kit.ts';
import type { BusinessDate } from '../core/types.ts';
import type { DraftInput } from './journal.ts';

const halfTyped: DraftInput = { kind: 'txn', body: { postings: [{ account: 'Assets:Cash', amount: 500 }] } };

/** The draft cases, for one implementation. */
export function draftCases(factory: JournalFactory): ConformanceCase[] {
  return [
    {
      name: 'drafts: create, edit, get, list oldest first, discard; they are not entries',
      run: () =>
        withJournal(factory, async (j) => {
          const a = await j.drafts.create(halfTyped);
          const b = await j.drafts.create(sale(7));
          equal([a.version, a.kind, a.body], [1, 'txn', halfTyped.body], 'created as typed, incomplete is fine');
          const edited = await j.drafts.edit(a.id, sale(500), 1);
          equal([edited.version, edited.createdMs, edited.body], [2, a.createdMs, sale(500).body], 'edited');
          check(edited.updatedMs > a.updatedMs, 'updatedMs moves');
          equal(await j.drafts.get(a.id), edited, 'get');
          equal((await j.drafts.list()).map((d) => d.id), [a.id, b.id], 'list');
          await j.drafts.discard(b.id);
          await j.drafts.discard(b.id);
          equal((await j.drafts.list()).map((d) => d.id), [a.id], 'discarded (twice is fine)');
          equal(await j.drafts.get(b.id), undefined, 'gone');
          equal(await j.count(), 0, 'no entries');
          await rejects(j.drafts.edit(a.id, sale(1), 1), 'DraftConflictError', 'stale version');
          await rejects(j.drafts.edit(b.id, sale(1)), 'DraftNotFoundError', 'discarded draft');
          await rejects(j.drafts.create({ kind: 'txn', body: { f: 0.5 } }), 'JournalRefusedError', 'not canonical JSON');
          await rejects(j.drafts.create({ kind: 'txn', body: 'x'.repeat(20_000) }), 'JournalRefusedError', 'too large');
        }),
    },
    {
      name: 'saving a draft appends its entry with the next seq and removes the draft',
      run: () =>
        withJournal(factory, async (j) => {
          const first = await j.append(sale(1));
          const draft = await j.drafts.create(halfTyped);
          await j.drafts.edit(draft.id, { ...sale(250), date: '2025-02-28T18:00:00' as BusinessDate });
          const entry = await j.drafts.save(draft.id, 2);
          equal([entry.seq, entry.prev, entry.date, entry.body], [2, first.id, '2025-02-28T18:00:00', sale(250).body], 'entry');
          equal(await j.get(entry.id), entry, 'stored');
          equal(await j.drafts.get(draft.id), undefined, 'draft gone');
          await rejects(j.drafts.save(draft.id), 'DraftNotFoundError', 'saved twice');
          equal(await j.count(), 2, 'one entry per save');
        }),
    },
    {
      name: 'a draft that cannot be saved stays a draft, and nothing is appended',
      run: () =>
        withJournal(factory, async (j) => {
          const draft = await j.drafts.create(halfTyped);
          const error = await rejects(j.drafts.save(draft.id), 'JournalRefusedError', 'one posting');
          check((error as unknown as { refusal: { code: string } }).refusal.code !== undefined, 'refusal given');
          await rejects(j.drafts.save(draft.id, 5), 'DraftConflictError', 'stale version');
          equal(await j.drafts.get(draft.id), draft, 'draft unchanged');
          equal([await j.count(), (await j.device()).seq], [0, 0], 'nothing appended');
          await j.drafts.edit(draft.id, sale(500));
          equal((await j.drafts.save(draft.id)).seq, 1, 'saved once fixed');
        }),
    },
    {
      name: 'drafts survive a reopen',
      run: () =>
        withJournal(factory, async (j, under, deps) => {
          const draft = await j.drafts.create(sale(9));
          await j.close();
          const again = await under.open(deps);
          try {
            equal(await again.drafts.list(), [draft], 'drafts');
          } finally {
            await again.close();
          }
        }),
    },
    {
      name: `a device holds at most draftsMax (${journalLimits.draftsMax}) drafts`,
      run: () =>
        withJournal(factory, async (j) => {
          await Promise.all(Array.from({ length: journalLimits.draftsMax }, (_, i) => j.drafts.create(sale(i + 1))));
          await rejects(j.drafts.create(sale(1)), 'TooManyDraftsError', 'one too many');
        }),
    },
  ];
}
