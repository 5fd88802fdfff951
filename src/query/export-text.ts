/**
 * Free text (memos, reasons, book names) made safe for each export format. The
 * validator already refuses control characters in entries, but the writers do not
 * rely on it: whatever a string holds, it cannot end a line, open a comment or a
 * string, or run as a formula where it is written.
 */

/**
 * Characters that end a line in some reader: C0 and C1 controls, DEL, and the
 * Unicode line and paragraph separators (JavaScript and some editors break on them).
 */
const LINE_BREAKERS = /[\u0000-\u001F\u007F-\u009F\u2028\u2029]/g;

/**
 * `text` on one line: every control character or line separator becomes one space,
 * surrounding spaces are trimmed. Letters, emoji and bidi marks are kept as they are.
 */
export function oneLine(text: string): string {
  return text.replace(LINE_BREAKERS, ' ').trim();
}

/**
 * A Beancount string literal (with its quotes): backslash and double quote escaped,
 * newline written `\n` (Beancount reads it back as a newline), every other line
 * breaker made a space. Beancount reads the exact text back for any input without
 * control characters.
 */
export function beancountString(text: string): string {
  const escaped = text
    .replace(/\\/g, '\\\\')
    .replace(/"/g, '\\"')
    .replace(/\n/g, '\\n')
    .replace(LINE_BREAKERS, ' ');
  return `"${escaped}"`;
}

/**
 * A description for an hledger / ledger transaction line: one line, and no ';'
 * (both tools end the description at a comment); ';' becomes ','. The exact text
 * goes beside it in a comment as JSON (see jsonComment).
 */
export function journalDescription(text: string): string {
  return oneLine(text).replace(/;/g, ',');
}

/**
 * `text` as a JSON string on one line, for a comment: quotes, backslashes and
 * controls escaped by JSON; U+2028/U+2029 escaped too so no reader sees a line end
 * inside the comment; and ':' escaped as \u003a, because hledger reads "word:" and
 * ledger ":word:" in a comment as tags (ledger --pedantic refuses unknown ones).
 * JSON.parse gives the exact text back.
 */
export function jsonComment(text: string): string {
  return JSON.stringify(text).replace(/\u2028/g, '\\u2028').replace(/\u2029/g, '\\u2029').replace(/:/g, '\\u003a');
}

/**
 * One CSV field (RFC 4180): quoted when it holds a quote, a comma, a CR or LF, or
 * leading/trailing space; quotes doubled. With `text` true (memos, names) a field
 * that a spreadsheet would run as a formula (starting with = + - @, tab or CR) is
 * prefixed with an apostrophe, as OWASP advises; amounts are written with text false.
 */
export function csvField(value: string, text = false): string {
  let v = value;
  if (text && /^[=+\-@\t\r]/.test(v)) v = `'${v}`;
  if (/[",\r\n]|^\s|\s$/.test(v)) return `"${v.replace(/"/g, '""')}"`;
  return v;
}
