import { describe, expect, it } from 'vitest';
import * as Y from 'yjs';
import { devVerifier, encodeEntry, entryIdOf } from '../core/entry.ts';
import type { Entry } from '../core/types.ts';
import type { PeerId } from '../core/types.ts';
import { countingNonce, peerChain, sale, testDeps } from '../journal/conformance-kit.ts';
import type { Journal } from '../journal/journal.ts';
import { openMemoryJournal } from '../journal/memory-journal.ts';
import { syncLimits } from './limits.ts';
import { createYBridge, type YBridge } from './ydoc.ts';
import { Sim } from './testing/sim.ts';

const PERIOD = '2025-03';

function device(peer: string): { journal: Journal; bridge: YBridge; updates: Array<{ doc: string; update: Uint8Array }> } {
  const journal = openMemoryJournal(testDeps({ peer: peer as PeerId, nonce: countingNonce(peer) }));
  const updates: Array<{ doc: string; update: Uint8Array }> = [];
  const bridge = createYBridge({ journal, verify: devVerifier, period: 'month', onUpdate: (doc, update) => updates.push({ doc, update }) });
  return { journal, bridge, updates };
}

describe('Yjs bridge', () => {
  it('puts a local entry in its period’s document, keyed by id, and sends the update', async () => {
    const a = device('T1');
    const entry = await a.journal.append(sale(500, '2025-03-04T10:00:00'));
    const map = a.bridge.doc(PERIOD)!.getMap<string>('entries');
    expect(map.get(entry.id)).toBe(encodeEntry(entry));
    expect(a.updates.map((u) => u.doc)).toEqual([`B1/${PERIOD}`]);
  });

  it('carries entries from one journal to another through document updates', async () => {
    const a = device('T1');
    const b = device('T2');
    await a.journal.append(sale(500, '2025-03-04T10:00:00'));
    await a.journal.append(sale(700, '2025-03-05T10:00:00'));
    for (const u of a.updates) await b.bridge.apply(u.doc, u.update, 'T1');
    expect((await b.journal.all()).map((e) => e.id).sort()).toEqual((await a.journal.all()).map((e) => e.id).sort());
    expect(b.bridge.stats.forwarded).toBe(2);
    // What came from the remote is not sent back out.
    expect(b.updates).toEqual([]);
  });

  it('ignores a value that is not the entry its key names, deletes and overwrites; the journal keeps the truth', async () => {
    const a = device('T1');
    const b = device('T2');
    const [e1, e2] = peerChain('T7', 2);
    await b.journal.ingest([e1!], 'file');
    // A hostile room member writes a wrong value under e2's id, a forged value under e1's, and deletes e1.
    const evil = new Y.Doc();
    Y.applyUpdate(evil, Y.encodeStateAsUpdate(b.bridge.doc(PERIOD)!));
    const map = evil.getMap<string>('entries');
    const before = Y.encodeStateVector(evil);
    evil.transact(() => {
      map.set(e2!.id, encodeEntry(e1!));
      map.set(e1!.id, encodeEntry(e1!).replace('"amount":100', '"amount":101'));
      map.set('f'.repeat(64), 'not an entry');
    });
    await b.bridge.apply(`B1/${PERIOD}`, Y.encodeStateAsUpdate(evil, before), 'EVIL');
    evil.transact(() => map.delete(e1!.id));
    await b.bridge.apply(`B1/${PERIOD}`, Y.encodeStateAsUpdate(evil), 'EVIL');
    expect((await b.journal.all()).map((e) => e.id)).toEqual([e1!.id]);
    expect(b.bridge.stats).toMatchObject({ ignored: 2, overwrites: 2, forwarded: 0 });
    expect(await b.journal.get(e1!.id)).toEqual(e1);
    void a;
  });

  it('checks shape and id only: a bad signature with the right id reaches ingest, which quarantines it', async () => {
    const journal = openMemoryJournal(testDeps({ peer: 'T2' as PeerId, nonce: countingNonce('T2') }));
    let asked = 0;
    const bridge = createYBridge({
      journal,
      verify: () => {
        asked++;
        return true;
      },
      period: 'month',
    });
    const [good, victim] = peerChain('T7', 2);
    // A forged signature; the id is recomputed over the forged bytes, so key and value agree.
    const unsigned = { ...victim!, sig: `dev:${'0'.repeat(32)}` };
    const forged: Entry = { ...unsigned, id: entryIdOf(unsigned) };
    const remote = new Y.Doc();
    remote.transact(() => {
      remote.getMap<string>('entries').set(good!.id, encodeEntry(good!));
      remote.getMap<string>('entries').set(forged.id, encodeEntry(forged));
    });
    await bridge.apply(`B1/${PERIOD}`, Y.encodeStateAsUpdate(remote), 'EVIL');
    expect(asked).toBe(0);
    expect(bridge.stats).toMatchObject({ forwarded: 2, ignored: 0 });
    expect((await journal.all()).map((e) => e.id)).toEqual([good!.id]);
    const [record] = await journal.quarantine();
    expect(record).toMatchObject({ from: 'EVIL', reason: { code: 'bad-signature' } });
    expect(record!.raw).toContain(forged.id);
    bridge.close();
  });

  it('never throws on garbage, oversized, foreign or retired documents', async () => {
    const b = device('T2');
    await b.bridge.apply(`B1/${PERIOD}`, Uint8Array.of(1, 2, 3, 255, 255), 'EVIL');
    await b.bridge.apply(`B1/2025-13`, new Uint8Array(10), 'EVIL');
    await b.bridge.apply(`B9/${PERIOD}`, new Uint8Array(10), 'EVIL');
    await b.bridge.apply(`B1/${PERIOD}`, new Uint8Array(syncLimits.yjsUpdateBytesMax + 1), 'EVIL');
    b.bridge.retire('2025-02');
    await b.bridge.apply(`B1/2025-02`, new Uint8Array(10), 'EVIL');
    expect(b.bridge.doc('2025-02')).toBeUndefined();
    expect(b.bridge.stats.rejectedUpdates).toBe(5);
    expect(await b.journal.count()).toBe(0);
  });

  it('reconciles both ways at start: a crash between the two writes heals', async () => {
    const a = device('T1');
    const [e1, e2] = peerChain('T7', 2);
    // The document was saved with e2, but the journal write of e2 never happened.
    const saved = new Y.Doc();
    saved.getMap<string>('entries').set(e2!.id, encodeEntry(e2!));
    await a.journal.ingest([e1!], 'file');
    const fresh = createYBridge({ journal: a.journal, verify: devVerifier, period: 'month' });
    fresh.load(PERIOD, Y.encodeStateAsUpdate(saved));
    expect(await fresh.reconcile()).toBe(1);
    expect((await a.journal.all()).map((e) => e.id).sort()).toEqual([e1!.id, e2!.id].sort());
    expect([...fresh.doc(PERIOD)!.getMap<string>('entries').keys()].sort()).toEqual([e1!.id, e2!.id].sort());
  });

  it('travels between devices in chunks of at most one frame, a large transaction included', async () => {
    const sim = new Sim(7, { session: { onYjs: (doc, update, from) => target.apply(doc, update, from) } });
    const a = sim.device('T1');
    const b = sim.device('T2');
    const target = createYBridge({ journal: b.journal, verify: devVerifier, period: 'month' });
    const sent: number[] = [];
    createYBridge({
      journal: a.journal,
      verify: devVerifier,
      period: 'month',
      onUpdate: (doc, update) => {
        sent.push(update.byteLength);
        a.mesh.broadcastYjs(doc, update);
      },
    });
    sim.link(a, b);
    await sim.settle();
    // 300 entries in one journal batch: one document transaction of about 140 KB.
    await a.journal.ingest(peerChain('T7', 300), 'file');
    await sim.settle();
    expect(sent).toHaveLength(1);
    expect(sent[0]).toBeGreaterThan(8 * syncLimits.frameBytesMax);
    expect(sim.largestFrame).toBeLessThanOrEqual(syncLimits.frameBytesMax);
    // Reassembled whole and applied: the document holds every entry (pushes brought them to the journal too).
    expect(target.stats.rejectedUpdates).toBe(0);
    expect(target.doc(PERIOD)!.getMap('entries').size).toBe(300);
    expect(await b.journal.count()).toBe(300);
  });
});
