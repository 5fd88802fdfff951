/**
 * Close: the closer proposes closing a day or month; every device acknowledges
 * (its promise that its entries for the period are all written); the closer seals,
 * and the period becomes final on each device once it holds everything the seal
 * covers, with its closing balances and digest.
 */
import { useState } from 'preact/hooks';
import { isPeriodId, periodOf } from '../../src/core/dates.ts';
import type { PeriodView } from '../../src/core/ledger.ts';
import { sealBody } from '../../src/core/reconcile.ts';
import type { PeriodId } from '../../src/core/types.ts';
import { useLive } from '../ui/hooks.ts';
import { deviceNames } from '../ui/labels.ts';
import type { ScreenProps } from '../ui/lazy.tsx';
import { Money } from '../ui/money.tsx';

const STATUS: Record<PeriodView['status'], string> = {
  open: 'Open',
  closing: 'Closing: waiting for acknowledgements',
  sealed: 'Sealed: waiting for entries the seal covers',
  final: 'Final',
};

export default function CloseScreen({ runtime }: ScreenProps) {
  const periods = useLive<readonly PeriodView[]>(runtime, { type: 'periods' });
  const settings = runtime.settings;
  const names = deviceNames(runtime.store.roster(), { peer: runtime.peer, name: runtime.identity.name });
  const roster = runtime.store.roster().map((m) => ({ ...m, name: names.get(m.peer) ?? m.name }));
  const me = roster.find((m) => m.peer === runtime.peer);
  const mayClose = me !== undefined && me.lastSeq === undefined && (me.roles.includes('closer') || me.roles.includes('owner'));
  const current = settings === undefined ? '' : periodOf(runtime.nowDate(), settings.period);
  const [period, setPeriod] = useState(current);
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  const nameOf = (peer: string): string => roster.find((m) => m.peer === peer)?.name ?? peer;
  const decimals = runtime.decimals;
  if (settings === undefined) return <section><h2>Close</h2><p class="notice">The book has not arrived on this tablet yet.</p></section>;

  const done = (ok: boolean, text: string): void => setMessage({ ok, text });

  const propose = async (): Promise<void> => {
    const p = period.trim();
    if (!isPeriodId(p, settings.period)) return done(false, settings.period === 'day' ? 'Enter a day as YYYY-MM-DD.' : 'Enter a month as YYYY-MM.');
    if (p > current) return done(false, `${p} has not started yet: only a period that has begun can be closed.`);
    const firstOpen = runtime.store.firstOpenPeriod();
    if (firstOpen !== undefined && p < firstOpen) return done(false, `${p} is already sealed.`);
    if (periods.some((v) => v.period === p && v.close !== undefined)) return done(false, `A close of ${p} was already proposed.`);
    const result = await runtime.append({ kind: 'close', body: { period: p }, date: runtime.nowDate() });
    done(result.ok, result.ok ? `Close of ${p} proposed. Each tablet now acknowledges it.` : result.message);
  };

  const ack = async (p: PeriodId): Promise<void> => {
    const result = await runtime.append({ kind: 'ack', body: { period: p }, date: runtime.nowDate() });
    done(result.ok, result.ok ? `Acknowledged the close of ${p}.` : result.message);
  };

  const seal = async (p: PeriodId): Promise<void> => {
    let body;
    try {
      body = sealBody(runtime.store.toLedger(), p, runtime.peer);
    } catch (error) {
      return done(false, `Cannot seal ${p} yet: ${error instanceof Error ? error.message : String(error)}`);
    }
    const result = await runtime.append({ kind: 'seal', body, date: runtime.nowDate() });
    done(result.ok, result.ok ? `${p} is sealed.` : result.message);
  };

  const active = roster.filter((m) => m.lastSeq === undefined);
  return (
    <section aria-labelledby="close-title" class="close">
      <h2 id="close-title">Close</h2>
      {message !== undefined && <p role={message.ok ? 'status' : 'alert'} class={message.ok ? 'feedback ok' : 'feedback error'}>{message.text}</p>}
      {mayClose ? (
        <form class="row" onSubmit={(e) => { e.preventDefault(); void propose(); }}>
          <div class="field">
            <label for="close-period">{settings.period === 'day' ? 'Day to close' : 'Month to close'}</label>
            <input id="close-period" value={period} placeholder={settings.period === 'day' ? 'YYYY-MM-DD' : 'YYYY-MM'} onInput={(e) => setPeriod(e.currentTarget.value)} />
          </div>
          <button type="submit" class="primary">Propose close</button>
        </form>
      ) : (
        <p class="hint">The closer (the manager’s tablet) proposes and seals closes; this tablet acknowledges them.</p>
      )}
      {periods.length === 0 && <p>No period has been closed or proposed yet.</p>}
      {[...periods].reverse().map((v) => {
        const acked = new Set(v.acks.map((a) => a.peer as string));
        const mine = acked.has(runtime.peer);
        return (
          <article key={v.period} class="card" aria-labelledby={`period-${v.period}`} data-testid={`period-${v.period}`}>
            <h3 id={`period-${v.period}`}>{v.period}: <span data-testid="period-status">{STATUS[v.status]}</span></h3>
            {v.close !== undefined && (
              <ul class="acks" aria-label={`Acknowledgements of ${v.period}`}>
                {active.map((m) => (
                  <li key={m.peer} class={acked.has(m.peer) ? 'ok' : 'warn'}>
                    {m.name}: {acked.has(m.peer) ? 'acknowledged' : 'waiting'}
                  </li>
                ))}
              </ul>
            )}
            {v.status === 'closing' && !mine && <button type="button" class="primary" onClick={() => void ack(v.period)}>Acknowledge close of {v.period}</button>}
            {v.status === 'closing' && mayClose && (
              <button type="button" onClick={() => void seal(v.period)}>
                Seal {v.period}{active.every((m) => acked.has(m.peer)) ? '' : ' now (silent tablets are cut at what this tablet holds from them)'}
              </button>
            )}
            {v.missing.length > 0 && <p class="warn">Missing {v.missing.map((r) => `${nameOf(r.peer)} ${r.from}-${r.to}`).join(', ')}</p>}
            {v.status === 'final' && v.closingBalances !== undefined && (
              <>
                <table aria-label={`Closing balances of ${v.period}`} data-testid="closing-balances">
                  <thead><tr><th scope="col">Account</th><th scope="col" class="num">Closing balance</th></tr></thead>
                  <tbody>
                    {v.closingBalances.map((b) => (
                      <tr key={b.account}><th scope="row">{b.account}</th><td class="num"><Money amount={b.amount} decimals={decimals} /></td></tr>
                    ))}
                  </tbody>
                </table>
                <p>Digest <code class="mono" data-testid="digest">{v.digest}</code>{v.sealAgrees === false && <strong class="bad"> — differs from the seal!</strong>}</p>
              </>
            )}
          </article>
        );
      })}
    </section>
  );
}
