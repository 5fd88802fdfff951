/**
 * Journal: every entry, newest first, in a virtualised list (a few dozen rows in the
 * page whatever the journal holds), with filters, and the detail of one entry
 * (`#/journal?entry=<id>`) with its Negate action.
 */
import { useEffect, useMemo, useRef, useState } from 'preact/hooks';
import { KINDS, type Kind } from '../../src/core/types.ts';
import type { EntryInfo, SearchFilter, Status } from '../../src/query/index.ts';
import { statusText } from '../model/entry-status.ts';
import { parseMoney } from '../model/money.ts';
import { routeHash } from '../model/route.ts';
import { journalRowPx as rowHeightPx, listWindow, newestFirstPage } from '../model/virtual.ts';
import { useVersion } from '../ui/hooks.ts';
import type { ScreenProps } from '../ui/lazy.tsx';
import { deviceNames, kindLabel } from '../ui/labels.ts';
import { EntryDetail } from './entry-detail.tsx';

const STATUSES: Status[] = ['effective', 'recorded', 'pending', 'held', 'invalid', 'duplicate'];

interface Filters {
  text: string;
  account: string;
  kind: string;
  status: string;
  from: string;
  to: string;
  amount: string;
}

const NO_FILTERS: Filters = { text: '', account: '', kind: '', status: '', from: '', to: '', amount: '' };

function toSearch(f: Filters, decimals: number): SearchFilter {
  const s: SearchFilter = {};
  if (f.text.trim() !== '') s.memo = f.text.trim();
  if (f.account.trim() !== '') s.account = f.account.trim();
  if (f.kind !== '') s.kinds = [f.kind as Kind];
  if (f.status !== '') s.status = f.status as Status;
  if (f.from !== '') s.from = f.from;
  if (f.to !== '') s.to = f.to;
  const amount = parseMoney(f.amount, decimals);
  if (amount.ok) s.amount = { min: amount.minor, max: amount.minor };
  return s;
}

export default function JournalScreen({ runtime, route }: ScreenProps) {
  const version = useVersion(runtime);
  const [filters, setFilters] = useState<Filters>(NO_FILTERS);
  const [scroll, setScroll] = useState(0);
  const [viewport, setViewport] = useState(600);
  const box = useRef<HTMLDivElement>(null);
  const selected = route.params['entry'];
  const names = deviceNames(runtime.store.roster(), { peer: runtime.peer, name: runtime.identity.name });

  useEffect(() => {
    const el = box.current;
    if (el === null) return;
    const measure = (): void => setViewport(el.clientHeight);
    measure();
    const observer = new ResizeObserver(measure);
    observer.observe(el);
    return () => observer.disconnect();
  }, []);

  const search = toSearch(filters, runtime.decimals);
  const searchKey = JSON.stringify(search);
  // Counting is a pass over every entry: once per change of entries or filters, not per scroll.
  const total = useMemo(() => runtime.store.search({ ...search, limit: 0 }).total, [runtime, version, searchKey]);
  const win = listWindow(total, rowHeightPx, viewport, scroll);
  const page = newestFirstPage(total, win.first, win.count);
  const rows: EntryInfo[] = page.limit === 0 ? [] : runtime.store.search({ ...search, offset: page.offset, limit: page.limit }).rows.reverse();

  // The journal is on screen with its rows: the mark benchmarks and tests wait for
  // (bench/app.browser.bench.ts measures time to interactive up to it).
  useEffect(() => {
    document.documentElement.dataset.ready = 'true';
  }, []);

  const set = (key: keyof Filters) => (value: string) => {
    setFilters({ ...filters, [key]: value });
    setScroll(0);
    if (box.current !== null) box.current.scrollTop = 0;
  };

  return (
    <section aria-labelledby="journal-title" class="journal">
      <h2 id="journal-title">Journal</h2>
      <form class="filters" role="search" aria-label="Filter the journal" onSubmit={(e) => e.preventDefault()}>
        <Filter id="f-text" label="Memo contains" value={filters.text} onInput={set('text')} />
        <Filter id="f-account" label="Account" value={filters.account} onInput={set('account')} />
        <Filter id="f-amount" label="Amount" value={filters.amount} onInput={set('amount')} />
        <div class="field">
          <label for="f-kind">Kind</label>
          <select id="f-kind" value={filters.kind} onChange={(e) => set('kind')(e.currentTarget.value)}>
            <option value="">any</option>
            {KINDS.map((k) => <option key={k} value={k}>{k}</option>)}
          </select>
        </div>
        <div class="field">
          <label for="f-status">Status</label>
          <select id="f-status" value={filters.status} onChange={(e) => set('status')(e.currentTarget.value)}>
            <option value="">any</option>
            {STATUSES.map((s) => <option key={s} value={s}>{s}</option>)}
          </select>
        </div>
        <Filter id="f-from" label="From" type="date" value={filters.from} onInput={set('from')} />
        <Filter id="f-to" label="To" type="date" value={filters.to} onInput={set('to')} />
        <button type="button" onClick={() => setFilters(NO_FILTERS)}>Clear filters</button>
      </form>
      <p class="hint" aria-live="polite" data-testid="journal-count">{total} entr{total === 1 ? 'y' : 'ies'}, newest first</p>
      <div class="split">
        <div class="vlist" ref={box} onScroll={(e) => setScroll(e.currentTarget.scrollTop)} role="list" aria-label="Entries" tabIndex={-1}>
          <div style={{ height: `${win.padTop}px` }} aria-hidden="true" />
          {rows.map((r) => {
            const status = statusText(r);
            return (
              <div role="listitem" key={r.id} class="vrow" style={{ height: `${rowHeightPx}px` }}>
                <a href={routeHash('journal', { entry: r.id })} class={r.id === selected ? 'entry-link current' : 'entry-link'} aria-current={r.id === selected ? 'true' : undefined}>
                  <span class="date">{r.date.replace('T', ' ').slice(0, 16)}</span>
                  <span class="what">{r.memo ?? kindLabel(r.kind)}</span>
                  <span class="who">{names.get(r.peer) ?? r.peer} #{r.seq}</span>
                  <span class={`tag ${status.tone}`}>{status.label}</span>
                </a>
              </div>
            );
          })}
          <div style={{ height: `${win.padBottom}px` }} aria-hidden="true" />
        </div>
        {selected !== undefined && <EntryDetail key={selected} runtime={runtime} id={selected} names={names} />}
      </div>
    </section>
  );
}

function Filter(props: { id: string; label: string; value: string; type?: 'search' | 'date'; onInput: (value: string) => void }) {
  return (
    <div class="field">
      <label for={props.id}>{props.label}</label>
      {props.type === 'date' ? (
        <input id={props.id} type="date" value={props.value} onInput={(e) => props.onInput(e.currentTarget.value)} />
      ) : (
        <input id={props.id} type="search" value={props.value} onInput={(e) => props.onInput(e.currentTarget.value)} />
      )}
    </div>
  );
}
