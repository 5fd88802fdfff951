import { describe, expect, it } from 'vitest';
import type { BusinessDate } from '../../src/core/types.ts';
import { businessDateAt, checkEntryDate, fromInputValue, toInputValue, zoneOffsetMinutes } from './dates.ts';

const d = (s: string): BusinessDate => s as BusinessDate;

describe('business dates at the edge', () => {
  it('turns an instant into the book zone’s wall time, daylight saving included', () => {
    expect(zoneOffsetMinutes('UTC', Date.UTC(2025, 0, 1))).toBe(0);
    expect(zoneOffsetMinutes('Europe/Berlin', Date.UTC(2025, 0, 15, 12))).toBe(60);
    expect(zoneOffsetMinutes('Europe/Berlin', Date.UTC(2025, 6, 15, 12))).toBe(120);
    expect(zoneOffsetMinutes('America/New_York', Date.UTC(2025, 0, 15, 12))).toBe(-300);
    expect(zoneOffsetMinutes('Nowhere/Atlantis', 0)).toBe(0);
    expect(businessDateAt('Europe/Berlin', Date.UTC(2025, 2, 14, 23, 30, 5))).toBe('2025-03-15T00:30:05');
  });

  it('reads and writes datetime-local values', () => {
    expect(fromInputValue('2025-03-14T09:12')).toBe('2025-03-14T09:12:00');
    expect(fromInputValue('2025-03-14T09:12:30')).toBe('2025-03-14T09:12:30');
    expect(fromInputValue('2025-02-30T09:12')).toBeUndefined();
    expect(fromInputValue('')).toBeUndefined();
    expect(toInputValue(d('2025-03-14T09:12:30'))).toBe('2025-03-14T09:12');
  });

  it('refuses dates beyond the skew limit and explains back-dating', () => {
    const now = d('2025-03-14T12:00:00');
    expect(checkEntryDate(d('2025-03-14T12:10:00'), now, 'day', undefined)).toEqual({ ok: true, date: '2025-03-14T12:10:00' });
    const future = checkEntryDate(d('2025-03-14T12:16:00'), now, 'day', undefined);
    expect(future.ok).toBe(false);
    if (!future.ok) expect(future.message).toMatch(/future/);
    expect(checkEntryDate(undefined, now, 'day', undefined).ok).toBe(false);
    const late = checkEntryDate(d('2025-03-12T10:00:00'), now, 'day', '2025-03-13');
    expect(late.ok && late.note).toMatch(/2025-03-12 is already closed.*2025-03-13/);
    const back = checkEntryDate(d('2025-03-14T08:00:00'), now, 'day', '2025-03-14');
    expect(back.ok && back.note).toMatch(/Back-dated/);
  });
});
