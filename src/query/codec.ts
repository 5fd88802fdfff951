/**
 * Business dates and HLC stamps as numbers, so they fit typed-array columns.
 *
 * A business date `YYYY-MM-DDTHH:MM:SS` becomes whole seconds since 2000-01-01T00:00:00
 * read as UTC (years 2000-2999 fit a Float64 exactly), and its day is that divided by
 * 86,400: number order is string order, and as-of filters compare Int32 days. An HLC
 * `WWWWWWWWWWWWW-CCCC` becomes its milliseconds and its counter (the pair does not fit
 * one Float64 exactly).
 */
import { digits } from '../core/dates.ts';
import type { BusinessDate, Day } from '../core/types.ts';

const DAY_S = 86_400;
const EPOCH_2000_MS = Date.UTC(2000, 0, 1);

/** Seconds since 2000-01-01 of a business date. The date must be well formed (validated upstream). */
export function dateToSeconds(date: string): number {
  // Digits read from char codes: six Number(slice) calls per date were a visible share of a cold start.
  const ms = Date.UTC(digits(date, 0, 4), digits(date, 5, 2) - 1, digits(date, 8, 2), digits(date, 11, 2), digits(date, 14, 2), digits(date, 17, 2));
  return (ms - EPOCH_2000_MS) / 1000;
}


/** The business date of `dateToSeconds`'s output. */
export function secondsToDate(seconds: number): BusinessDate {
  return new Date(EPOCH_2000_MS + seconds * 1000).toISOString().slice(0, 19) as BusinessDate;
}

/** Day index (days since 2000-01-01) of a `YYYY-MM-DD` day or a business date. */
export function dayIndexOf(day: Day): number {
  return Math.round((Date.UTC(Number(day.slice(0, 4)), Number(day.slice(5, 7)) - 1, Number(day.slice(8, 10))) - EPOCH_2000_MS) / (DAY_S * 1000));
}

/** Day index of a date in seconds. */
export function dayOfSeconds(seconds: number): number {
  return Math.floor(seconds / DAY_S);
}

/** The wall-clock milliseconds of an HLC. */
export function hlcMs(hlc: string): number {
  return Number(hlc.slice(0, 13));
}

/** The logical counter of an HLC. */
export function hlcCounter(hlc: string): number {
  return Number(hlc.slice(14));
}

/** The HLC text of (ms, counter). */
export function hlcText(ms: number, counter: number): string {
  return `${String(ms).padStart(13, '0')}-${String(counter).padStart(4, '0')}`;
}
