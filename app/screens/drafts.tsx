/**
 * Drafts: entries prepared on this tablet and not yet in the books. Edit (in the
 * Post form), discard, or post (the draft becomes a permanent entry atomically).
 */
import { useEffect, useState } from 'preact/hooks';
import type { TxnBody } from '../../src/core/types.ts';
import type { Draft } from '../../src/journal/journal.ts';
import { routeHash } from '../model/route.ts';
import { Money } from '../ui/money.tsx';
import type { ScreenProps } from '../ui/lazy.tsx';

export default function DraftsScreen({ runtime }: ScreenProps) {
  const [drafts, setDrafts] = useState<Draft[] | undefined>(undefined);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  const reload = (): void => void runtime.journal.drafts.list().then(setDrafts);
  useEffect(reload, [runtime]);
  const decimals = runtime.decimals;

  const post = async (d: Draft): Promise<void> => {
    const result = await runtime.saveDraft(d.id, d.version);
    setMessage(result.ok ? { ok: true, text: 'Posted: the draft is now a permanent entry.' } : { ok: false, text: `Not posted: ${result.message}` });
    reload();
  };
  const discard = async (d: Draft): Promise<void> => {
    await runtime.journal.drafts.discard(d.id);
    setMessage({ ok: true, text: 'Draft discarded.' });
    reload();
  };

  return (
    <section aria-labelledby="drafts-title">
      <h2 id="drafts-title">Drafts</h2>
      <p class="hint">Drafts stay on this tablet and are not in the books until posted.</p>
      {message !== undefined && <p role={message.ok ? 'status' : 'alert'} class={message.ok ? 'feedback ok' : 'feedback error'}>{message.text}</p>}
      {drafts === undefined ? (
        <p class="loading">Loading…</p>
      ) : drafts.length === 0 ? (
        <p>No drafts.</p>
      ) : (
        <ul class="cards">
          {drafts.map((d) => {
            const body = (d.body ?? {}) as Partial<TxnBody>;
            const postings = Array.isArray(body.postings) ? body.postings : [];
            const label = typeof body.memo === 'string' && body.memo !== '' ? body.memo : 'Untitled draft';
            return (
              <li key={d.id} class="card" aria-label={`Draft: ${label}`}>
                <h3>{label}</h3>
                <p class="hint">Last edited {new Date(d.updatedMs).toLocaleString()}{d.date === undefined ? '' : `, dated ${d.date.replace('T', ' ')}`}</p>
                <table class="postings">
                  <tbody>
                    {postings.map((p, i) => (
                      <tr key={i}>
                        <td>{p.account}</td>
                        <td class="num">{p.amount > 0 ? <Money amount={p.amount} decimals={decimals} /> : ''}</td>
                        <td class="num">{p.amount < 0 ? <Money amount={-p.amount} decimals={decimals} /> : ''}</td>
                      </tr>
                    ))}
                  </tbody>
                </table>
                <div class="actions">
                  <button type="button" class="primary" onClick={() => void post(d)} aria-label={`Post draft ${label}`}>Post</button>
                  <a class="button" href={routeHash('post', { draft: d.id })} aria-label={`Edit draft ${label}`}>Edit</a>
                  <button type="button" onClick={() => void discard(d)} aria-label={`Discard draft ${label}`}>Discard</button>
                </div>
              </li>
            );
          })}
        </ul>
      )}
    </section>
  );
}
