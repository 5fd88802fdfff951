import 'fake-indexeddb/auto';
import { describe, expect, it } from 'vitest';
import { readIdentity, type KeyValue } from './identity.ts';
import { Runtime } from './runtime.ts';
import { createBook, enrolDevice, joinBook } from './setup.ts';
import { parsePairingLink } from '../../src/sync/pairing.ts';

function memory(): KeyValue {
  const map = new Map<string, string>();
  return { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => void map.set(k, v) };
}

const NOW = Date.UTC(2025, 2, 14, 9, 30);

describe('the tablet runtime', () => {
  it('creates a book, keeps the books current with every append, and reads them back after a restart', async () => {
    const store = memory();
    const created = await createBook({ storeName: 'Corner shop', currency: 'EUR', timezone: 'Europe/Berlin', period: 'day', deviceName: 'Manager', signaling: ['ws://127.0.0.1:1/signaling'], hubs: [] }, store, { sync: false, clock: () => NOW });
    if (!created.ok) throw new Error(created.message);
    const runtime = created.value;
    expect(runtime.settings?.name).toBe('Corner shop');
    expect(runtime.nowDate()).toBe('2025-03-14T10:30:00');
    let heard = 0;
    runtime.onEntries(() => heard++);
    const sale = await runtime.append({ kind: 'txn', body: { postings: [{ account: 'Assets:Cash', amount: 1250 }, { account: 'Income:Sales', amount: -1250 }] }, date: runtime.nowDate() });
    expect(sale.ok).toBe(true);
    expect(heard).toBe(1);
    expect(runtime.store.balancesAsOf('2025-03-14')).toEqual([{ account: 'Assets:Cash', amount: 1250n }, { account: 'Income:Sales', amount: -1250n }]);

    // A refused append is a message, and nothing is written.
    const bad = await runtime.append({ kind: 'txn', body: { postings: [{ account: 'Assets:Cash', amount: 1 }, { account: 'Income:Sales', amount: -2 }] } });
    expect(bad.ok).toBe(false);
    if (!bad.ok) expect(bad.message).toMatch(/sum|balance/i);
    expect(await runtime.journal.count()).toBe(2);

    // A draft becomes an entry only when saved.
    const draft = await runtime.createDraft({ kind: 'txn', body: { postings: [{ account: 'Expenses:Supplies', amount: 800 }, { account: 'Assets:Cash', amount: -800 }] } });
    if (!draft.ok) throw new Error(draft.message);
    expect(runtime.store.size).toBe(2);
    expect((await runtime.saveDraft(draft.value.id, draft.value.version)).ok).toBe(true);
    expect(runtime.store.trialBalance('2025-03-14').debitTotal).toBe(1250n);
    expect(runtime.store.balancesAsOf('2025-03-14').find((b) => b.account === 'Assets:Cash')?.amount).toBe(450n);

    // Enrol a till: its join is written and its link names it.
    const link = await enrolDevice(runtime, 'Till 2', [], 'http://shop.example/');
    if (!link.ok) throw new Error(link.message);
    const pairing = parsePairingLink(link.value);
    expect(pairing.ok && pairing.value.name).toBe('Till 2');
    expect(runtime.store.roster().map((m) => m.name).sort()).toContain('Till 2');
    await runtime.close();

    // Restart: the identity and the books come back from storage.
    const identity = readIdentity(store)!;
    const again = await Runtime.open(identity, { sync: false, clock: () => NOW });
    expect(again.store.size).toBe(4);
    expect(again.store.balancesAsOf('2025-03-14').find((b) => b.account === 'Assets:Cash')?.amount).toBe(450n);
    await again.close();

    // A tablet joining from the link takes the enrolled id; its book arrives later by sync.
    if (!pairing.ok) throw new Error('link');
    const joined = await joinBook(pairing.value, '', memory(), { sync: false, clock: () => NOW });
    if (!joined.ok) throw new Error(joined.message);
    expect(joined.value.peer).toBe(pairing.value.device);
    expect(joined.value.settings).toBeUndefined();
    await joined.value.close();
  });
});
