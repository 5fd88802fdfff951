/**
 * Screening a batch from peers when the journal's signatures are checked in batches
 * (JournalDeps.verifyBatch, Ed25519 device keys): every entry's signature is
 * verified before the batch is stored, and a signature that does not hold sends
 * the input to quarantine like any other refusal.
 *
 *   1. validate each input alone with a verifier that only records what it would
 *      be asked (the message, the signature, the author), in input order;
 *   2. verify the recorded signatures of the entries that passed, in one batch,
 *      skipping only entries whose id this journal already holds (those were
 *      verified when they were stored, and are dropped as duplicates anyway);
 *   3. refuse the entries whose signature failed, then deduplicate the rest.
 *
 * Without verifyBatch (the dev scheme, or a journal given only a synchronous
 * verifier) this is exactly author.ts's screen.
 */
import type { SignatureCheck, Verifier } from '../core/entry.ts';
import type { Refusal } from '../core/result.ts';
import type { Entry, EntryId } from '../core/types.ts';
import { validate } from '../core/validate.ts';
import { quote } from '../core/validate-fields.ts';
import { rawText, screen, type Screened } from './author.ts';
import type { JournalDeps } from './journal.ts';

/** The refusal of an entry whose signature does not hold. */
export function badSignature(entry: Pick<Entry, 'peer'>): Refusal {
  return {
    code: 'bad-signature',
    message: `The signature does not match the author's key: device ${quote(entry.peer)} did not sign these bytes (forged, or altered after signing).`,
    path: 'sig',
  };
}

/**
 * Validate and signature-check `inputs` (see above); `isHeld` says whether the
 * journal already holds an id. Same result shape as author.ts's screen. Never
 * throws; a verifier fault refuses the entries concerned.
 */
export async function screenVerified(
  inputs: readonly unknown[],
  deps: Pick<JournalDeps, 'verify' | 'verifyBatch' | 'book'>,
  encode: (entry: Entry) => string,
  isHeld: (id: EntryId) => boolean = () => false,
): Promise<{ screened: Screened[]; duplicates: number }> {
  const batch = deps.verifyBatch;
  if (batch === undefined) return screen(inputs, deps, encode);
  const asked: Array<SignatureCheck | undefined> = [];
  let at = -1;
  const record: Verifier = (message, sig, peer) => {
    asked[at] = { message, sig, peer };
    return true;
  };
  const first = inputs.map((input, i) => {
    at = i;
    return validate(input, { verify: record, book: deps.book });
  });

  const pending = new Map<EntryId, number>();
  for (let i = 0; i < first.length; i++) {
    const result = first[i]!;
    if (result.ok && asked[i] !== undefined && !isHeld(result.value.id) && !pending.has(result.value.id)) pending.set(result.value.id, i);
  }
  const order = [...pending.values()];
  let answers: boolean[] = [];
  try {
    answers = await batch(order.map((i) => asked[i]!));
  } catch {
    // A BatchVerifier must not reject; if it does, nothing it was asked about is let in.
  }
  const holds = new Set<EntryId>();
  order.forEach((i, n) => {
    if (answers[n] === true) holds.add((first[i] as { value: Entry }).value.id);
  });

  const seen = new Set<EntryId>();
  const screened: Screened[] = [];
  let duplicates = 0;
  first.forEach((result, i) => {
    const input = inputs[i];
    if (!result.ok) return void screened.push({ ok: false, reason: result.refusal, ...rawText(input) });
    const entry = result.value;
    if (!holds.has(entry.id) && !isHeld(entry.id)) return void screened.push({ ok: false, reason: badSignature(entry), ...rawText(input) });
    if (seen.has(entry.id)) return void duplicates++;
    seen.add(entry.id);
    screened.push({ ok: true, entry, text: typeof input === 'string' ? input : encode(entry) });
  });
  return { screened, duplicates };
}
