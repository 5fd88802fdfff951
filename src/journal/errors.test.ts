import { describe, expect, it } from 'vitest';
import { JournalBusyError, toJournalError } from './errors.ts';

const dom = (name: string) => new DOMException('m', name);

describe('toJournalError', () => {
  it('names storage failures after the browser, the most specific first', () => {
    expect(toJournalError(dom('QuotaExceededError')).name).toBe('JournalQuotaError');
    // Dexie wraps the reason of an aborted transaction as `inner`.
    expect(toJournalError(Object.assign(new Error('x'), { name: 'AbortError', inner: dom('QuotaExceededError') })).name).toBe('JournalQuotaError');
    expect(toJournalError(dom('AbortError')).name).toBe('JournalAbortError');
    expect(toJournalError(dom('InvalidStateError')).name).toBe('JournalClosedError');
    expect(toJournalError(Object.assign(new Error('x'), { name: 'DatabaseClosedError' })).name).toBe('JournalClosedError');
    expect(toJournalError(dom('VersionError')).name).toBe('JournalVersionError');
    expect(toJournalError('weird').name).toBe('JournalError');
    const busy = new JournalBusyError('b');
    expect(toJournalError(busy)).toBe(busy);
  });
});
