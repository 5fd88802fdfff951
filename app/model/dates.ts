/**
 * Business dates at the app's edge. The core writes dates zone-local without an
 * offset (`YYYY-MM-DDTHH:MM:SS` in the book's time zone); only here, at the edge, is
 * the wall clock turned into one, with the platform's time-zone data (Intl).
 */
import { businessDateAsUtcMs, businessDateFromUtcMs, isBusinessDate, periodOf } from '../../src/core/dates.ts';
import { limits } from '../../src/core/limits.ts';
import type { BusinessDate, PeriodId, PeriodLength } from '../../src/core/types.ts';

/** The offset of `timeZone` from UTC at instant `utcMs`, in minutes (0 for a zone the platform does not know). */
export function zoneOffsetMinutes(timeZone: string, utcMs: number): number {
  try {
    const parts = new Intl.DateTimeFormat('en-US', {
      timeZone,
      hourCycle: 'h23',
      year: 'numeric',
      month: '2-digit',
      day: '2-digit',
      hour: '2-digit',
      minute: '2-digit',
      second: '2-digit',
    }).formatToParts(new Date(utcMs));
    const get = (type: string): number => Number(parts.find((p) => p.type === type)?.value);
    const local = Date.UTC(get('year'), get('month') - 1, get('day'), get('hour'), get('minute'), get('second'));
    const offset = Math.round((local - Math.floor(utcMs / 1000) * 1000) / 60_000);
    return Number.isFinite(offset) ? offset : 0;
  } catch {
    return 0;
  }
}

/** The business date of instant `utcMs` in `timeZone`. */
export function businessDateAt(timeZone: string, utcMs: number): BusinessDate {
  return businessDateFromUtcMs(utcMs, zoneOffsetMinutes(timeZone, utcMs));
}

/** The value an `<input type="datetime-local">` shows for a business date (minutes). */
export function toInputValue(date: BusinessDate): string {
  return date.slice(0, 16);
}

/** A business date from an `<input type="datetime-local">` value, or undefined when it is not one. */
export function fromInputValue(value: string): BusinessDate | undefined {
  const text = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}$/.test(value) ? `${value}:00` : value;
  return isBusinessDate(text) ? text : undefined;
}

export type DateCheck =
  | { ok: true; date: BusinessDate; note?: string }
  | { ok: false; message: string };

/**
 * Check a business date a person chose for a new entry against now (`nowDate`, in the
 * book's zone). A date further ahead than limits.dateAheadAlarmMs is refused (it
 * would raise the clock-skew alarm on every peer; the form refuses it, the core never
 * does). An earlier date is accepted with a note that it may be late, and if its
 * period is already sealed (before `firstOpen`), that it will be carried forward.
 */
export function checkEntryDate(date: BusinessDate | undefined, nowDate: BusinessDate, period: PeriodLength, firstOpen: PeriodId | undefined): DateCheck {
  if (date === undefined) return { ok: false, message: 'Enter a date and time, or leave the default (now).' };
  const aheadMs = businessDateAsUtcMs(date) - businessDateAsUtcMs(nowDate);
  if (aheadMs > limits.dateAheadAlarmMs) {
    return { ok: false, message: `The date is in the future (${date.replace('T', ' ')}). Entries may be dated at most ${limits.dateAheadAlarmMs / 60_000} minutes ahead of now.` };
  }
  const own = periodOf(date, period);
  if (firstOpen !== undefined && own < firstOpen) {
    return { ok: true, date, note: `${own} is already closed: this entry will be late. It counts from the start of the first open period (${firstOpen}) and keeps its own date as a label; if that is more than the book's reconciliation window after its date, it is held for review.` };
  }
  if (aheadMs < -60 * 60_000) {
    return { ok: true, date, note: 'Back-dated: if its period is closed before this entry reaches the closer, it will be late and carried into the next open period.' };
  }
  return { ok: true, date };
}
