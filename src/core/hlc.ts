/**
 * Hybrid logical clock. A stamp stays close to wall-clock time but never goes
 * back, even when the device's clock does, and orders an entry after every stamp
 * its author had seen. The wall clock comes in as an argument (core is pure).
 *
 * The clock is advisory: it orders and labels entries, and its alarms are shown
 * to people. It never decides whether an entry is accepted, because a decision
 * that depends on a local clock would break convergence between peers.
 */
import { businessDateAsUtcMs, isBusinessDate } from './dates.ts';
import { limits } from './limits.ts';
import { assert } from './result.ts';
import type { BusinessDate, Hlc } from './types.ts';

export interface HlcState {
  /** Wall-clock milliseconds of the latest stamp issued or followed. */
  wallMs: number;
  /** Logical counter within `wallMs`. */
  counter: number;
}

export const initialHlcState: HlcState = Object.freeze({ wallMs: 0, counter: 0 });

/** The largest wall time 13 digits can hold (in the year 2286). */
const WALL_MS_MAX = 9_999_999_999_999;
/** UTC+14 (Line Islands) is the furthest any zone runs ahead of UTC. */
const ZONE_AHEAD_MAX_MS = 14 * 60 * 60 * 1000;
const HLC = /^(\d{13})-(\d{4})$/;

/** The stamp text for a wall time and counter. Asserts both fit their fixed widths. */
export function formatHlc(wallMs: number, counter: number): Hlc {
  assert(Number.isSafeInteger(wallMs) && wallMs >= 0 && wallMs <= WALL_MS_MAX, `HLC wall time out of range: ${wallMs}`);
  assert(Number.isSafeInteger(counter) && counter >= 0 && counter <= limits.hlcCounterMax, `HLC counter out of range: ${counter}`);
  return `${String(wallMs).padStart(13, '0')}-${String(counter).padStart(4, '0')}` as Hlc;
}

/** The wall time and counter of a stamp. Asserts the stamp is well-formed (validated entries are). */
export function parseHlc(hlc: Hlc): { wallMs: number; counter: number } {
  const parsed = readHlc(hlc);
  assert(parsed !== undefined, `Not an HLC stamp: ${String(hlc).slice(0, 40)}`);
  return parsed;
}

function readHlc(hlc: unknown): HlcState | undefined {
  const m = typeof hlc === 'string' ? HLC.exec(hlc) : null;
  return m ? { wallMs: Number(m[1]), counter: Number(m[2]) } : undefined;
}

/**
 * A local event (an append): returns the stamp and the next state. Every stamp is
 * strictly greater than the state it was made from, whatever `nowMs` says: a clock
 * that goes back, stands still, or is not a number only makes the counter count.
 * When the counter passes hlcCounterMax, the wall time moves on by 1 ms.
 */
export function hlcTick(state: HlcState, nowMs: number): { hlc: Hlc; state: HlcState } {
  let wallMs = Math.max(state.wallMs, readClock(nowMs, state.wallMs));
  let counter = wallMs === state.wallMs ? state.counter + 1 : 0;
  if (counter > limits.hlcCounterMax) {
    wallMs += 1;
    counter = 0;
  }
  return { hlc: formatHlc(wallMs, counter), state: { wallMs, counter } };
}

/**
 * Merge a stamp seen on a peer's entry, so the next local stamp orders after it.
 * A remote stamp more than limits.hlcDriftMaxMs ahead of `nowMs` is NOT followed
 * (one bad clock cannot drag the others far forward) and returns a skew alarm; one
 * more than limits.clockSkewAlarmMs ahead is followed but alarms. The state never
 * goes back. Never throws (an unreadable stamp is ignored with an alarm).
 */
export function hlcReceive(state: HlcState, remote: Hlc, nowMs: number): { state: HlcState; alarm?: string } {
  const seen = readHlc(remote);
  if (seen === undefined) return { state, alarm: 'A clock stamp from a peer could not be read; it was ignored.' };
  const aheadMs = seen.wallMs - readClock(nowMs, state.wallMs);
  if (aheadMs > limits.hlcDriftMaxMs) {
    return {
      state,
      alarm: `A peer's clock is ${duration(aheadMs)} ahead of this device's clock (stamp ${remote}); this device does not follow it. Check both clocks.`,
    };
  }
  const next = compare(seen, state) > 0 ? seen : state;
  if (aheadMs > limits.clockSkewAlarmMs) {
    return { state: next, alarm: `A peer's clock is ${duration(aheadMs)} ahead of this device's clock (stamp ${remote}). Check both clocks.` };
  }
  return { state: next };
}

/**
 * Alarm text when an entry's business date is far ahead of its own hlc: more than
 * the largest zone offset (14 h, since the date is zone-local and the hlc is UTC)
 * plus limits.dateAheadAlarmMs. Undefined otherwise, or when either is unreadable.
 * Never a reason to refuse the entry.
 */
export function dateSkewAlarm(entry: { hlc: Hlc; date: BusinessDate }): string | undefined {
  const stamp = readHlc(entry.hlc);
  if (stamp === undefined || !isBusinessDate(entry.date)) return undefined;
  const beyondZoneMs = businessDateAsUtcMs(entry.date) - stamp.wallMs - ZONE_AHEAD_MAX_MS;
  if (beyondZoneMs <= limits.dateAheadAlarmMs) return undefined;
  const recorded = new Date(stamp.wallMs).toISOString().slice(0, 16).replace('T', ' ');
  return `The entry is dated ${entry.date}, at least ${duration(beyondZoneMs)} after it was recorded (${recorded} UTC). Check its date and the device's clock.`;
}

/** A usable clock reading: an integer in the stamp's range, or `fallback` for a clock that is not a number. */
function readClock(nowMs: number, fallback: number): number {
  if (!Number.isFinite(nowMs)) return fallback;
  return Math.min(WALL_MS_MAX, Math.max(0, Math.floor(nowMs)));
}

function compare(a: HlcState, b: HlcState): number {
  return a.wallMs !== b.wallMs ? a.wallMs - b.wallMs : a.counter - b.counter;
}

/** "3 d 4 h", "2 h 5 min", "7 min": precise enough for a person checking a clock. */
function duration(ms: number): string {
  const minutes = Math.floor(ms / 60_000);
  const days = Math.floor(minutes / 1440);
  const hours = Math.floor((minutes % 1440) / 60);
  const rest = minutes % 60;
  if (days > 0) return `${days} d ${hours} h`;
  if (hours > 0) return `${hours} h ${rest} min`;
  return `${rest} min`;
}
