/**
 * openDatabase on PGlite: a folder that survives a restart, migrations that run
 * once, bad options refused in words; and the SQL journal's batching on it.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { BookId, PeerId } from '../core/types.ts';
import { journalLimits } from '../core/limits.ts';
import { encodeEntry } from '../core/entry.ts';
import { countingNonce, peerChain, sale, steppingClock, testDeps } from '../journal/conformance-kit.ts';
import { deviceJournalDeps, deviceKeyOf, newDeviceKey } from '../journal/keys.ts';
import { openMemoryJournal } from '../journal/memory-journal.ts';
import { createEd25519Verification } from '../journal/verify-batch.ts';
import { openDatabase, redactUrl, SqlDbError, type SqlDb } from './db.ts';
import { pgliteDb } from './db-pglite.ts';
import { migrate, schemaVersion } from './schema.ts';
import { listBooks, openSqlJournal } from './sql-journal.ts';

const dirs: string[] = [];
// One PGlite (a start costs seconds) for the journal tests below, a schema each.
let shared: PGlite;
beforeAll(async () => {
  shared = await PGlite.create();
});
afterAll(async () => {
  await shared.close();
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

async function schemaDb(schema: string): Promise<SqlDb> {
  const db = pgliteDb(shared, schema, async () => undefined);
  await migrate(db, schema);
  return db;
}

describe('openDatabase (PGlite)', () => {
  it('keeps a folder database across a restart; migrating again changes nothing', async () => {
    const dir = join(await mkdtemp(join(tmpdir(), 'daybook-db-')), 'nested', 'data');
    dirs.push(dir);
    const first = await openDatabase({ dataDir: dir });
    expect([first.kind, first.schema]).toEqual(['pglite', 'daybook']);
    const journal = await openSqlJournal(first, testDeps({ book: 'SHOP-1' as BookId, peer: 'HUB' as PeerId }));
    const mine = await journal.append(sale(250));
    await journal.ingest(peerChain('T2', 3, { book: 'SHOP-1' }), 'T2');
    await openSqlJournal(first, testDeps({ book: 'SHOP-0' as BookId, peer: 'HUB' as PeerId }));
    await journal.close();
    await first.close();

    const again = await openDatabase({ dataDir: dir });
    try {
      const { rows } = await again.query<{ version: number }>(`SELECT version FROM ${again.tables.schemaVersion}`);
      expect(rows.map((r) => r.version)).toEqual([schemaVersion]);
      expect(await listBooks(again)).toEqual(['SHOP-0', 'SHOP-1']);
      const reopened = await openSqlJournal(again, testDeps({ book: 'SHOP-1' as BookId, peer: 'HUB' as PeerId }));
      expect(await reopened.count()).toBe(4);
      expect(await reopened.get(mine.id)).toEqual(mine);
      expect((await reopened.device()).seq).toBe(1);
      await expect(openSqlJournal(again, testDeps({ book: 'SHOP-1' as BookId, peer: 'OTHER' as PeerId }))).rejects.toMatchObject({
        name: 'JournalIdentityError',
      });
    } finally {
      await again.close();
    }
  });

  it('refuses a bad schema name and an unreachable server with a SqlDbError saying why', async () => {
    await expect(openDatabase({ schema: 'x; DROP TABLE y' })).rejects.toBeInstanceOf(SqlDbError);
    await expect(openDatabase({ schema: 'x; DROP TABLE y' })).rejects.toThrow(/not a schema name/);
    const error = await openDatabase({ url: 'postgres://u:secret@127.0.0.1:1/none' }).catch((e: unknown) => e);
    expect(error).toBeInstanceOf(SqlDbError);
    expect((error as Error).message).toMatch(/cannot open PostgreSQL at postgres:\/\/u:\*\*\*@127\.0\.0\.1:1\/none/);
    expect((error as Error).message).not.toContain('secret');
    expect(redactUrl('not a url')).toBe('(an unparsable URL)');
    await expect(openDatabase({ url: 'postgres://x@127.0.0.1:1/y', connections: 0 })).rejects.toThrow(/0 connections: give a whole number from 1 to 100/);
  });
});

describe('sql journal batching (PGlite in memory)', () => {
  it('ingests across batch boundaries with refusals interleaved, each batch committed with its quarantine', async () => {
    const db = await schemaDb('batching');
    try {
      const journal = await openSqlJournal(db, testDeps());
      const chain = peerChain('T2', journalLimits.ingestBatchMax * 2 + 10);
      const inputs: unknown[] = [];
      chain.forEach((entry, i) => inputs.push(...(i % 1000 === 0 ? [{ garbage: i }, entry] : [entry])));
      const heard: number[] = [];
      journal.onEntries((added) => heard.push(added.length));
      const report = await journal.ingest([...inputs, chain[5]], 'T2');
      const refusedCount = inputs.filter((x) => !('id' in (x as object))).length;
      expect(report.refused.length).toBe(refusedCount);
      expect(report.accepted.length).toBe(chain.length);
      expect(report.duplicates).toBe(1);
      expect(heard.length).toBe(3); // one announcement per committed batch
      expect(await journal.count()).toBe(chain.length);
      expect(await journal.quarantineCount()).toBe(refusedCount);
      expect((await journal.quarantine({ limit: 2 })).map((q) => [q.no, q.from, q.reason.code !== undefined])).toEqual([
        [1, 'T2', true],
        [2, 'T2', true],
      ]);
      expect(await journal.authors()).toEqual([{ peer: 'T2', contiguous: chain.length, highest: chain.length, count: chain.length }]);
      const again = await journal.ingest(chain, 'T2');
      expect([again.accepted.length, again.duplicates]).toEqual([0, chain.length]);
      await journal.close();
    } finally {
      await db.close();
    }
  });
});

describe('sql journal with Ed25519 device keys (PGlite in memory)', () => {
  it('verifies signatures in a batch, quarantines a forged one, and takes exact copies of held entries as duplicates', async () => {
    const db = await schemaDb('signed');
    try {
      const verification = createEd25519Verification();
      const deps = async () =>
        deviceJournalDeps(deviceKeyOf(await newDeviceKey()), verification, { book: 'SHOP' as BookId, clock: steppingClock(), nonce: countingNonce('k') });
      const tablet = openMemoryJournal(await deps());
      const written = [await tablet.append(sale(100)), await tablet.append(sale(200)), await tablet.append(sale(300))];
      const hub = await openSqlJournal(db, await deps());
      const forged = { ...written[2]!, sig: written[1]!.sig };
      const report = await hub.ingest([...written.slice(0, 2).map(encodeEntry), forged], 'tablet');
      expect(report.accepted.map((e) => e.seq)).toEqual([1, 2]);
      expect(report.refused.map((r) => r.reason.code)).toEqual([expect.stringMatching(/^bad-(signature|id)$/)]);
      expect(await hub.quarantineCount()).toBe(1);
      const again = await hub.ingest([...written.map(encodeEntry), written[0]], 'tablet');
      expect([again.accepted.map((e) => e.seq), again.duplicates, again.refused.length]).toEqual([[3], 3, 0]);
      expect(await hub.count()).toBe(3);
      await hub.close();
    } finally {
      await db.close();
    }
  });
});

describe('sql journal at its border (PGlite in memory)', () => {
  it('takes foolish input without a crash: NUL bytes, lone surrogates, odd bounds', async () => {
    const db = await schemaDb('foolish');
    try {
      const journal = await openSqlJournal(db, testDeps());
      const chain = peerChain('T2', 3);
      const foolish: unknown[] = ['\u0000{"a":1}', '\ud800', 42, null, undefined, { id: 'x'.repeat(10_000) }, 'x'.repeat(100_000), { ...chain[0]!, id: chain[1]!.id }];
      const report = await journal.ingest([...foolish, ...chain], 'peer\u0000evil');
      expect([report.accepted.length, report.refused.length]).toEqual([3, foolish.length]);
      const held = await journal.quarantine();
      expect(held.map((q) => q.no)).toEqual(foolish.map((_, i) => i + 1));
      expect(held[0]!.raw.startsWith('\\u0000')).toBe(true);
      expect(held[0]!.from).toBe('peer\\u0000evil');
      expect(held[6]!.truncated).toBe(true);
      expect((await journal.quarantine({ afterNo: 1.5, limit: 2.7 })).map((q) => q.no)).toEqual([2, 3]);
      expect(await journal.range('T2' as PeerId, Number.NaN, 5)).toEqual([]);
      expect((await journal.range('T2' as PeerId, 1.5, 1e12)).map((e) => e.seq)).toEqual([2, 3]);
      expect((await journal.range('T2' as PeerId, -10, 1)).map((e) => e.seq)).toEqual([1]);
      expect(await journal.get('nope' as never)).toBeUndefined();
      expect(await journal.count()).toBe(3);
      await journal.close();
    } finally {
      await db.close();
    }
  });
});
