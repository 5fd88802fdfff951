/**
 * Two hub processes on one PostgreSQL (the machine's, database `test`): each book is
 * served by one of them (pinning.ts). The other redirects HTTP clients to it, and
 * takes the book over when it stops. If PostgreSQL is unreachable these tests fail
 * (in CI always), unless DAYBOOK_SKIP_POSTGRES=1 outside CI (db-testing.ts).
 */
import pg from 'pg';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { DEMO_STORE_BOOK } from './demo-store.ts';
import { seedDemo } from './demo.ts';
import { postgresGate, testPostgresUrl } from './db-testing.ts';
import type { Hub } from './server.ts';
import { getJson, memoryLog, testConfig, until } from './server-testing.ts';
import { startHub } from './server.ts';

const gate = await postgresGate();
const suite = gate.run || !gate.skip ? describe : describe.skip;
if (!gate.run && gate.skip) console.warn(`skipping the hub's PostgreSQL tests: ${gate.reason}`);

const url = testPostgresUrl();
const schema = `b2_hub_${Date.now().toString(36)}_${process.pid}`;
const hubs: Hub[] = [];

async function hub(): Promise<Hub> {
  const started = await startHub({ config: testConfig({ memory: false, databaseUrl: url, dbSchema: schema }), log: memoryLog().log });
  hubs.push(started);
  return started;
}

suite('two hub processes on one PostgreSQL', () => {
  beforeAll(() => {
    if (!gate.run) throw new Error(gate.reason);
  });
  afterAll(async () => {
    await Promise.allSettled(hubs.map((h) => h.close()));
    if (!gate.run) return;
    const client = new pg.Client({ connectionString: url });
    await client.connect();
    await client.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
    await client.end();
  });

  it('serve each book from one process, redirect from the other, and hand over when the first stops', async () => {
    const a = await hub();
    const b = await hub();
    const seeded = await seedDemo(a.books);
    expect(seeded.added).toBeGreaterThan(0);
    const path = `/api/books/${DEMO_STORE_BOOK}/trial-balance?asOf=2025-03-14`;
    const fromA = await getJson(a, path);
    expect(fromA.status).toBe(200);
    expect((await getJson(a, '/health')).body.db).toBe('postgres');

    const redirect = await fetch(`${b.url}${path}`, { redirect: 'manual' });
    expect(redirect.status).toBe(307);
    expect(redirect.headers.get('location')).toBe(`${a.url}${path}`);
    const followed = await fetch(`${b.url}${path}`);
    expect(followed.status).toBe(200);
    expect(await followed.json()).toEqual(fromA.body);
    expect(b.books.opened()).toEqual([]);

    await a.close('handing over');
    await until(async () => (await getJson(b, path)).status === 200, 30_000, 'process B to take the book over');
    expect((await getJson(b, path)).body).toEqual(fromA.body);
    expect(b.books.opened().map((x) => x.book)).toEqual([DEMO_STORE_BOOK]);
  });
});
