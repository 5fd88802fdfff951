/**
 * Post: quick templates for the counter, and a free double-entry form whose balance
 * check is live. Bad input gets a message at the field and saves nothing; a valid
 * entry is appended (permanent) or kept as a draft. Also edits a draft
 * (`#/post?draft=<id>`).
 */
import { useEffect, useState } from 'preact/hooks';
import type { Posting, TxnBody } from '../../src/core/types.ts';
import type { Draft } from '../../src/journal/journal.ts';
import { checkEntryDate, fromInputValue, toInputValue } from '../model/dates.ts';
import { formatMinor, parseMoney } from '../model/money.ts';
import { balanceOf, checkPostForm, emptyLine, linesOf, type FieldProblem, type FormLine } from '../model/post-form.ts';
import { routeHash } from '../model/route.ts';
import { EXPENSE_ACCOUNTS, TEMPLATES, templateOf, templatePostings, type TemplateId } from '../model/templates.ts';
import { useVersion } from '../ui/hooks.ts';
import type { ScreenProps } from '../ui/lazy.tsx';

type Mode = TemplateId | 'free';

interface Feedback {
  kind: 'ok' | 'error';
  text: string;
}

export default function PostScreen({ runtime, route }: ScreenProps) {
  useVersion(runtime);
  const settings = runtime.settings;
  const decimals = runtime.decimals;
  const [mode, setMode] = useState<Mode>('cash-sale');
  const [amount, setAmount] = useState('');
  const [category, setCategory] = useState<string>(EXPENSE_ACCOUNTS[0]);
  const [lines, setLines] = useState<FormLine[]>([emptyLine(), emptyLine()]);
  const [memo, setMemo] = useState('');
  const [ref, setRef] = useState('');
  const [backdate, setBackdate] = useState(false);
  const [dateText, setDateText] = useState('');
  const [problems, setProblems] = useState<FieldProblem[]>([]);
  const [feedback, setFeedback] = useState<Feedback | undefined>(undefined);
  const [busy, setBusy] = useState(false);
  const [draft, setDraft] = useState<Draft | undefined>(undefined);
  const draftId = route.params['draft'];

  // Editing a draft: load it into the free form.
  useEffect(() => {
    if (draftId === undefined) {
      setDraft(undefined);
      return;
    }
    void runtime.journal.drafts.get(draftId).then((d) => {
      if (d === undefined) {
        setFeedback({ kind: 'error', text: 'That draft is gone (saved or discarded on this tablet).' });
        return;
      }
      const body = (d.body ?? {}) as Partial<TxnBody>;
      setDraft(d);
      setMode('free');
      setLines(Array.isArray(body.postings) && body.postings.length > 0 ? [...linesOf(body.postings, decimals), emptyLine()] : [emptyLine(), emptyLine()]);
      setMemo(typeof body.memo === 'string' ? body.memo : '');
      setRef(typeof body.ref === 'string' ? body.ref : '');
      if (d.date !== undefined) {
        setBackdate(true);
        setDateText(toInputValue(d.date));
      }
    });
  }, [draftId, runtime]);

  if (settings === undefined) {
    return (
      <section aria-labelledby="post-title">
        <h2 id="post-title">Post</h2>
        <p class="notice">This tablet does not hold its book yet. It arrives from another device of the store as soon as one is reachable (see Devices).</p>
      </section>
    );
  }
  const enrolled = runtime.store.roster().some((m) => m.peer === runtime.peer);
  const problemOf = (field: string): string | undefined => problems.find((p) => p.field === field)?.message;

  const reset = (): void => {
    setAmount('');
    setLines([emptyLine(), emptyLine()]);
    setMemo('');
    setRef('');
    setBackdate(false);
    setDateText('');
    setProblems([]);
  };

  /** The body to post, or problems (nothing is saved then). */
  const buildBody = (): { body: TxnBody } | { problems: FieldProblem[] } => {
    if (mode === 'free') {
      const checked = checkPostForm({ lines, memo, ref }, decimals);
      return checked.ok ? { body: checked.body } : { problems: checked.problems };
    }
    const parsed = parseMoney(amount, decimals);
    if (!parsed.ok) return { problems: [{ field: 'amount', message: parsed.refusal.message }] };
    const t = templateOf(mode);
    const body: TxnBody = { postings: templatePostings(t, parsed.minor, mode === 'expense' ? category : undefined) };
    const m = memo.trim();
    if (m !== '') body.memo = m;
    return { body };
  };

  const chosenDate = () => {
    const now = runtime.nowDate();
    const date = backdate ? fromInputValue(dateText) : now;
    return checkEntryDate(date, now, settings.period, runtime.store.firstOpenPeriod());
  };

  const post = async (): Promise<void> => {
    setFeedback(undefined);
    const built = buildBody();
    const date = chosenDate();
    const all = [...('problems' in built ? built.problems : []), ...(date.ok ? [] : [{ field: 'date', message: date.message }])];
    if ('problems' in built || !date.ok) {
      setProblems(all);
      setFeedback({ kind: 'error', text: `Nothing was saved. ${all.map((p) => p.message).join(' ')}` });
      return;
    }
    setBusy(true);
    const result = await runtime.append({ kind: 'txn', body: built.body, date: date.date });
    if (result.ok && draft !== undefined) await runtime.journal.drafts.discard(draft.id);
    setBusy(false);
    if (!result.ok) {
      setFeedback({ kind: 'error', text: result.message });
      return;
    }
    const total = built.body.postings.filter((p) => p.amount > 0).reduce((s, p) => s + p.amount, 0);
    setFeedback({ kind: 'ok', text: `Posted: ${built.body.memo ?? (mode === 'free' ? 'entry' : templateOf(mode).label)}, ${formatMinor(total, decimals)}.${date.note === undefined ? '' : ` ${date.note}`}` });
    reset();
    if (draft !== undefined) location.hash = routeHash('post');
  };

  const saveDraft = async (): Promise<void> => {
    setFeedback(undefined);
    const postings: Posting[] = [];
    if (mode === 'free') {
      for (const l of lines) {
        const d = parseMoney(l.debit, decimals);
        const c = parseMoney(l.credit, decimals);
        if (l.account.trim() !== '' && (d.ok || c.ok)) postings.push({ account: l.account.trim(), amount: d.ok ? d.minor : -(c.ok ? c.minor : 0) });
      }
    } else {
      const parsed = parseMoney(amount, decimals);
      if (parsed.ok) postings.push(...templatePostings(templateOf(mode), parsed.minor, mode === 'expense' ? category : undefined));
    }
    if (postings.length === 0 && memo.trim() === '') {
      setFeedback({ kind: 'error', text: 'Nothing to keep as a draft yet: enter an account and an amount, or a memo.' });
      return;
    }
    const body: TxnBody = { postings };
    if (memo.trim() !== '') body.memo = memo.trim();
    if (ref.trim() !== '') body.ref = ref.trim();
    const date = backdate ? fromInputValue(dateText) : undefined;
    const input = date === undefined ? { kind: 'txn' as const, body } : { kind: 'txn' as const, body, date };
    setBusy(true);
    const result = draft === undefined ? await runtime.createDraft(input) : await runtime.editDraft(draft.id, input, draft.version);
    setBusy(false);
    if (!result.ok) {
      setFeedback({ kind: 'error', text: result.message });
      return;
    }
    setFeedback({ kind: 'ok', text: draft === undefined ? 'Kept as a draft (see Drafts). It is not in the books until you post it.' : 'Draft updated.' });
    if (draft === undefined) reset();
    else setDraft(result.value);
  };

  const balance = balanceOf(lines, decimals);
  const setLine = (i: number, patch: Partial<FormLine>): void => setLines(lines.map((l, k) => (k === i ? { ...l, ...patch } : l)));
  const accounts = runtime.store.balancesAsOf('9999-12-31').map((b) => b.account);
  const dateCheck = backdate ? chosenDate() : undefined;

  return (
    <section aria-labelledby="post-title" class="post">
      <h2 id="post-title">{draft === undefined ? 'Post' : 'Edit draft'}</h2>
      {!enrolled && <p class="notice">This tablet is not enrolled in the book yet: what it posts stays pending until the owner enrols it (Devices).</p>}
      <form
        onSubmit={(e) => {
          e.preventDefault();
          void post();
        }}
        noValidate
      >
        <fieldset class="templates">
          <legend>What happened?</legend>
          {TEMPLATES.map((t) => (
            <label key={t.id} class={mode === t.id ? 'choice chosen' : 'choice'}>
              <input type="radio" name="mode" value={t.id} checked={mode === t.id} onChange={() => setMode(t.id)} />
              <span>{t.label}</span>
              <small>{t.hint}</small>
            </label>
          ))}
          <label class={mode === 'free' ? 'choice chosen' : 'choice'}>
            <input type="radio" name="mode" value="free" checked={mode === 'free'} onChange={() => setMode('free')} />
            <span>Other entry</span>
            <small>Debits and credits, any accounts</small>
          </label>
        </fieldset>

        {mode !== 'free' ? (
          <div class="row">
            <Field id="amount" label={`Amount (${settings.currency})`} problem={problemOf('amount')}>
              <input id="amount" inputMode="decimal" autoComplete="off" value={amount} onInput={(e) => setAmount(e.currentTarget.value)} aria-invalid={problemOf('amount') !== undefined} aria-describedby={problemOf('amount') !== undefined ? 'amount-problem' : undefined} />
            </Field>
            {mode === 'expense' && (
              <Field id="category" label="Expense account">
                <select id="category" value={category} onChange={(e) => setCategory(e.currentTarget.value)}>
                  {EXPENSE_ACCOUNTS.map((a) => (
                    <option key={a} value={a}>{a}</option>
                  ))}
                </select>
              </Field>
            )}
          </div>
        ) : (
          <fieldset class="lines">
            <legend>Lines</legend>
            <datalist id="accounts">
              {accounts.map((a) => (
                <option key={a} value={a} />
              ))}
            </datalist>
            {lines.map((l, i) => (
              <div class="line" key={i}>
                <LineInput label={`Account, line ${i + 1}`} id={`line-${i}-account`} value={l.account} problem={problemOf(`line-${i}-account`)} onInput={(v) => setLine(i, { account: v })} list="accounts" />
                <LineInput label={`Debit, line ${i + 1}`} id={`line-${i}-debit`} value={l.debit} problem={problemOf(`line-${i}-debit`)} onInput={(v) => setLine(i, { debit: v })} decimal />
                <LineInput label={`Credit, line ${i + 1}`} id={`line-${i}-credit`} value={l.credit} problem={problemOf(`line-${i}-credit`)} onInput={(v) => setLine(i, { credit: v })} decimal />
                <button type="button" class="quiet" aria-label={`Remove line ${i + 1}`} disabled={lines.length <= 2} onClick={() => setLines(lines.filter((_, k) => k !== i))}>
                  ✕
                </button>
              </div>
            ))}
            <button type="button" onClick={() => setLines([...lines, emptyLine()])}>Add a line</button>
            <p class={balance.balanced ? 'balance ok' : 'balance off'} aria-live="polite" data-testid="balance">{balance.message}</p>
            {problemOf('lines') !== undefined && <p class="problem">{problemOf('lines')}</p>}
          </fieldset>
        )}

        <div class="row">
          <Field id="memo" label="Memo (optional)" problem={problemOf('memo')}>
            <input id="memo" value={memo} onInput={(e) => setMemo(e.currentTarget.value)} />
          </Field>
          {mode === 'free' && (
            <Field id="ref" label="Reference (optional)" problem={problemOf('ref')}>
              <input id="ref" value={ref} onInput={(e) => setRef(e.currentTarget.value)} />
            </Field>
          )}
        </div>

        <div class="row">
          <label class="check">
            <input type="checkbox" checked={backdate} onChange={(e) => {
              setBackdate(e.currentTarget.checked);
              if (dateText === '') setDateText(toInputValue(runtime.nowDate()));
            }} />
            Set an earlier date (default: now)
          </label>
          {backdate && (
            <Field id="date" label="Business date and time" problem={problemOf('date')}>
              <input id="date" type="datetime-local" value={dateText} onInput={(e) => setDateText(e.currentTarget.value)} />
            </Field>
          )}
        </div>
        {dateCheck?.ok === true && dateCheck.note !== undefined && <p class="notice">{dateCheck.note}</p>}

        <div class="actions">
          <button type="submit" class="primary" disabled={busy}>{draft === undefined ? 'Post' : 'Post now'}</button>
          <button type="button" disabled={busy} onClick={() => void saveDraft()}>{draft === undefined ? 'Save as draft' : 'Update draft'}</button>
        </div>
        {feedback !== undefined && (
          <p class={feedback.kind === 'ok' ? 'feedback ok' : 'feedback error'} role={feedback.kind === 'ok' ? 'status' : 'alert'} data-testid="feedback">
            {feedback.text}
          </p>
        )}
      </form>
    </section>
  );
}

function Field({ id, label, problem, children }: { id: string; label: string; problem?: string | undefined; children: preact.ComponentChildren }) {
  return (
    <div class={problem === undefined ? 'field' : 'field invalid'}>
      <label for={id}>{label}</label>
      {children}
      {problem !== undefined && <span class="problem" id={`${id}-problem`}>{problem}</span>}
    </div>
  );
}

function LineInput(props: { id: string; label: string; value: string; problem: string | undefined; onInput: (v: string) => void; list?: string; decimal?: boolean }) {
  return (
    <div class={props.problem === undefined ? 'field' : 'field invalid'}>
      <input
        id={props.id}
        aria-label={props.label}
        placeholder={props.label.split(',')[0]}
        value={props.value}
        list={props.list}
        inputMode={props.decimal === true ? 'decimal' : undefined}
        autoComplete="off"
        aria-invalid={props.problem !== undefined}
        aria-describedby={props.problem !== undefined ? `${props.id}-problem` : undefined}
        onInput={(e) => props.onInput(e.currentTarget.value)}
      />
      {props.problem !== undefined && <span class="problem" id={`${props.id}-problem`}>{props.problem}</span>}
    </div>
  );
}
