/**
 * Sealed blocks: the cold-start layout of the stored journal.
 *
 * Entries are numbered by lsn (local arrival order, from 0, no gaps). Every `size`
 * consecutive entries are stored together as one row holding a JSON array of
 * their canonical texts, written in the same transaction as the entry that fills
 * the block; the entries after the last sealed block (the tail, fewer than `size`)
 * are stored one row each until their block fills. Cold start reads a few hundred
 * block rows and parses each with one JSON.parse, then the tail. Reading 100k rows
 * one by one takes over a second in Chromium here, blocks about a third of that
 * (bench/journal.browser.bench.ts); and an ingest writes a few big rows instead of
 * one row per entry, which costs more than validating the entries.
 *
 * Block k holds lsns [k * size, (k + 1) * size - 1].
 */
import type { Entry } from '../core/types.ts';

/** The text of a block: its entries' canonical texts as one JSON array. */
export function blockText(texts: readonly string[]): string {
  return `[${texts.join(',')}]`;
}

/**
 * The entries of a block, or undefined when its text does not parse to exactly
 * `size` entries (a damaged row: the caller reads the block's rows instead).
 */
export function parseBlock(text: string, size: number): Entry[] | undefined {
  try {
    const parsed: unknown = JSON.parse(text);
    return Array.isArray(parsed) && parsed.length === size ? (parsed as Entry[]) : undefined;
  } catch {
    return undefined;
  }
}

/** How many blocks are sealed once `nextLsn` entries are stored. */
export function sealedBlocks(nextLsn: number, size: number): number {
  return Math.floor(nextLsn / size);
}

/** The first lsn of block `no`. */
export function blockStart(no: number, size: number): number {
  return no * size;
}

/** The blocks sealed by storing lsns [fromLsn, toLsn): every block whose last lsn falls in that range. */
export function blocksSealedBy(fromLsn: number, toLsn: number, size: number): number[] {
  const out: number[] = [];
  for (let no = sealedBlocks(fromLsn, size); no < sealedBlocks(toLsn, size); no++) out.push(no);
  return out;
}
