/**
 * What a batch from a peer already has in the book, asked of the database once per
 * batch before it is screened:
 *
 * - the ids held, so that screening (verify-screen.ts) does not verify again the
 *   signatures of entries verified when they were stored;
 * - the inputs that are, byte for byte, the text of an entry held: those are
 *   duplicates without validating them at all (the held text passed validation,
 *   and validation depends only on the text and the book). This is what makes an
 *   upload that resumes, or repeats, cost a lookup instead of the core's work.
 *
 * Texts are compared by SHA-256 (node:crypto here, PostgreSQL's sha256() there), so
 * the held texts never travel back.
 */
import { createHash } from 'node:crypto';
import type { EntryId } from '../core/types.ts';
import type { SqlContext } from './sql-context.ts';

/** Longest string taken as a possible entry id when looking held ones up. */
const ID_CHARS_MAX = 128;

export interface HeldInBatch {
  /** Ids of the batch's claimed ids that the book holds. */
  ids: Set<EntryId>;
  /** Indexes of inputs that are exactly the text of a held entry. */
  sameText: Set<number>;
}

/** The id an input claims (not checked): `id` of an object, or of a string's JSON. */
function claimedId(input: unknown): string | undefined {
  let value = input;
  if (typeof input === 'string') {
    try {
      value = JSON.parse(input) as unknown;
    } catch {
      return undefined;
    }
  }
  const id = typeof value === 'object' && value !== null ? (value as { id?: unknown }).id : undefined;
  return typeof id === 'string' && id.length <= ID_CHARS_MAX ? id : undefined;
}

/** Look the batch's claimed ids up in the book (one query). Never trusts a claim beyond the text comparison. */
export async function heldInBatch(ctx: SqlContext, inputs: readonly unknown[]): Promise<HeldInBatch> {
  const claims = inputs.map(claimedId);
  const wanted = [...new Set(claims.filter((id): id is string => id !== undefined))];
  const out: HeldInBatch = { ids: new Set(), sameText: new Set() };
  if (wanted.length === 0) return out;
  const { rows } = await ctx.db.query<{ id: string; h: string }>(
    `SELECT id, encode(sha256(convert_to(canonical, 'UTF8')), 'hex') AS h FROM ${ctx.t.entries} WHERE book = $1 AND id = ANY($2::text[])`,
    [ctx.deps.book, wanted],
  );
  const hashOf = new Map(rows.map((r) => [r.id, r.h]));
  inputs.forEach((input, i) => {
    const id = claims[i];
    const held = id === undefined ? undefined : hashOf.get(id);
    if (held === undefined) return;
    out.ids.add(id as EntryId);
    if (typeof input === 'string' && createHash('sha256').update(input, 'utf8').digest('hex') === held) out.sameText.add(i);
  });
  return out;
}
