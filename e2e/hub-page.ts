/**
 * The hub harness page: one tablet in a browser context, syncing with a store hub
 * over WebSocket (`hubs`) and with other tablets over WebRTC (the store hub's
 * signaling), driven by e2e/hub.spec.ts through `window.hubTablet`. Real parts: the
 * tablet runtime (startTabletSync), the browser's WebSocket, the wall clock, nanoid
 * nonces, the dev signature scheme. The journal is in memory.
 */
import { nanoid } from 'nanoid';
import { devSigner, devVerifier } from '../src/core/entry.ts';
import { fold } from '../src/core/fold.ts';
import { sha256Hex } from '../src/core/hash.ts';
import { trialBalance } from '../src/core/queries.ts';
import type { BookId, BusinessDate, PeerId } from '../src/core/types.ts';
import type { Journal } from '../src/journal/journal.ts';
import { openMemoryJournal } from '../src/journal/memory-journal.ts';
import { startTabletSync, type TabletSync } from '../src/sync/tablet.ts';

export interface HubTabletOptions {
  peer: string;
  book: string;
  secret: string;
  signaling: string[];
  hubs: string[];
}

export interface HubTabletSummary {
  count: number;
  /** SHA-256 of the sorted ids: equal sets give equal hashes. */
  idsHash: string;
  /** The trial balance as of `asOf`, bigints as decimal strings (the hub API's JSON form). */
  trial: string;
}

let journal: Journal | undefined;
let sync: TabletSync | undefined;

function must(): Journal {
  if (journal === undefined) throw new Error('call open() first');
  return journal;
}

const api = {
  open(o: HubTabletOptions): void {
    journal = openMemoryJournal({ book: o.book as BookId, peer: o.peer as PeerId, signer: devSigner, verify: devVerifier, clock: () => Date.now(), nonce: () => nanoid() });
    sync = startTabletSync({ journal, secret: o.secret, signaling: o.signaling, hubs: o.hubs });
  },
  /** Create the book on this tablet (it becomes the owner) and enrol `devices`, so the fold counts their entries. */
  async genesis(devices: string[]): Promise<void> {
    const date = '2025-03-01T00:00:00' as BusinessDate;
    await must().append({ kind: 'book', body: { name: 'Corner shop', currency: 'EUR', timezone: 'Europe/Paris', period: 'month', windowDays: 28 }, date });
    for (const device of devices) await must().append({ kind: 'join', body: { device: device as PeerId, name: `Till ${device}`, key: '', roles: [] }, date });
  },
  /** Post `count` sales of `amount`, `amount + 1`, … minor units. */
  async post(count: number, amount: number): Promise<void> {
    for (let i = 0; i < count; i++) {
      await must().append({ kind: 'txn', body: { postings: [{ account: 'Assets:Cash', amount: amount + i }, { account: 'Income:Sales', amount: -(amount + i) }] } });
    }
  },
  count: (): Promise<number> => must().count(),
  /** Poll until the journal holds `count` entries; resolves to the ms it took, or -1 on timeout. */
  async waitCount(count: number, timeoutMs: number): Promise<number> {
    const start = performance.now();
    while (performance.now() - start < timeoutMs) {
      if ((await must().count()) >= count) return performance.now() - start;
      await new Promise((resolve) => setTimeout(resolve, 20));
    }
    return -1;
  },
  async summary(asOf: string): Promise<HubTabletSummary> {
    const all = await must().all();
    const trial = trialBalance(fold(all), asOf);
    return {
      count: all.length,
      idsHash: sha256Hex(all.map((e) => e.id).sort().join('\n')),
      trial: JSON.stringify(trial, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v)),
    };
  },
  /** The state of each hub connection ('connecting' | 'open' | 'closed'). */
  hubStates: (): string[] => sync?.hubs().map((h) => h.state()) ?? [],
  close(): void {
    sync?.stop();
  },
};

declare global {
  interface Window {
    hubTablet: typeof api;
  }
}

window.hubTablet = api;
document.title = 'hub harness ready';
