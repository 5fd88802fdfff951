/**
 * The export formats the read API serves (/api/books/:book/export.<format>), each a
 * pure writer from src/query over the book's query store, with the check the border
 * runs first (a period of the wrong shape is a 400, not an empty file).
 */
import type { Refusal } from '../core/result.ts';
import { exportBeancount } from '../query/export-beancount.ts';
import { exportCsv } from '../query/export-csv.ts';
import { exportHledger } from '../query/export-hledger.ts';
import { checkExportOptions, type ExportOptions, type ExportSource } from '../query/export-model.ts';

export interface ExportFormat {
  /** Content type of the answer. */
  type: string;
  /** File name extension for content-disposition. */
  extension: string;
  check(source: ExportSource, opts: ExportOptions): Refusal | undefined;
  write(source: ExportSource, opts: ExportOptions): string;
}

export const exportFormats: Readonly<Record<string, ExportFormat>> = {
  csv: { type: 'text/csv; charset=utf-8', extension: 'csv', check: checkExportOptions, write: exportCsv },
  beancount: { type: 'text/plain; charset=utf-8', extension: 'beancount', check: checkExportOptions, write: exportBeancount },
  hledger: { type: 'text/plain; charset=utf-8', extension: 'journal', check: checkExportOptions, write: exportHledger },
};
