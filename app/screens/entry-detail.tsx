/**
 * One entry: its author, times, status and postings, and Negate with a required
 * reason (a mistake is corrected by a new entry, never erased).
 */
import { useEffect, useState } from 'preact/hooks';
import type { Entry, EntryId } from '../../src/core/types.ts';
import { limits } from '../../src/core/limits.ts';
import { statusText } from '../model/entry-status.ts';
import { routeHash } from '../model/route.ts';
import type { Runtime } from '../model/runtime.ts';
import { useVersion } from '../ui/hooks.ts';
import { Money } from '../ui/money.tsx';
import { hlcTime, kindLabel } from '../ui/labels.ts';

export function EntryDetail({ runtime, id, names }: { runtime: Runtime; id: string; names: ReadonlyMap<string, string> }) {
  useVersion(runtime);
  const [entry, setEntry] = useState<Entry | undefined | null>(null);
  const [negating, setNegating] = useState(false);
  const [reason, setReason] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  useEffect(() => void runtime.journal.get(id as EntryId).then(setEntry), [id, runtime]);
  const info = runtime.store.entry(id);
  if (entry === null) return <aside class="detail" aria-label="Entry detail"><p class="loading">Loading…</p></aside>;
  if (entry === undefined || info === undefined) return <aside class="detail" aria-label="Entry detail"><p>This tablet does not hold that entry.</p></aside>;
  const status = statusText(info);
  const decimals = runtime.decimals;
  const canNegate = entry.kind === 'txn' && info.state.status === 'effective' && info.negatedBy === undefined;
  const link = (target: string, text: string) => <a href={routeHash('journal', { entry: target })}>{text}</a>;

  const negate = async (): Promise<void> => {
    const why = reason.trim();
    if (why === '') {
      setMessage({ ok: false, text: 'Say why this entry is negated: the reason stays in the journal for the accountant.' });
      return;
    }
    if ([...why].length > limits.reasonCharsMax) {
      setMessage({ ok: false, text: `The reason is too long: at most ${limits.reasonCharsMax} characters.` });
      return;
    }
    const result = await runtime.append({ kind: 'negate', body: { target: { peer: entry.peer, seq: entry.seq, id: entry.id }, reason: why }, date: runtime.nowDate() });
    if (!result.ok) {
      setMessage({ ok: false, text: result.message });
      return;
    }
    setNegating(false);
    setReason('');
    setMessage({ ok: true, text: 'Negated. The entry and its negation both stay in the journal.' });
  };

  return (
    <aside class="detail" aria-labelledby="detail-title">
      <h3 id="detail-title">{entry.kind === 'txn' ? (entry.body.memo ?? 'Transaction') : kindLabel(entry.kind)}</h3>
      <dl>
        <dt>Status</dt>
        <dd class={`tag ${status.tone}`} data-testid="entry-status">{status.detail}</dd>
        <dt>Author</dt>
        <dd>{names.get(entry.peer) ?? entry.peer} (entry #{entry.seq})</dd>
        <dt>Business date</dt>
        <dd>{entry.date.replace('T', ' ')}</dd>
        {info.effectiveDate !== undefined && info.effectiveDate !== entry.date && (
          <>
            <dt>Counts from</dt>
            <dd>{info.effectiveDate.replace('T', ' ')}</dd>
          </>
        )}
        <dt>Recorded</dt>
        <dd>{hlcTime(entry.hlc)}</dd>
        {entry.kind === 'txn' && entry.body.ref !== undefined && (
          <>
            <dt>Reference</dt>
            <dd>{entry.body.ref}</dd>
          </>
        )}
        {entry.kind === 'negate' && (
          <>
            <dt>Negates</dt>
            <dd>{link(entry.body.target.id, `${names.get(entry.body.target.peer) ?? entry.body.target.peer} #${entry.body.target.seq}`)}</dd>
            <dt>Reason</dt>
            <dd>{entry.body.reason}</dd>
          </>
        )}
        {info.negatedBy !== undefined && (
          <>
            <dt>Negated by</dt>
            <dd>{link(info.negatedBy, 'the negation')}</dd>
          </>
        )}
        {(info.duplicateNegations ?? []).map((d, i) => (
          <>
            <dt>Duplicate negation {i + 1}</dt>
            <dd>{link(d, 'review it')}</dd>
          </>
        ))}
        {info.state.status === 'duplicate' && (
          <>
            <dt>Negation in effect</dt>
            <dd>{link(info.state.of, 'the one that counts')}</dd>
          </>
        )}
        <dt>Id</dt>
        <dd class="mono">{entry.id.slice(0, 16)}…</dd>
      </dl>
      {entry.kind === 'txn' && (
        <table class="postings" aria-label="Postings">
          <thead>
            <tr><th scope="col">Account</th><th scope="col" class="num">Debit</th><th scope="col" class="num">Credit</th></tr>
          </thead>
          <tbody>
            {entry.body.postings.map((p, i) => (
              <tr key={i}>
                <td>{p.account}</td>
                <td class="num">{p.amount > 0 ? <Money amount={p.amount} decimals={decimals} /> : ''}</td>
                <td class="num">{p.amount < 0 ? <Money amount={-p.amount} decimals={decimals} /> : ''}</td>
              </tr>
            ))}
          </tbody>
        </table>
      )}
      {message !== undefined && <p role={message.ok ? 'status' : 'alert'} class={message.ok ? 'feedback ok' : 'feedback error'}>{message.text}</p>}
      {canNegate && !negating && <button type="button" onClick={() => setNegating(true)}>Negate…</button>}
      {negating && (
        <form onSubmit={(e) => { e.preventDefault(); void negate(); }} class="negate">
          <div class="field">
            <label for="negate-reason">Why is this entry wrong? (required)</label>
            <textarea id="negate-reason" rows={2} value={reason} onInput={(e) => setReason(e.currentTarget.value)} />
          </div>
          <div class="actions">
            <button type="submit" class="primary">Negate this entry</button>
            <button type="button" onClick={() => setNegating(false)}>Cancel</button>
          </div>
        </form>
      )}
    </aside>
  );
}
