import { describe, expect, it } from 'vitest';
import type { EntryId, PeerId } from '../core/types.ts';
import { createKeydir } from './keydir.ts';

const e = (id: string, peer: string, seq: number) => ({ id: id as EntryId, peer: peer as PeerId, seq });

describe('keydir', () => {
  it('finds entries by id and by author range, equivocations included, first place kept', () => {
    const k = createKeydir();
    k.add(e('a', 'T2', 1), 0);
    k.add(e('b', 'T2', 2), 1);
    k.add(e('c', 'T3', 1), 2);
    k.add(e('b2', 'T2', 2), 3);
    k.add(e('a', 'T2', 1), 9); // the same id again keeps its first place
    expect([k.lsnOf('a' as EntryId), k.lsnOf('b2' as EntryId), k.lsnOf('zz' as EntryId), k.size]).toEqual([0, 3, undefined, 4]);
    expect(k.lsnsOf('T2' as PeerId, 1, 5, 10)).toEqual([0, 1, 3]);
    expect(k.lsnsOf('T2' as PeerId, 2, 2, 10)).toEqual([1, 3]);
    expect(k.lsnsOf('T2' as PeerId, 1, 5, 2)).toEqual([0, 1]);
    expect(k.lsnsOf('T9' as PeerId, 1, 5, 10)).toEqual([]);
  });

  it('walks a sparse author by the seqs it holds', () => {
    const k = createKeydir();
    k.add(e('x', 'T2', 3), 0);
    k.add(e('y', 'T2', 2_000_000_000), 1);
    expect(k.lsnsOf('T2' as PeerId, 1, 2 ** 31 - 1, 10)).toEqual([0, 1]);
  });
});
