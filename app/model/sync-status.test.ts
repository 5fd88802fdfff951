import { describe, expect, it } from 'vitest';
import type { AuthorFrontier, RosterMember } from '../../src/core/ledger.ts';
import type { EntryId, PeerId } from '../../src/core/types.ts';
import { ago, atRiskCount, bytesText, deviceRows } from './sync-status.ts';

describe('sync status', () => {
  it('counts own entries held by no other device', () => {
    expect(atRiskCount(0, undefined, 0)).toBe(0);
    expect(atRiskCount(10, undefined, 0)).toBe(10);
    expect(atRiskCount(10, undefined, 7)).toBe(3);
    expect(atRiskCount(10, (seq) => (seq <= 8 ? 2 : 1), 0)).toBe(2);
    expect(atRiskCount(10, (seq) => (seq <= 8 ? 2 : 1), 9)).toBe(1);
    expect(atRiskCount(10, () => 3, 0)).toBe(0);
  });

  it('lists enrolled devices with what is held from each', () => {
    const member = (peer: string, name: string, extra: Partial<RosterMember> = {}): RosterMember => ({ peer: peer as PeerId, name, key: '', roles: [], enrolledBy: 'e' as EntryId, ...extra });
    const frontier: AuthorFrontier[] = [
      { peer: 'a' as PeerId, contiguous: 4, head: 'h4' as EntryId, highest: 9, missing: [{ peer: 'a' as PeerId, from: 5, to: 8 }] },
      { peer: 'me' as PeerId, contiguous: 2, head: 'h2' as EntryId, highest: 2, missing: [] },
    ];
    const rows = deviceRows('me' as PeerId, [member('a', 'Till A'), member('me', 'Manager', { roles: ['owner'] }), member('b', 'Till B', { lastSeq: 3 })], frontier, new Set(['a']), (id) => (id === 'h4' ? '1741943520000-0000' : undefined));
    expect(rows.map((r) => [r.name, r.self, r.online, r.retired, r.contiguous, r.missing.join(','), r.lastSeenMs])).toEqual([
      ['Manager', true, true, false, 2, '', undefined],
      ['Till A', false, true, false, 4, '5-8', 1741943520000],
      ['Till B', false, false, true, 0, '', undefined],
    ]);
  });

  it('prints times and sizes for people', () => {
    expect(ago(0, 30_000)).toBe('just now');
    expect(ago(0, 5 * 60_000)).toBe('5 min ago');
    expect(ago(0, 3 * 3_600_000)).toBe('3 h ago');
    expect(ago(0, 49 * 3_600_000)).toBe('2 d ago');
    expect(bytesText(512)).toBe('512 B');
    expect(bytesText(1536)).toBe('1.5 KB');
    expect(bytesText(300 * 1024 * 1024)).toBe('300 MB');
  });
});
