/**
 * The envelope every entry shares: id, nonce, book, kind, peer, seq, prev, hlc,
 * date, body and sig, exactly those. The body is checked in validate-body.ts.
 */
import { isBusinessDate } from './dates.ts';
import { limits } from './limits.ts';
import { KINDS } from './types.ts';
import {
  type Problem,
  checkEntryId,
  checkId,
  checkKeys,
  checkPeerId,
  checkSeq,
  isObject,
  problem,
  quote,
} from './validate-fields.ts';

export const ENVELOPE_KEYS = ['id', 'nonce', 'book', 'kind', 'peer', 'seq', 'prev', 'hlc', 'date', 'body', 'sig'] as const;

/** nanoid's alphabet, nonceChars long. */
const NONCE = new RegExp(`^[A-Za-z0-9_-]{${limits.nonceChars}}$`);
const HLC = /^\d{13}-\d{4}$/;

/**
 * Refusal for the first envelope fault of `value` (a plain JSON value), or
 * undefined when every envelope field is well-formed. Checks shape only: the id,
 * the signature and the book are matched against the content later.
 */
export function checkEnvelope(value: unknown): Problem {
  if (!isObject(value)) return problem('shape', 'An entry must be a JSON object.', '');
  return (
    checkKeys(value, ENVELOPE_KEYS, [], '', 'The entry') ??
    checkNonce(value['nonce']) ??
    checkId(value['book'], 'book', 'The book id', limits.bookIdCharsMax) ??
    checkKind(value['kind']) ??
    checkPeerId(value['peer'], 'peer', 'The device id') ??
    checkSeq(value['seq'], 'seq', "The entry's sequence number", 1) ??
    checkPrev(value['prev'], value['seq'] as number) ??
    checkHlc(value['hlc']) ??
    checkDate(value['date']) ??
    checkSig(value['sig']) ??
    checkEntryId(value['id'], 'id', 'The entry id', 'bad-id')
  );
}

function checkNonce(nonce: unknown): Problem {
  if (typeof nonce === 'string' && NONCE.test(nonce)) return undefined;
  return problem('shape', `The nonce must be ${limits.nonceChars} letters, digits, "_" or "-".`, 'nonce');
}

function checkKind(kind: unknown): Problem {
  if (typeof kind !== 'string') return problem('shape', 'The kind of entry must be text.', 'kind');
  if ((KINDS as readonly string[]).includes(kind)) return undefined;
  return problem('unknown-kind', `Unknown kind of entry ${quote(kind)}; expected one of ${KINDS.join(', ')}.`, 'kind');
}

/** Each author's entries form one chain: seq 1 starts it, every later entry names its predecessor. */
function checkPrev(prev: unknown, seq: number): Problem {
  if (seq === 1) {
    return prev === null ? undefined : problem('bad-chain', "A device's first entry (seq 1) must have prev set to null.", 'prev');
  }
  if (prev === null) return problem('bad-chain', `Entry number ${seq} of a device must name its previous entry in prev.`, 'prev');
  return checkEntryId(prev, 'prev', 'The previous entry (prev)', 'bad-chain');
}

function checkHlc(hlc: unknown): Problem {
  if (typeof hlc === 'string' && HLC.test(hlc)) return undefined;
  return problem('bad-hlc', 'The clock stamp (hlc) must be 13 digits, a dash and 4 digits.', 'hlc');
}

function checkDate(date: unknown): Problem {
  if (isBusinessDate(date)) return undefined;
  const shown = typeof date === 'string' ? ` ${quote(date)}` : '';
  return problem('bad-date', `The date${shown} is not a real date and time like 2025-03-01T14:30:00 (years 2000-2999).`, 'date');
}

function checkSig(sig: unknown): Problem {
  if (typeof sig !== 'string') return problem('shape', 'The signature must be text.', 'sig');
  if (sig.length > limits.sigCharsMax) {
    return problem('limit', `The signature is ${sig.length} characters long; at most ${limits.sigCharsMax} are allowed.`, 'sig');
  }
  return undefined;
}
