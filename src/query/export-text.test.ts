import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { propertyRuns } from '../testing/runs.ts';
import { HOSTILE_MEMOS } from './testing/export-fixtures.ts';
import { beancountString, csvField, journalDescription, jsonComment, oneLine } from './export-text.ts';

/** A reader of one RFC 4180 field, the way a spreadsheet reads it. */
function readCsvField(field: string): string {
  if (!field.startsWith('"')) return field;
  expect(field.endsWith('"')).toBe(true);
  const inner = field.slice(1, -1);
  expect(inner.replace(/""/g, '')).not.toContain('"');
  return inner.replace(/""/g, '"');
}

/** Beancount's own unescaping of a string literal (\\, \", \n). */
function readBeancount(literal: string): string {
  expect(literal.startsWith('"') && literal.endsWith('"')).toBe(true);
  return literal.slice(1, -1).replace(/\\(.)/g, (_, c: string) => (c === 'n' ? '\n' : c));
}

const anyText = fc.string({ unit: 'grapheme', maxLength: 60 });
const anyChars = fc.string({ unit: 'binary', maxLength: 60 });

describe('export text', () => {
  it('keeps any text on one line in every format', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, anyChars), (text) => {
        for (const out of [oneLine(text), journalDescription(text), jsonComment(text), beancountString(text)]) {
          expect(out).not.toMatch(/[\u0000-\u001F\u007F-\u009F\u2028\u2029]/);
        }
        expect(journalDescription(text)).not.toContain(';');
        expect(jsonComment(text)).not.toContain(':');
      }),
      { numRuns: propertyRuns() },
    );
  });

  it('gives the exact text back where the format can carry it', () => {
    fc.assert(
      fc.property(fc.oneof(anyText, anyChars, fc.constantFrom(...HOSTILE_MEMOS)), (text) => {
        expect(JSON.parse(jsonComment(text))).toBe(text);
        expect(readCsvField(csvField(text))).toBe(text);
        const noBreakers = text.replace(/[\u0000-\u0009\u000B-\u001F\u007F-\u009F\u2028\u2029]/g, '');
        expect(readBeancount(beancountString(noBreakers))).toBe(noBreakers);
      }),
      { numRuns: propertyRuns() },
    );
  });

  it('defuses spreadsheet formulas in text fields only', () => {
    expect(csvField('=HYPERLINK("x")', true)).toBe(`"'=HYPERLINK(""x"")"`);
    expect(csvField('+1', true)).toBe("'+1");
    expect(csvField('@SUM(A1)', true)).toBe("'@SUM(A1)");
    expect(csvField('-12.50')).toBe('-12.50');
    expect(csvField('a,b')).toBe('"a,b"');
    expect(csvField(' padded ')).toBe('" padded "');
  });
});
