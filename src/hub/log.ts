/**
 * The hub's structured log: one JSON object per line, for a terminal, journald or a
 * log shipper alike. Every line has `time` (ISO, from the injected clock), `level`
 * and `msg`; `book` when the event concerns one book; any other fields beside.
 * Writing a line never throws: a field that cannot be serialised (a cycle, a bigint)
 * is replaced by its text, so a log call cannot take the hub down.
 */

export type LogLevel = 'debug' | 'info' | 'warn' | 'error';

export type LogFields = Record<string, unknown>;

export interface Log {
  // Properties, not methods: `(bad ? log.warn : log.info)(...)` is fine, nothing uses `this`.
  debug: (msg: string, fields?: LogFields) => void;
  info: (msg: string, fields?: LogFields) => void;
  warn: (msg: string, fields?: LogFields) => void;
  error: (msg: string, fields?: LogFields) => void;
  /** A log whose lines all carry `fields` (for instance `{book}`). */
  with: (fields: LogFields) => Log;
}

export interface LogOptions {
  /** Where lines go (default: process.stdout). Each call gets one line ending in "\n". */
  write?: (line: string) => void;
  /** Wall clock in ms (default Date.now). */
  clock?: () => number;
  /** Lines below this level are dropped (default 'info'). */
  level?: LogLevel;
}

const RANK: Record<LogLevel, number> = { debug: 0, info: 1, warn: 2, error: 3 };

/** A log writing JSON lines. Contract: one line per call at or above `level`, never throws. */
export function createLog(options: LogOptions = {}, base: LogFields = {}): Log {
  const write = options.write ?? ((line: string) => void process.stdout.write(line));
  const clock = options.clock ?? Date.now;
  const min = RANK[options.level ?? 'info'];
  const emit = (level: LogLevel, msg: string, fields: LogFields = {}): void => {
    if (RANK[level] < min) return;
    try {
      write(`${formatLine({ time: new Date(clock()).toISOString(), level, msg, ...base, ...fields })}\n`);
    } catch {
      // A closed stdout (a pipe whose reader left) must not crash the hub.
    }
  };
  return {
    debug: (msg, fields) => emit('debug', msg, fields),
    info: (msg, fields) => emit('info', msg, fields),
    warn: (msg, fields) => emit('warn', msg, fields),
    error: (msg, fields) => emit('error', msg, fields),
    with: (fields) => createLog(options, { ...base, ...fields }),
  };
}

/** A log that drops everything (tests that do not read the log). */
export const silentLog: Log = createLog({ write: () => undefined });

/** One JSON line; bigints as decimal strings, errors as their message, anything unserialisable as text. */
export function formatLine(record: LogFields): string {
  try {
    return JSON.stringify(record, (_key, value: unknown) => {
      if (typeof value === 'bigint') return value.toString();
      if (value instanceof Error) return value.message;
      return value;
    });
  } catch {
    const safe: Record<string, string> = {};
    for (const [key, value] of Object.entries(record)) safe[key] = textOf(value);
    return JSON.stringify(safe);
  }
}

function textOf(value: unknown): string {
  try {
    return typeof value === 'string' ? value : String(value);
  } catch {
    return '[unprintable]';
  }
}
