import { describe, expect, it } from 'vitest';
import { describeMissing, presenceOf } from './presence.ts';

describe('presence', () => {
  const local = [
    { peer: 'T1', contiguous: 10, highest: 10, gaps: [] },
    { peer: 'T2', contiguous: 57, highest: 70, gaps: [[58, 61]] as Array<[number, number]> },
  ];
  const peers = [
    { peer: 'T2', frontier: [{ peer: 'T2', contiguous: 70, highest: 70, gaps: [] }, { peer: 'T1', contiguous: 8, highest: 8, gaps: [] }] },
    { peer: 'T3', frontier: [{ peer: 'T2', contiguous: 60, highest: 60, gaps: [] }, { peer: 'T3', contiguous: 4, highest: 4, gaps: [] }] },
  ];

  it('names what online peers hold and this device lacks, and who holds it', () => {
    const p = presenceOf('T1', local, peers);
    expect(p.online).toEqual(['T2', 'T3']);
    expect(p.missing).toEqual([
      { author: 'T2', from: 58, to: 61, heldBy: ['T2', 'T3'] },
      { author: 'T3', from: 1, to: 4, heldBy: ['T3'] },
    ]);
    const names: Record<string, string> = { T2: 'Till 2', T3: 'Till 3' };
    expect(describeMissing(p.missing[0]!, (id) => names[id] ?? id)).toBe('missing entries 58-61 from Till 2 (held by Till 2, Till 3)');
  });

  it('counts the devices that hold an entry, this one included', () => {
    const p = presenceOf('T1', local, peers);
    expect(p.heldBy('T2', 57)).toBe(3);
    expect(p.heldBy('T2', 59)).toBe(2);
    expect(p.heldBy('T2', 65)).toBe(2);
    expect(p.heldBy('T1', 8)).toBe(2);
    expect(p.heldBy('T1', 9)).toBe(1);
    expect(p.heldBy('T1', 11)).toBe(0);
  });
});
