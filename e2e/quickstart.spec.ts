/**
 * The README's quick start, end to end (issues #5/#6): `daybook start` (what
 * `npm start` runs) on its own port and data folder starts the hub with the demo
 * store and prints a pairing link; real Chromium opens that link, joins the demo
 * store as a new tablet, and posts a cash sale through the Post screen. The hub
 * (demo mode) enrols the tablet as a clerk when it syncs, so the sale is in the
 * books on the tablet and on the hub, not pending. SIGTERM stops the hub with exit 0.
 *
 *   npx playwright test e2e/quickstart.spec.ts
 *   DAYBOOK_DIST_REUSE=1 npx playwright test e2e/quickstart.spec.ts   (take dist/ as it is)
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { expect, test } from '@playwright/test';
import type { BrowserContext } from 'playwright-core';
import { firstPage, freshProfile, grantDurableStorage, launchPersistent } from './support/chromium.ts';
import { ensureDist, REPO } from './support/app-server.ts';
import { nav, shot } from './app-world.ts';

/** The first start of PGlite is slow on a busy machine (README: 15-25 s); this bounds it. */
const hubStartMsMax = 120_000;
/** How long a sale may take to reach the hub by sync. */
const syncMsMax = 30_000;
/** How long the hub may take to stop after SIGTERM. */
const stopMsMax = 30_000;

const AMOUNT = '12.50';
const MEMO = 'Quick start sale';

interface Running {
  child: ChildProcess;
  output(): string;
  exit: Promise<number | null>;
}

function startHub(dataDir: string): Running {
  // `daybook start`: builds dist/ if missing (it is not: ensureDist ran), then `daybook hub --demo`.
  const child = spawn(process.execPath, [join(REPO, 'bin', 'daybook.js'), 'start', '--port', '0', '--data', dataDir], {
    cwd: REPO,
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DATABASE_URL: '', PORT: '' },
  });
  let out = '';
  child.stdout.on('data', (d: Buffer) => (out += d.toString()));
  child.stderr.on('data', (d: Buffer) => (out += d.toString()));
  const exit = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  return { child, output: () => out, exit };
}

/** The first match of `pattern` in the hub's output, waiting at most `ms`. */
async function waitForOutput(hub: Running, pattern: RegExp, ms: number): Promise<RegExpExecArray> {
  const deadline = Date.now() + ms;
  for (;;) {
    const match = pattern.exec(hub.output());
    if (match !== null) return match;
    if (hub.child.exitCode !== null) throw new Error(`the hub exited with ${hub.child.exitCode}:\n${hub.output().slice(-3000)}`);
    if (Date.now() > deadline) throw new Error(`the hub did not print ${String(pattern)} within ${ms} ms:\n${hub.output().slice(-3000)}`);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}

interface JournalRow {
  id: string;
  peer: string;
  date: string;
  state: { status: string };
}

let dataDir: string | undefined;
let profile: string | undefined;
let context: BrowserContext | undefined;
let hub: Running | undefined;

test.afterAll(async () => {
  await context?.close();
  if (hub !== undefined && hub.child.exitCode === null && hub.child.signalCode === null) {
    hub.child.kill('SIGKILL');
    await hub.exit;
  }
  if (test.info().status === test.info().expectedStatus) {
    for (const dir of [dataDir, profile]) if (dir !== undefined) rmSync(dir, { recursive: true, force: true });
  }
});

test('npm start: the demo hub, its pairing link, and a tablet whose first sale counts', async () => {
  test.setTimeout(420_000);
  await ensureDist();
  const root = join(REPO, '.data', 'quickstart');
  mkdirSync(root, { recursive: true });
  dataDir = mkdtempSync(join(root, 'hub-'));
  hub = startHub(dataDir);
  const running = hub;
  const link = (await waitForOutput(running, /Pair a tablet with the demo store: (\S+)/, hubStartMsMax))[1]!;
  const origin = (await waitForOutput(running, /daybook hub is running: open (http:\/\/\S+?)\/ /, 1000))[1]!;
  expect(running.output()).toContain('enrolled in the demo store as a clerk');
  expect(new URL(link).origin).toBe(origin);

  profile = freshProfile('quickstart');
  context = await launchPersistent(profile);
  const page = await firstPage(context);
  await page.setViewportSize({ width: 1280, height: 800 });
  page.on('pageerror', (error) => console.log(`[tablet page error] ${error.message}`));
  await grantDurableStorage(page, origin);
  await page.goto(link);

  // Setup: the link is filled in; the tablet names itself and joins.
  const joinForm = page.getByRole('form', { name: 'Join your store’s book' });
  await expect(joinForm.getByLabel('Pairing link (from the manager’s tablet)')).toHaveValue(link);
  await expect(joinForm).toContainText('Book corner-shop');
  await joinForm.getByLabel('Name of this tablet').fill('Till 3');
  await shot(page, 'quickstart-01-join');
  await joinForm.getByRole('button', { name: 'Join' }).click();
  await page.getByRole('heading', { name: 'Post', exact: true }).waitFor();

  // The book arrives from the hub (its genesis holds the currency), then the hub's join for this tablet.
  await expect(page.getByLabel(/^Amount/)).toBeVisible({ timeout: syncMsMax });
  await expect(page.getByText('This tablet is not enrolled in the book yet')).toHaveCount(0, { timeout: syncMsMax });

  await page.getByRole('radio', { name: /^Cash sale/ }).check();
  await page.getByLabel(/^Amount/).fill(AMOUNT);
  await page.getByLabel('Memo (optional)').fill(MEMO);
  await page.getByRole('button', { name: 'Post', exact: true }).click();
  await expect(page.getByTestId('feedback')).toContainText('Posted');
  await shot(page, 'quickstart-02-posted');

  // The tablet: enrolled as a clerk, the sale in its journal (in the books) and in its trial balance.
  await nav(page, 'Devices');
  await expect(page.getByText('not enrolled yet')).toHaveCount(0);
  await expect(page.locator('dd', { hasText: /^clerk$/ })).toBeVisible();
  await nav(page, 'Journal');
  const row = page.getByRole('link', { name: new RegExp(MEMO) });
  await expect(row).toContainText('In the books');
  await row.click();
  await expect(page.getByTestId('entry-status')).toHaveText(/^In the books\./);
  await shot(page, 'quickstart-03-journal');
  await nav(page, 'Books');
  await expect(page.getByTestId('trial-balance').locator('tr[data-account="Assets:Cash"]')).toContainText(AMOUNT);
  await shot(page, 'quickstart-04-books');

  // The hub: the sale arrives by sync, in the books (not pending), and in its trial balance.
  const api = `${origin}/api/books/corner-shop`;
  let sale: JournalRow | undefined;
  await expect
    .poll(
      async () => {
        const answer = (await (await fetch(`${api}/journal?text=${encodeURIComponent(MEMO)}`)).json()) as { rows: JournalRow[] };
        sale = answer.rows[0];
        return sale?.state.status;
      },
      { timeout: syncMsMax, message: 'the sale on the hub, in the books' },
    )
    .toBe('effective');
  expect(sale!.peer).toMatch(/^till-3-/);
  const trial = (await (await fetch(`${api}/trial-balance?asOf=${sale!.date.slice(0, 10)}`)).json()) as { lines: Array<{ account: string; debit: string; credit: string }>; debitTotal: string; creditTotal: string };
  expect(trial.lines.find((l) => l.account === 'Assets:Cash')).toEqual({ account: 'Assets:Cash', debit: '1250', credit: '0' });
  expect(trial.debitTotal).toBe(trial.creditTotal);
  const pending = (await (await fetch(`${api}/journal?status=pending`)).json()) as { total: number };
  expect(pending.total).toBe(0);

  // SIGTERM with the tablet still connected: a graceful stop (bye to the tablet), exit code 0.
  running.child.kill('SIGTERM');
  const code = await Promise.race([running.exit, new Promise<'timeout'>((resolve) => setTimeout(() => resolve('timeout'), stopMsMax))]);
  expect(code, running.output().slice(-2000)).toBe(0);
  expect(running.output()).toContain('"msg":"hub stopped"');
});
