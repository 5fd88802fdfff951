/** Labels shared by screens: entry kinds and recorded times, for people. */
import { parseHlc } from '../../src/core/hlc.ts';
import type { Hlc, Kind } from '../../src/core/types.ts';

export function kindLabel(kind: Kind): string {
  const labels: Record<Kind, string> = {
    book: 'Book created',
    txn: 'Transaction',
    negate: 'Negation',
    admit: 'Admitted for review',
    summary: 'Summary',
    close: 'Close proposed',
    ack: 'Close acknowledged',
    seal: 'Period sealed',
    join: 'Device enrolled',
    retire: 'Device retired',
    succeed: 'Device replaced',
  };
  return labels[kind];
}

/** Wall time of an hlc, for people. */
export function hlcTime(hlc: string): string {
  return new Date(parseHlc(hlc as Hlc).wallMs).toLocaleString();
}


/**
 * Display names of devices by id: the roster's names, and this tablet's own name for
 * itself (the book's owner is enrolled by the genesis, which names no device).
 */
export function deviceNames(roster: ReadonlyArray<{ peer: string; name: string; roles?: readonly string[] }>, self: { peer: string; name: string }): Map<string, string> {
  // A member enrolled without a name of its own (the owner, by the genesis) is named by its role.
  const names = new Map(roster.map((m) => [m.peer, m.name === m.peer || m.name === '' ? 'Owner’s tablet' : m.name]));
  const own = names.get(self.peer);
  if (own === undefined || own === 'Owner’s tablet') names.set(self.peer, self.name);
  return names;
}
