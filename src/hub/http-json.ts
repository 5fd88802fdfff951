/**
 * JSON answers of the hub's HTTP API. Money in the books is bigint (balances may pass
 * 2^53), and JSON numbers lose precision there, so every bigint is written as a
 * decimal string of minor units ("-10000"); amounts inside entries (postings) are
 * capped well below 2^53 and stay numbers, as the entries are signed that way.
 */
import type { ServerResponse } from 'node:http';

/** `value` as JSON text with bigints as decimal strings. Contract: the same text for equal values. */
export function toJson(value: unknown): string {
  return JSON.stringify(value, (_key, v: unknown) => (typeof v === 'bigint' ? v.toString() : v));
}

/** Answer `status` with `body` as JSON (never cached: the books change as entries arrive). */
export function sendJson(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  const text = toJson(body);
  if (res.headersSent) return;
  res.writeHead(status, {
    'content-type': 'application/json; charset=utf-8',
    'content-length': Buffer.byteLength(text),
    'cache-control': 'no-store',
    'x-content-type-options': 'nosniff',
    ...headers,
  });
  res.end(text);
}

/** An error answer: `{error: reason}` plus any details, with `status`. */
export function sendError(res: ServerResponse, status: number, reason: string, details: Record<string, unknown> = {}, headers: Record<string, string> = {}): void {
  sendJson(res, status, { error: reason, ...details }, headers);
}

/** A text answer (exports): `type` is the full content type. */
export function sendText(res: ServerResponse, status: number, type: string, text: string, headers: Record<string, string> = {}): void {
  if (res.headersSent) return;
  res.writeHead(status, { 'content-type': type, 'content-length': Buffer.byteLength(text), 'cache-control': 'no-store', 'x-content-type-options': 'nosniff', ...headers });
  res.end(text);
}
