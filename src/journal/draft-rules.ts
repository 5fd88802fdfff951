/**
 * What a draft may hold and how it changes, shared by every journal. A draft is not
 * an entry: its body may be incomplete (an unbalanced txn while the clerk types),
 * so it is checked only for being storable (a known kind, plain JSON, within the
 * entry size limit). The core validates it when it is saved.
 */
import { isBusinessDate } from '../core/dates.ts';
import { KINDS } from '../core/types.ts';
import { DraftConflictError, DraftNotFoundError, JournalRefusedError } from './errors.ts';
import { checkJson } from './device-state.ts';
import type { Draft, DraftInput } from './journal.ts';

/** The input reduced to its three fields, after checking it is storable. Throws JournalRefusedError. */
export function draftContent(input: DraftInput): DraftInput {
  if (typeof input !== 'object' || input === null || !(KINDS as readonly unknown[]).includes(input.kind)) {
    throw new JournalRefusedError({ code: 'unknown-kind', message: 'A draft needs a known kind.', path: 'kind' });
  }
  if (input.date !== undefined && !isBusinessDate(input.date)) {
    throw new JournalRefusedError({ code: 'bad-date', message: 'The draft date is not a business date.', path: 'date' });
  }
  checkJson(input.body, 'draft contents');
  const content: DraftInput = { kind: input.kind, body: structuredClone(input.body) };
  if (input.date !== undefined) content.date = input.date;
  return content;
}

/** A new draft. */
export function newDraft(id: string, input: DraftInput, nowMs: number): Draft {
  return { ...draftContent(input), id, createdMs: nowMs, updatedMs: nowMs, version: 1 };
}

/** The draft after an edit. Throws DraftNotFoundError or DraftConflictError. */
export function editedDraft(
  current: Draft | undefined,
  id: string,
  input: DraftInput,
  nowMs: number,
  expectedVersion: number | undefined,
): Draft {
  const draft = mustDraft(current, id, expectedVersion);
  return { ...draftContent(input), id, createdMs: draft.createdMs, updatedMs: nowMs, version: draft.version + 1 };
}

/** The draft, checked to exist and (when asked) to be at `expectedVersion`. */
export function mustDraft(current: Draft | undefined, id: string, expectedVersion: number | undefined): Draft {
  if (current === undefined) throw new DraftNotFoundError(`no draft ${id}`);
  if (expectedVersion !== undefined && current.version !== expectedVersion) {
    throw new DraftConflictError(`draft ${id} is at version ${current.version}, not ${expectedVersion}`);
  }
  return current;
}
