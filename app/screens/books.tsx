/**
 * Books: balances as of a chosen day, the trial balance, and an account's register
 * with its running balance, page by page. Everything is a live query: an entry
 * arriving from another tablet updates the figures in place.
 */
import { useState } from 'preact/hooks';
import { isDay } from '../../src/core/dates.ts';
import type { RegisterPage, TrialBalance } from '../../src/core/ledger.ts';
import { routeHash } from '../model/route.ts';
import { useLive } from '../ui/hooks.ts';
import type { ScreenProps } from '../ui/lazy.tsx';
import { Money } from '../ui/money.tsx';

/** Register rows per page. */
export const registerPageRows = 50;

export default function BooksScreen({ runtime, route }: ScreenProps) {
  const today = runtime.nowDate().slice(0, 10);
  const [asOf, setAsOf] = useState(today);
  const day = isDay(asOf) ? asOf : today;
  const trial = useLive<TrialBalance>(runtime, { type: 'trialBalance', asOf: day });
  const account = route.params['account'];
  const decimals = runtime.decimals;
  return (
    <section aria-labelledby="books-title" class="books">
      <h2 id="books-title">Books</h2>
      <div class="field inline">
        <label for="as-of">Balances at the end of</label>
        <input id="as-of" type="date" value={asOf} onInput={(e) => setAsOf(e.currentTarget.value)} />
        {!isDay(asOf) && <span class="problem">Choose a day; showing today.</span>}
      </div>
      <div class="split">
        <table class="trial" aria-label={`Trial balance at the end of ${day}`} data-testid="trial-balance">
          <thead>
            <tr><th scope="col">Account</th><th scope="col" class="num">Debit</th><th scope="col" class="num">Credit</th></tr>
          </thead>
          <tbody>
            {trial.lines.map((l) => (
              <tr key={l.account} data-account={l.account}>
                <th scope="row"><a href={routeHash('books', { account: l.account })}>{l.account}</a></th>
                <td class="num">{l.debit > 0n ? <Money amount={l.debit} decimals={decimals} /> : ''}</td>
                <td class="num">{l.credit > 0n ? <Money amount={l.credit} decimals={decimals} /> : ''}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row">Total</th>
              <td class="num" data-testid="debit-total"><Money amount={trial.debitTotal} decimals={decimals} /></td>
              <td class="num" data-testid="credit-total"><Money amount={trial.creditTotal} decimals={decimals} /></td>
            </tr>
          </tfoot>
        </table>
        {trial.lines.length === 0 && <p>No balances yet on {day}.</p>}
        {account !== undefined && <Register key={account} runtime={runtime} account={account} to={day} decimals={decimals} />}
      </div>
    </section>
  );
}

function Register({ runtime, account, to, decimals }: { runtime: ScreenProps['runtime']; account: string; to: string; decimals: number }) {
  const [page, setPage] = useState(-1);
  const probe = useLive<RegisterPage>(runtime, { type: 'register', account, to, limit: 0 });
  const pages = Math.max(1, Math.ceil(probe.total / registerPageRows));
  // The last page (the newest rows) first.
  const shown = page < 0 || page >= pages ? pages - 1 : page;
  const register = useLive<RegisterPage>(runtime, { type: 'register', account, to, offset: shown * registerPageRows, limit: registerPageRows });
  return (
    <div class="register">
      <h3 id="register-title">Register: {account}</h3>
      <table aria-labelledby="register-title" data-testid="register">
        <thead>
          <tr><th scope="col">Counts from</th><th scope="col">Entry</th><th scope="col" class="num">Amount</th><th scope="col" class="num">Balance</th></tr>
        </thead>
        <tbody>
          {register.rows.map((r) => {
            const info = runtime.store.entry(r.entry);
            return (
              <tr key={`${r.entry}-${r.effectiveDate}`}>
                <td>{r.effectiveDate.replace('T', ' ').slice(0, 16)}{r.labelDate !== r.effectiveDate ? ` (dated ${r.labelDate.slice(0, 10)})` : ''}</td>
                <td><a href={routeHash('journal', { entry: r.entry })}>{info?.memo ?? info?.kind ?? 'entry'}</a></td>
                <td class="num"><Money amount={r.amount} decimals={decimals} /></td>
                <td class="num"><Money amount={r.running} decimals={decimals} /></td>
              </tr>
            );
          })}
        </tbody>
      </table>
      <nav class="pager" aria-label="Register pages">
        <button type="button" disabled={shown === 0} onClick={() => setPage(shown - 1)}>Older</button>
        <span>Page {shown + 1} of {pages} ({probe.total} rows)</span>
        <button type="button" disabled={shown >= pages - 1} onClick={() => setPage(shown + 1)}>Newer</button>
      </nav>
    </div>
  );
}
