/**
 * CSV that opens cleanly in Excel: RFC 4180 quoting, CRLF line ends, an optional UTF-8 byte order
 * mark (Excel needs it to read UTF-8), and formula injection neutralised: a text cell that a
 * spreadsheet would run as a formula (= + - @, tab or CR first) gets a leading single quote.
 */
import type { Cell, Column } from './evidenceTable.js';

export const CSV_BOM = '\uFEFF';
const CRLF = '\r\n';

/** Formula starters, also behind earlier quotes, so that restoreFormula can undo the escape exactly. */
const FORMULA_START = /^'*[=+\-@\t\r]/;

export function neutralizeFormula(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/** The inverse of neutralizeFormula, for readers that want the original text back. */
export function restoreFormula(text: string): string {
  return text.startsWith("'") && FORMULA_START.test(text.slice(1)) ? text.slice(1) : text;
}

export function csvField(value: Cell): string {
  if (value === null || value === undefined) return '';
  // Numbers and booleans are ours, never user text; only strings can carry a formula.
  const text = typeof value === 'string' ? neutralizeFormula(value) : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export function csvRecord(values: Cell[]): string {
  return `${values.map(csvField).join(',')}${CRLF}`;
}

/** Header then one record per row, each piece a whole line. */
export async function* csvLines<T>(
  columns: Column<T>[],
  rows: AsyncIterable<T>,
  options: { bom?: boolean } = {},
): AsyncGenerator<string> {
  yield `${options.bom === false ? '' : CSV_BOM}${csvRecord(columns.map((c) => c.name))}`;
  for await (const row of rows) yield csvRecord(columns.map((c) => c.value(row)));
}
