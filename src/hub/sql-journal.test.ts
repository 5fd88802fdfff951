/**
 * The SQL journal on PGlite: the shared conformance suite, in memory and in a
 * folder on disk, each case on a schema of its own in one PGlite per suite.
 */
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import { afterAll, beforeAll, describe, it } from 'vitest';
import { propertyRuns } from '../testing/runs.ts';
import { pgliteDb } from './db-pglite.ts';
import { schemaStorages, sqlConformanceCases } from './db-testing.ts';

describe('sql journal on PGlite in memory: conformance', () => {
  let pg: PGlite;
  const storages = schemaStorages((schema) => pgliteDb(pg, schema, async () => undefined), 'mem');
  beforeAll(async () => {
    pg = await PGlite.create();
  });
  afterAll(async () => {
    await pg.close();
  });
  for (const c of sqlConformanceCases(storages.factory, propertyRuns())) it(c.name, c.run, c.timeoutMs);
});

describe('sql journal on PGlite in a folder: conformance', () => {
  let pg: PGlite;
  let dir: string;
  const storages = schemaStorages((schema) => pgliteDb(pg, schema, async () => undefined), 'disk');
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'daybook-pglite-'));
    pg = await PGlite.create(dir);
  });
  afterAll(async () => {
    await pg.close();
    await rm(dir, { recursive: true, force: true });
  });
  for (const c of sqlConformanceCases(storages.factory, propertyRuns())) it(c.name, c.run, c.timeoutMs);
});
