import type { ComponentChildren } from 'preact';
import { downloadCsv, toCsv, type CsvValue } from './csv.js';
import { SortHeader, type RunSearch } from './run-search.js';

/** One column as data: its header, how a row shows in it, and the value it puts in the CSV. */
export interface Column<T> {
  header: string;
  /** Right-aligned, tabular figures. */
  num?: boolean;
  /** What the cell shows; default the CSV value as text. */
  cell?: (row: T) => ComponentChildren;
  /** The CSV value (full precision, no formatting); columns without one (buttons) stay out of the file. */
  csv?: (row: T) => CsvValue;
  /** Extra class of the cell. */
  cls?: (row: T) => string;
  /** A value that can be long (ids, reasons, tags): one line, cut with an ellipsis, the whole value in a tooltip. */
  long?: boolean;
  /** Never wraps (dates and times, short codes). */
  nowrap?: boolean;
  /** The search field this column sorts by (metrics.wape, attributes.trained_at) when the table is searched. */
  sortKey?: string;
}

export interface DataTableProps<T> {
  columns: readonly Column<T>[];
  rows: readonly T[];
  testId: string;
  /** Download name without extension, e.g. "runs" -> runs.csv. */
  csvName: string;
  /** A stable key of a row (also its test id suffix). */
  rowKey: (row: T) => string;
  /** Makes rows focusable and activated by click, Enter or Space (e.g. to select one). */
  onActivate?: (row: T) => void;
  selected?: string | null;
  /** Test id prefix of a row (default `${testId}-row`): `${rowTestId}-${rowKey}`. */
  rowTestId?: string;
  /** A run search: columns with a `sortKey` sort it from their header. */
  search?: RunSearch;
}

/** A long value on one line, cut with an ellipsis; the whole value in its tooltip. */
export function Trunc({ text, testId, children }: { text: string; testId?: string; children?: ComponentChildren }) {
  return (
    <span class="trunc" title={text} data-testid={testId}>
      {children ?? text}
    </span>
  );
}

/** What a cell shows: its own rendering, else its CSV value as text (cut with a tooltip when the column is `long`). */
function cellOf<T>(c: Column<T>, r: T): ComponentChildren {
  if (c.cell) return c.long ? <Trunc text={String(c.csv?.(r) ?? '')}>{c.cell(r)}</Trunc> : c.cell(r);
  const text = String(c.csv?.(r) ?? '');
  return c.long ? <Trunc text={text} /> : text;
}

/** The rows of a table as CSV text, from the columns' csv values. */
export function tableCsv<T>(columns: readonly Column<T>[], rows: readonly T[]): string {
  const cols = columns.filter((c) => c.csv);
  return toCsv(cols.map((c) => c.header), rows.map((r) => cols.map((c) => c.csv!(r))));
}

/** A "CSV" button that downloads `rows` through `columns`. */
export function CsvButton<T>({ columns, rows, name, testId }: { columns: readonly Column<T>[]; rows: readonly T[]; name: string; testId: string }) {
  return (
    <button type="button" class="secondary small" data-testid={testId} disabled={rows.length === 0} onClick={() => downloadCsv(`${name}.csv`, tableCsv(columns, rows))} aria-label={`download ${name} as CSV`}>
      CSV
    </button>
  );
}

/**
 * A table declared as columns: renders the rows, offers them as CSV, and
 * with `onActivate` makes each row a keyboard target (Tab to it, Enter or
 * Space to activate it), as a mouse click does.
 */
export function DataTable<T>({ columns, rows, testId, csvName, rowKey, onActivate, selected, rowTestId, search }: DataTableProps<T>) {
  const key = (e: KeyboardEvent, r: T) => {
    // keys meant for a control inside the row (a checkbox, a link) stay with it
    if (e.target !== e.currentTarget || (e.key !== 'Enter' && e.key !== ' ')) return;
    e.preventDefault();
    onActivate?.(r);
  };
  return (
    <div class="table-wrap">
      <div class="table-tools">
        <CsvButton columns={columns} rows={rows} name={csvName} testId={`${testId}-csv`} />
      </div>
      {/* focusable and named: a table wider than its panel scrolls, and a keyboard user must be able to scroll it (axe scrollable-region-focusable) */}
      <div class="table-scroll" tabIndex={0} role="region" aria-label={`${csvName} table`}>
      <table data-testid={testId}>
        <thead>
          <tr>
            {columns.map((c) =>
              search && c.sortKey ? <SortHeader search={search} field={c.sortKey} label={c.header} num={c.num} /> : <th class={c.num ? 'num' : ''}>{c.header}</th>,
            )}
          </tr>
        </thead>
        <tbody>
          {rows.map((r) => {
            const k = rowKey(r);
            return (
              <tr
                key={k}
                data-testid={`${rowTestId ?? `${testId}-row`}-${k}`}
                class={`${onActivate ? 'clickable' : ''} ${k === selected ? 'selected' : ''}`}
                tabIndex={onActivate ? 0 : undefined}
                aria-selected={onActivate ? k === selected : undefined}
                onClick={onActivate ? () => onActivate(r) : undefined}
                onKeyDown={onActivate ? (e) => key(e, r) : undefined}
              >
                {columns.map((c) => (
                  <td class={`${c.num ? 'num' : ''} ${c.nowrap ? 'nowrap' : ''} ${c.cls?.(r) ?? ''}`}>{cellOf(c, r)}</td>
                ))}
              </tr>
            );
          })}
        </tbody>
      </table>
      </div>
    </div>
  );
}
