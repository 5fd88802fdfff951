/**
 * The clock-skew alarm (hlc.ts's dateSkewAlarm) for many entries, cheaply.
 *
 * dateSkewAlarm validates and parses the date and hlc with regexes; done for every
 * entry it was a large share of a cold start. Here the same test (date read as UTC,
 * minus the hlc wall time, minus the widest zone offset, against the limit) is first
 * computed from char codes, with the date's day start cached per day. When that says
 * "no alarm" it is dateSkewAlarm's answer too: for a well-formed entry the numbers are
 * the same, and for a malformed one dateSkewAlarm gives no alarm anyway. Only entries
 * that may raise an alarm (rare) go to dateSkewAlarm for the verdict and its text.
 */
import { digits } from './dates.ts';
import { dateSkewAlarm } from './hlc.ts';
import { limits } from './limits.ts';
import type { BusinessDate, Hlc } from './types.ts';

/** As in hlc.ts: no zone runs more than 14 h ahead of UTC. */
const ZONE_AHEAD_MAX_MS = 14 * 3_600_000;

/** A function giving dateSkewAlarm(entry) for each entry; it caches day starts, so keep one per batch or store. */
export function skewChecker(): (entry: { hlc: Hlc; date: BusinessDate }) => string | undefined {
  const dayStartMs = new Map<string, number>();
  return (entry) => {
    const { date, hlc } = entry;
    const day = date.slice(0, 10);
    let startMs = dayStartMs.get(day);
    if (startMs === undefined) dayStartMs.set(day, (startMs = Date.UTC(digits(date, 0, 4), digits(date, 5, 2) - 1, digits(date, 8, 2))));
    const dateMs = startMs + digits(date, 11, 2) * 3_600_000 + digits(date, 14, 2) * 60_000 + digits(date, 17, 2) * 1000;
    // NaN (a malformed date or hlc) fails this test and goes to the full check.
    if (dateMs - digits(hlc, 0, 13) - ZONE_AHEAD_MAX_MS <= limits.dateAheadAlarmMs) return undefined;
    return dateSkewAlarm(entry);
  };
}
