/**
 * Reconcile: what needs a person's eye. Summaries with their verdict and the exact
 * entries behind a disagreement; late adjustments; entries held for review;
 * duplicate negations; refused input in quarantine with reasons; alarms
 * (equivocation, seal conflicts, clock skew).
 */
import { useState } from 'preact/hooks';
import type { Alarm, SummaryView } from '../../src/core/ledger.ts';
import { summaryBody } from '../../src/core/reconcile.ts';
import type { EntryInfo, NegationRow, QuarantineRecord } from '../../src/query/index.ts';
import { statusText } from '../model/entry-status.ts';
import { routeHash } from '../model/route.ts';
import { useLive } from '../ui/hooks.ts';
import { deviceNames } from '../ui/labels.ts';
import type { ScreenProps } from '../ui/lazy.tsx';
import { Money } from '../ui/money.tsx';

export default function ReconcileScreen({ runtime }: ScreenProps) {
  const summaries = useLive<readonly SummaryView[]>(runtime, { type: 'summaries' });
  const late = useLive<EntryInfo[]>(runtime, { type: 'late' });
  const held = useLive<EntryInfo[]>(runtime, { type: 'withStatus', status: 'held' });
  const negations = useLive<NegationRow[]>(runtime, { type: 'negations' });
  const quarantine = useLive<readonly QuarantineRecord[]>(runtime, { type: 'quarantine' });
  const alarms = useLive<Alarm[]>(runtime, { type: 'alarms' });
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  const names = deviceNames(runtime.store.roster(), { peer: runtime.peer, name: runtime.identity.name });
  const nameOf = (peer: string): string => names.get(peer) ?? peer;
  const entryLink = (id: string) => {
    const info = runtime.store.entry(id);
    const text = info === undefined ? `${id.slice(0, 8)}…` : `${info.memo ?? info.kind} (${nameOf(info.peer)} #${info.seq}, ${info.date.slice(0, 16).replace('T', ' ')})`;
    return <a href={routeHash('journal', { entry: id })}>{text}</a>;
  };
  const duplicates = negations.filter((n) => n.duplicates.length > 0);
  const decimals = runtime.decimals;

  const writeSummary = async (): Promise<void> => {
    const day = runtime.nowDate().slice(0, 10);
    const result = await runtime.append({ kind: 'summary', body: summaryBody(runtime.store.toLedger(), day), date: runtime.nowDate() });
    setMessage(result.ok ? { ok: true, text: `Summary as of ${day} written: other devices check it against their own books.` } : { ok: false, text: result.message });
  };

  return (
    <section aria-labelledby="reconcile-title" class="reconcile">
      <h2 id="reconcile-title">Reconcile</h2>
      {message !== undefined && <p role={message.ok ? 'status' : 'alert'} class={message.ok ? 'feedback ok' : 'feedback error'}>{message.text}</p>}

      <h3>Alarms ({alarms.length})</h3>
      {alarms.length === 0 ? <p>No alarms.</p> : (
        <ul class="items" data-testid="alarms">
          {alarms.map((a, i) => (
            <li key={i} class="bad">{alarmText(a, nameOf)} {'entry' in a ? entryLink(a.entry) : 'entries' in a ? a.entries.map((e) => <span key={e}> {entryLink(e)}</span>) : null}</li>
          ))}
        </ul>
      )}

      <h3>Summaries ({summaries.length})</h3>
      <button type="button" onClick={() => void writeSummary()}>Write a summary of today</button>
      {summaries.length === 0 ? <p>No summaries yet.</p> : (
        <ul class="items">
          {summaries.map((s) => (
            <li key={s.summary} class={s.result.verdict === 'agreed' ? 'ok' : 'warn'}>
              <strong>{nameOf(s.author)}</strong>, as of {s.asOf}: {verdictText(s)}
              {s.supersededBy !== undefined && ' (superseded by a newer summary)'}
              {s.result.verdict === 'stale' && <ul>{s.result.beyond.map((id) => <li key={id}>{entryLink(id)}</li>)}</ul>}
              {s.result.verdict === 'unverifiable' && <ul>{s.result.lacking.map((r, i) => <li key={i}>missing entries {r.from}-{r.to} from {nameOf(r.peer)}</li>)}</ul>}
              {s.result.verdict === 'false' && (
                <ul>{s.result.differences.map((d) => <li key={d.account}>{d.account}: claimed <Money amount={d.claimed} decimals={decimals} />, here <Money amount={d.actual} decimals={decimals} /></li>)}</ul>
              )}
            </li>
          ))}
        </ul>
      )}

      <h3>Late adjustments ({late.length})</h3>
      {late.length === 0 ? <p>None.</p> : <ul class="items">{late.map((e) => <li key={e.id} class="warn">{entryLink(e.id)}: {statusText(e).detail}</li>)}</ul>}

      <h3>Held for review ({held.length})</h3>
      {held.length === 0 ? <p>None.</p> : <ul class="items">{held.map((e) => <li key={e.id} class="bad">{entryLink(e.id)}: {statusText(e).detail}</li>)}</ul>}

      <h3>Duplicate negations ({duplicates.length})</h3>
      {duplicates.length === 0 ? <p>None.</p> : (
        <ul class="items">
          {duplicates.map((n) => (
            <li key={n.target} class="warn">
              {entryLink(n.target)} was negated more than once. In effect: {n.negatedBy === undefined ? 'none' : entryLink(n.negatedBy)}; duplicates: {n.duplicates.map((d) => <span key={d}> {entryLink(d)}</span>)}
            </li>
          ))}
        </ul>
      )}

      <h3>Quarantine ({quarantine.length})</h3>
      {quarantine.length === 0 ? <p>No refused input.</p> : (
        <ul class="items">
          {quarantine.map((q, i) => (
            <li key={q.no ?? i} class="bad">
              From {nameOf(q.from)} at {new Date(q.atMs).toLocaleString()}: {q.reason.message}
              <details><summary>What was received</summary><pre class="mono">{q.raw.slice(0, 2000)}{q.truncated === true ? ' …(cut)' : ''}</pre></details>
            </li>
          ))}
        </ul>
      )}
    </section>
  );
}

function verdictText(s: SummaryView): string {
  switch (s.result.verdict) {
    case 'agreed': return 'agrees with these books.';
    case 'stale': return `stale: ${s.result.beyond.length} entr${s.result.beyond.length === 1 ? 'y' : 'ies'} beyond its cut change that day:`;
    case 'unverifiable': return 'cannot be checked yet: this tablet lacks entries inside its cut:';
    case 'false': return 'FALSE: the same entries give other balances here:';
  }
}

function alarmText(a: Alarm, nameOf: (peer: string) => string): string {
  switch (a.kind) {
    case 'equivocation': return `${nameOf(a.peer)} wrote two different entries numbered ${a.seq}; its entries from there are held until someone decides.`;
    case 'seal-conflict': return `Two different seals of ${a.period}.`;
    case 'seal-disagrees': return `The seal of ${a.period} claims other closing balances or digest than these books.`;
    case 'clock-skew': return `Clock skew: ${a.detail}`;
  }
}
