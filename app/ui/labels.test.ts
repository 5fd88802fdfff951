import { describe, expect, it } from 'vitest';
import { deviceNames, kindLabel } from './labels.ts';

describe('labels', () => {
  it('names devices, the unnamed owner by its role and this tablet by its own name', () => {
    const roster = [{ peer: 'owner-x1', name: 'owner-x1' }, { peer: 'till-2', name: 'Till 2' }];
    expect([...deviceNames(roster, { peer: 'till-2', name: 'ignored' })]).toEqual([['owner-x1', 'Owner’s tablet'], ['till-2', 'Till 2']]);
    expect(deviceNames(roster, { peer: 'owner-x1', name: 'Manager' }).get('owner-x1')).toBe('Manager');
    expect(deviceNames([], { peer: 'new', name: 'New tablet' }).get('new')).toBe('New tablet');
    expect(kindLabel('seal')).toBe('Period sealed');
  });
});
