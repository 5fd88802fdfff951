import { describe, expect, it } from 'vitest';
import { createLog, formatLine } from './log.ts';

describe('the hub log', () => {
  it('writes one JSON line per event with time, level, msg, book and fields', () => {
    const lines: string[] = [];
    const log = createLog({ write: (l) => void lines.push(l), clock: () => Date.UTC(2025, 2, 14, 9) });
    log.with({ book: 'corner-shop' }).warn('sync cut-off', { peer: 'till-1', amount: 12n });
    log.debug('not shown at info');
    expect(lines).toEqual(['{"time":"2025-03-14T09:00:00.000Z","level":"warn","msg":"sync cut-off","book":"corner-shop","peer":"till-1","amount":"12"}\n']);
  });

  it('never throws: cycles become text, a broken writer is ignored', () => {
    const cycle: Record<string, unknown> = {};
    cycle['self'] = cycle;
    expect(JSON.parse(formatLine({ msg: 'x', cycle }))).toEqual({ msg: 'x', cycle: '[object Object]' });
    const log = createLog({ write: () => { throw new Error('EPIPE'); } });
    expect(() => log.error('still fine', { error: new Error('boom') })).not.toThrow();
  });
});
