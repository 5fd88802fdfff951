/**
 * The repository's README as text, for the tests that check its examples against
 * the code (the README's examples run as they are written). Test support only: it
 * reads a file, which the pure core may not, so it lives outside src/core.
 */
import { readFileSync } from 'node:fs';

/** The text of README.md at the repository root; throws if it is missing. */
export function readmeText(): string {
  return readFileSync(new URL('../../README.md', import.meta.url), 'utf8');
}
