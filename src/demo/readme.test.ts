/**
 * The README's example entry runs as written (STYLE.md rule 9): it is exactly the
 * first sale the demo builds, its id is what entry.ts computes, and its dev
 * signature verifies. If the entry model or the demo changes, this fails until the
 * README shows the new bytes.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { canonicalString } from '../core/canonical.ts';
import { devVerifier, encodeEntry, entryIdOf, signingBytes } from '../core/entry.ts';
import type { Entry, PeerId } from '../core/types.ts';
import { buildStoreDay } from './store-day.ts';

const MARKER = '<!-- example-entry: checked by src/demo/readme.test.ts -->';

function exampleEntry(): Entry {
  const readme = readFileSync(join(import.meta.dirname, '..', '..', 'README.md'), 'utf8');
  const after = readme.split(MARKER)[1];
  if (after === undefined) throw new Error('README.md has lost its example-entry marker');
  const block = /^\s*```json\n([\s\S]*?)\n```/.exec(after);
  if (block === null) throw new Error('no ```json block right after the example-entry marker');
  return JSON.parse(block[1]!) as Entry;
}

describe('the README example entry', () => {
  const shown = exampleEntry();

  it('is the first sale of the demo day, byte for byte in wire form', () => {
    const built = buildStoreDay().entries.find((e) => e.kind === 'txn' && e.peer === 'till-1');
    expect(built).toBeDefined();
    expect(canonicalString(shown)).toBe(encodeEntry(built!));
  });

  it('has the id entry.ts computes and a dev signature that verifies', () => {
    expect(entryIdOf(shown)).toBe(shown.id);
    expect(devVerifier(signingBytes(shown), shown.sig, shown.peer)).toBe(true);
    const altered = { ...shown, date: '2025-03-14T09:13:00' } as Entry;
    expect(devVerifier(signingBytes(altered), shown.sig, shown.peer)).toBe(false);
    expect(devVerifier(signingBytes(shown), shown.sig, 'till-2' as PeerId)).toBe(false);
  });
});
