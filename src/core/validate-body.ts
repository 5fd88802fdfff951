/**
 * The body of each kind of entry: exact keys (optional ones only where types.ts
 * marks them optional), and the rules that depend on nothing but the entry itself.
 * Rules that need other entries (does the target exist? is the author enrolled?)
 * belong to the fold, never here.
 */
import { checkAccount } from './accounts.ts';
import { isAnyPeriodId, isDay } from './dates.ts';
import { limits } from './limits.ts';
import { type Kind, ROLES } from './types.ts';
import {
  type JsonObject,
  type Problem,
  checkEntryId,
  checkKey,
  checkKeys,
  checkPeerId,
  checkSeq,
  checkText,
  problem,
} from './validate-fields.ts';

/** What a body check may need from the envelope. */
export interface EnvelopeContext {
  kind: Kind;
  peer: string;
  seq: number;
}

type BodyCheck = (body: JsonObject, envelope: EnvelopeContext) => Problem;

interface BodyRule {
  required: readonly string[];
  optional: readonly string[];
  /** Runs after the keys are known to be exactly right. */
  check: BodyCheck;
}

const HEX64 = /^[0-9a-f]{64}$/;
const BALANCE = /^-?[1-9][0-9]*$/;
const CURRENCY = /^[A-Z]{3}$/;
const TIMEZONE = /^[A-Za-z0-9_+\-/]{1,64}$/;

const RULES: Record<Kind, BodyRule> = {
  book: { required: ['name', 'currency', 'timezone', 'period', 'windowDays'], optional: [], check: checkBook },
  txn: { required: ['postings'], optional: ['memo', 'ref'], check: checkTxn },
  negate: { required: ['target', 'reason'], optional: [], check: checkTargeted },
  admit: { required: ['target', 'reason'], optional: [], check: checkTargeted },
  summary: { required: ['asOf', 'cut', 'balances'], optional: [], check: checkSummary },
  close: { required: ['period'], optional: [], check: (b) => checkPeriod(b['period']) },
  ack: { required: ['period'], optional: [], check: (b) => checkPeriod(b['period']) },
  seal: { required: ['period', 'prevSeal', 'cut', 'balances', 'digest'], optional: [], check: checkSeal },
  join: { required: ['device', 'name', 'key', 'roles'], optional: [], check: checkJoin },
  retire: { required: ['device', 'lastSeq', 'reason'], optional: [], check: checkRetire },
  succeed: { required: ['from', 'to', 'lastSeq', 'name', 'key'], optional: [], check: checkSucceed },
};

/**
 * Refusal for the first fault of `body` for an entry of `envelope.kind`, or
 * undefined when the body is valid. `body` is plain JSON data; never throws.
 */
export function checkBody(body: unknown, envelope: EnvelopeContext): Problem {
  const rule = RULES[envelope.kind];
  return (
    checkKeys(body, rule.required, rule.optional, 'body', `The body of a ${envelope.kind} entry`) ??
    rule.check(body as JsonObject, envelope)
  );
}

function checkBook(body: JsonObject): Problem {
  const { currency, timezone, period, windowDays } = body;
  return (
    checkText(body['name'], 'body.name', 'The book name', 1, limits.nameCharsMax) ??
    (typeof currency === 'string' && CURRENCY.test(currency)
      ? undefined
      : problem('shape', 'The currency must be a three-letter ISO code in capitals, like EUR or USD.', 'body.currency')) ??
    (typeof timezone === 'string' && TIMEZONE.test(timezone)
      ? undefined
      : problem('shape', 'The time zone must be a zone name like Europe/Paris.', 'body.timezone')) ??
    (period === 'day' || period === 'month'
      ? undefined
      : problem('shape', 'The period must be "day" or "month".', 'body.period')) ??
    checkWindowDays(windowDays)
  );
}

function checkWindowDays(windowDays: unknown): Problem {
  const path = 'body.windowDays';
  if (typeof windowDays !== 'number' || !Number.isSafeInteger(windowDays)) {
    return problem('shape', 'The reconciliation window must be a whole number of days.', path);
  }
  if (windowDays < 1 || windowDays > limits.windowDaysMax) {
    return problem('limit', `The reconciliation window must be from 1 to ${limits.windowDaysMax} days.`, path);
  }
  return undefined;
}

function checkTxn(body: JsonObject): Problem {
  return (
    checkPostings(body['postings']) ??
    (Object.hasOwn(body, 'memo') ? checkText(body['memo'], 'body.memo', 'The memo', 0, limits.memoCharsMax) : undefined) ??
    (Object.hasOwn(body, 'ref') ? checkText(body['ref'], 'body.ref', 'The reference', 1, limits.refCharsMax) : undefined)
  );
}

function checkPostings(postings: unknown): Problem {
  const path = 'body.postings';
  if (!Array.isArray(postings)) return problem('shape', 'The postings must be a list.', path);
  if (postings.length < 2) return problem('shape', 'A transaction needs at least two postings (a debit and a credit).', path);
  if (postings.length > limits.postingsPerEntryMax) {
    return problem('limit', `A transaction has ${postings.length} postings; at most ${limits.postingsPerEntryMax} are allowed.`, path);
  }
  // A bigint sum: style says so, and it stays exact whatever the limits become.
  let sum = 0n;
  for (let i = 0; i < postings.length; i++) {
    const posting: unknown = postings[i];
    const found = checkPosting(posting, i);
    if (found) return found;
    sum += BigInt((posting as { amount: number }).amount);
  }
  if (sum === 0n) return undefined;
  const which = sum > 0n ? 'debits exceed credits' : 'credits exceed debits';
  return problem('unbalanced', `Postings do not balance: ${which} by ${sum > 0n ? sum : -sum} minor units.`, path);
}

function checkPosting(posting: unknown, index: number): Problem {
  const path = `body.postings[${index}]`;
  const label = `Posting ${index + 1}`;
  const keys = checkKeys(posting, ['account', 'amount'], [], path, label);
  if (keys) return keys;
  const { account, amount } = posting as JsonObject;
  const accountProblem = checkAccountAt(account, `${path}.account`);
  if (accountProblem) return accountProblem;
  if (typeof amount !== 'number' || !Number.isSafeInteger(amount)) {
    return problem('bad-amount', `${label}'s amount must be a whole number of minor units (cents).`, `${path}.amount`);
  }
  if (amount === 0) return problem('zero-amount', `${label}'s amount is zero; leave the posting out instead.`, `${path}.amount`);
  if (Math.abs(amount) > limits.amountAbsMax) {
    return problem('limit', `${label}'s amount is beyond the limit of ${limits.amountAbsMax} minor units.`, `${path}.amount`);
  }
  return undefined;
}

function checkAccountAt(account: unknown, path: string): Problem {
  const found = checkAccount(account as string);
  return found ? { ...found, path } : undefined;
}

/** negate and admit: they point at one entry exactly, and never at themselves. */
function checkTargeted(body: JsonObject, envelope: EnvelopeContext): Problem {
  const target = body['target'];
  const path = 'body.target';
  const found =
    checkKeys(target, ['peer', 'seq', 'id'], [], path, 'The target') ??
    checkPeerId((target as JsonObject)['peer'], `${path}.peer`, "The target's device id") ??
    checkSeq((target as JsonObject)['seq'], `${path}.seq`, "The target's sequence number", 1) ??
    checkEntryId((target as JsonObject)['id'], `${path}.id`, "The target's id") ??
    checkText(body['reason'], 'body.reason', 'The reason', 1, limits.reasonCharsMax);
  if (found) return found;
  const { peer, seq } = target as JsonObject;
  if (peer === envelope.peer && seq === envelope.seq) {
    return problem('shape', `A ${envelope.kind} entry cannot point at itself.`, path);
  }
  return undefined;
}

function checkSummary(body: JsonObject): Problem {
  return (
    (isDay(body['asOf']) ? undefined : problem('bad-date', 'The summary date must be a real day like 2025-03-01.', 'body.asOf')) ??
    checkCut(body['cut']) ??
    checkBalances(body['balances'])
  );
}

function checkSeal(body: JsonObject): Problem {
  const { prevSeal, digest } = body;
  return (
    checkPeriod(body['period']) ??
    (prevSeal === null ? undefined : checkEntryId(prevSeal, 'body.prevSeal', 'The previous seal', 'bad-chain')) ??
    checkCut(body['cut']) ??
    checkBalances(body['balances']) ??
    (typeof digest === 'string' && HEX64.test(digest)
      ? undefined
      : problem('shape', 'The digest must be 64 lowercase hex characters.', 'body.digest'))
  );
}

function checkPeriod(period: unknown): Problem {
  if (isAnyPeriodId(period)) return undefined;
  return problem('bad-date', 'The period must be a real day like 2025-03-01 or a month like 2025-03.', 'body.period');
}

/** A cut: per author its contiguous frontier, one line per author, sorted by device id. */
function checkCut(cut: unknown): Problem {
  const path = 'body.cut';
  if (!Array.isArray(cut)) return problem('shape', 'The cut must be a list.', path);
  if (cut.length > limits.cutLinesMax) {
    return problem('limit', `The cut has ${cut.length} lines; at most ${limits.cutLinesMax} are allowed.`, path);
  }
  for (let i = 0; i < cut.length; i++) {
    const line: unknown = cut[i];
    const at = `${path}[${i}]`;
    const found =
      checkKeys(line, ['peer', 'seq', 'head'], [], at, `Cut line ${i + 1}`) ??
      checkPeerId((line as JsonObject)['peer'], `${at}.peer`, `Cut line ${i + 1}'s device id`) ??
      checkSeq((line as JsonObject)['seq'], `${at}.seq`, `Cut line ${i + 1}'s sequence number`, 1) ??
      checkEntryId((line as JsonObject)['head'], `${at}.head`, `Cut line ${i + 1}'s head`);
    if (found) return found;
    if (i > 0 && !((cut[i - 1] as { peer: string }).peer < (line as { peer: string }).peer)) {
      return problem('shape', 'The cut must list each device once, sorted by device id.', `${at}.peer`);
    }
  }
  return undefined;
}

/** Balance lines: sorted by account, no duplicates, non-zero decimal strings. */
function checkBalances(balances: unknown): Problem {
  const path = 'body.balances';
  if (!Array.isArray(balances)) return problem('shape', 'The balances must be a list.', path);
  if (balances.length > limits.balanceLinesMax) {
    return problem('limit', `There are ${balances.length} balance lines; at most ${limits.balanceLinesMax} are allowed.`, path);
  }
  for (let i = 0; i < balances.length; i++) {
    const line: unknown = balances[i];
    const at = `${path}[${i}]`;
    const found = checkKeys(line, ['account', 'amount'], [], at, `Balance line ${i + 1}`) ?? checkBalanceLine(line as JsonObject, at, i);
    if (found) return found;
    if (i > 0 && !((balances[i - 1] as { account: string }).account < (line as { account: string }).account)) {
      return problem('shape', 'The balances must list each account once, sorted by account.', `${at}.account`);
    }
  }
  return undefined;
}

function checkBalanceLine(line: JsonObject, at: string, index: number): Problem {
  const { amount } = line;
  const found = checkAccountAt(line['account'], `${at}.account`);
  if (found) return found;
  if (typeof amount !== 'string' || !BALANCE.test(amount)) {
    return problem(
      'bad-amount',
      `Balance line ${index + 1}'s amount must be a non-zero whole number written as text, like "-1250".`,
      `${at}.amount`,
    );
  }
  const digits = amount.startsWith('-') ? amount.length - 1 : amount.length;
  if (digits > limits.balanceDigitsMax) {
    return problem('limit', `Balance line ${index + 1}'s amount has ${digits} digits; at most ${limits.balanceDigitsMax} are allowed.`, `${at}.amount`);
  }
  return undefined;
}

function checkJoin(body: JsonObject): Problem {
  return (
    checkPeerId(body['device'], 'body.device', 'The device id') ??
    checkText(body['name'], 'body.name', 'The device name', 1, limits.nameCharsMax) ??
    checkKey(body['key'], 'body.key', 'The device key') ??
    checkRoles(body['roles'])
  );
}

/** Roles: distinct, sorted, so one set of roles has one byte form. */
function checkRoles(roles: unknown): Problem {
  const path = 'body.roles';
  if (!Array.isArray(roles)) return problem('shape', 'The roles must be a list.', path);
  for (let i = 0; i < roles.length; i++) {
    const role: unknown = roles[i];
    if (typeof role !== 'string' || !(ROLES as readonly string[]).includes(role)) {
      return problem('shape', `Role ${i + 1} must be one of ${ROLES.join(', ')}.`, `${path}[${i}]`);
    }
    if (i > 0 && !((roles[i - 1] as string) < role)) {
      return problem('shape', 'The roles must be listed once each, in alphabetical order.', `${path}[${i}]`);
    }
  }
  return undefined;
}

function checkRetire(body: JsonObject): Problem {
  return (
    checkPeerId(body['device'], 'body.device', 'The device id') ??
    checkSeq(body['lastSeq'], 'body.lastSeq', 'The last good sequence number', 0) ??
    checkText(body['reason'], 'body.reason', 'The reason', 1, limits.reasonCharsMax)
  );
}

function checkSucceed(body: JsonObject): Problem {
  const found =
    checkPeerId(body['from'], 'body.from', 'The old device id') ??
    checkPeerId(body['to'], 'body.to', 'The new device id') ??
    checkSeq(body['lastSeq'], 'body.lastSeq', "The old device's last sequence number", 0) ??
    checkText(body['name'], 'body.name', 'The device name', 1, limits.nameCharsMax) ??
    checkKey(body['key'], 'body.key', 'The device key');
  if (found) return found;
  if (body['from'] === body['to']) return problem('shape', 'A device cannot succeed itself: the new id must differ.', 'body.to');
  return undefined;
}
