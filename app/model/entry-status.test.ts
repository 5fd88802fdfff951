import { describe, expect, it } from 'vitest';
import type { EntryId } from '../../src/core/types.ts';
import { statusText } from './entry-status.ts';

describe('entry status in words', () => {
  it('names every state', () => {
    expect(statusText({ kind: 'txn', state: { status: 'effective' } }).label).toBe('In the books');
    expect(statusText({ kind: 'txn', state: { status: 'effective' }, negatedBy: 'x' }).label).toBe('Negated');
    expect(statusText({ kind: 'txn', state: { status: 'effective' }, late: { labelPeriod: '2025-03-14', into: '2025-03-15', provisional: true } }).detail).toMatch(/provisionally in 2025-03-15/);
    expect(statusText({ kind: 'txn', state: { status: 'effective' }, duplicateNegations: ['a'] }).detail).toMatch(/1 duplicate negation to review/);
    expect(statusText({ kind: 'negate', state: { status: 'duplicate', of: 'y' as EntryId } }).label).toBe('Duplicate negation');
    expect(statusText({ kind: 'txn', state: { status: 'held', reason: 'retired', detail: 'Till 3 was retired at 12.' } }).detail).toMatch(/retired.*Till 3/);
    expect(statusText({ kind: 'txn', state: { status: 'pending', reason: 'author not enrolled' } }).detail).toBe('Pending: author not enrolled.');
    expect(statusText({ kind: 'seal', state: { status: 'invalid', reason: 'not a closer' } }).tone).toBe('bad');
    expect(statusText({ kind: 'join', state: { status: 'recorded' } }).label).toBe('Recorded');
  });
});
