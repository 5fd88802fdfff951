/**
 * Quick templates for the counter: one amount, and the accounts a store uses for
 * each everyday movement. A template only fills postings; the same checks as the
 * free form apply to what it makes.
 */
import type { Posting } from '../../src/core/types.ts';

export type TemplateId = 'cash-sale' | 'card-sale' | 'refund' | 'cash-in' | 'cash-out' | 'expense';

export interface Template {
  id: TemplateId;
  label: string;
  /** What it does, in a store's words. */
  hint: string;
  /** Debit account, credit account. */
  debit: string;
  credit: string;
}

export const ACCOUNTS = {
  cash: 'Assets:Cash',
  card: 'Assets:Card-Clearing',
  bank: 'Assets:Bank',
  sales: 'Income:Sales',
} as const;

/** Expense accounts the expense template offers. */
export const EXPENSE_ACCOUNTS = ['Expenses:Supplies', 'Expenses:Cleaning', 'Expenses:Repairs', 'Expenses:Other'] as const;

export const TEMPLATES: readonly Template[] = [
  { id: 'cash-sale', label: 'Cash sale', hint: 'Cash into the drawer for goods sold', debit: ACCOUNTS.cash, credit: ACCOUNTS.sales },
  { id: 'card-sale', label: 'Card sale', hint: 'A card payment for goods sold', debit: ACCOUNTS.card, credit: ACCOUNTS.sales },
  { id: 'refund', label: 'Refund', hint: 'Money back to a customer, in cash', debit: ACCOUNTS.sales, credit: ACCOUNTS.cash },
  { id: 'cash-in', label: 'Cash in', hint: 'Cash put into the drawer from the bank', debit: ACCOUNTS.cash, credit: ACCOUNTS.bank },
  { id: 'cash-out', label: 'Cash out', hint: 'Cash taken from the drawer to the bank', debit: ACCOUNTS.bank, credit: ACCOUNTS.cash },
  { id: 'expense', label: 'Expense', hint: 'Paid from the drawer', debit: EXPENSE_ACCOUNTS[0], credit: ACCOUNTS.cash },
];

/** The template with this id. */
export function templateOf(id: TemplateId): Template {
  return TEMPLATES.find((t) => t.id === id)!;
}

/**
 * The postings of `template` for `minor` (> 0) minor units. `debitAccount` replaces
 * the template's debit account (the expense category).
 */
export function templatePostings(template: Template, minor: number, debitAccount?: string): Posting[] {
  return [
    { account: debitAccount ?? template.debit, amount: minor },
    { account: template.credit, amount: -minor },
  ];
}
