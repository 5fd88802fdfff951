/**
 * Cold start: every stored entry, read by sealed blocks and then the unsealed tail
 * (see blocks.ts). The next few blocks are already being read while the current
 * ones are parsed, so the disk and the parser work side by side.
 *
 * A scan is a snapshot at the nextLsn it starts from: entries appended meanwhile
 * are not handed over, and nothing is handed over twice. A block that is missing
 * or does not parse is read from its entry rows instead.
 */
import type { Entry } from '../core/types.ts';
import { blockStart, parseBlock, sealedBlocks } from './blocks.ts';
import type { BlockRow, JournalDb } from './idb-schema.ts';
import { readState } from './idb-writes.ts';

/** Blocks fetched per read: a few MB of text, enough to keep the parser busy while the next read runs. */
const BLOCKS_PER_READ = 8;

/** Hand every entry held to `onChunk`, a block at a time, then the tail; resolves to how many. */
export async function scanJournal(db: JournalDb, size: number, onChunk: (entries: readonly Entry[]) => void): Promise<number> {
  const nextLsn = (await readState(db))?.nextLsn ?? 0;
  const sealed = sealedBlocks(nextLsn, size);
  const readBlocks = (from: number): Promise<BlockRow[]> =>
    from >= sealed ? Promise.resolve([]) : db.blocks.where('no').between(from, Math.min(from + BLOCKS_PER_READ, sealed), true, false).toArray();
  let pending = readBlocks(0);
  for (let from = 0; from < sealed; from += BLOCKS_PER_READ) {
    const rows = await pending;
    pending = readBlocks(from + BLOCKS_PER_READ);
    const byNo = new Map(rows.map((row) => [row.no, row]));
    for (let no = from; no < Math.min(from + BLOCKS_PER_READ, sealed); no++) {
      const row = byNo.get(no);
      const parsed = row === undefined ? undefined : parseBlock(row.text, size);
      onChunk(parsed ?? (await readRows(db, blockStart(no, size), blockStart(no + 1, size))));
    }
  }
  const tailStart = blockStart(sealed, size);
  if (tailStart < nextLsn) onChunk(await readRows(db, tailStart, nextLsn));
  return nextLsn;
}

/** Entries with fromLsn <= lsn < toLsn, from their rows, in lsn order. */
async function readRows(db: JournalDb, fromLsn: number, toLsn: number): Promise<Entry[]> {
  const rows = await db.entries.where('lsn').between(fromLsn, toLsn, true, false).toArray();
  return rows.map((row) => JSON.parse(row.text) as Entry);
}
