/**
 * First start: create a new store book (this tablet becomes its owner), or join one
 * with the pairing link shown on the owner's tablet.
 */
import { useState } from 'preact/hooks';
import type { PeriodLength } from '../../src/core/types.ts';
import { parsePairingLink } from '../../src/sync/pairing.ts';
import type { Runtime } from '../model/runtime.ts';
import { checkNewBook, createBook, defaultSignaling, joinBook, type NewBookInput } from '../model/setup.ts';

export function SetupScreen({ onReady }: { onReady: (runtime: Runtime) => void }) {
  const linked = location.hash.includes('pair=') ? location.href : '';
  const [link, setLink] = useState(linked);
  const [joinName, setJoinName] = useState('');
  const [book, setBook] = useState<NewBookInput>({
    storeName: '',
    currency: 'EUR',
    timezone: Intl.DateTimeFormat().resolvedOptions().timeZone || 'UTC',
    period: 'day',
    deviceName: 'Manager tablet',
    signaling: [defaultSignaling(location)],
    hubs: [],
  });
  const [problems, setProblems] = useState<Record<string, string>>({});
  const [message, setMessage] = useState<string | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const pairing = link.trim() === '' ? undefined : parsePairingLink(link);

  const create = async (): Promise<void> => {
    const found = checkNewBook(book);
    setProblems(found);
    if (Object.keys(found).length > 0) return;
    setBusy(true);
    const result = await createBook(book, localStorage);
    setBusy(false);
    if (result.ok) onReady(result.value);
    else setMessage(result.message);
  };

  const join = async (): Promise<void> => {
    if (pairing === undefined || !pairing.ok) {
      setMessage(pairing === undefined ? 'Paste the pairing link first.' : pairing.refusal.message);
      return;
    }
    setBusy(true);
    const result = await joinBook(pairing.value, joinName, localStorage);
    setBusy(false);
    if (!result.ok) {
      setMessage(result.message);
      return;
    }
    history.replaceState(null, '', `${location.pathname}#/post`);
    onReady(result.value);
  };

  const text = (key: 'storeName' | 'currency' | 'timezone' | 'deviceName', label: string) => (
    <div class={problems[key] === undefined ? 'field' : 'field invalid'}>
      <label for={`new-${key}`}>{label}</label>
      <input id={`new-${key}`} value={book[key]} onInput={(e) => setBook({ ...book, [key]: e.currentTarget.value })} aria-invalid={problems[key] !== undefined} />
      {problems[key] !== undefined && <span class="problem">{problems[key]}</span>}
    </div>
  );

  return (
    <main class="setup" aria-labelledby="setup-title">
      <h1 id="setup-title">Welcome to daybook</h1>
      <p>This tablet keeps the store’s book of original entry. It works without the internet and shares every entry with the store’s other tablets.</p>
      {message !== undefined && <p role="alert" class="feedback error">{message}</p>}
      <div class="setup-panels">
        <form class="panel" aria-labelledby="join-title" onSubmit={(e) => { e.preventDefault(); void join(); }}>
          <h2 id="join-title">Join your store’s book</h2>
          <div class="field">
            <label for="pair-link">Pairing link (from the manager’s tablet)</label>
            <textarea id="pair-link" rows={3} value={link} onInput={(e) => setLink(e.currentTarget.value)} />
            {pairing !== undefined && !pairing.ok && <span class="problem">{pairing.refusal.message}</span>}
            {pairing?.ok === true && <span class="hint">Book {pairing.value.book}{pairing.value.name === undefined ? '' : `, as “${pairing.value.name}”`}.</span>}
          </div>
          {pairing?.ok === true && pairing.value.name === undefined && (
            <div class="field">
              <label for="join-name">Name of this tablet</label>
              <input id="join-name" value={joinName} onInput={(e) => setJoinName(e.currentTarget.value)} />
            </div>
          )}
          <button type="submit" class="primary" disabled={busy}>Join</button>
        </form>
        <form class="panel" aria-labelledby="new-title" onSubmit={(e) => { e.preventDefault(); void create(); }}>
          <h2 id="new-title">Start a new store book</h2>
          {text('storeName', 'Store name')}
          {text('currency', 'Currency (ISO code)')}
          {text('timezone', 'Time zone')}
          <div class="field">
            <label for="new-period">Close the books every</label>
            <select id="new-period" value={book.period} onChange={(e) => setBook({ ...book, period: e.currentTarget.value as PeriodLength })}>
              <option value="day">day</option>
              <option value="month">month</option>
            </select>
          </div>
          {text('deviceName', 'Name of this tablet')}
          <button type="submit" class="primary" disabled={busy}>Create the book</button>
        </form>
      </div>
    </main>
  );
}
