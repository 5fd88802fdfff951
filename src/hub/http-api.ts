/**
 * The read API and the entry import, under /api/books. Every answer is JSON (exports
 * are text); every refusal is `{error: reason}` with a status that says whose fault it
 * is: 400 bad parameters or body, 404 unknown book or entry, 405 wrong method, 413 too
 * large, 415 not JSON, 422 entries the core refuses, 503 the hub cannot serve now.
 * Reads answer from the book's query store, the same answers the tablets compute.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { Verifier } from '../core/entry.ts';
import type { Refusal } from '../core/result.ts';
import { isEntryId } from '../core/validate-fields.ts';
import { validate } from '../core/validate.ts';
import type { Entry } from '../core/types.ts';
import type { Books, HubBook } from './books.ts';
import { hubLimits } from './config-limits.ts';
import { exportFormats } from './http-exports.ts';
import { outageReport } from './http-outage.ts';
import { readJsonBody } from './http-body.ts';
import { sendError, sendJson, sendText } from './http-json.ts';
import { dayParam, JOURNAL_PARAMS, journalFilter, nextCursor, readParams } from './http-params.ts';
import type { Log } from './log.ts';

export interface ApiContext {
  books: Books;
  verify: Verifier;
  clock: () => number;
  log: Log;
  /** Keep `write` counted as in flight until it settles: shutdown waits for it. */
  track<T>(write: Promise<T>): Promise<T>;
}

type Route = (req: IncomingMessage, res: ServerResponse, book: HubBook, params: Map<string, string>, ctx: ApiContext, rest: string) => Promise<void> | void;

interface RouteSpec {
  params: readonly string[];
  get?: Route;
  post?: Route;
}

const ROUTES: Record<string, RouteSpec> = {
  balances: { params: ['asOf'], get: balances },
  'trial-balance': { params: ['asOf'], get: trialBalance },
  journal: { params: JOURNAL_PARAMS, get: journal },
  entries: { params: [], post: postEntries, get: oneEntry },
  periods: { params: [], get: periods },
  reconciliation: { params: [], get: reconciliation },
  outage: { params: [], get: outage },
};

/**
 * Answer a request whose path starts with /api. Contract: always answers (never
 * throws, never leaves the response open), logs faults of its own as errors.
 */
export async function handleApi(req: IncomingMessage, res: ServerResponse, url: URL, ctx: ApiContext): Promise<void> {
  const parts = url.pathname.split('/').slice(2).map(decodeSegment);
  if (parts[0] !== 'books' || parts.some((p) => p === undefined)) return sendError(res, 404, `no such route: ${url.pathname.slice(0, 200)}`);
  const [, bookName, what, ...restParts] = parts as string[];
  if (bookName === undefined || bookName === '') return listBooks(req, res, url, ctx);
  const route = routeOf(what ?? '');
  const rest = restParts.join('/');
  if (route === undefined || (rest !== '' && !(what === 'entries' && restParts.length === 1))) {
    return sendError(res, 404, `no such route: ${url.pathname.slice(0, 200)}`);
  }
  const handler = req.method === 'GET' || req.method === 'HEAD' ? route.spec.get : req.method === 'POST' ? route.spec.post : undefined;
  if (handler === undefined || (req.method === 'POST' && rest !== '')) {
    const allow = [route.spec.get ? 'GET' : '', route.spec.post && rest === '' ? 'POST' : ''].filter(Boolean).join(', ');
    return sendError(res, 405, `${req.method ?? '?'} is not allowed here; use ${allow}`, {}, { allow });
  }
  const params = readParams(url.searchParams, route.spec.params);
  if (!params.ok) return sendError(res, 400, params.reason);
  const opened = await ctx.books.open(bookName);
  if (!opened.ok) {
    // Served by another process on the same database: send the client there, same path and query.
    const headers: Record<string, string> = opened.status === 307 ? { location: `${opened.location.replace(/\/+$/, '')}${url.pathname}${url.search}` } : {};
    return sendError(res, opened.status, opened.reason, opened.status === 307 ? { servedBy: opened.location } : {}, headers);
  }
  await handler(req, res, opened.book, params.value, ctx, route.format ?? rest);
}

function routeOf(what: string): { spec: RouteSpec; format?: string } | undefined {
  if (Object.hasOwn(ROUTES, what)) return { spec: ROUTES[what]! };
  const format = /^export\.([a-z]+)$/.exec(what)?.[1];
  if (format !== undefined && Object.hasOwn(exportFormats, format)) return { spec: { params: ['period'], get: exportBook }, format };
  return undefined;
}

function decodeSegment(segment: string): string | undefined {
  try {
    return decodeURIComponent(segment);
  } catch {
    return undefined;
  }
}

async function listBooks(req: IncomingMessage, res: ServerResponse, url: URL, ctx: ApiContext): Promise<void> {
  if (req.method !== 'GET' && req.method !== 'HEAD') return sendError(res, 405, 'use GET', {}, { allow: 'GET' });
  const params = readParams(url.searchParams, []);
  if (!params.ok) return sendError(res, 400, params.reason);
  const open = new Map(ctx.books.opened().map((b) => [b.book as string, b]));
  const books = (await ctx.books.list()).map((book) => {
    const held = open.get(book);
    const settings = held?.store.structure.settings;
    return held === undefined
      ? { book, open: false }
      : { book, open: true, entries: held.store.size, ...(settings === undefined ? {} : { name: settings.name, currency: settings.currency, period: settings.period }) };
  });
  sendJson(res, 200, { books });
}

/** Today as the hub's clock sees it (UTC): the default as-of day. */
function today(ctx: ApiContext): string {
  return new Date(ctx.clock()).toISOString().slice(0, 10);
}

function balances(_req: IncomingMessage, res: ServerResponse, book: HubBook, params: Map<string, string>, ctx: ApiContext): void {
  const asOf = dayParam(params, 'asOf', today(ctx));
  if (!asOf.ok) return sendError(res, 400, asOf.reason);
  sendJson(res, 200, { book: book.book, asOf: asOf.value, balances: book.store.balancesAsOf(asOf.value) });
}

function trialBalance(_req: IncomingMessage, res: ServerResponse, book: HubBook, params: Map<string, string>, ctx: ApiContext): void {
  const asOf = dayParam(params, 'asOf', today(ctx));
  if (!asOf.ok) return sendError(res, 400, asOf.reason);
  sendJson(res, 200, { book: book.book, ...book.store.trialBalance(asOf.value) });
}

function journal(_req: IncomingMessage, res: ServerResponse, book: HubBook, params: Map<string, string>): void {
  const filter = journalFilter(params);
  if (!filter.ok) return sendError(res, 400, filter.reason);
  const page = book.store.search(filter.value);
  const next = nextCursor(filter.value, page.total);
  sendJson(res, 200, { book: book.book, total: page.total, rows: page.rows, ...(next === undefined ? {} : { next }) });
}

async function oneEntry(_req: IncomingMessage, res: ServerResponse, book: HubBook, _params: Map<string, string>, _ctx: ApiContext, id: string): Promise<void> {
  if (id === '') return sendError(res, 405, 'GET one entry at /entries/:id, or POST entries here', {}, { allow: 'POST' });
  if (!isEntryId(id)) return sendError(res, 400, 'an entry id is 64 lowercase hex characters');
  const entry = await book.journal.get(id);
  const info = book.store.entry(id);
  if (entry === undefined || info === undefined) return sendError(res, 404, `no entry ${id} in book ${book.book}`);
  sendJson(res, 200, { entry, info });
}

function periods(_req: IncomingMessage, res: ServerResponse, book: HubBook): void {
  sendJson(res, 200, { book: book.book, firstOpenPeriod: book.store.firstOpenPeriod() ?? null, periods: book.store.periods() });
}

async function reconciliation(_req: IncomingMessage, res: ServerResponse, book: HubBook): Promise<void> {
  const store = book.store;
  await book.refreshQuarantine();
  const device = await book.journal.device();
  const quarantine = { stored: await book.journal.quarantineCount(), refused: device.quarantined };
  const answer = {
    book: book.book,
    summaries: store.summaries(),
    late: store.late(),
    held: store.held(),
    pending: store.withStatus('pending'),
    invalid: store.withStatus('invalid'),
    duplicateNegations: store.negations().filter((n) => n.duplicates.length > 0),
    alarms: store.alarms(),
    quarantine,
    /** The newest refused inputs (at most 20), with their reasons and senders. */
    quarantined: store.quarantine().slice(-20),
  };
  const attention = [
    ...answer.summaries.filter((s) => s.supersededBy === undefined && s.result.verdict !== 'agreed').map((s) => `summary ${s.summary} is ${s.result.verdict}`),
    answer.held.length > 0 ? `${answer.held.length} entries held for review` : '',
    answer.invalid.length > 0 ? `${answer.invalid.length} invalid entries` : '',
    answer.duplicateNegations.length > 0 ? `${answer.duplicateNegations.length} entries negated more than once` : '',
    answer.alarms.length > 0 ? `${answer.alarms.length} alarms` : '',
    quarantine.refused > 0 ? `${quarantine.refused} refused inputs in quarantine` : '',
  ].filter((line) => line !== '');
  sendJson(res, 200, { ...answer, status: attention.length === 0 ? 'clean' : 'needs-review', attention });
}

async function outage(_req: IncomingMessage, res: ServerResponse, book: HubBook, _params: Map<string, string>, ctx: ApiContext): Promise<void> {
  sendJson(res, 200, await outageReport(book, ctx.clock()));
}

function exportBook(req: IncomingMessage, res: ServerResponse, book: HubBook, params: Map<string, string>, _ctx: ApiContext, format: string): void {
  const writer = exportFormats[format]!;
  const period = params.get('period');
  const opts = period === undefined ? {} : { period };
  const refusal: Refusal | undefined = writer.check(book.store, opts);
  if (refusal !== undefined) return sendError(res, 400, refusal.message, { code: refusal.code });
  const text = writer.write(book.store, opts);
  const name = `${book.book}${period === undefined ? '' : `-${period}`}.${writer.extension}`;
  sendText(res, 200, writer.type, req.method === 'HEAD' ? '' : text, { 'content-disposition': `attachment; filename="${name}"` });
}

/**
 * Entries from a file or another system, through the journal's ingest: all or
 * nothing. Every entry is checked by the core first; if any is refused, the refused
 * ones go to quarantine as evidence (with the sender noted), none is stored, and the
 * answer lists each refusal with its index and reason (422). Entries already held
 * count as duplicates: posting the same file twice stores it once.
 */
async function postEntries(req: IncomingMessage, res: ServerResponse, book: HubBook, _params: Map<string, string>, ctx: ApiContext): Promise<void> {
  const body = await readJsonBody(req, hubLimits.requestBodyBytesMax);
  if (!body.ok) return sendError(res, body.status, body.reason, {}, body.status === 413 ? { connection: 'close' } : {});
  const value = body.value;
  const inputs: unknown = Array.isArray(value) ? value : typeof value === 'object' && value !== null ? (value as { entries?: unknown }).entries : undefined;
  if (!Array.isArray(inputs)) return sendError(res, 400, 'send a JSON array of entries, or {"entries": [...]}');
  if (inputs.length === 0) return sendError(res, 400, 'the list of entries is empty');
  if (inputs.length > hubLimits.entriesPerPostMax) return sendError(res, 413, `at most ${hubLimits.entriesPerPostMax} entries per request; send several`);
  const from = `http:${req.socket.remoteAddress ?? 'unknown'}`;
  const checked = inputs.map((input: unknown, index) => ({ index, input, result: validate(input, { verify: ctx.verify, book: book.book }) }));
  const refused = checked.filter((c) => !c.result.ok);
  try {
    if (refused.length > 0) {
      const report = await ctx.track(book.journal.ingest(refused.map((c) => c.input), from));
      ctx.log.warn('entries refused', { book: book.book, from, refused: refused.length, of: inputs.length });
      return sendError(res, 422, `${refused.length} of ${inputs.length} entries refused; nothing was stored`, {
        refused: refused.slice(0, hubLimits.refusalsListedMax).map((c) => ({ index: c.index, ...(c.result.ok ? {} : c.result.refusal) })),
        refusedCount: refused.length,
        quarantined: report.refused.length,
      });
    }
    const entries = checked.map((c) => (c.result.ok ? c.result.value : undefined)).filter((e): e is Entry => e !== undefined);
    const report = await ctx.track(book.journal.ingest(entries, from));
    ctx.log.info('entries imported', { book: book.book, from, accepted: report.accepted.length, duplicates: report.duplicates });
    sendJson(res, 200, {
      book: book.book,
      accepted: report.accepted.length,
      duplicates: report.duplicates,
      ids: report.accepted.map((e) => e.id),
      alarms: report.alarms,
      ...(report.refused.length > 0 ? { refused: report.refused } : {}),
    });
  } catch (error) {
    ctx.log.error('import failed', { book: book.book, error });
    sendError(res, 503, `the entries could not be stored: ${error instanceof Error ? error.message : String(error)}; retrying is safe`);
  }
}
