/**
 * Accessibility: on every screen, every control (button, link, field, choice) has an
 * accessible name, read from Chromium's own accessibility tree; and the main flow
 * works by keyboard alone: choose a template, type an amount, post, open the entry
 * in the journal and negate it with a reason.
 *
 *   npx playwright test e2e/app-a11y.spec.ts
 */
import { expect, test, type Page } from '@playwright/test';
import { buildApp, createStoreBook, nav, openTablet, postTemplate, serveApp, shot, type AppServer, type Tablet } from './app-world.ts';

let server: AppServer;
let tablet: Tablet | undefined;

test.beforeAll(async () => {
  buildApp();
  server = await serveApp();
});
test.afterAll(async () => {
  await tablet?.close();
  await server?.close();
});

const CONTROLS = new Set(['button', 'link', 'textbox', 'searchbox', 'combobox', 'checkbox', 'radio', 'spinbutton', 'listbox', 'slider', 'switch', 'menuitem', 'tab']);

interface AxNode {
  ignored: boolean;
  role?: { value?: string };
  name?: { value?: string };
  backendDOMNodeId?: number;
}

/** Controls without an accessible name, as Chromium computes names. */
async function unnamedControls(page: Page): Promise<string[]> {
  const cdp = await page.context().newCDPSession(page);
  const { nodes } = (await cdp.send('Accessibility.getFullAXTree')) as { nodes: AxNode[] };
  const bad: string[] = [];
  for (const n of nodes) {
    const role = n.role?.value ?? '';
    if (n.ignored || !CONTROLS.has(role)) continue;
    if ((n.name?.value ?? '').trim() === '') {
      const described = n.backendDOMNodeId === undefined ? '' : ((await cdp.send('DOM.describeNode', { backendNodeId: n.backendDOMNodeId })) as { node: { localName: string; attributes?: string[] } }).node;
      bad.push(`${role} ${JSON.stringify(described)}`);
    }
  }
  await cdp.detach();
  return bad;
}

interface Focused {
  id: string;
  tag: string;
  type: string;
  text: string;
  classes: string[];
}

/** Press Tab until the focused element passes `test` (at most `max` presses). */
async function tabTo(page: Page, what: string, test: (el: Focused) => boolean, max = 80): Promise<void> {
  for (let i = 0; i < max; i++) {
    await page.keyboard.press('Tab');
    const el = await page.evaluate((): Focused => {
      const a = document.activeElement;
      return { id: a?.id ?? '', tag: a?.tagName ?? '', type: a?.getAttribute('type') ?? '', text: a?.textContent ?? '', classes: [...(a?.classList ?? [])] };
    });
    if (test(el)) return;
  }
  throw new Error(`Tab never reached ${what}`);
}

test('every control on every screen has an accessible name', async () => {
  tablet = await openTablet(server, 'a11y');
  const { page } = tablet;
  expect(await unnamedControls(page)).toEqual([]);
  await createStoreBook(page, 'Label shop', 'Till 1');
  await postTemplate(page, 'Cash sale', '4.20', 'Tea');
  await page.getByRole('button', { name: 'Save as draft' }).waitFor();
  await page.getByLabel(/^Amount/).fill('1.00');
  await page.getByRole('button', { name: 'Save as draft' }).click();
  for (const screen of ['Post', 'Drafts', 'Journal', 'Books', 'Reconcile', 'Close', 'Devices', 'Export']) {
    await nav(page, screen);
    await expect(page.getByRole('heading', { level: 2 }).first()).toBeVisible();
    if (screen === 'Post') await page.getByRole('radio', { name: /^Other entry/ }).check();
    if (screen === 'Journal') await page.getByRole('link', { name: /Tea/ }).click();
    if (screen === 'Books') await page.getByRole('link', { name: 'Assets:Cash' }).click();
    if (screen === 'Journal') await page.getByRole('button', { name: 'Negate…' }).click();
    expect(await unnamedControls(page), screen).toEqual([]);
    await shot(page, `a11y-screen-${screen.toLowerCase()}`);
  }
});

test('the main flow works by keyboard alone', async () => {
  const { page } = tablet!;
  await page.goto(`${server.origin}/#/post`);
  await page.getByRole('heading', { name: 'Post', exact: true }).waitFor();
  // Choose "Card sale" with the arrow keys, type the amount, submit with Enter.
  await tabTo(page, 'the template choice', (el) => el.type === 'radio');
  await page.keyboard.press('ArrowRight');
  await expect(page.getByRole('radio', { name: /^Card sale/ })).toBeChecked();
  await tabTo(page, 'the amount', (el) => el.id === 'amount');
  await page.keyboard.type('7.25');
  await tabTo(page, 'the memo', (el) => el.id === 'memo');
  await page.keyboard.type('Keyboard sale');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('feedback')).toContainText('Posted: Keyboard sale, 7.25.');

  // To the journal, open the entry, negate it with a reason.
  await tabTo(page, 'the Journal link', (el) => el.text === 'Journal' && el.tag === 'A');
  await page.keyboard.press('Enter');
  await page.getByRole('heading', { name: 'Journal' }).waitFor();
  await tabTo(page, 'the keyboard sale in the list', (el) => el.classes.includes('entry-link') && el.text.includes('Keyboard sale'));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('heading', { name: 'Keyboard sale', level: 3 })).toBeVisible();
  await tabTo(page, 'Negate', (el) => el.text === 'Negate…');
  await page.keyboard.press('Enter');
  await tabTo(page, 'the reason', (el) => el.id === 'negate-reason');
  await page.keyboard.type('Customer changed their mind before paying');
  await tabTo(page, 'the confirm button', (el) => el.text === 'Negate this entry');
  await page.keyboard.press('Enter');
  await expect(page.getByTestId('entry-status')).toContainText('Negated');
  await shot(page, 'a11y-01-keyboard-negated');
});
