/**
 * The `daybook` command as a separate process (bin/daybook.js through tsx): help and
 * bad options, a hub on PGlite with the demo store that answers /health, stops with
 * exit code 0 on SIGTERM and comes back with the same books (seeding again adds
 * nothing), and `daybook start`.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { QueryStore } from '../query/index.ts';
import { parsePairingLink } from '../sync/pairing.ts';
import { toJson } from './http-json.ts';
import { buildDemoStore } from './demo-store.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const BIN = join(ROOT, 'bin', 'daybook.js');
const temp = mkdtempSync(join(tmpdir(), 'daybook-cli-'));
const children = new Set<ChildProcess>();

afterAll(() => {
  for (const child of children) child.kill('SIGKILL');
  rmSync(temp, { recursive: true, force: true });
});

interface Run {
  child: ChildProcess;
  /** Parsed JSON log lines so far (stdout). */
  lines: Array<Record<string, unknown>>;
  stderr: () => string;
  exit: Promise<number | null>;
  /** Resolves with the first log line whose msg is `msg`. */
  line(msg: string, ms?: number): Promise<Record<string, unknown>>;
}

function run(args: string[], env: Record<string, string> = {}): Run {
  const child = spawn(process.execPath, [BIN, ...args], { cwd: ROOT, env: { ...process.env, PORT: '', DATABASE_URL: '', DAYBOOK_DATA: '', ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  children.add(child);
  const lines: Array<Record<string, unknown>> = [];
  let err = '';
  let partial = '';
  const waiters: Array<() => void> = [];
  child.stdout.on('data', (chunk: Buffer) => {
    partial += chunk.toString();
    const parts = partial.split('\n');
    partial = parts.pop()!;
    for (const part of parts) if (part.trim() !== '') lines.push(JSON.parse(part) as Record<string, unknown>);
    for (const w of waiters.splice(0)) w();
  });
  child.stderr.on('data', (chunk: Buffer) => (err += chunk.toString()));
  const exit = new Promise<number | null>((resolve) =>
    child.on('exit', (code) => {
      children.delete(child);
      for (const w of waiters.splice(0)) w();
      resolve(code);
    }),
  );
  const line = async (msg: string, ms = 90_000): Promise<Record<string, unknown>> => {
    const deadline = Date.now() + ms;
    for (;;) {
      const found = lines.find((l) => l['msg'] === msg);
      if (found !== undefined) return found;
      if (child.exitCode !== null || Date.now() > deadline) throw new Error(`no "${msg}" line; stdout: ${JSON.stringify(lines)}; stderr: ${err}`);
      await new Promise<void>((resolve) => {
        waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  };
  return { child, lines, stderr: () => err, exit, line };
}

describe('daybook (the command)', () => {
  it('prints the help and exits 0', async () => {
    const help = run(['hub', '--help']);
    expect(await help.exit).toBe(0);
    expect(help.stderr()).toMatch(/^daybook hub: the store's or the cloud's peer/);
    expect(help.stderr()).toContain('--database-url URL');
  });

  it('refuses bad options and unknown commands with a reason and exit code 2', async () => {
    const bad = run(['hub', '--prot', '80']);
    expect(await bad.exit).toBe(2);
    expect(bad.stderr()).toContain('daybook hub: unknown option "--prot"');
    const port = run(['hub'], { PORT: 'eighty' });
    expect(await port.exit).toBe(2);
    expect(port.stderr()).toMatch(/port must be a whole number/);
    const none = run([]);
    expect(await none.exit).toBe(2);
    expect(none.stderr()).toMatch(/daybook needs a command/);
  });

  it('exits 1 with a reason when the port is taken', async () => {
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, '127.0.0.1', resolve));
    const port = (blocker.address() as { port: number }).port;
    try {
      const taken = run(['hub', '--memory', '--port', String(port)]);
      expect(await taken.exit).toBe(1);
      expect(taken.stderr()).toContain(`port ${port} on 127.0.0.1 is in use`);
    } finally {
      blocker.close();
    }
  });

  it("exits 1 with the database's reason when the database cannot be opened", async () => {
    const down = run(['hub', '--port', '0', '--database-url', 'postgres://daybook@127.0.0.1:1/nowhere']);
    expect(await down.exit).toBe(1);
    expect(down.stderr()).toMatch(/daybook hub cannot start: cannot open PostgreSQL at postgres:\/\/daybook@127\.0\.0\.1:1\/nowhere/);
  });

  it('runs on PGlite with the demo store, answers /health, exits 0 on SIGTERM, and restarts with the same books', async () => {
    const data = join(temp, 'pglite');
    const reference = new QueryStore();
    reference.load(buildDemoStore());
    const expected = JSON.parse(toJson(reference.trialBalance('2025-03-14'))) as unknown;

    const first = run(['hub', '--port', '0', '--data', data, '--demo']);
    const listening = await first.line('hub listening');
    const url = listening['url'] as string;
    expect(await first.line('demo store seeded')).toMatchObject({ book: 'corner-shop', added: 89, duplicates: 0 });
    const health = (await (await fetch(`${url}/health`)).json()) as Record<string, unknown>;
    expect(health).toMatchObject({ ok: true, db: 'pglite', books: 1 });
    const tb = (await (await fetch(`${url}/api/books/corner-shop/trial-balance?asOf=2025-03-14`)).json()) as Record<string, unknown>;
    expect(tb).toEqual({ book: 'corner-shop', ...(expected as object) });
    const link = /Pair a tablet with the demo store: (\S+)/.exec(first.stderr())?.[1];
    expect(link).toMatch(/#pair=/);
    first.child.kill('SIGTERM');
    expect(await first.exit).toBe(0);
    expect(first.lines.map((l) => l['msg'])).toContain('hub stopped');

    const second = run(['hub', '--port', '0', '--data', data, '--demo']);
    expect(await second.line('demo store seeded')).toMatchObject({ added: 0, duplicates: 89 });
    const again = (await second.line('hub listening'))['url'] as string;
    const tb2 = (await (await fetch(`${again}/api/books/corner-shop/trial-balance?asOf=2025-03-14`)).json()) as unknown;
    expect(tb2).toEqual(tb);
    // The same hub device and the same pairing secret: the link's book secret is kept in the database.
    const link2 = /Pair a tablet with the demo store: (\S+)/.exec(second.stderr())?.[1];
    const [p1, p2] = [parsePairingLink(link), parsePairingLink(link2)];
    expect(p1.ok && p2.ok).toBe(true);
    expect(p1.ok && p2.ok && p2.value.secret === p1.value.secret && p2.value.book === 'corner-shop').toBe(true);
    expect(p2.ok && p2.value.hubs).toEqual([`${again.replace('http', 'ws')}/sync/corner-shop`]);
    second.child.kill('SIGINT');
    expect(await second.exit).toBe(0);
  });

  it('`daybook start` runs the hub with the demo store (the app already built here)', async () => {
    const dist = join(temp, 'dist');
    mkdirSync(dist, { recursive: true });
    writeFileSync(join(dist, 'index.html'), '<!doctype html><title>daybook</title>');
    const start = run(['start', '--memory', '--port', '0', '--static', dist]);
    const url = (await start.line('hub listening'))['url'] as string;
    await start.line('demo store seeded');
    expect(await (await fetch(`${url}/`)).text()).toContain('<title>daybook</title>');
    expect(start.stderr()).toContain(`daybook hub is running: open ${url}/`);
    start.child.kill('SIGTERM');
    expect(await start.exit).toBe(0);
  });
});
