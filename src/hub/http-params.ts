/**
 * Query parameters of the read API, checked at the border: each route names the
 * parameters it takes, anything else (an unknown name, a repeated one, a malformed
 * value) is a 400 with a reason a person can act on. Pure; never throws.
 */
import { isDay } from '../core/dates.ts';
import { KINDS, type Day, type Kind } from '../core/types.ts';
import type { SearchFilter, Status } from '../query/index.ts';
import { hubLimits } from './config-limits.ts';

export type Params<T> = { ok: true; value: T } | { ok: false; reason: string };

const STATUSES: readonly Status[] = ['effective', 'recorded', 'pending', 'held', 'invalid', 'duplicate'];
/** Characters of a free-text parameter (account, text, author). */
const TEXT_CHARS_MAX = 200;

/** The parameters as a map, refusing names outside `allowed` and repeated names. */
export function readParams(search: URLSearchParams, allowed: readonly string[]): Params<Map<string, string>> {
  const out = new Map<string, string>();
  for (const [name, value] of search) {
    if (!allowed.includes(name)) {
      const takes = allowed.length === 0 ? 'takes no parameters' : `takes ${allowed.join(', ')}`;
      return { ok: false, reason: `unknown parameter ${JSON.stringify(name)}: this route ${takes}` };
    }
    if (out.has(name)) return { ok: false, reason: `the parameter ${name} is given twice` };
    out.set(name, value);
  }
  return { ok: true, value: out };
}

/** A day parameter (YYYY-MM-DD, a real calendar day), or `fallback` when absent. */
export function dayParam(params: Map<string, string>, name: string, fallback: Day): Params<Day> {
  const value = params.get(name);
  if (value === undefined) return { ok: true, value: fallback };
  if (!isDay(value)) return { ok: false, reason: `${name} must be a day written YYYY-MM-DD, not ${show(params.get(name))}` };
  return { ok: true, value };
}

/** The journal route's filter: from, to, account, kind, author, text, status, min, max, cursor, limit. */
export const JOURNAL_PARAMS = ['from', 'to', 'account', 'kind', 'author', 'text', 'status', 'min', 'max', 'cursor', 'limit'] as const;

/** A SearchFilter from the journal route's parameters; `cursor` is the offset of the page (see `nextCursor`). */
export function journalFilter(params: Map<string, string>): Params<SearchFilter> {
  const filter: SearchFilter = {};
  for (const name of ['from', 'to'] as const) {
    const value = params.get(name);
    if (value === undefined) continue;
    if (!isDay(value)) return { ok: false, reason: `${name} must be a day written YYYY-MM-DD, not ${show(params.get(name))}` };
    filter[name] = value;
  }
  if (filter.from !== undefined && filter.to !== undefined && filter.from > filter.to) return { ok: false, reason: 'from is after to' };
  for (const [name, key] of [['account', 'account'], ['author', 'author'], ['text', 'memo']] as const) {
    const value = params.get(name);
    if (value === undefined) continue;
    if (value.length === 0 || value.length > TEXT_CHARS_MAX) return { ok: false, reason: `${name} must be 1 to ${TEXT_CHARS_MAX} characters` };
    filter[key] = value;
  }
  const kind = params.get('kind');
  if (kind !== undefined) {
    const kinds = kind.split(',');
    const bad = kinds.find((k) => !(KINDS as readonly string[]).includes(k));
    if (bad !== undefined) return { ok: false, reason: `kind ${show(bad)} is not one of ${KINDS.join(', ')}` };
    filter.kinds = kinds as Kind[];
  }
  const status = params.get('status');
  if (status !== undefined) {
    if (!(STATUSES as readonly string[]).includes(status)) return { ok: false, reason: `status must be one of ${STATUSES.join(', ')}` };
    filter.status = status as Status;
  }
  const amount: { min?: number; max?: number } = {};
  for (const name of ['min', 'max'] as const) {
    const value = params.get(name);
    if (value === undefined) continue;
    const n = wholeNumber(value);
    if (n === undefined) return { ok: false, reason: `${name} must be a whole number of minor units (cents), not ${show(value)}` };
    amount[name] = n;
  }
  if (amount.min !== undefined && amount.max !== undefined && amount.min > amount.max) return { ok: false, reason: 'min is larger than max' };
  if (amount.min !== undefined || amount.max !== undefined) filter.amount = amount;
  const cursor = params.get('cursor');
  if (cursor !== undefined) {
    const offset = wholeNumber(cursor);
    if (offset === undefined) return { ok: false, reason: 'cursor must be the `next` value of a previous page' };
    filter.offset = offset;
  }
  const limit = params.get('limit');
  if (limit !== undefined) {
    const n = wholeNumber(limit);
    if (n === undefined || n < 1 || n > hubLimits.journalPageMax) return { ok: false, reason: `limit must be a whole number from 1 to ${hubLimits.journalPageMax}` };
    filter.limit = n;
  } else filter.limit = hubLimits.journalPageDefault;
  return { ok: true, value: filter };
}

/** The cursor of the page after the one `filter` asked for, or undefined on the last page. */
export function nextCursor(filter: SearchFilter, total: number): string | undefined {
  const next = (filter.offset ?? 0) + (filter.limit ?? hubLimits.journalPageDefault);
  return next < total ? String(next) : undefined;
}

function wholeNumber(text: string): number | undefined {
  if (!/^\d{1,15}$/.test(text)) return undefined;
  return Number(text);
}

/** A parameter's value quoted for a refusal, cut to 40 characters. */
function show(value: string | undefined): string {
  return JSON.stringify((value ?? '').slice(0, 40));
}
