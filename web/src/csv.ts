/**
 * CSV of a dashboard table, made in the browser from the rows the table
 * shows (RFC 4180: comma-separated, CRLF line ends, a field quoted when it
 * holds a comma, a quote, a line break or surrounding spaces, and quotes
 * doubled inside).
 */
import { saveBlob } from './download.js';

/** A cell value as it goes into the file: numbers in full precision, null and undefined empty. */
export type CsvValue = string | number | boolean | null | undefined;

/** A text that a spreadsheet reads as a plain number (so it cannot be a formula, even with a sign). */
const PLAIN_NUMBER = /^[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?$/;
/** First characters that make a spreadsheet evaluate a cell (OWASP CSV injection): = + - @, tab and CR. */
const FORMULA_START = /^[=+\-@\t\r]/;

/**
 * A text cell that would start a formula gets a leading apostrophe, so a
 * dead letter's key or reason such as `=HYPERLINK(...)` opens as text.
 * Numbers are never touched: a negative sale is written -3, and a text that
 * is a plain number (`-3.5`) stays a number too.
 */
export function neutralise(s: string): string {
  return FORMULA_START.test(s) && !PLAIN_NUMBER.test(s) ? `'${s}` : s;
}

/** One field, formula-neutralised when text, quoted when it must be. */
export function csvField(v: CsvValue): string {
  if (v === null || v === undefined) return '';
  const s = typeof v === 'number' ? (Number.isFinite(v) ? String(v) : '') : neutralise(String(v));
  return /[",\r\n]|^\s|\s$/.test(s) ? `"${s.replaceAll('"', '""')}"` : s;
}

/** The whole file: a header line, then one line per row, each line ending in CRLF. */
export function toCsv(header: readonly string[], rows: readonly (readonly CsvValue[])[]): string {
  return [header, ...rows].map((r) => `${r.map(csvField).join(',')}\r\n`).join('');
}

/** Offers `text` as a CSV download named `filename`. */
export function downloadCsv(filename: string, text: string): void {
  saveBlob(new Blob([text], { type: 'text/csv;charset=utf-8' }), filename);
}
