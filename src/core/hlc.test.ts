import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyRuns } from '../testing/runs.ts';
import { type HlcState, dateSkewAlarm, formatHlc, hlcReceive, hlcTick, initialHlcState, parseHlc } from './hlc.ts';
import { limits } from './limits.ts';
import { AssertionError } from './result.ts';
import type { BusinessDate, Hlc } from './types.ts';

/** 2025-03-01T12:00:00Z */
const NOW = 1_740_830_400_000;
const HOUR = 3_600_000;

function after(a: Hlc, b: Hlc): boolean {
  return a > b;
}

describe('formatHlc and parseHlc', () => {
  it('write fixed-width stamps and read them back', () => {
    expect(formatHlc(NOW, 7)).toBe('1740830400000-0007');
    expect(formatHlc(0, 0)).toBe('0000000000000-0000');
    expect(parseHlc('1740830400000-0007' as Hlc)).toEqual({ wallMs: NOW, counter: 7 });
  });

  it('string order is (wall, counter) order', () => {
    const stamp = fc.tuple(fc.integer({ min: 0, max: 9_999_999_999_999 }), fc.integer({ min: 0, max: limits.hlcCounterMax }));
    fc.assert(
      fc.property(stamp, stamp, ([w1, c1], [w2, c2]) => {
        const a = formatHlc(w1, c1);
        const b = formatHlc(w2, c2);
        expect(parseHlc(a)).toEqual({ wallMs: w1, counter: c1 });
        expect(Math.sign(a.localeCompare(b, 'en'))).toBe(Math.sign(w1 === w2 ? c1 - c2 : w1 - w2));
        expect(a < b).toBe(w1 < w2 || (w1 === w2 && c1 < c2));
      }),
      { numRuns: propertyRuns() },
    );
  });

  it('assert on values that do not fit (programmer errors)', () => {
    expect(() => formatHlc(-1, 0)).toThrow(AssertionError);
    expect(() => formatHlc(1e13, 0)).toThrow(AssertionError);
    expect(() => formatHlc(NOW + 0.5, 0)).toThrow(AssertionError);
    expect(() => formatHlc(NOW, limits.hlcCounterMax + 1)).toThrow(AssertionError);
    expect(() => parseHlc('1740830400000-7' as Hlc)).toThrow(AssertionError);
  });
});

describe('hlcTick', () => {
  it('follows the wall clock, counting within one millisecond', () => {
    const first = hlcTick(initialHlcState, NOW);
    expect(first.hlc).toBe(formatHlc(NOW, 0));
    const second = hlcTick(first.state, NOW);
    expect(second.hlc).toBe(formatHlc(NOW, 1));
    const later = hlcTick(second.state, NOW + 5);
    expect(later.hlc).toBe(formatHlc(NOW + 5, 0));
    expect(later.state).toEqual({ wallMs: NOW + 5, counter: 0 });
  });

  it('never goes back when the wall clock does', () => {
    const first = hlcTick(initialHlcState, NOW);
    const back = hlcTick(first.state, NOW - HOUR);
    expect(back.hlc).toBe(formatHlc(NOW, 1));
  });

  it('moves the wall time on by 1 ms when the counter overflows', () => {
    const full: HlcState = { wallMs: NOW, counter: limits.hlcCounterMax };
    const next = hlcTick(full, NOW);
    expect(next.hlc).toBe(formatHlc(NOW + 1, 0));
    let state: HlcState = { wallMs: NOW, counter: 0 };
    for (let i = 0; i < limits.hlcCounterMax + 5; i++) state = hlcTick(state, NOW).state;
    expect(state).toEqual({ wallMs: NOW + 1, counter: 4 });
  });

  it('treats a clock that is not a number as standing still', () => {
    const first = hlcTick(initialHlcState, NOW);
    expect(hlcTick(first.state, Number.NaN).hlc).toBe(formatHlc(NOW, 1));
    expect(hlcTick(first.state, Number.POSITIVE_INFINITY).hlc).toBe(formatHlc(NOW, 1));
    expect(hlcTick(first.state, NOW + 1.7).hlc).toBe(formatHlc(NOW + 1, 0));
  });

  it('does not change the state it is given', () => {
    const state = { wallMs: NOW, counter: 3 };
    hlcTick(state, NOW + 10);
    expect(state).toEqual({ wallMs: NOW, counter: 3 });
  });
});

describe('hlcReceive', () => {
  const local: HlcState = { wallMs: NOW, counter: 2 };

  it('follows a stamp ahead of it, so the next local stamp orders after it', () => {
    const remote = formatHlc(NOW + 1000, 5);
    const { state, alarm } = hlcReceive(local, remote, NOW);
    expect(alarm).toBeUndefined();
    expect(state).toEqual({ wallMs: NOW + 1000, counter: 5 });
    expect(after(hlcTick(state, NOW).hlc, remote)).toBe(true);
  });

  it('keeps its state for a stamp behind it', () => {
    expect(hlcReceive(local, formatHlc(NOW - 1000, 9), NOW)).toEqual({ state: local });
    expect(hlcReceive(local, formatHlc(NOW, 1), NOW)).toEqual({ state: local });
  });

  it('follows but alarms beyond clockSkewAlarmMs', () => {
    const ahead = limits.clockSkewAlarmMs + 60_000;
    const remote = formatHlc(NOW + ahead, 0);
    const { state, alarm } = hlcReceive(local, remote, NOW);
    expect(state).toEqual({ wallMs: NOW + ahead, counter: 0 });
    expect(alarm).toBe(`A peer's clock is 6 min ahead of this device's clock (stamp ${remote}). Check both clocks.`);
    expect(hlcReceive(local, formatHlc(NOW + limits.clockSkewAlarmMs, 0), NOW).alarm).toBeUndefined();
  });

  it('does not follow a stamp more than hlcDriftMaxMs ahead, and alarms', () => {
    const remote = formatHlc(NOW + limits.hlcDriftMaxMs + 1, 0);
    const { state, alarm } = hlcReceive(local, remote, NOW);
    expect(state).toEqual(local);
    expect(alarm).toMatch(/^A peer's clock is 1 h 0 min ahead of this device's clock .*does not follow it/);
    const atCap = hlcReceive(local, formatHlc(NOW + limits.hlcDriftMaxMs, 0), NOW);
    expect(atCap.state.wallMs).toBe(NOW + limits.hlcDriftMaxMs);
  });

  it('measures the cap from the local wall clock, not from its own (possibly dragged) state', () => {
    const dragged: HlcState = { wallMs: NOW + limits.hlcDriftMaxMs, counter: 0 };
    const further = formatHlc(NOW + 2 * limits.hlcDriftMaxMs, 0);
    expect(hlcReceive(dragged, further, NOW).state).toEqual(dragged);
  });

  it('ignores an unreadable stamp with an alarm instead of throwing', () => {
    const { state, alarm } = hlcReceive(local, 'soon' as Hlc, NOW);
    expect(state).toEqual(local);
    expect(alarm).toMatch(/could not be read/);
  });
});

type Op = { op: 'tick'; nowMs: number } | { op: 'receive'; wallMs: number; counter: number; nowMs: number };

describe('the clock as a whole (property)', () => {
  // Local clocks wander two hours either way (so they go backwards often); remote
  // stamps come from up to three hours either way, some with full counters.
  const nowMs = fc.integer({ min: NOW - 2 * HOUR, max: NOW + 2 * HOUR });
  const op: fc.Arbitrary<Op> = fc.oneof(
    fc.record({ op: fc.constant('tick' as const), nowMs }),
    fc.record({
      op: fc.constant('receive' as const),
      wallMs: fc.integer({ min: NOW - 3 * HOUR, max: NOW + 3 * HOUR }),
      counter: fc.oneof(fc.integer({ min: 0, max: limits.hlcCounterMax }), fc.constant(limits.hlcCounterMax)),
      nowMs,
    }),
  );

  it('is monotonic, orders after what it followed, and is capped', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        let state = initialHlcState;
        let lastStamp = formatHlc(0, 0);
        let maxNow = 0;
        let mustExceed: Hlc | undefined;
        for (const step of ops) {
          maxNow = Math.max(maxNow, step.nowMs);
          const before = state;
          if (step.op === 'tick') {
            const result = hlcTick(state, step.nowMs);
            expect(after(result.hlc, lastStamp)).toBe(true);
            expect(result.hlc).toBe(formatHlc(result.state.wallMs, result.state.counter));
            if (mustExceed !== undefined) expect(after(result.hlc, mustExceed)).toBe(true);
            mustExceed = undefined;
            lastStamp = result.hlc;
            state = result.state;
          } else {
            const remote = formatHlc(step.wallMs, step.counter);
            const result = hlcReceive(state, remote, step.nowMs);
            state = result.state;
            const aheadMs = step.wallMs - step.nowMs;
            if (aheadMs <= limits.hlcDriftMaxMs) mustExceed = mustExceed !== undefined && mustExceed > remote ? mustExceed : remote;
            expect(result.alarm !== undefined).toBe(aheadMs > limits.clockSkewAlarmMs);
          }
          // The state never goes back, and one bad clock cannot drag it beyond the cap.
          expect(formatHlc(state.wallMs, state.counter) >= formatHlc(before.wallMs, before.counter)).toBe(true);
          expect(state.wallMs).toBeLessThanOrEqual(maxNow + limits.hlcDriftMaxMs + 1);
        }
      }),
      { numRuns: propertyRuns() },
    );
  });
});

describe('dateSkewAlarm', () => {
  const hlc = formatHlc(NOW, 0); // 2025-03-01T12:00:00Z
  const slackMs = 14 * HOUR + limits.dateAheadAlarmMs;
  const dateAt = (ms: number) => new Date(ms).toISOString().slice(0, 19) as BusinessDate;

  it('stays quiet for back-dated entries and within any zone offset plus the slack', () => {
    expect(dateSkewAlarm({ hlc, date: '2025-02-01T09:00:00' as BusinessDate })).toBeUndefined();
    expect(dateSkewAlarm({ hlc, date: dateAt(NOW) })).toBeUndefined();
    // UTC+14 plus exactly the slack: still quiet.
    expect(dateSkewAlarm({ hlc, date: dateAt(NOW + slackMs) })).toBeUndefined();
  });

  it('alarms for a date further ahead, saying by how much', () => {
    expect(dateSkewAlarm({ hlc, date: dateAt(NOW + slackMs + 1000) })).toMatch(/^The entry is dated 2025-03-02T02:15:01, at least 15 min after/);
    expect(dateSkewAlarm({ hlc, date: '2025-03-05T12:00:00' as BusinessDate })).toBe(
      'The entry is dated 2025-03-05T12:00:00, at least 3 d 10 h after it was recorded (2025-03-01 12:00 UTC). ' +
        "Check its date and the device's clock.",
    );
  });

  it('is quiet for unreadable input rather than throwing', () => {
    expect(dateSkewAlarm({ hlc: 'x' as Hlc, date: '2025-03-05T12:00:00' as BusinessDate })).toBeUndefined();
    expect(dateSkewAlarm({ hlc, date: 'tomorrow' as BusinessDate })).toBeUndefined();
  });
});
