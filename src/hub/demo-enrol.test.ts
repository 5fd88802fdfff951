import { afterEach, describe, expect, it } from 'vitest';
import { WebSocket } from 'ws';
import { fold } from '../core/fold.ts';
import type { Entry } from '../core/types.ts';
import type { Journal } from '../journal/journal.ts';
import { createMesh } from '../sync/mesh.ts';
import { dialWs } from '../sync/ws-transport.ts';
import type { HubBook } from './books.ts';
import { memorySource } from './books-source.ts';
import { seedDemo } from './demo.ts';
import { startDemoEnrolment, type DemoEnrolment } from './demo-enrol.ts';
import { buildDemoHubJoin, buildDemoStore, DEMO_STORE_BOOK } from './demo-store.ts';
import { memoryLog, tabletJournal, testConfig, until } from './server-testing.ts';
import { startHub, type Hub } from './server.ts';

const hubs: Hub[] = [];
const cleanups: Array<() => void> = [];
afterEach(async () => {
  for (const c of cleanups.splice(0)) c();
  await Promise.all(hubs.splice(0).map((h) => h.close('test')));
});

/** A hub as `daybook hub --demo` wires it: the sync hook hands peers to the enrolment once it exists. */
async function demoHub(options: { enrol: boolean }): Promise<{ hub: Hub; lines: Array<Record<string, unknown>>; start: () => Promise<DemoEnrolment> }> {
  const { log, lines } = memoryLog();
  let enrolment: DemoEnrolment | undefined;
  const onSyncPeer = (book: HubBook, peer: string): void => void enrolment?.heard(book, peer);
  const hub = await startHub({ config: testConfig({ demo: true }), source: memorySource({ clock: Date.now }), log, ...(options.enrol ? { onSyncPeer } : {}) });
  hubs.push(hub);
  await seedDemo(hub.books);
  return { hub, lines, start: async () => (enrolment = await startDemoEnrolment(hub.books, log)) };
}

async function demoBook(hub: Hub): Promise<HubBook> {
  const opened = await hub.books.open(DEMO_STORE_BOOK);
  if (!opened.ok) throw new Error(opened.reason);
  return opened.book;
}

/** A tablet that joined by the demo link: a new id, one cash sale, syncing with the hub. */
async function tablet(hub: Hub, peer: string): Promise<{ journal: Journal; sale: Entry }> {
  const journal = tabletJournal(DEMO_STORE_BOOK, peer);
  const sale = await journal.append({ kind: 'txn', body: { postings: [{ account: 'Assets:Cash', amount: 1250 }, { account: 'Income:Sales', amount: -1250 }], memo: 'First sale' }, date: '2025-03-14T16:00:00' as Entry['date'] });
  const mesh = createMesh({ journal, clock: Date.now });
  const dial = dialWs({ mesh, url: `${hub.url.replace('http', 'ws')}/sync/${DEMO_STORE_BOOK}`, WebSocket });
  cleanups.push(() => {
    dial.close();
    mesh.close();
  });
  return { journal, sale };
}

const statusOn = async (journal: Journal, id: string): Promise<string | undefined> => fold(await journal.all()).entries.get(id as Entry['id'])?.state.status;

describe('demo enrolment (daybook hub --demo)', () => {
  it('the demo owner makes the hub an enroller, the same entry on every start', async () => {
    const { hub, start } = await demoHub({ enrol: true });
    const enrolment = await start();
    const book = await demoBook(hub);
    const me = book.store.roster().find((m) => m.peer === enrolment.hubPeer);
    expect(me?.roles).toEqual(['enrol']);
    expect(buildDemoHubJoin(enrolment.hubPeer).id).toBe(buildDemoHubJoin(enrolment.hubPeer).id);
    const before = await book.journal.count();
    await start();
    expect(await book.journal.count()).toBe(before);
    expect(before).toBe(buildDemoStore().length + 1);
    expect(book.store.alarms()).toEqual([]);
  });

  it('a tablet that syncs with the demo book is enrolled as a clerk, and its sale stops being pending', async () => {
    const { hub, lines, start } = await demoHub({ enrol: true });
    await start();
    const book = await demoBook(hub);
    const { journal, sale } = await tablet(hub, 'till-9-abcd1234');
    await until(() => book.store.entry(sale.id)?.state.status === 'effective', 20_000, 'the sale effective on the hub');
    expect(book.store.roster().find((m) => m.peer === 'till-9-abcd1234')?.roles).toEqual([]);
    // The join travels back: the tablet's own books count its sale.
    await until(async () => (await statusOn(journal, sale.id)) === 'effective', 20_000, 'the sale effective on the tablet');
    expect(lines.filter((l) => l['msg'] === 'demo tablet enrolled').map((l) => l['peer'])).toEqual(['till-9-abcd1234']);
  });

  it('tablets connected before the enrolment started are enrolled when it starts', async () => {
    const { hub, start } = await demoHub({ enrol: true });
    const book = await demoBook(hub);
    const { sale } = await tablet(hub, 'early-tablet-1');
    await until(() => book.mesh.sessions().some((s) => s.state === 'open' && s.remotePeer === 'early-tablet-1'), 20_000, 'the session');
    await until(async () => (await book.journal.get(sale.id)) !== undefined, 20_000, 'the sale on the hub');
    expect(book.store.entry(sale.id)?.state.status).toBe('pending');
    await start();
    await until(() => book.store.entry(sale.id)?.state.status === 'effective', 20_000, 'the sale effective');
  });

  it('without the demo wiring a tablet stays unenrolled: its sale is pending (enrolment is the owner’s act)', async () => {
    const { hub } = await demoHub({ enrol: false });
    const book = await demoBook(hub);
    const { journal, sale } = await tablet(hub, 'till-8-abcd1234');
    await until(async () => (await book.journal.get(sale.id)) !== undefined, 20_000, 'the sale on the hub');
    await until(async () => (await journal.count()) === (await book.journal.count()), 20_000, 'the catch-up');
    expect(book.store.entry(sale.id)?.state.status).toBe('pending');
    expect(book.store.roster().some((m) => m.peer === 'till-8-abcd1234')).toBe(false);
  });

  it('refuses other books and bad ids with a reason, and knows the devices already enrolled', async () => {
    const { hub, start } = await demoHub({ enrol: true });
    const enrolment = await start();
    const book = await demoBook(hub);
    const other = await hub.books.open('another-store', { create: true });
    if (!other.ok) throw new Error(other.reason);
    expect(await enrolment.heard(other.book, 'till-7-abc')).toMatchObject({ status: 'refused', reason: expect.stringContaining('demo book') as unknown });
    expect(await enrolment.heard(book, 'not an id!')).toMatchObject({ status: 'refused' });
    expect(await enrolment.heard(book, 'till-1')).toEqual({ status: 'known' });
    expect(await enrolment.heard(book, 'till-7-abc')).toEqual({ status: 'enrolled', peer: 'till-7-abc' });
    expect(await enrolment.heard(book, 'till-7-abc')).toEqual({ status: 'known' });
    expect(book.store.roster().find((m) => m.peer === 'till-7-abc')).toMatchObject({ roles: [], enrolledBy: expect.any(String) as unknown });
  });
});
