/**
 * Export: the books of one period (or all of them) as CSV, Beancount or hledger, made
 * on the tablet from its own books (the same writers the hub uses) and downloaded as
 * a file. Works offline.
 */
import { useState } from 'preact/hooks';
import { exportBeancount } from '../../src/query/export-beancount.ts';
import { exportCsv } from '../../src/query/export-csv.ts';
import { exportHledger } from '../../src/query/export-hledger.ts';
import { checkExportOptions, type ExportOptions } from '../../src/query/export-model.ts';
import type { ScreenProps } from '../ui/lazy.tsx';

const FORMATS = {
  csv: { label: 'CSV (spreadsheet)', ext: 'csv', type: 'text/csv', write: exportCsv },
  beancount: { label: 'Beancount', ext: 'beancount', type: 'text/plain', write: exportBeancount },
  hledger: { label: 'hledger journal', ext: 'journal', type: 'text/plain', write: exportHledger },
} as const;
type Format = keyof typeof FORMATS;

export default function ExportScreen({ runtime }: ScreenProps) {
  const settings = runtime.settings;
  const [format, setFormat] = useState<Format>('csv');
  const [period, setPeriod] = useState('');
  const [message, setMessage] = useState<{ ok: boolean; text: string } | undefined>(undefined);
  const [preview, setPreview] = useState('');

  const make = (): void => {
    const opts: ExportOptions = period.trim() === '' ? {} : { period: period.trim() };
    const refusal = checkExportOptions(runtime.store, opts);
    if (refusal !== undefined) {
      setMessage({ ok: false, text: refusal.message });
      return;
    }
    const f = FORMATS[format];
    const text = f.write(runtime.store, opts);
    const name = `${runtime.identity.book}${opts.period === undefined ? '' : `-${opts.period}`}.${f.ext}`;
    const url = URL.createObjectURL(new Blob([text], { type: `${f.type};charset=utf-8` }));
    const a = document.createElement('a');
    a.href = url;
    a.download = name;
    a.click();
    setTimeout(() => URL.revokeObjectURL(url), 10_000);
    setPreview(text.slice(0, 4000));
    setMessage({ ok: true, text: `Exported ${name} (${text.length} characters).` });
  };

  return (
    <section aria-labelledby="export-title">
      <h2 id="export-title">Export</h2>
      <form class="row" onSubmit={(e) => { e.preventDefault(); make(); }}>
        <div class="field">
          <label for="export-format">Format</label>
          <select id="export-format" value={format} onChange={(e) => setFormat(e.currentTarget.value as Format)}>
            {(Object.keys(FORMATS) as Format[]).map((k) => <option key={k} value={k}>{FORMATS[k].label}</option>)}
          </select>
        </div>
        <div class="field">
          <label for="export-period">Period ({settings?.period === 'month' ? 'YYYY-MM' : 'YYYY-MM-DD'}; empty: everything)</label>
          <input id="export-period" value={period} onInput={(e) => setPeriod(e.currentTarget.value)} />
        </div>
        <button type="submit" class="primary">Export</button>
      </form>
      {message !== undefined && <p role={message.ok ? 'status' : 'alert'} class={message.ok ? 'feedback ok' : 'feedback error'}>{message.text}</p>}
      {preview !== '' && <pre class="mono preview" aria-label="Export preview" data-testid="export-preview">{preview}</pre>}
    </section>
  );
}
