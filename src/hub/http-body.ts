/**
 * Reading a request body within a byte limit. A body over the limit is refused as
 * soon as it passes the limit (by its declared length, or while it streams) without
 * buffering the rest; malformed JSON is refused with the parser's reason. Never throws.
 */
import type { IncomingMessage } from 'node:http';

export type BodyResult = { ok: true; value: unknown } | { ok: false; status: 400 | 413 | 415; reason: string };

/** The request's body parsed as JSON, at most `bytesMax` bytes. Resolves, never rejects. */
export function readJsonBody(req: IncomingMessage, bytesMax: number): Promise<BodyResult> {
  const type = (req.headers['content-type'] ?? 'application/json').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json' && !type.endsWith('+json')) {
    return Promise.resolve(refusal(req, 415, `send the entries as application/json, not ${type}`));
  }
  const declared = Number(req.headers['content-length']);
  if (Number.isFinite(declared) && declared > bytesMax) return Promise.resolve(refusal(req, 413, tooLarge(bytesMax)));
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let bytes = 0;
    let done = false;
    const finish = (result: BodyResult): void => {
      if (done) return;
      done = true;
      resolve(result);
    };
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      bytes += chunk.byteLength;
      if (bytes > bytesMax) return finish(refusal(req, 413, tooLarge(bytesMax)));
      chunks.push(chunk);
    });
    req.on('end', () => finish(parse(Buffer.concat(chunks))));
    req.on('error', (error) => finish({ ok: false, status: 400, reason: `the request body could not be read: ${error.message}` }));
    req.on('close', () => finish({ ok: false, status: 400, reason: 'the request ended before its body' }));
  });
}

function parse(bytes: Buffer): BodyResult {
  let text: string;
  try {
    text = new TextDecoder('utf-8', { fatal: true }).decode(bytes);
  } catch {
    return { ok: false, status: 400, reason: 'the body is not valid UTF-8' };
  }
  if (text.trim() === '') return { ok: false, status: 400, reason: 'the body is empty; send a JSON array of entries' };
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, status: 400, reason: `the body is not valid JSON: ${error instanceof Error ? error.message : String(error)}` };
  }
}

function tooLarge(bytesMax: number): string {
  return `the body is larger than ${bytesMax} bytes; send the entries in several requests`;
}

/**
 * A refusal before the body was read: the rest of the body is drained (up to the
 * socket closing) so the client sees the answer instead of a reset connection.
 */
function refusal(req: IncomingMessage, status: 400 | 413 | 415, reason: string): BodyResult {
  req.resume();
  return { ok: false, status, reason };
}
