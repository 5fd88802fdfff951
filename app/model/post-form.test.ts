import { describe, expect, it } from 'vitest';
import { balanceOf, checkPostForm, emptyLine, linesOf, type FormLine } from './post-form.ts';
import { TEMPLATES, templatePostings } from './templates.ts';

const line = (account: string, debit = '', credit = ''): FormLine => ({ account, debit, credit });

describe('the free double-entry form', () => {
  it('says what is still off, in money', () => {
    expect(balanceOf([line('Assets:Cash', '12.50'), line('Income:Sales', '', '9.00')], 2).message).toBe('Still off by 3.50 on the credit side.');
    expect(balanceOf([line('Assets:Cash', '1'), line('Income:Sales', '', '1.25')], 2).message).toBe('Still off by 0.25 on the debit side.');
    expect(balanceOf([line('Assets:Cash', '12.50'), line('Income:Sales', '', '12.5')], 2)).toMatchObject({ balanced: true, message: 'Balanced: 12.50 debit, 12.50 credit.' });
    expect(balanceOf([emptyLine()], 2).balanced).toBe(false);
  });

  it('gives the txn body for a balanced form, blank lines dropped', () => {
    const check = checkPostForm({ lines: [line('Expenses:Supplies', '8'), emptyLine(), line('Assets:Cash', '', '8.00')], memo: ' Milk ', ref: '' }, 2);
    expect(check).toEqual({ ok: true, body: { postings: [{ account: 'Expenses:Supplies', amount: 800 }, { account: 'Assets:Cash', amount: -800 }], memo: 'Milk' } });
  });

  it('refuses unbalanced, empty, absurd and malformed input, each at its field', () => {
    const fields = (lines: FormLine[], memo = ''): string[] => {
      const c = checkPostForm({ lines, memo, ref: '' }, 2);
      return c.ok ? [] : c.problems.map((p) => p.field);
    };
    expect(fields([line('Assets:Cash', '10'), line('Income:Sales', '', '9')])).toEqual(['lines']);
    expect(fields([emptyLine(), emptyLine()])).toEqual(['lines']);
    expect(fields([line('Assets:Cash', '99999999999'), line('Income:Sales', '', '99999999999')])).toEqual(['line-0-debit', 'line-1-credit']);
    expect(fields([line('Cash', '1'), line('Income:Sales', '', '1')])).toEqual(['line-0-account']);
    expect(fields([line('Assets:Cash', '1', '1'), line('Income:Sales', '', '1')])).toEqual(['line-0-credit']);
    expect(fields([line('Assets:Cash'), line('Income:Sales', '', '1')])).toEqual(['line-0-debit']);
    expect(fields([line('', '1'), line('Income:Sales', '', 'x')])).toEqual(['line-0-account', 'line-1-credit']);
    expect(fields([line('Assets:Cash', '1'), line('Income:Sales', '', '1')], 'm'.repeat(501))).toEqual(['memo']);
  });

  it('shows postings as lines again', () => {
    expect(linesOf([{ account: 'Assets:Cash', amount: 1250 }, { account: 'Income:Sales', amount: -1250 }], 2)).toEqual([line('Assets:Cash', '12.50'), line('Income:Sales', '', '12.50')]);
  });
});

describe('templates', () => {
  it('make balanced postings the core accepts', () => {
    for (const t of TEMPLATES) {
      const postings = templatePostings(t, 1990);
      expect(postings.reduce((s, p) => s + p.amount, 0)).toBe(0);
      const check = checkPostForm({ lines: linesOf(postings, 2), memo: '', ref: '' }, 2);
      expect(check.ok, t.id).toBe(true);
    }
  });
});
