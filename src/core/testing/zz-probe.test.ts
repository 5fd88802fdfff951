import fc from 'fast-check';
import { it } from 'vitest';
import { fold } from '../fold.ts';
import { storeHistory } from './arbitraries.ts';
it('probe', () => {
  const alarms = new Map<string, number>(); const verdicts = new Map<string, number>(); let refusals = 0;
  for (const h of fc.sample(storeHistory({ rivalSeals: true }), { numRuns: 500, seed: 5 })) {
    refusals += h.sealRefusals.length;
    const l = fold(h.entries);
    for (const a of l.alarms) alarms.set(a.kind, (alarms.get(a.kind) ?? 0) + 1);
    for (const s of l.summaries) verdicts.set(s.result.verdict, (verdicts.get(s.result.verdict) ?? 0) + 1);
    for (const c of h.checkpoints) for (const s of fold(c.entries).summaries) verdicts.set('cp-' + s.result.verdict, (verdicts.get('cp-' + s.result.verdict) ?? 0) + 1);
  }
  console.log(alarms, verdicts, refusals);
});
