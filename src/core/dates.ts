/**
 * Business dates and periods. Business dates are zone-local `YYYY-MM-DDTHH:MM:SS`
 * strings, so a period is a prefix and string order is time order. Calendar
 * arithmetic goes through Date.UTC with explicit fields: pure and zone-free.
 */
import type { BusinessDate, Day, PeriodId, PeriodLength } from './types.ts';

const DATE_TIME = /^(\d{4})-(\d{2})-(\d{2})T(\d{2}):(\d{2}):(\d{2})$/;
const DAY = /^(\d{4})-(\d{2})-(\d{2})$/;
const MONTH = /^(\d{4})-(\d{2})$/;
const DAY_MS = 86_400_000;

/** True for a real calendar date-time `YYYY-MM-DDTHH:MM:SS` in years 2000-2999. */
export function isBusinessDate(value: unknown): value is BusinessDate {
  if (typeof value !== 'string') return false;
  const m = DATE_TIME.exec(value);
  if (!m) return false;
  const [y, mo, d, h, mi, s] = m.slice(1).map(Number) as [number, number, number, number, number, number];
  return isRealDay(y, mo, d) && h < 24 && mi < 60 && s < 60;
}

/** True for a real calendar day `YYYY-MM-DD` in years 2000-2999. */
export function isDay(value: unknown): value is Day {
  if (typeof value !== 'string') return false;
  const m = DAY.exec(value);
  if (!m) return false;
  const [y, mo, d] = m.slice(1).map(Number) as [number, number, number];
  return isRealDay(y, mo, d);
}

/** True for a period id of the given length. */
export function isPeriodId(value: unknown, length: PeriodLength): value is PeriodId {
  if (length === 'day') return isDay(value);
  if (typeof value !== 'string') return false;
  const m = MONTH.exec(value);
  if (!m) return false;
  const [y, mo] = m.slice(1).map(Number) as [number, number];
  return isRealDay(y, mo, 1);
}

/** True for either a day or a month id; which one a book uses is a fold matter. */
export function isAnyPeriodId(value: unknown): value is PeriodId {
  return isPeriodId(value, 'day') || isPeriodId(value, 'month');
}

function isRealDay(y: number, mo: number, d: number): boolean {
  if (y < 2000 || y > 2999 || mo < 1 || mo > 12 || d < 1) return false;
  const t = new Date(Date.UTC(y, mo - 1, d));
  return t.getUTCMonth() === mo - 1 && t.getUTCDate() === d;
}

/** The day of a business date. */
export function dayOf(date: BusinessDate): Day {
  return date.slice(0, 10);
}

/** The period a business date falls in. */
export function periodOf(date: BusinessDate | Day, length: PeriodLength): PeriodId {
  return length === 'day' ? date.slice(0, 10) : date.slice(0, 7);
}

/** The first instant of a period, as a business date. */
export function periodStart(period: PeriodId): BusinessDate {
  return (period.length === 7 ? `${period}-01T00:00:00` : `${period}T00:00:00`) as BusinessDate;
}

/** The last second of a day, as a business date: as-of queries include the whole day. */
export function endOfDay(day: Day): BusinessDate {
  return `${day}T23:59:59` as BusinessDate;
}

/** The period right after `period`. */
export function nextPeriod(period: PeriodId): PeriodId {
  if (period.length === 7) {
    const [y, m] = period.split('-').map(Number) as [number, number];
    return m === 12 ? `${y + 1}-01` : `${y}-${String(m + 1).padStart(2, '0')}`;
  }
  const [y, m, d] = period.split('-').map(Number) as [number, number, number];
  return new Date(Date.UTC(y, m - 1, d) + DAY_MS).toISOString().slice(0, 10);
}

/** Whole days from day `a` to day `b` (negative when b is earlier). */
export function daysBetween(a: Day, b: Day): number {
  return Math.round((dayToUtcMs(b) - dayToUtcMs(a)) / DAY_MS);
}

function dayToUtcMs(day: Day): number {
  const [y, m, d] = day.slice(0, 10).split('-').map(Number) as [number, number, number];
  return Date.UTC(y, m - 1, d);
}

/** Milliseconds since the epoch of a business date read as if it were UTC (for skew bounds). */
export function businessDateAsUtcMs(date: BusinessDate): number {
  const [y, mo, d, h, mi, s] = DATE_TIME.exec(date)!.slice(1).map(Number) as [number, number, number, number, number, number];
  return Date.UTC(y, mo - 1, d, h, mi, s);
}

/** A business date from UTC milliseconds and the zone's offset at that instant, in minutes. */
export function businessDateFromUtcMs(utcMs: number, offsetMinutes: number): BusinessDate {
  return new Date(utcMs + offsetMinutes * 60_000).toISOString().slice(0, 19) as BusinessDate;
}

/** Later of two business dates. */
export function maxDate(a: BusinessDate, b: BusinessDate): BusinessDate {
  return a >= b ? a : b;
}

/** The decimal number of the `count` digits of `text` at `from`; NaN when one is not a digit. */
export function digits(text: string, from: number, count: number): number {
  let n = 0;
  for (let i = from; i < from + count; i++) {
    const digit = text.charCodeAt(i) - 48;
    if (!(digit >= 0 && digit <= 9)) return Number.NaN;
    n = n * 10 + digit;
  }
  return n;
}
